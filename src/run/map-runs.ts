import { randomUUID } from 'node:crypto';
import { childExecutionOf, type Execution, type Frame } from './frame.js';
import { HistoryRecorder, type HistoryEvent, type RecordedHistory } from './history.js';

/**
 * Map runs: each time a Distributed Map state runs (ProcessorConfig Mode DISTRIBUTED), AWS
 * makes a Map Run resource, `arn:…:mapRun:<machine>/<label>:<uuid>`, whose child executions
 * (`arn:…:execution:<machine>/<label>:<uuid>`, one per item or batch) run the iterations. The
 * parent's history shows MapRunStarted and MapRunSucceeded/Failed in place of the iterations'
 * events. The engine makes a MapRun for every such Map whose execution records a history or
 * has a host (the service, through CompileOptions.mapRuns), which keeps it for DescribeMapRun,
 * ListMapRuns, UpdateMapRun and the child executions, and may change its concurrency and
 * tolerance while it runs.
 */

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
export type ChildStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** Keeps the map runs an execution starts (the service); the engine calls it as each one starts. */
export interface MapRunHost {
  mapRunStarted(run: MapRun): void;
  /** A map run kept before a restart, by ARN: a parked Distributed Map resumes counting in it. */
  mapRunRestored?(arn: string): MapRun | undefined;
}

/** The failures a count and a percentage of `total` allow together; -1 when neither is set. */
export function allowedFailures(count: number | null, percentage: number | null, total: number): number {
  if (count === null && percentage === null) return -1;
  let allowed = Infinity;
  if (count !== null) allowed = count;
  if (percentage !== null) allowed = Math.min(allowed, percentOf(percentage, total));
  return allowed;
}

/**
 * ⌊percentage × total / 100⌋, exactly: the percentage as the decimal written in the
 * definition or input, not its binary approximation (29% of 100 is 29 failures, where
 * floating point makes it 28.999…).
 */
export function percentOf(percentage: number, total: number): number {
  if (Number.isInteger(percentage)) {
    const scaled = percentage * total;
    return (scaled - (scaled % 100)) / 100;
  }
  // The shortest decimal that reads back as the number: what JSON text gave.
  const decimal = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(percentage))!;
  const fraction = decimal[2] ?? '';
  const exponent = Number(decimal[3] ?? 0) - fraction.length;
  const digits = BigInt(decimal[1]! + fraction) * BigInt(total);
  if (exponent >= 0) return Number((digits * 10n ** BigInt(exponent)) / 100n);
  return Number(digits / (100n * 10n ** BigInt(-exponent)));
}

/** `arn:…:stateMachine:<machine>` of the execution, as `arn:…:<kind>:<machine>/<label>` (the child machine's or a map run's prefix). */
export function mapRunResource(exec: Execution, kind: string, label: string): string {
  const machineArn = exec.stateMachineId;
  const at = machineArn.indexOf(':stateMachine:');
  const machine = machineArn.slice(at + ':stateMachine:'.length).split(':')[0];
  return `${machineArn.slice(0, at)}:${kind}:${machine}/${label}`;
}

/**
 * One child execution of a map run, named by the StopSignal its threads run under (run/frame.ts),
 * so the parent's recorder hands their events to the child's own history (null: none recorded).
 * A map run restored after a restart is not kept: its children have no run, and no history.
 */
export class ChildExecution {
  readonly run: MapRun | null;
  readonly index: number;
  readonly history: HistoryRecorder | null;
  constructor(run: MapRun | null, index: number, history: HistoryRecorder | null) {
    this.run = run;
    this.index = index;
    this.history = history;
  }
}

/**
 * What a map run is, as plain data: what a store keeps of it (NaN times as null). A child's
 * result is its output (SUCCEEDED) or `{ Error, Cause }` (FAILED); `childEvents` its history.
 */
export interface MapRunRecord {
  readonly id: string;
  readonly arn: string;
  readonly executionArn: string;
  readonly childMachineArn: string;
  readonly standardChildren: boolean;
  readonly batched: boolean;
  readonly roleArn: string;
  /** The ItemProcessor's JSON text: the child executions' definition. */
  readonly definition: string;
  readonly inputs: readonly unknown[];
  readonly startMs: number;
  readonly stopMs: number | null;
  readonly status: MapRunStatus;
  readonly error: string | null;
  readonly cause: string | null;
  readonly maxConcurrency: number;
  readonly toleratedFailureCount: number | null;
  readonly toleratedFailurePercentage: number | null;
  readonly childStatus: readonly ChildStatus[];
  readonly childStartMs: readonly (number | null)[];
  readonly childStopMs: readonly (number | null)[];
  readonly childResults: readonly unknown[];
  readonly childEvents: readonly (readonly HistoryEvent[] | null)[];
  /** Redrives of its parent that ran it again (absent in records written before redrives: none), and when the last did. */
  readonly redriveCount?: number;
  readonly redriveMs?: number | null;
}

/** A child's history as a store gave it back: its timestamps Dates again (JSON wrote them as text). */
function readBack(events: readonly HistoryEvent[]): RecordedHistory {
  const revived = events.map((e) => (e.timestamp instanceof Date ? e : { ...e, timestamp: new Date(e.timestamp as unknown as string) }));
  return { events: () => revived.slice() };
}

/** One Map Run: its settings (UpdateMapRun may change them while it runs) and its child executions. */
export class MapRun {
  readonly id: string;
  readonly arn: string;
  readonly executionArn: string;
  /** The child executions' machine: `arn:…:stateMachine:<machine>/<label>`. */
  readonly childMachineArn: string;
  readonly standardChildren: boolean;
  /** ItemBatcher: each child's input is a batch `{ Items: […] }` of items, not one item. */
  readonly batched: boolean;
  private readonly roleArn: string;
  /** The ItemProcessor's JSON text: the child executions' definition. */
  readonly definition: string;
  /** Each child execution's input, in item order. */
  readonly inputs: readonly unknown[];
  readonly startMs: number;
  stopMs: number;
  status: MapRunStatus;
  error: string | undefined;
  cause: string | undefined;
  maxConcurrency: number;
  toleratedFailureCount: number | null;
  toleratedFailurePercentage: number | null;
  /** Failed children tolerated; -1 when the first failure fails the map run. */
  allowed: number;
  readonly childStatus: ChildStatus[];
  readonly childStartMs: number[];
  readonly childStopMs: number[];
  /** A child's output (SUCCEEDED) or `{ Error, Cause }` (FAILED). */
  readonly childResults: unknown[];
  /** Each started child's history when the parent records one: being recorded, or read back from a store. */
  readonly childHistories: (RecordedHistory | null)[];
  /** Called after UpdateMapRun: the iterations start more if the concurrency now allows it. */
  onUpdate: (() => void) | null;
  /** Redrives of its parent that ran it again, and when the last did (NaN: none). */
  redriveCount: number;
  redriveMs: number;

  /** A map run as `record` says (one starting, or one read back from a store). */
  constructor(record: MapRunRecord) {
    this.id = record.id;
    this.arn = record.arn;
    this.executionArn = record.executionArn;
    this.childMachineArn = record.childMachineArn;
    this.standardChildren = record.standardChildren;
    this.batched = record.batched;
    this.roleArn = record.roleArn;
    this.definition = record.definition;
    this.inputs = record.inputs;
    this.startMs = record.startMs;
    this.stopMs = record.stopMs ?? NaN;
    this.status = record.status;
    this.error = record.error ?? undefined;
    this.cause = record.cause ?? undefined;
    this.maxConcurrency = record.maxConcurrency;
    this.toleratedFailureCount = record.toleratedFailureCount;
    this.toleratedFailurePercentage = record.toleratedFailurePercentage;
    this.allowed = allowedFailures(record.toleratedFailureCount, record.toleratedFailurePercentage, this.itemCount());
    this.childStatus = record.childStatus.slice();
    this.childStartMs = record.childStartMs.map((ms) => ms ?? NaN);
    this.childStopMs = record.childStopMs.map((ms) => ms ?? NaN);
    this.childResults = record.childResults.slice();
    this.childHistories = record.childEvents.map((events) => (events === null ? null : readBack(events)));
    this.onUpdate = null;
    this.redriveCount = record.redriveCount ?? 0;
    this.redriveMs = record.redriveMs ?? NaN;
  }

  /** The map run a Distributed Map starts at `frame` over `inputs`; `host` (null: none) keeps it. */
  static start(
    frame: Frame,
    label: string,
    definition: string,
    inputs: readonly unknown[],
    maxConcurrency: number,
    count: number | null,
    percentage: number | null,
    standardChildren: boolean,
    batched: boolean,
    host: MapRunHost | null,
  ): MapRun {
    const exec = frame.exec;
    // A Distributed Map inside a child execution starts a map run of that child's.
    const child = childExecutionOf(frame.stop);
    const id = randomUUID();
    const n = inputs.length;
    const run = new MapRun({
      id,
      arn: `${mapRunResource(exec, 'mapRun', label)}:${id}`,
      executionArn: child !== null && child.run !== null ? child.run.childArn(child.index) : exec.id,
      childMachineArn: mapRunResource(exec, 'stateMachine', label),
      standardChildren,
      batched,
      roleArn: exec.roleArn,
      definition,
      inputs,
      startMs: exec.clock.now(),
      stopMs: null,
      status: 'RUNNING',
      error: null,
      cause: null,
      maxConcurrency,
      toleratedFailureCount: count,
      toleratedFailurePercentage: percentage,
      childStatus: new Array<ChildStatus>(n).fill('PENDING'),
      childStartMs: new Array<null>(n).fill(null),
      childStopMs: new Array<null>(n).fill(null),
      childResults: new Array<unknown>(n),
      childEvents: [],
    });
    host?.mapRunStarted(run);
    return run;
  }

  /** The map run as plain data, for a store. */
  record(): MapRunRecord {
    const time = (ms: number) => (Number.isNaN(ms) ? null : ms);
    return {
      id: this.id,
      arn: this.arn,
      executionArn: this.executionArn,
      childMachineArn: this.childMachineArn,
      standardChildren: this.standardChildren,
      batched: this.batched,
      roleArn: this.roleArn,
      definition: this.definition,
      inputs: this.inputs,
      startMs: this.startMs,
      stopMs: time(this.stopMs),
      status: this.status,
      error: this.error ?? null,
      cause: this.cause ?? null,
      maxConcurrency: this.maxConcurrency,
      toleratedFailureCount: this.toleratedFailureCount,
      toleratedFailurePercentage: this.toleratedFailurePercentage,
      childStatus: this.childStatus,
      childStartMs: this.childStartMs.map(time),
      childStopMs: this.childStopMs.map(time),
      childResults: this.childResults,
      childEvents: Array.from(this.childStatus, (_status, i) => this.childHistories[i]?.events() ?? null),
      redriveCount: this.redriveCount,
      redriveMs: time(this.redriveMs),
    };
  }

  /** Items in child `index`'s input: one, or a batch's. */
  itemsOf(index: number): number {
    if (!this.batched) return 1;
    const items = (this.inputs[index] as { Items?: unknown } | null)?.Items;
    return Array.isArray(items) ? items.length : 1;
  }

  /** Items over all children: what a tolerated percentage is of. */
  private itemCount(): number {
    let total = 0;
    for (let i = 0; i < this.inputs.length; i++) total += this.itemsOf(i);
    return total;
  }

  /** The child execution of item (or batch) `index`: its ARN ends with the map run's UUID and the index. */
  childArn(index: number): string {
    return `${this.arn.replace(':mapRun:', ':execution:')}:${index}`;
  }

  /** Child `index` starts; `history` (null: none recorded) gets its ExecutionStarted. */
  childStarted(index: number, ms: number, history: HistoryRecorder | null): void {
    this.childStatus[index] = 'RUNNING';
    this.childStartMs[index] = ms;
    if (history === null) return;
    this.childHistories[index] = history;
    history.executionStarted(this.inputs[index], this.roleArn);
  }

  childEnded(index: number, status: 'SUCCEEDED' | 'FAILED' | 'ABORTED', result: unknown, ms: number): void {
    if (this.childStatus[index] !== 'RUNNING') return;
    this.childStatus[index] = status;
    this.childResults[index] = result;
    this.childStopMs[index] = ms;
    const history = this.childHistories[index];
    // A child read back from a store records no more events.
    if (!(history instanceof HistoryRecorder)) return;
    if (status === 'SUCCEEDED') history.executionSucceeded(result);
    else if (status === 'ABORTED') history.executionEnded('ExecutionAborted', null, null);
    else {
      const failure = result as { Error?: string | null; Cause?: string | null } | undefined;
      history.executionEnded('ExecutionFailed', failure?.Error, failure?.Cause);
    }
  }

  /** The map run ended: children still running end ABORTED. */
  ended(status: 'SUCCEEDED' | 'FAILED' | 'ABORTED', ms: number, error?: string, cause?: string): void {
    if (this.status !== 'RUNNING') return;
    this.status = status;
    this.stopMs = ms;
    this.error = error;
    this.cause = cause;
    for (let i = 0; i < this.childStatus.length; i++) if (this.childStatus[i] === 'RUNNING') this.childEnded(i, 'ABORTED', undefined, ms);
    this.onUpdate = null;
  }

  /** Its parent was redriven at `ms`: it runs again, its unsuccessful children started anew (run/redrive-threads.ts). */
  redriven(ms: number): void {
    this.status = 'RUNNING';
    this.stopMs = NaN;
    this.error = undefined;
    this.cause = undefined;
    this.redriveCount++;
    this.redriveMs = ms;
  }

  /** UpdateMapRun: new settings for the children not started yet. */
  update(maxConcurrency: number | undefined, count: number | undefined, percentage: number | undefined): void {
    if (maxConcurrency !== undefined) this.maxConcurrency = maxConcurrency;
    if (count !== undefined) this.toleratedFailureCount = count;
    if (percentage !== undefined) this.toleratedFailurePercentage = percentage;
    this.allowed = allowedFailures(this.toleratedFailureCount, this.toleratedFailurePercentage, this.itemCount());
    this.onUpdate?.();
  }
}
