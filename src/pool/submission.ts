import type { ExecutionResult } from '../run/result.js';
import type { InputSnapshot } from './output-patch.js';

/** One execution submitted to the pool and not yet settled. */
export class Submission {
  readonly input: unknown;
  /** The input's top-level keys and values at submission, when its output may come back as a patch. */
  readonly snapshot: InputSnapshot | null;
  /** The name the caller chose, or null for one the engine makes. */
  readonly name: string | null;
  /** performance.now() at submission: the start of its latency. */
  readonly submittedAt: number;
  readonly resolve: (result: ExecutionResult) => void;
  readonly reject: (error: unknown) => void;
  constructor(
    input: unknown,
    snapshot: InputSnapshot | null,
    name: string | null,
    submittedAt: number,
    resolve: (result: ExecutionResult) => void,
    reject: (error: unknown) => void,
  ) {
    this.input = input;
    this.snapshot = snapshot;
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
