/**
 * Worker side: the registered workflows this thread has compiled, by registration key.
 * A workflow is compiled once per thread, on the first task that names it, and once more,
 * without the fan-out hook, on the first Map fan-out task this thread runs.
 */
import { workerData } from 'node:worker_threads';
import type { Handlers } from '../compile/handlers.js';
import type { MapIterations } from '../run/iterations.js';
import { compile, type CompileOptions, type Machine } from '../compile/machine.js';
import { realClock, virtualClock } from '../run/clock.js';
import { defaultLimits, type Limits } from '../run/limits.js';
import { PoolError, PoolErrorCodes } from './errors.js';
import { mapHookFor } from './fan-out-client.js';
import type { IterationContext, PoolWorkerData, WireLimits, WorkflowRef, WorkflowSpec } from './protocol.js';

export class LoadedWorkflow {
  readonly spec: WorkflowSpec;
  readonly machine: Machine;
  /** The workflow's payload limit in bytes (Infinity: none), which JSON text inputs are held to before they are parsed. */
  readonly payloadBytes: number;
  private readonly options: CompileOptions;
  private iterationMachine: Machine | null;
  constructor(spec: WorkflowSpec, machine: Machine, options: CompileOptions) {
    this.spec = spec;
    this.machine = machine;
    this.payloadBytes = options.limits?.payloadBytes ?? defaultLimits.payloadBytes;
    this.options = options;
    this.iterationMachine = null;
  }

  /**
   * Iterations of the Map state at `pointer` for an execution running in some worker, as
   * that execution would run them (machine.iterations()). They come from a second copy of
   * the workflow compiled without the fan-out hook, so a fanned-out iteration never fans
   * out again.
   */
  iterations(pointer: string, parent: IterationContext): MapIterations {
    this.iterationMachine ??= compile(this.spec.definition, this.options);
    return this.iterationMachine.iterations(pointer, parent);
  }
}

const loaded = new Map<number, LoadedWorkflow>();
const loading = new Map<number, Promise<LoadedWorkflow>>();

/** The workflow a task names: compiled already (synchronous), or a promise of it. */
export function workflowFor(ref: WorkflowRef): LoadedWorkflow | Promise<LoadedWorkflow> {
  const ready = loaded.get(ref.key);
  if (ready !== undefined) return ready;
  let pending = loading.get(ref.key);
  if (pending === undefined) {
    // A failure stays cached: every later task of this registration fails the same way.
    pending = load(ref.key, JSON.parse(ref.spec) as WorkflowSpec).then((workflow) => {
      loaded.set(ref.key, workflow);
      loading.delete(ref.key);
      return workflow;
    });
    loading.set(ref.key, pending);
  }
  return pending;
}

async function load(key: number, spec: WorkflowSpec): Promise<LoadedWorkflow> {
  const handlers = await importHandlers(spec);
  const options: CompileOptions = {
    handlers,
    clock: spec.options.clock === 'virtual' ? virtualClock() : realClock,
    limits: limitsOf(spec.limits),
    stateMachineName: spec.options.stateMachineName,
    region: spec.options.region,
    accountId: spec.options.accountId,
    roleArn: spec.options.roleArn,
  };
  // Only the workflow's own Maps fan out; processors compiled from `options` never do.
  const pool = workerData as PoolWorkerData | null;
  const machineOptions: CompileOptions =
    spec.mapFanOut !== false && pool !== null ? { ...options, mapExecutor: mapHookFor(key, spec, pool.threads, pool.decoder) } : options;
  let machine: Machine;
  try {
    machine = compile(spec.definition, machineOptions);
  } catch (thrown) {
    throw new PoolError(PoolErrorCodes.WORKFLOW_LOAD, `workflow '${spec.id}' does not compile with the handlers of ${spec.handlers}`, {
      cause: thrown,
    });
  }
  return new LoadedWorkflow(spec, machine, options);
}

function limitsOf(wire: WireLimits): Partial<Limits> {
  const limits: Record<string, number> = {};
  for (const [field, value] of Object.entries(wire)) limits[field] = value === 'Infinity' ? Infinity : value;
  return limits as Partial<Limits>;
}

async function importHandlers(spec: WorkflowSpec): Promise<Handlers> {
  let module: Record<string, unknown>;
  try {
    module = (await import(spec.handlers)) as Record<string, unknown>;
  } catch (thrown) {
    throw new PoolError(PoolErrorCodes.WORKFLOW_LOAD, `workflow '${spec.id}': cannot import handlers module ${spec.handlers}`, { cause: thrown });
  }
  const handlers = module.handlers;
  if (handlers === null || typeof handlers !== 'object') {
    throw new PoolError(PoolErrorCodes.WORKFLOW_LOAD, `workflow '${spec.id}': module ${spec.handlers} does not export an object named 'handlers'`);
  }
  return handlers as Handlers;
}

/**
 * The processor of the Map state at `pointer` as a stand-alone definition: its StartAt and
 * States, in the query language it inherits. Pointer tokens only ever read own properties.
 */
export function processorDefinition(definition: unknown, pointer: string): Record<string, unknown> {
  let node: unknown = definition;
  let queryLanguage: unknown = ownField(definition, 'QueryLanguage');
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = ownField(node, token);
    const language = ownField(node, 'QueryLanguage');
    if (typeof language === 'string') queryLanguage = language;
  }
  const processor = ownField(node, 'ItemProcessor') ?? ownField(node, 'Iterator');
  if (processor === undefined || ownField(node, 'Type') !== 'Map') {
    throw new PoolError(PoolErrorCodes.INVALID_OPTION, `no Map state at ${pointer}`);
  }
  const states = ownField(processor, 'States');
  const startAt = ownField(processor, 'StartAt');
  const language = ownField(processor, 'QueryLanguage') ?? queryLanguage;
  return language === undefined ? { StartAt: startAt, States: states } : { QueryLanguage: language, StartAt: startAt, States: states };
}

function ownField(node: unknown, key: string): unknown {
  if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
  return (node as Record<string, unknown>)[key];
}
