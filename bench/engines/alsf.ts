/**
 * The peer engine: aws-local-stepfunctions (ALSF), run on the same definitions. ALSF keys
 * local task handlers by state name, so this adapter walks the definition and binds each
 * Task state to the handler its Resource names. Where ALSF has no equivalent of a feature,
 * the adapter does what an ALSF user would do in their override functions, and says so:
 *
 * - `arn:aws:states:::lambda:invoke`: ALSF would call AWS Lambda with the Resource as the
 *   function name. The override calls the handler with `Payload` and wraps its result as
 *   the integration does (`{ Payload, StatusCode, ExecutedVersion }`).
 * - Retry intervals and Wait durations: ALSF has no virtual clock; its documented overrides
 *   set them to 0 ms, the nearest equivalent.
 * - Handlers that read the attempt number get it from a per-execution call counter.
 *
 * Definitions ALSF cannot run (JSONata, a dynamic FunctionName, a Resource without a
 * handler) are reported as unsupported, never timed.
 */
import { outcomeOf, type Outcome } from '../outcome.js';
import type { WorkloadHandler, WorkloadHandlers } from '../../workloads/types.js';
import type { BenchWorkflow } from '../workflow.js';
import { Unsupported, type Subject } from './subject.js';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;

type Override = (input: any) => unknown;
type OverrideFactory = () => Override;

interface StateMachineLike {
  run(input: unknown, options: unknown): { result: Promise<unknown> };
}
interface AlsfModule {
  StateMachine: new (definition: unknown, options?: unknown) => StateMachineLike;
}

/** ALSF 3 calls Promise.withResolvers, which Node 20 lacks; define it (spec behaviour) when missing. */
function ensurePromiseWithResolvers(): void {
  const promiseConstructor = Promise as unknown as { withResolvers?: unknown };
  if (typeof promiseConstructor.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<T>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      return { promise, resolve, reject };
    },
  });
}

let loaded: Promise<AlsfModule | Error> | null = null;

function loadAlsf(): Promise<AlsfModule | Error> {
  ensurePromiseWithResolvers();
  loaded ??= import('aws-local-stepfunctions').then(
    (module) => module as unknown as AlsfModule,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  return loaded;
}

function functionName(nameOrArn: string): string {
  return LAMBDA_ARN.exec(nameOrArn)?.[1] ?? nameOrArn.replace(/:(\$LATEST|[\w-]+)$/, '');
}

function findHandler(handlers: WorkloadHandlers, key: string): WorkloadHandler | undefined {
  if (Object.prototype.hasOwnProperty.call(handlers, key)) return handlers[key];
  const name = functionName(key);
  for (const candidate of Object.keys(handlers)) if (functionName(candidate) === name) return handlers[candidate];
  return undefined;
}

interface Binding {
  readonly overrides: Map<string, OverrideFactory>;
  readonly retryIntervalOverrides: Record<string, number>;
  readonly waitTimeOverrides: Record<string, number>;
  lambdaInvoke: boolean;
}

/** Counts calls per state and input within one execution: the attempt number of a retried call. */
function attemptCounter(): (key: string) => number {
  const calls = new Map<string, number>();
  return function nextAttempt(key) {
    const attempt = (calls.get(key) ?? 0) + 1;
    calls.set(key, attempt);
    return attempt;
  };
}

function bindStates(states: Record<string, any>, handlers: WorkloadHandlers, binding: Binding): string | null {
  for (const name of Object.keys(states)) {
    const state = states[name];
    if (state.Type === 'Wait') binding.waitTimeOverrides[name] = 0;
    if (Array.isArray(state.Retry)) binding.retryIntervalOverrides[name] = 0;
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) {
        const problem = bindStates(branch.States, handlers, binding);
        if (problem !== null) return problem;
      }
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor !== undefined) {
      const problem = bindStates(processor.States, handlers, binding);
      if (problem !== null) return problem;
    }
    if (state.Type !== 'Task') continue;
    if (binding.overrides.has(name)) return `state name '${name}' is used twice (ALSF binds handlers by state name)`;
    const problem = bindTask(name, state, handlers, binding);
    if (problem !== null) return problem;
  }
  return null;
}

function bindTask(name: string, state: Record<string, any>, handlers: WorkloadHandlers, binding: Binding): string | null {
  const retried = Array.isArray(state.Retry);
  let call: (input: any, attempt: number) => unknown;
  if (state.Resource === LAMBDA_INVOKE) {
    const target = state.Parameters?.FunctionName;
    if (typeof target !== 'string') return `state '${name}': lambda:invoke without a constant FunctionName`;
    const handler = findHandler(handlers, target);
    if (handler === undefined) return `state '${name}': no handler for function ${target}`;
    binding.lambdaInvoke = true;
    call = (input, attempt) => {
      const payload = handler(input.Payload, { attempt });
      return { Payload: payload, StatusCode: 200, ExecutedVersion: '$LATEST' };
    };
  } else {
    const handler = findHandler(handlers, String(state.Resource));
    if (handler === undefined) return `state '${name}': no handler for resource ${state.Resource}`;
    call = (input, attempt) => handler(input, { attempt });
  }
  binding.overrides.set(
    name,
    retried
      ? () => {
          const nextAttempt = attemptCounter();
          return (input) => call(input, nextAttempt(JSON.stringify(input)));
        }
      : () => (input) => call(input, 1),
  );
  return null;
}

function usesJsonata(definition: Record<string, unknown>): boolean {
  return JSON.stringify(definition).includes('"JSONata"');
}

function failureOutcome(thrown: unknown): Outcome {
  // ALSF rejects with ExecutionError whose `cause` is the state's error (name, message).
  const inner = thrown instanceof Error && thrown.cause instanceof Error ? thrown.cause : thrown;
  if (inner instanceof Error) return { status: 'FAILED', error: inner.name, cause: inner.message };
  return { status: 'FAILED', error: 'Error', cause: String(inner) };
}

function ignoreFailure(): void {}

export async function alsfSubject(workflow: BenchWorkflow): Promise<Subject | Unsupported> {
  const engine = 'aws-local-stepfunctions';
  if (usesJsonata(workflow.definition)) return new Unsupported(engine, 'no JSONata support');
  const module = await loadAlsf();
  if (module instanceof Error) return new Unsupported(engine, `not installed (${module.message})`);
  const binding: Binding = { overrides: new Map(), retryIntervalOverrides: {}, waitTimeOverrides: {}, lambdaInvoke: false };
  const problem = bindStates(workflow.definition.States as Record<string, any>, workflow.handlers, binding);
  if (problem !== null) return new Unsupported(engine, problem);
  let machine: StateMachineLike;
  try {
    machine = new module.StateMachine(workflow.definition, { validationOptions: { checkPaths: false, checkArn: false } });
  } catch (error) {
    return new Unsupported(engine, `rejects the definition: ${(error as Error).message}`);
  }
  const factories = [...binding.overrides];
  const { retryIntervalOverrides, waitTimeOverrides } = binding;
  function start(input: unknown): Promise<unknown> {
    const taskResourceLocalHandlers: Record<string, Override> = {};
    for (const [state, factory] of factories) taskResourceLocalHandlers[state] = factory();
    return machine.run(input, { overrides: { taskResourceLocalHandlers, retryIntervalOverrides, waitTimeOverrides } }).result;
  }
  const notes = ['ALSF 3, handlers bound by state name, retry/wait intervals overridden to 0 ms'];
  if (binding.lambdaInvoke) notes.push('lambda:invoke emulated in its override handlers');
  return {
    engine,
    note: notes.join('; '),
    // A workflow failure is an answer, not an error of the harness: timing runs ignore it.
    run: (input) => start(input).catch(ignoreFailure),
    outcome: (input) =>
      start(input).then(
        (output) => outcomeOf({ status: 'SUCCEEDED', output }),
        (thrown: unknown) => failureOutcome(thrown),
      ),
    close: () => Promise.resolve(),
  };
}
