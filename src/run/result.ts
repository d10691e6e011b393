import type { HistoryEvent } from './history.js';

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

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
  constructor(
    executionArn: string,
    stateMachineArn: string,
    name: string,
    status: ExecutionStatus,
    startMs: number,
    stopMs: number,
    input: unknown,
    output: unknown,
    error: string | null | undefined,
    cause: string | null | undefined,
    history: readonly HistoryEvent[] | undefined = undefined,
  ) {
    this.executionArn = executionArn;
    this.stateMachineArn = stateMachineArn;
    this.name = name;
    this.status = status;
    this.startDate = new Date(startMs);
    this.stopDate = new Date(stopMs);
    this.input = input;
    this.output = output;
    this.error = error;
    this.cause = cause;
    this.history = history;
  }
}
