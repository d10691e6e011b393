import type { HistoryEvent } from './history.js';

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What an ExecutionResult is made from; start and stop are milliseconds since the epoch. */
export interface ExecutionResultInit {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startMs: number;
  readonly stopMs: number;
  readonly input: unknown;
  readonly output: unknown;
  readonly error: string | null | undefined;
  readonly cause: string | null | undefined;
  /** Undefined (the default) when the machine records no history. */
  readonly history?: readonly HistoryEvent[];
}

/**
 * The outcome of one execution, shaped like AWS's StartSyncExecution answer (with `input`
 * and `output` as values rather than JSON text). Every field is always set, so results
 * share one shape.
 */
export class ExecutionResult {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate: Date;
  readonly input: unknown;
  /** The execution's output, when SUCCEEDED. */
  readonly output: unknown;
  /** The error name, when not SUCCEEDED (null when a Fail state named none). */
  readonly error: string | null | undefined;
  readonly cause: string | null | undefined;
  /** The execution history at the machine's `history` level; undefined when it is OFF. */
  readonly history: readonly HistoryEvent[] | undefined;
  constructor(init: ExecutionResultInit) {
    this.executionArn = init.executionArn;
    this.stateMachineArn = init.stateMachineArn;
    this.name = init.name;
    this.status = init.status;
    this.startDate = new Date(init.startMs);
    this.stopDate = new Date(init.stopMs);
    this.input = init.input;
    this.output = init.output;
    this.error = init.error;
    this.cause = init.cause;
    this.history = init.history;
  }
}
