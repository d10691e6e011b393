/**
 * Worker side: the registered workflows this thread has compiled, by registration key.
 * A workflow is compiled once per thread, on the first task that names it, and once more,
 * without the fan-out hook, on the first Map fan-out task this thread runs.
 */
import { workerData } from 'node:worker_threads';
import type { Handlers } from '../../compile/handlers.js';
import type { MapIterations } from '../../run/iterations.js';
import { compile, type CompileOptions, type Machine } from '../../compile/machine.js';
import { realClock, virtualClock } from '../../run/clock.js';
import { defaultLimits, type Limits } from '../../run/limits.js';
import { PoolError, PoolErrorCodes } from '../errors.js';
import { mapHookFor } from './fan-out-client.js';
import type { IterationContext, PoolWorkerData, WireLimits, WorkflowRef, WorkflowSpec } from '../protocol.js';

export class CompiledWorkflow {
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

const compiled = new Map<number, CompiledWorkflow>();
const compiling = new Map<number, Promise<CompiledWorkflow>>();

/** The workflow a task names: compiled already (synchronous), or a promise of it. */
export function workflowFor(ref: WorkflowRef): CompiledWorkflow | Promise<CompiledWorkflow> {
  const ready = compiled.get(ref.key);
  if (ready !== undefined) return ready;
  let pending = compiling.get(ref.key);
  if (pending === undefined) {
    // A failure stays cached: every later task of this registration fails the same way.
    pending = compileWorkflow(ref.key, JSON.parse(ref.spec) as WorkflowSpec).then((workflow) => {
      compiled.set(ref.key, workflow);
      compiling.delete(ref.key);
      return workflow;
    });
    compiling.set(ref.key, pending);
  }
  return pending;
}

async function compileWorkflow(key: number, spec: WorkflowSpec): Promise<CompiledWorkflow> {
  const handlers = spec.handlers === null ? {} : await importHandlers(spec.id, spec.handlers);
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
    throw new PoolError(
      PoolErrorCodes.WORKFLOW_LOAD,
      `workflow '${spec.id}' does not compile ${spec.handlers === null ? 'without handlers' : `with the handlers of ${spec.handlers}`}`,
      {
        cause: thrown,
      },
    );
  }
  return new CompiledWorkflow(spec, machine, options);
}

function limitsOf(wire: WireLimits): Partial<Limits> {
  const limits: Record<string, number> = {};
  for (const [field, value] of Object.entries(wire)) limits[field] = value === 'Infinity' ? Infinity : value;
  return limits as Partial<Limits>;
}

async function importHandlers(id: string, url: string): Promise<Handlers> {
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (thrown) {
    throw new PoolError(PoolErrorCodes.WORKFLOW_LOAD, `workflow '${id}': cannot import handlers module ${url}`, { cause: thrown });
  }
  const handlers = module.handlers;
  if (handlers === null || typeof handlers !== 'object') {
    throw new PoolError(PoolErrorCodes.WORKFLOW_LOAD, `workflow '${id}': module ${url} does not export an object named 'handlers'`);
  }
  return handlers as Handlers;
}
