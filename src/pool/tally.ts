/** What became of the pool's executions: how many went which way, and how long they took. */
import type { ExecutionResult, ExecutionStatus } from '../run/result.js';
import { PoolError, type PoolErrorCode } from './errors.js';
import { latencyHistogram, type Histogram } from './latency.js';
import type { Submission } from './submission.js';

export type Counter = 'submitted' | 'started' | 'requeued' | 'rejected' | 'faults' | 'workerErrors' | ExecutionStatus;

export class Tally {
  readonly counts: Record<Counter, number>;
  /** Submission-to-settlement latency of settled executions (µs). */
  readonly latency: Histogram;
  constructor() {
    this.counts = { submitted: 0, started: 0, requeued: 0, rejected: 0, faults: 0, workerErrors: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 };
    this.latency = latencyHistogram();
  }

  /** An `execute` call refused at submission. */
  refuse(code: PoolErrorCode, message: string, cause?: unknown): Promise<never> {
    this.counts.rejected++;
    return Promise.reject(new PoolError(code, message, cause === undefined ? undefined : { cause }));
  }

  /** `now`: performance.now() as the batch settles. A PoolError refuses the execution: it never ran. */
  settle(entry: Submission, result: ExecutionResult | PoolError, now: number): void {
    if (result instanceof PoolError) {
      this.counts.rejected++;
      entry.reject(result);
      return;
    }
    this.counts[result.status]++;
    this.latency.recordValue(Math.max(1, Math.round((now - entry.submittedAt) * 1000)));
    entry.resolve(result);
  }
}
