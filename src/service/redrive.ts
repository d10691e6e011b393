import type { Machine } from '../compile/machine.js';
import type { RedriveOptions, RedrivePoint } from '../run/execution.js';
import type { HistoryEvent } from '../run/history.js';
import type { ExecutionResult } from '../run/result.js';
import { StopHandle } from '../run/stop.js';
import { ServiceError } from './errors.js';
import type { ExecutionRecord } from './records.js';
import { requireString } from './requests.js';
import type * as T from './types.js';

/**
 * RedriveExecution's rules, and what DescribeExecution and ListExecutions show of redrives:
 * which executions can be redriven (and why not), the ExecutionRedriven event, the client
 * token's idempotency, and a record's redrive members as the store keeps them. Executions
 * (executions.ts) runs the redrive itself.
 */

/** AWS's quotas: redrives per execution, and how long after its stop an execution can be redriven. */
const MAX_REDRIVES = 1000;
const REDRIVE_PERIOD_MS = 14 * 24 * 3600 * 1000;
/** A client token answers again for this long after its redrive, and an execution keeps the last few. */
const CLIENT_TOKEN_MS = 15 * 60 * 1000;
const CLIENT_TOKENS_KEPT = 10;

/** Why the execution cannot be redriven now, or null when it can. */
function notRedrivable(exec: ExecutionRecord, nowMs: number): string | null {
  if (exec.status === 'RUNNING' || exec.status === 'SUCCEEDED' || exec.status === 'PENDING_REDRIVE')
    return `Execution is ${exec.status} and cannot be redriven`;
  if (exec.mapRunArn !== undefined) return 'Execution is a child of a map run: it is redriven by redriving its parent execution';
  if ((exec.redriveCount ?? 0) >= MAX_REDRIVES) return `Execution has been redriven the maximum of ${MAX_REDRIVES} times`;
  if (exec.stopDate !== undefined && nowMs - exec.stopDate.getTime() > REDRIVE_PERIOD_MS)
    return 'Execution stopped more than 14 days ago and can no longer be redriven';
  if (exec.redrivePoint == null)
    return `Execution cannot be redriven: ${exec.redriveMissing ?? 'it stopped before any state ran, or its history reached the event quota'}`;
  return null;
}

/** DescribeExecution's redrive members. */
export function redriveMembers(
  exec: ExecutionRecord,
  nowMs: number,
): Pick<T.DescribeExecutionOutput, 'redriveCount' | 'redriveDate' | 'redriveStatus' | 'redriveStatusReason'> {
  const out: Pick<T.DescribeExecutionOutput, 'redriveCount' | 'redriveDate' | 'redriveStatus' | 'redriveStatusReason'> = {
    redriveCount: exec.redriveCount ?? 0,
  };
  if (exec.redriveDate !== undefined) out.redriveDate = exec.redriveDate;
  const reason = notRedrivable(exec, nowMs);
  // A map run's unsuccessful child is redriven with its map run (AWS's REDRIVABLE_BY_MAP_RUN).
  if (exec.mapRunArn !== undefined && exec.status !== 'RUNNING' && exec.status !== 'SUCCEEDED') out.redriveStatus = 'REDRIVABLE_BY_MAP_RUN';
  else if (reason === null) out.redriveStatus = 'REDRIVABLE';
  else {
    out.redriveStatus = 'NOT_REDRIVABLE';
    out.redriveStatusReason = reason;
  }
  return out;
}

/**
 * Checks a RedriveExecution request against its execution: the client token's form, then
 * the date of the redrive the same token already made (within 15 minutes, among the last
 * ten), else ExecutionNotRedrivable when the execution cannot be redriven. Null: redrive it.
 */
export function checkRedrive(request: T.RedriveExecutionInput, exec: ExecutionRecord, nowMs: number): Date | null {
  const token = request.clientToken;
  if (token !== undefined && token !== null) {
    requireString(token, 'clientToken');
    const earlier = exec.redriveTokens?.find((t) => t.token === token && nowMs - t.date.getTime() <= CLIENT_TOKEN_MS);
    if (earlier !== undefined) return earlier.date;
  }
  const reason = notRedrivable(exec, nowMs);
  if (reason !== null) throw new ServiceError('ExecutionNotRedrivable', `${reason}: '${exec.executionArn}'`);
  return null;
}

/**
 * Marks the record redriven at `date` and gives the history the redrive continues: the
 * events so far and the ExecutionRedriven event after the last of them. The point it runs from
 * is taken out of the record (a new one is kept when this run ends unsuccessfully).
 */
function startRedrive(exec: ExecutionRecord, date: Date, clientToken: string | undefined): { point: RedrivePoint; events: T.HistoryEventShape[] } {
  const point = exec.redrivePoint!;
  const count = (exec.redriveCount ?? 0) + 1;
  const events = exec.events ?? [];
  const last = events[events.length - 1];
  const redriven: T.HistoryEventShape = {
    id: (last?.id ?? 0) + 1,
    previousEventId: last?.id ?? 0,
    timestamp: date,
    type: 'ExecutionRedriven',
    executionRedrivenEventDetails: { redriveCount: count },
  };
  exec.redriveCount = count;
  exec.redriveDate = date;
  exec.redrivePoint = null;
  if (clientToken !== undefined) exec.redriveTokens = [...(exec.redriveTokens ?? []), { token: clientToken, date }].slice(-CLIENT_TOKENS_KEPT);
  exec.status = 'RUNNING';
  exec.stopDate = undefined;
  exec.outputText = undefined;
  exec.error = undefined;
  exec.cause = undefined;
  exec.stopRequest = null;
  exec.events = null;
  return { point, events: [...events, redriven] };
}

/** What redrive() runs on: the execution's compiled revision, and the service's hooks for a run of the given redrive count. */
export interface RedriveHost {
  machine(): Machine;
  hooks(count: number): Pick<RedriveOptions, 'tap' | 'onHistory' | 'onSuspend' | 'onResume'>;
}

/**
 * Redrives `exec` at `date` (checkRedrive() said it can be): same ARN, input and revision, its
 * history going on after an ExecutionRedriven event, from the point its last run kept. Null
 * when it cannot run again (its revision no longer compiles, the state it stood in is gone):
 * it then ended FAILED at once with States.Runtime, saying why.
 */
export function redrive(
  exec: ExecutionRecord,
  date: Date,
  clientToken: string | undefined,
  host: RedriveHost,
): ExecutionResult | Promise<ExecutionResult> | null {
  const { point, events } = startRedrive(exec, date, clientToken);
  exec.stopHandle = new StopHandle();
  try {
    return host.machine().redrive(point, {
      name: exec.name,
      input: JSON.parse(exec.inputText) as unknown,
      startMs: exec.startDate.getTime(),
      events: events as unknown as HistoryEvent[],
      stop: exec.stopHandle,
      ...host.hooks(exec.redriveCount!),
    });
  } catch (thrown) {
    redriveFailed(exec, events, thrown, date);
    return null;
  }
}

/** A redrive that could not start (its revision no longer compiles, its state is gone): FAILED at once, saying why after ExecutionRedriven. */
function redriveFailed(exec: ExecutionRecord, events: T.HistoryEventShape[], thrown: unknown, date: Date): void {
  exec.redriveTap = undefined;
  exec.status = 'FAILED';
  exec.stopDate = date;
  exec.error = 'States.Runtime';
  exec.cause = `The execution could not be redriven: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
  const last = events[events.length - 1]!;
  const failed = {
    id: last.id + 1,
    previousEventId: last.id,
    timestamp: date,
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error: exec.error, cause: exec.cause },
  };
  exec.events = [...events, failed];
}

/** A record's redrive members as the store writes them (undefined: nothing to keep). */
export interface RedriveData {
  readonly count: number;
  readonly date?: number;
  readonly point?: RedrivePoint;
}

export function redriveData(exec: ExecutionRecord): RedriveData | undefined {
  if (exec.redriveCount === undefined && exec.redrivePoint == null) return undefined;
  return {
    count: exec.redriveCount ?? 0,
    ...(exec.redriveDate !== undefined ? { date: exec.redriveDate.getTime() } : {}),
    ...(exec.redrivePoint != null ? { point: exec.redrivePoint } : {}),
  };
}

/** Takes a record's redrive members back from the store; a point that does not have a point's shape is dropped (the execution is then not redrivable, saying why). */
export function restoreRedrive(exec: ExecutionRecord, data: RedriveData): void {
  if (Number.isInteger(data.count) && data.count > 0) exec.redriveCount = data.count;
  if (typeof data.date === 'number') exec.redriveDate = new Date(data.date);
  const point = data.point as Partial<RedrivePoint> | undefined;
  if (point === undefined) return;
  const fits =
    typeof point.stateName === 'string' &&
    Array.isArray(point.variables) &&
    point.variables.every((v) => Array.isArray(v) && typeof v[0] === 'string' && typeof v[2] === 'number') &&
    typeof point.transitions === 'number' &&
    typeof point.variableBytes === 'number';
  if (fits) exec.redrivePoint = point as RedrivePoint;
  else exec.redriveMissing = 'the point it would continue from was stored in a form this version does not read';
}
