/** Something the harness can time: one engine (or the baseline) set up for one workflow. */
import type { Outcome } from '../outcome.js';

export type EngineName = 'baseline' | 'statemill' | 'statemill-pool' | 'statemill-cluster' | 'aws-local-stepfunctions';

export interface Subject {
  readonly engine: EngineName;
  /** What a reader of the results should know about how this engine ran (or null). */
  readonly note: string | null;
  /** Runs one execution; returns a promise only when the engine went asynchronous. */
  run(input: unknown): unknown;
  /** Runs one execution and reports how it ended, in the common shape. */
  outcome(input: unknown): Promise<Outcome>;
  close(): Promise<void>;
}

/** An engine that cannot run a workflow, and why (shown in the tables instead of a number). */
export class Unsupported {
  readonly engine: EngineName;
  readonly reason: string;
  constructor(engine: EngineName, reason: string) {
    this.engine = engine;
    this.reason = reason;
  }
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
