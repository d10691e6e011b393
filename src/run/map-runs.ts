import { randomUUID } from 'node:crypto';
import { childExecutionOf, type Execution, type Frame } from './frame.js';
import type { HistoryRecorder } from './history.js';

/**
 * Map runs: each time a Distributed Map state runs (ProcessorConfig Mode DISTRIBUTED), AWS
 * makes a Map Run resource, `arn:…:mapRun:<machine>/<label>:<uuid>`, whose child executions
 * (`arn:…:execution:<machine>/<label>:<uuid>`, one per item or batch) run the iterations. The
 * parent's history shows MapRunStarted and MapRunSucceeded/Failed in place of the iterations'
 * events. The engine makes a MapRun for every such Map; a host (the service, through
 * CompileOptions.mapRuns) keeps it for DescribeMapRun, ListMapRuns, UpdateMapRun and the child
 * executions, and may change its concurrency and tolerance while it runs.
 */

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
export type ChildStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** Keeps the map runs an execution starts (the service); the engine calls it as each one starts. */
export interface MapRunHost {
  mapRunStarted(run: MapRun): void;
}

/** The failures a tolerated count and percentage of `total` allow (-1: neither set, none tolerated). */
export type AllowedFailures = (count: number | null, percentage: number | null, total: number) => number;

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
  /** Each started child's history, when the parent records one. */
  readonly childHistories: (HistoryRecorder | null)[];
  private readonly roleArn: string;
  /** Called after UpdateMapRun: the iterations start more if the concurrency now allows it. */
  onUpdate: (() => void) | null;
  private readonly allowedFailures: AllowedFailures;

  constructor(
    frame: Frame,
    label: string,
    inputs: readonly unknown[],
    maxConcurrency: number,
    count: number | null,
    percentage: number | null,
    allowedFailures: AllowedFailures,
    standardChildren: boolean,
    batched: boolean,
    host: MapRunHost | null,
  ) {
    const exec = frame.exec;
    // A Distributed Map inside a child execution starts a map run of that child's.
    const child = childExecutionOf(frame.stop);
    this.id = randomUUID();
    this.arn = `${mapRunResource(exec, 'mapRun', label)}:${this.id}`;
    this.executionArn = child !== null && child.run !== null ? child.run.childArn(child.index) : exec.id;
    this.roleArn = exec.roleArn;
    this.childMachineArn = mapRunResource(exec, 'stateMachine', label);
    this.standardChildren = standardChildren;
    this.batched = batched;
    this.inputs = inputs;
    this.startMs = exec.clock.now();
    this.stopMs = NaN;
    this.status = 'RUNNING';
    this.error = undefined;
    this.cause = undefined;
    this.maxConcurrency = maxConcurrency;
    this.toleratedFailureCount = count;
    this.toleratedFailurePercentage = percentage;
    this.allowedFailures = allowedFailures;
    this.allowed = allowedFailures(count, percentage, inputs.length);
    const n = inputs.length;
    this.childStatus = new Array<ChildStatus>(n).fill('PENDING');
    this.childStartMs = new Array<number>(n).fill(NaN);
    this.childStopMs = new Array<number>(n).fill(NaN);
    this.childResults = new Array<unknown>(n);
    this.childHistories = [];
    this.onUpdate = null;
    host?.mapRunStarted(this);
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
    if (history === undefined || history === null) return;
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

  /** UpdateMapRun: new settings for the children not started yet. */
  update(maxConcurrency: number | undefined, count: number | undefined, percentage: number | undefined): void {
    if (maxConcurrency !== undefined) this.maxConcurrency = maxConcurrency;
    if (count !== undefined) this.toleratedFailureCount = count;
    if (percentage !== undefined) this.toleratedFailurePercentage = percentage;
    this.allowed = this.allowedFailures(this.toleratedFailureCount, this.toleratedFailurePercentage, this.inputs.length);
    this.onUpdate?.();
  }
}
