/**
 * How the cluster fails, kept apart as the pool's failures are (pool/errors.ts):
 *
 * - `ClusterError` (a thrown/rejected Error with a stable `code`): the call was refused and
 *   no execution ran — a full queue, a closed client, an unknown workflow, a bad option.
 * - `ClusterFaults` (error names inside a FAILED result): the execution was submitted and
 *   the cluster lost it (its batch failed in BullMQ for good, or the client closed before
 *   an answer came). The result settles like any failed execution.
 */
export const ClusterErrorCodes = {
  /** `maxQueue` executions are already unsettled; retry after the 'drain' event. */
  QUEUE_FULL: 'ERR_CLUSTER_QUEUE_FULL',
  /** `close()` was called; the client takes no new work. */
  CLOSED: 'ERR_CLUSTER_CLOSED',
  /** No workflow is registered under that id by this client. */
  UNKNOWN_WORKFLOW: 'ERR_CLUSTER_UNKNOWN_WORKFLOW',
  /** A workflow is already registered under that id by this client. */
  DUPLICATE_WORKFLOW: 'ERR_CLUSTER_DUPLICATE_WORKFLOW',
  /** The input holds something msgpack cannot carry (a function, a symbol, a cycle, …). */
  INPUT_NOT_ENCODABLE: 'ERR_CLUSTER_INPUT_NOT_ENCODABLE',
  /** An option of createCluster, register, execute, runMap or load is invalid. */
  INVALID_OPTION: 'ERR_CLUSTER_INVALID_OPTION',
  /** Redis refused or could not be reached for a call that needs it now (register, load). */
  REDIS: 'ERR_CLUSTER_REDIS',
} as const;

export type ClusterErrorCode = (typeof ClusterErrorCodes)[keyof typeof ClusterErrorCodes];

/** The longest delay a Node timer keeps (2^31 − 1 ms): a longer one fires after 1 ms, so options in ms are refused past it. */
export const MAX_TIMER_MS = 2_147_483_647;

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  readonly code: ClusterErrorCode;
  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An option of createCluster() or createClusterWorker() that cannot be used. */
export function invalidOption(message: string): ClusterError {
  return new ClusterError(ClusterErrorCodes.INVALID_OPTION, message);
}

/** Error names of FAILED results the cluster gives an execution it lost. */
export const ClusterFaults = {
  /** BullMQ gave up on the execution's batch (it stalled more often than allowed, or kept failing). */
  BatchFailed: 'Cluster.BatchFailed',
  /** The client closed before the execution's result came back. */
  ClientClosed: 'Cluster.ClientClosed',
  /**
   * The runner thread running the execution's batch made no progress past the execution's
   * time limit (a handler blocking it in a loop) and was terminated; this execution was not
   * the one blocking it, or which one was could not be told.
   */
  RunnerHung: 'Cluster.RunnerHung',
  /** The worker could not run the workflow (its handlers module does not load there, or it does not compile). */
  WorkflowLoad: 'Cluster.WorkflowLoad',
} as const;

export type ClusterFault = (typeof ClusterFaults)[keyof typeof ClusterFaults];
