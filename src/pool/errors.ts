/**
 * How the pool fails. Two kinds, kept apart on purpose:
 *
 * - `PoolError` (a thrown/rejected Error with a stable `code`): the call itself was refused —
 *   a full queue, a closed pool, an input that cannot be encoded, a bad option. No execution
 *   ran.
 * - `PoolFaults` (error names inside a FAILED result): an execution was submitted and its
 *   worker thread failed under it. The result settles like any failed execution, so callers
 *   handle it where they handle workflow failures.
 */

export const PoolErrorCodes = {
  /** `maxQueue` executions are already waiting; retry after the pool's 'drain' event. */
  QUEUE_FULL: 'ERR_POOL_QUEUE_FULL',
  /** `close()` was called; the pool takes no new work. */
  CLOSED: 'ERR_POOL_CLOSED',
  /** No workflow is registered under that id. */
  UNKNOWN_WORKFLOW: 'ERR_POOL_UNKNOWN_WORKFLOW',
  /** A workflow is already registered under that id. */
  DUPLICATE_WORKFLOW: 'ERR_POOL_DUPLICATE_WORKFLOW',
  /** The input holds something the pool cannot carry to a worker (a function, a symbol, a cycle, a SharedArrayBuffer). */
  INPUT_NOT_ENCODABLE: 'ERR_POOL_INPUT_NOT_ENCODABLE',
  /** An input given as JSON text (`inputJson`) is not valid JSON; no execution ran (AWS: InvalidExecutionInput). */
  INPUT_NOT_JSON: 'ERR_POOL_INPUT_NOT_JSON',
  /** A worker could not import the handlers module or compile the workflow with it. */
  WORKFLOW_LOAD: 'ERR_POOL_WORKFLOW_LOAD',
  /** A load run's task was lost with its worker thread (it crashed, exited or hung). */
  WORKER_LOST: 'ERR_POOL_WORKER_LOST',
  /** An option passed to createPool, register, execute or load is invalid. */
  INVALID_OPTION: 'ERR_POOL_INVALID_OPTION',
} as const;

export type PoolErrorCode = (typeof PoolErrorCodes)[keyof typeof PoolErrorCodes];

export class PoolError extends Error {
  override readonly name = 'PoolError';
  readonly code: PoolErrorCode;
  constructor(code: PoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Error names of FAILED results whose execution was lost with its worker thread. Every
 * execution in flight on that thread settles with one of these; the thread is replaced.
 */
export const PoolFaults = {
  /** The thread threw an uncaught exception, an unhandled rejection, or ran out of memory. */
  WorkerCrashed: 'Pool.WorkerCrashed',
  /** Code on the thread called `process.exit()`. */
  WorkerExited: 'Pool.WorkerExited',
  /** The thread made no progress within the deadline (an endless loop) and was terminated. */
  WorkerHung: 'Pool.WorkerHung',
  /** The execution finished but its result cannot be sent back (a function, a symbol, a cycle, a SharedArrayBuffer). */
  OutputNotEncodable: 'Pool.OutputNotEncodable',
} as const;

export type PoolFault = (typeof PoolFaults)[keyof typeof PoolFaults];

/** An error as it crosses threads: plain data (Error objects lose fields when cloned). */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly code: string | null;
  /** Definition problems, when the error is a DefinitionError raised inside a worker. */
  readonly problems: unknown[] | null;
}

export function errorData(thrown: unknown): ErrorData {
  if (thrown !== null && typeof thrown === 'object') {
    const e = thrown as { name?: unknown; message?: unknown; code?: unknown; problems?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(thrown),
      code: typeof e.code === 'string' ? e.code : null,
      problems: Array.isArray(e.problems) ? e.problems : null,
    };
  }
  return { name: 'Error', message: String(thrown), code: null, problems: null };
}

/** The text of an error for a `cause` field: "Name: message". */
export function describeError(thrown: unknown): string {
  const data = errorData(thrown);
  return data.message === '' ? data.name : `${data.name}: ${data.message}`;
}
