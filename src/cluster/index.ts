/** Executions and Map fan-out over many hosts, on BullMQ and Redis: the public surface. */
export {
  createCluster,
  Cluster,
  type ClusterOptions,
  type ClusterRegisterOptions,
  type ClusterExecuteOptions,
  type ClusterLoadOptions,
  type ClusterMetrics,
} from './client.js';
export { createClusterWorker, ClusterWorker, type ClusterWorkerOptions } from './worker.js';
export { ClusterError, ClusterErrorCodes, ClusterFaults, type ClusterErrorCode, type ClusterFault } from './errors.js';
export type { ClusterConnection } from './redis.js';
