import type { ExecutionResult } from '../run/result.js';

/** One execution submitted to the pool and not yet settled. */
export class Submission {
  readonly input: unknown;
  /** The name the caller chose, or null for one the engine makes. */
  readonly name: string | null;
  /** performance.now() at submission: the start of its latency. */
  readonly submittedAt: number;
  readonly resolve: (result: ExecutionResult) => void;
  readonly reject: (error: unknown) => void;
  constructor(input: unknown, name: string | null, submittedAt: number, resolve: (result: ExecutionResult) => void, reject: (error: unknown) => void) {
    this.input = input;
    this.name = name;
    this.submittedAt = submittedAt;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** Submission time in ms since the epoch: the start of a result the worker never sent. */
  get submittedMs(): number {
    return performance.timeOrigin + this.submittedAt;
  }
}
