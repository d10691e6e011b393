import type { HistoryEvent, RecordedHistory } from './history.js';

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
  /** Undefined (the default) when the machine records no history; events, or a recorder that builds them when read. */
  readonly history?: readonly HistoryEvent[] | RecordedHistory;
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
  /** The recorded history, its events built when `history` is first read (many results are never asked for theirs). */
  private readonly recorded: readonly HistoryEvent[] | RecordedHistory | undefined;
  private historyEvents: readonly HistoryEvent[] | undefined;
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
    this.recorded = init.history;
    this.historyEvents = undefined;
  }

  /** The execution history at the machine's `history` level; undefined when it is OFF. */
  get history(): readonly HistoryEvent[] | undefined {
    if (this.historyEvents === undefined && this.recorded !== undefined)
      this.historyEvents = 'events' in this.recorded ? this.recorded.events() : this.recorded;
    return this.historyEvents;
  }
}
