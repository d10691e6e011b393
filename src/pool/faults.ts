/**
 * Why a task was lost with its worker, in the words its executions' FAILED results carry.
 */
import { describeError, PoolFaults, type PoolFault } from './errors.js';

export interface Fault {
  readonly error: PoolFault;
  readonly cause: string;
}

/** piscina's own error for a thread that exited (Piscina 5: "worker exited with code: N"). */
const exitMessage = /^worker exited with code: (-?\d+)$/;

/** A task whose thread died under it, for a reason the pool did not choose. */
export function threadFault(thrown: unknown): Fault {
  const exit = thrown instanceof Error ? exitMessage.exec(thrown.message) : null;
  if (exit !== null) {
    return {
      error: PoolFaults.WorkerExited,
      cause: `The worker thread running this execution exited with code ${exit[1]} (process.exit was called) before it finished.`,
    };
  }
  return { error: PoolFaults.WorkerCrashed, cause: `The worker thread running this execution crashed: ${describeError(thrown)}` };
}

/** A task on a thread the pool terminated because a task on it stopped making progress. */
export function hangFault(hangTimeoutMs: number, own: boolean): Fault {
  return {
    error: PoolFaults.WorkerHung,
    cause: own
      ? `The worker thread running this execution made no progress for ${hangTimeoutMs} ms and was terminated.`
      : `The worker thread running this execution was terminated because other work on it made no progress for ${hangTimeoutMs} ms.`,
  };
}
