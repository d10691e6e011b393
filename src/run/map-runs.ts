import { randomUUID } from 'node:crypto';
import type { Execution } from './frame.js';

/**
 * Map runs: each time a Distributed Map state runs (ProcessorConfig Mode DISTRIBUTED), AWS
 * makes a Map Run resource, `arn:…:mapRun:<machine>/<label>:<uuid>`, whose child executions
 * (`arn:…:execution:<machine>/<label>:<uuid>`, one per item or batch) run the iterations. The
 * parent's history shows MapRunStarted and MapRunSucceeded/Failed in place of the iterations'
 * events. The engine makes a MapRun for every such Map; a host (the service, through
 * ExecuteOptions.mapRuns) keeps it for DescribeMapRun, ListMapRuns, UpdateMapRun and the child
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
  /** Called after UpdateMapRun: the iterations start more if the concurrency now allows it. */
  onUpdate: (() => void) | null;
  private readonly allowedFailures: AllowedFailures;

  constructor(
    exec: Execution,
    label: string,
    inputs: readonly unknown[],
    maxConcurrency: number,
    count: number | null,
    percentage: number | null,
    allowedFailures: AllowedFailures,
    standardChildren: boolean,
    batched: boolean,
  ) {
    this.id = randomUUID();
    this.arn = `${mapRunResource(exec, 'mapRun', label)}:${this.id}`;
    this.executionArn = exec.id;
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
    this.onUpdate = null;
    exec.mapRuns?.mapRunStarted(this);
  }

  /** The child execution of item (or batch) `index`: its ARN ends with the map run's UUID and the index. */
  childArn(index: number): string {
    return `${this.arn.replace(':mapRun:', ':execution:')}:${index}`;
  }

  childStarted(index: number, ms: number): void {
    this.childStatus[index] = 'RUNNING';
    this.childStartMs[index] = ms;
  }

  childEnded(index: number, status: 'SUCCEEDED' | 'FAILED' | 'ABORTED', result: unknown, ms: number): void {
    if (this.childStatus[index] !== 'RUNNING') return;
    this.childStatus[index] = status;
    this.childResults[index] = result;
    this.childStopMs[index] = ms;
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
