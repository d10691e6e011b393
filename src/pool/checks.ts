/** Checks of what callers pass the pool, failing with ERR_POOL_INVALID_OPTION. */
import { firstProblem, integerProblem, optionsShapeProblem, shown, type OptionProblem } from '../options.js';
import { PoolError, PoolErrorCodes } from './errors.js';
import { moduleFileUrl } from './module-url.js';
import type { PoolOptions } from './pool.js';
import type { LoadOptions } from './shards.js';

/** Most threads a pool takes: past it a typo (1e9), not a machine, is the likelier cause. */
export const MAX_THREADS = 1024;

const POOL_OPTIONS: readonly (keyof PoolOptions)[] = [
  'threads',
  'batch',
  'maxBatchBytes',
  'maxQueue',
  'batchesPerWorker',
  'hangTimeoutMs',
  'decoder',
  'resourceLimits',
  'mapFanOut',
  'mapFanOutMinItems',
];

/** Refuses, at createPool(), options that are not an object, keys it does not know, and values of the wrong type or out of range. */
export function checkPoolOptions(options: unknown): void {
  const problem = poolOptionsProblem(options);
  if (problem !== null) throw invalid(`option '${problem.option}' ${problem.problem}`);
}

/** What is wrong with createPool()'s options, or null (the cluster's worker checks its `pool` option with it). */
export function poolOptionsProblem(options: unknown): OptionProblem | null {
  const shape = optionsShapeProblem(options, POOL_OPTIONS);
  if (shape !== null || options === undefined) return shape;
  const o = options as Record<string, unknown>;
  return firstProblem(
    integerProblem(o.threads, 'threads', 1, MAX_THREADS),
    integerProblem(o.batch, 'batch', 1),
    integerProblem(o.maxBatchBytes, 'maxBatchBytes', 1),
    integerProblem(o.maxQueue, 'maxQueue', 1),
    integerProblem(o.batchesPerWorker, 'batchesPerWorker', 1),
    o.hangTimeoutMs === undefined || (typeof o.hangTimeoutMs === 'number' && o.hangTimeoutMs > 0)
      ? null
      : { option: 'hangTimeoutMs', problem: 'must be a positive number of milliseconds' },
    o.mapFanOut === undefined || typeof o.mapFanOut === 'boolean' ? null : { option: 'mapFanOut', problem: 'must be true or false' },
    integerProblem(o.mapFanOutMinItems, 'mapFanOutMinItems', 0),
    resourceLimitsProblem(o.resourceLimits),
  );
}

const RESOURCE_LIMITS = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'];

/** worker_threads' resource limits: Node ignores a misspelt key or a limit that is not a number, so the pool says so. */
function resourceLimitsProblem(limits: unknown): OptionProblem | null {
  if (limits === undefined) return null;
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    return { option: 'resourceLimits', problem: 'must be an object of worker_threads resource limits' };
  }
  const shape = optionsShapeProblem(limits, RESOURCE_LIMITS, 'resourceLimits.');
  if (shape !== null) return shape;
  for (const [key, value] of Object.entries(limits)) {
    if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      return { option: `resourceLimits.${key}`, problem: `must be a positive number of MB, not ${JSON.stringify(value) ?? typeof value}` };
    }
  }
  return null;
}

/** Largest seed a load takes: bench's --seed takes the same range, 0 to 2^32 - 1. */
export const MAX_SEED = 0xffff_ffff;

/** Longest load a thread runs (2^31 - 1 ms, about 24.8 days, as the cluster bounds its times): past it a typo is the likelier cause. */
const MAX_LOAD_MS = 2_147_483_647;

const LOAD_OPTIONS = ['generator', 'generatorExport', 'generatorOptions', 'executionsPerThread', 'durationMs', 'concurrency', 'seed'];

/** A load's bounds and seed as each thread runs them: Infinity for no bound. */
export interface LoadPlan {
  readonly executionsPerThread: number;
  readonly durationMs: number;
  readonly concurrency: number;
  readonly seed: number;
}

/**
 * What is wrong with load()'s options, or null: keys it does not know (`more` are the
 * caller's own, the cluster's `workers`) and numbers a thread cannot run by (-1 or 1.5
 * executions, a NaN or string duration).
 */
function loadOptionsProblem(options: unknown, more: readonly string[]): OptionProblem | null {
  if (options === undefined) return { option: 'options', problem: 'must be an object naming the generator, not undefined' };
  const shape = optionsShapeProblem(options, [...LOAD_OPTIONS, ...more]);
  if (shape !== null) return shape;
  const o = options as Record<string, unknown>;
  return firstProblem(
    integerProblem(o.executionsPerThread, 'executionsPerThread', 1, Number.MAX_SAFE_INTEGER, true),
    o.durationMs === undefined || o.durationMs === Infinity || (typeof o.durationMs === 'number' && o.durationMs > 0 && o.durationMs <= MAX_LOAD_MS)
      ? null
      : { option: 'durationMs', problem: `must be a positive number of milliseconds up to ${MAX_LOAD_MS} (or Infinity), not ${shown(o.durationMs)}` },
    integerProblem(o.concurrency, 'concurrency', 1),
    integerProblem(o.seed, 'seed', 0, MAX_SEED),
  );
}

/** load()'s bounds and seed with their defaults, or what is wrong with them (the caller throws it with its own code). */
export function loadPlan(options: LoadOptions, more: readonly string[] = []): LoadPlan | string {
  const problem = loadOptionsProblem(options, more);
  if (problem !== null) return `option '${problem.option}' ${problem.problem}`;
  const plan = {
    executionsPerThread: options.executionsPerThread ?? Infinity,
    durationMs: options.durationMs ?? Infinity,
    concurrency: options.concurrency ?? 1,
    seed: options.seed ?? 1,
  };
  return plan.executionsPerThread === Infinity && plan.durationMs === Infinity ? 'load needs executionsPerThread or durationMs' : plan;
}

export function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw invalid(`${name} must be a positive integer`);
  return value;
}

/** A module a worker imports, as a file: URL. */
export function moduleUrl(module: string | URL, what: string): string {
  const url = moduleFileUrl(module);
  if (url !== null) return url;
  throw invalid(`${what} must be a file: URL or an absolute path`);
}

export function invalid(message: string): PoolError {
  return new PoolError(PoolErrorCodes.INVALID_OPTION, message);
}
