/**
 * Main side: workflows registered with a pool. Registration checks everything the main
 * thread can check (the definition, the options, where the handlers module is), so that a
 * bad workflow fails at `register` with the usual DefinitionError rather than later inside
 * a worker.
 */
import { DefinitionError } from '../asl/problems.js';
import { validate } from '../compile/validate/validate.js';
import { missingHandlers, statesByName } from '../compile/handlers.js';
import { executionTimeLimit, machineArns } from '../run/arns.js';
import { defaultLimits, type Limits } from '../run/limits.js';
import type { BatchWriter } from './codec.js';
import { invalid } from './checks.js';
import type { WorkflowOptions, WorkflowRef, WorkflowSpec } from './protocol.js';
import type { Submission } from './submission.js';
import { moduleFileUrl } from './module-url.js';
import { firstProblem, limitsProblem, machineNameProblem, optionsShapeProblem } from '../options.js';

export interface RegisterOptions {
  /** The state machine definition (ASL JSON as an object). */
  readonly definition: unknown;
  /**
   * The module exporting `handlers`: a file: URL (string or URL) or an absolute path. Not
   * needed by a workflow none of whose states calls a handler (Pass, Choice, Wait, Succeed, Fail).
   */
  readonly handlers?: string | URL;
  /** Compile options that can cross threads. */
  readonly options?: WorkflowOptions;
  /** Map states (by name) whose iterations fan out across the pool; true for all. Default: the pool's `mapFanOut`. */
  readonly mapFanOut?: boolean | readonly string[];
  /** How long a worker may go without progress on this workflow's work before it is terminated. */
  readonly hangTimeoutMs?: number;
}

/** Beyond its own time limit, how long an execution may stall its thread before the thread counts as hung. */
const HANG_GRACE_MS = 1000;

/** Executions of one workflow waiting to be sent, in one batch. */
export interface FillingBatch {
  readonly writer: BatchWriter;
  readonly entries: Submission[];
}

export class Workflow {
  readonly id: string;
  /** JSON pointers of its Map states, as compile names them: the states `runMap` may name. */
  readonly mapStates: ReadonlySet<string>;
  readonly ref: WorkflowRef;
  readonly stateMachineArn: string;
  readonly executionArnPrefix: string;
  readonly hangTimeoutMs: number;
  /** The batch now filling, or null. */
  filling: FillingBatch | null;
  constructor(id: string, mapStates: ReadonlySet<string>, ref: WorkflowRef, options: WorkflowOptions, hangTimeoutMs: number) {
    this.id = id;
    this.mapStates = mapStates;
    this.ref = ref;
    const arns = machineArns(options, false);
    this.stateMachineArn = arns.stateMachineArn;
    this.executionArnPrefix = arns.executionArnPrefix;
    this.hangTimeoutMs = hangTimeoutMs;
    this.filling = null;
  }
}

export interface RegistryDefaults {
  readonly hangTimeoutMs: number | null;
  readonly mapFanOut: boolean;
  readonly mapFanOutMinItems: number;
}

/** Checks a registration and builds its Workflow; throws DefinitionError or PoolError. */
export function createWorkflow(id: string, registration: RegisterOptions, key: number, defaults: RegistryDefaults): Workflow {
  if (typeof id !== 'string' || id === '') throw invalid('a workflow id must be a non-empty string');
  if (registration === null || typeof registration !== 'object') throw invalid(`register('${id}', …) needs { definition, handlers? }`);
  const shape = firstProblem(
    optionsShapeProblem(registration, REGISTER_OPTIONS),
    optionsShapeProblem(registration.options, WORKFLOW_OPTIONS, 'options.'),
    limitsProblem(registration.options?.limits, 'options.limits'),
  );
  if (shape !== null) throw invalid(`workflow '${id}': option '${shape.option}' ${shape.problem}`);
  const problems = validate(registration.definition);
  if (problems.length > 0) throw new DefinitionError(problems);
  const options = checkOptions(id, registration.options ?? {});
  const mapFanOut = registration.mapFanOut ?? defaults.mapFanOut;
  if (typeof mapFanOut !== 'boolean' && !(Array.isArray(mapFanOut) && mapFanOut.every((n) => typeof n === 'string'))) {
    throw invalid(`workflow '${id}': mapFanOut must be a boolean or an array of Map state names`);
  }
  const spec: WorkflowSpec = {
    id,
    definition: registration.definition,
    handlers: handlersModule(id, registration.handlers, registration.definition, invalid),
    options: { ...options, limits: undefined },
    limits: wireLimits(options.limits ?? {}),
    mapFanOut,
    mapFanOutMinItems: defaults.mapFanOutMinItems,
  };
  const hangTimeoutMs =
    registration.hangTimeoutMs ??
    defaults.hangTimeoutMs ??
    executionTimeLimit(registration.definition, { ...defaultLimits, ...options.limits }) + HANG_GRACE_MS;
  if (!(typeof hangTimeoutMs === 'number' && hangTimeoutMs > 0)) throw invalid(`workflow '${id}': hangTimeoutMs must be a positive number`);
  return new Workflow(id, mapStatePointers(registration.definition), { key, spec: JSON.stringify(spec) }, options, hangTimeoutMs);
}

function mapStatePointers(definition: unknown): Set<string> {
  const pointers = new Set<string>();
  for (const site of statesByName(definition).values()) if (site.type === 'Map') pointers.add(site.pointer);
  return pointers;
}

/**
 * Where the workers import a registration's handlers from: its module's file: URL, or null
 * when none is given, which a workflow whose Tasks all have handlers cannot do: it is refused
 * here with the DefinitionError compile() would throw (ERR_ASL_NO_HANDLER for each such Task).
 * A pool and a cluster refuse a `handlers` that names no module with their own `invalid` error.
 */
export function handlersModule(id: string, handlers: unknown, definition: unknown, invalid: (message: string) => Error): string | null {
  if (handlers === undefined) {
    const missing = missingHandlers(definition, {});
    if (missing.length > 0) throw new DefinitionError(missing);
    return null;
  }
  const url = moduleFileUrl(handlers);
  if (url !== null) return url;
  throw invalid(`workflow '${id}': handlers must be a file: URL or an absolute path to a module exporting 'handlers'`);
}

const REGISTER_OPTIONS: readonly (keyof RegisterOptions)[] = ['definition', 'handlers', 'options', 'mapFanOut', 'hangTimeoutMs'];
const WORKFLOW_OPTIONS: readonly (keyof WorkflowOptions)[] = ['clock', 'limits', 'stateMachineName', 'region', 'accountId', 'roleArn'];

function checkOptions(id: string, options: WorkflowOptions): WorkflowOptions {
  if (options.clock !== undefined && options.clock !== 'real' && options.clock !== 'virtual') {
    throw invalid(`workflow '${id}': options.clock must be 'real' or 'virtual'`);
  }
  for (const field of ['region', 'accountId', 'roleArn'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'string') throw invalid(`workflow '${id}': options.${field} must be a string`);
  }
  const name = machineNameProblem(options.stateMachineName, 'options.stateMachineName');
  if (name !== null) throw invalid(`workflow '${id}': ${name.option} ${name.problem}`);
  const limits = options.limits ?? {};
  for (const [field, value] of Object.entries(limits)) {
    if (!(field in defaultLimits) || typeof value !== 'number' || !(value > 0)) {
      throw invalid(`workflow '${id}': options.limits.${field} must be a positive number`);
    }
  }
  return options;
}

/** Limits as JSON can carry them: Infinity (no limit) as the string 'Infinity'. */
function wireLimits(limits: Partial<Limits>): Record<string, number | 'Infinity'> {
  const wire: Record<string, number | 'Infinity'> = {};
  for (const [field, value] of Object.entries(limits)) wire[field] = value === Infinity ? 'Infinity' : (value as number);
  return wire;
}
