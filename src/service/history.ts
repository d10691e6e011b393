import { errorDetails } from '../run/history-details.js';
import type { ExecutionRecord } from './records.js';
import { redriveMembers } from './redrive.js';
import type { Registry } from './registry.js';
import { checkBoolean, page, pageRequest } from './requests.js';
import type * as T from './types.js';

/** GetExecutionHistory: an execution's events, paged, oldest first unless reversed. */
export function executionHistory(registry: Registry, request: T.GetExecutionHistoryInput): T.GetExecutionHistoryOutput {
  const r = request ?? ({} as T.GetExecutionHistoryInput);
  const paging = pageRequest(r);
  const exec = registry.execution(r.executionArn);
  const reverse = checkBoolean(r.reverseOrder, 'reverseOrder') ?? false;
  const includeData = checkBoolean(r.includeExecutionData, 'includeExecutionData') ?? true;
  // With the `history` option OFF nothing is recorded, and the history is empty.
  let events = exec.events ?? (exec.liveEvents !== null ? (exec.liveEvents.events() as unknown as T.HistoryEventShape[]) : []);
  if (exec.versionArn !== undefined && events.length > 0 && events[0]!.type === 'ExecutionStarted')
    events = [startedThrough(events[0]!, exec), ...events.slice(1)];
  if (reverse) events = [...events].reverse();
  if (!includeData) events = events.map(withoutData);
  // A token names its execution and direction: another execution's token, or one of the other order, is refused.
  const p = page(events, paging, `GetExecutionHistory ${exec.executionArn} ${reverse}`, registry.clock.now(), (e) => String(e.id));
  return { events: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
}

/** DescribeExecution's answer for an execution record (`nowMs`: the service's time, which says whether it can still be redriven). */
export function described(exec: ExecutionRecord, included: boolean, nowMs: number): T.DescribeExecutionOutput & { name: string } {
  const out: T.DescribeExecutionOutput & { name: string } = {
    executionArn: exec.executionArn,
    stateMachineArn: exec.machine.arn,
    name: exec.name,
    status: exec.status,
    startDate: exec.startDate,
  };
  if (exec.stopDate !== undefined) out.stopDate = exec.stopDate;
  if (included) out.input = exec.inputText;
  out.inputDetails = { included };
  if (exec.outputText !== undefined) {
    if (included) out.output = exec.outputText;
    out.outputDetails = { included };
  }
  if (exec.error !== undefined) out.error = exec.error;
  if (exec.cause !== undefined) out.cause = exec.cause;
  if (exec.traceHeader !== undefined) out.traceHeader = exec.traceHeader;
  if (exec.versionArn !== undefined) out.stateMachineVersionArn = exec.versionArn;
  if (exec.aliasArn !== undefined) out.stateMachineAliasArn = exec.aliasArn;
  if (exec.mapRunArn !== undefined) out.mapRunArn = exec.mapRunArn;
  return Object.assign(out, redriveMembers(exec, nowMs));
}

/** An execution as ListExecutions lists it. */
export function listed(exec: ExecutionRecord): T.ExecutionListItem {
  const item: T.ExecutionListItem = {
    executionArn: exec.executionArn,
    stateMachineArn: exec.machine.arn,
    name: exec.name,
    status: exec.status,
    startDate: exec.startDate,
  };
  if (exec.stopDate !== undefined) item.stopDate = exec.stopDate;
  if (exec.versionArn !== undefined) item.stateMachineVersionArn = exec.versionArn;
  if (exec.aliasArn !== undefined) item.stateMachineAliasArn = exec.aliasArn;
  if (exec.mapRunArn !== undefined) item.mapRunArn = exec.mapRunArn;
  item.redriveCount = exec.redriveCount ?? 0;
  if (exec.redriveDate !== undefined) item.redriveDate = exec.redriveDate;
  return item;
}

export function startedEvent(exec: ExecutionRecord): T.HistoryEventShape {
  return {
    id: 1,
    previousEventId: 0,
    timestamp: exec.startDate,
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: exec.inputText, inputDetails: { truncated: false }, roleArn: exec.revision.roleArn },
  };
}

/** ExecutionStarted of an execution started through a version or alias: AWS names them in its details. */
function startedThrough(event: T.HistoryEventShape, exec: ExecutionRecord): T.HistoryEventShape {
  const details = { ...(event.executionStartedEventDetails as Record<string, unknown>) };
  if (exec.aliasArn !== undefined) details.stateMachineAliasArn = exec.aliasArn;
  details.stateMachineVersionArn = exec.versionArn;
  return { ...event, executionStartedEventDetails: details };
}

/** An event without its payloads (GetExecutionHistory's includeExecutionData: false). */
function withoutData(event: T.HistoryEventShape): T.HistoryEventShape {
  const out: T.HistoryEventShape = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || value === null || typeof value !== 'object') continue;
    const details = { ...(value as Record<string, unknown>) };
    delete details.input;
    delete details.output;
    out[key] = details;
  }
  return out;
}

/**
 * The output as JSON text. A value too deep to write (built up state by state: inputs are
 * refused past 1,000 levels) fails the execution instead, its last event included.
 */
export function recordOutput(exec: ExecutionRecord, output: unknown): void {
  try {
    exec.outputText = JSON.stringify(output) ?? 'null';
    return;
  } catch (thrown) {
    exec.status = 'FAILED';
    exec.error = 'States.Runtime';
    exec.cause = `The execution output could not be written as JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
  }
  const events = exec.events!;
  const last = events[events.length - 1];
  if (last !== undefined && last.type === 'ExecutionSucceeded') {
    events[events.length - 1] = {
      id: last.id,
      previousEventId: last.previousEventId,
      timestamp: last.timestamp,
      type: 'ExecutionFailed',
      executionFailedEventDetails: errorDetails(exec.error, exec.cause),
    };
  }
}

/** AWS shows a stopped execution's error and cause as StopExecution gave them, and links the event to none. */
export function recordStop(exec: ExecutionRecord): void {
  const stop = exec.stopRequest;
  exec.error = stop?.error;
  exec.cause = stop?.cause;
  const events = exec.events!;
  const last = events[events.length - 1];
  if (last !== undefined && last.type === 'ExecutionAborted') {
    events[events.length - 1] = { ...last, previousEventId: 0, executionAbortedEventDetails: errorDetails(exec.error, exec.cause) };
  }
}
