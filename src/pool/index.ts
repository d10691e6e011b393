/** statemill's worker pool: the public surface. */
export { createPool, Pool, type PoolExecuteOptions, type PoolMetrics, type PoolOptions } from './pool.js';
export type { LoadOptions, LoadResult } from './shards.js';
export type { RegisterOptions } from './registry.js';
export type { WorkflowOptions } from './protocol.js';
export type { MapFanOutRequest, MapFanOutResult, MapIterationFailure } from './fan-out-plan.js';
export type { DecoderEntry } from './codec.js';
export type { LatencySummary } from './latency.js';
export { PoolError, PoolErrorCodes, PoolFaults, type PoolErrorCode, type PoolFault } from './errors.js';
