import { DefinitionError, ProblemCodes, pointerTo, type Problem } from '../asl/problems.js';
import { HandlerIndex, LAMBDA_FALLBACK, LAMBDA_INVOKE, RAW_RESULT_STATES, type Handler, type Handlers, type TaskContext } from '../compile/handlers.js';
import { AslError, StatesErrors } from '../run/errors.js';
import { MockConfigError, MockErrorCodes, outcomeOf, planTestCase, type MockedResponsePlan, type TestCasePlan } from './config.js';
import { statesByName } from './task-states.js';

export interface MockOptions {
  /** The test case to run, a key of `StateMachines.<name>.TestCases`. */
  testCase: string;
  /** The state machine in the configuration; needed only when it configures several. */
  stateMachine?: string;
  /**
   * Handlers for the Task states the test case does not mock (Step Functions Local calls the
   * real service for those). Passed through unchanged.
   */
  handlers?: Handlers;
}

/** Mocked responses are whole service responses, so mock handlers answer their states raw. */
export { RAW_RESULT_STATES };

export interface RawResultHandler extends Handler {
  readonly [RAW_RESULT_STATES]: ReadonlySet<string>;
}

/** Executions whose invocation counts are kept; older ones are forgotten first. */
const REMEMBERED_EXECUTIONS = 1024;

/** Invocation counts per execution and state: each execution starts every state at invocation 0. */
class InvocationCounter {
  private readonly executions = new Map<string, Map<string, number>>();
  next(executionId: string, stateName: string): number {
    let counts = this.executions.get(executionId);
    if (counts === undefined) {
      counts = new Map();
      this.executions.set(executionId, counts);
      if (this.executions.size > REMEMBERED_EXECUTIONS) this.executions.delete(this.executions.keys().next().value!);
    }
    const invocation = counts.get(stateName) ?? 0;
    counts.set(stateName, invocation + 1);
    return invocation;
  }
}

/**
 * Handlers that answer a Step Functions Local test case: each mocked Task state returns or
 * throws what its mocked response says for its n-th invocation in the execution (retries
 * count as invocations). States the test case does not mock use `options.handlers`.
 * Throws MockConfigError when the configuration cannot serve the test case, and a
 * DefinitionError (ERR_ASL_NO_HANDLER) when an unmocked state shares a Resource with a
 * mocked one and has no handler of its own.
 */
export function mockHandlers(definition: unknown, config: unknown, options: MockOptions): Handlers {
  const plan = planTestCase(config, options.testCase, options.stateMachine);
  const states = statesByName(definition);
  const base: Handlers = options.handlers ?? {};
  const byResource = mockedStatesByResource(plan, states);

  const handlers: Record<string, Handler> = {};
  for (const key of Object.keys(base)) defineHandler(handlers, key, base[key]!);
  // Functions with neither a handler nor a mock still reach the caller's Lambda resolver.
  if (LAMBDA_FALLBACK in base) Object.defineProperty(handlers, LAMBDA_FALLBACK, { value: (base as { [LAMBDA_FALLBACK]?: unknown })[LAMBDA_FALLBACK], enumerable: true });

  const baseIndex = new HandlerIndex(base);
  const counter = new InvocationCounter();
  const problems: Problem[] = [];
  for (const [resource, mocked] of byResource) {
    const fallback = baseIndex.resource(resource) ?? null;
    // Unmocked lambda:invoke states never reach this handler: the engine finds theirs by FunctionName.
    if (fallback === null && !isLambdaInvoke(resource)) {
      for (const [name, site] of states) {
        if (site.resource === resource && !mocked.has(name)) problems.push(unmockedWithoutHandler(name, resource, site.pointer, plan));
      }
    }
    defineHandler(handlers, resource, mockedTask(mocked, fallback, counter));
  }
  if (problems.length > 0) throw new DefinitionError(problems);
  return handlers;
}

function isLambdaInvoke(resource: string): boolean {
  return resource === LAMBDA_INVOKE || resource.startsWith(LAMBDA_INVOKE + ':') || resource.startsWith(LAMBDA_INVOKE + '.');
}

/** Own data property, even for a key such as "__proto__". */
function defineHandler(handlers: Record<string, Handler>, key: string, handler: Handler): void {
  Object.defineProperty(handlers, key, { value: handler, enumerable: true, writable: true, configurable: true });
}

function mockedStatesByResource(plan: TestCasePlan, states: ReadonlyMap<string, { type: unknown; resource: string | null }>) {
  const byResource = new Map<string, Map<string, MockedResponsePlan>>();
  for (const [name, response] of plan.states) {
    const site = states.get(name);
    const pointer = plan.pointers.get(name)!;
    if (site === undefined) {
      throw new MockConfigError(MockErrorCodes.UNKNOWN_STATE, pointer, `test case '${plan.testCase}' mocks state '${name}', which the definition does not have`);
    }
    if (site.resource === null) {
      throw new MockConfigError(MockErrorCodes.NOT_A_TASK, pointer, `test case '${plan.testCase}' mocks state '${name}', a ${String(site.type)} state; only Task states can be mocked`);
    }
    let group = byResource.get(site.resource);
    if (group === undefined) byResource.set(site.resource, (group = new Map()));
    group.set(name, response);
  }
  return byResource;
}

function unmockedWithoutHandler(name: string, resource: string, statePointer: string, plan: TestCasePlan): Problem {
  return {
    code: ProblemCodes.NO_HANDLER,
    pointer: pointerTo(statePointer, 'Resource'),
    message:
      `state '${name}' uses Resource '${resource}' like a state that test case '${plan.testCase}' mocks, but is not mocked itself ` +
      `and has no handler; mock it in the test case or pass a handler for '${resource}'`,
  };
}

/** The handler for one Resource: mocked states answer from their responses, the others go to the fallback. */
function mockedTask(mocked: ReadonlyMap<string, MockedResponsePlan>, fallback: Handler | null, counter: InvocationCounter): RawResultHandler {
  function runMockedTask(input: unknown, ctx: TaskContext): unknown {
    const context = ctx.context as { Execution: { Id: string }; State: { Name: string } };
    const stateName = context.State.Name;
    const response = mocked.get(stateName);
    if (response === undefined) return fallback!(input, ctx);
    const invocation = counter.next(context.Execution.Id, stateName);
    const outcome = outcomeOf(response, invocation);
    if (outcome === null) {
      throw new AslError(
        StatesErrors.Runtime,
        `The mocked response '${response.name}' for state '${stateName}' defines invocations 0-${response.ranges.at(-1)!.last}, ` +
          `but this is invocation ${invocation}; add a response for it to the mock configuration.`,
      );
    }
    if (outcome.error !== undefined) throw new AslError(outcome.error, outcome.cause);
    // A fresh copy each time: later states may change the value they are given.
    return structuredClone(outcome.returns);
  }
  return Object.assign(runMockedTask, { [RAW_RESULT_STATES]: new Set(mocked.keys()) as ReadonlySet<string> });
}
