import type { MapRun } from '../run/map-runs.js';
import { StopHandle } from '../run/stop.js';
import type { ExecutionRecord, StateMachineRecord } from './records.js';
import type { Registry } from './registry.js';
import type * as T from './types.js';

/**
 * A map run's child executions, as DescribeExecution, GetExecutionHistory and ListExecutions
 * (`mapRunArn`) show them: records made from the map run when asked for, so the iterations
 * themselves keep nothing more than their status, times and result. A child's ARN is its map
 * run's with `execution` for `mapRun` and its item (or batch) index after it.
 */

/** The child execution `arn` names, or undefined when no map run started it (or it has not started). */
export function mapRunChild(registry: Registry, arn: string): ExecutionRecord | undefined {
  const at = arn.lastIndexOf(':');
  if (at < 0 || !arn.includes(':execution:')) return undefined;
  const entry = registry.mapRuns.get(arn.slice(0, at).replace(':execution:', ':mapRun:'));
  const index = Number(arn.slice(at + 1));
  if (entry === undefined || !/^\d+$/.test(arn.slice(at + 1)) || index >= entry.run.inputs.length) return undefined;
  if (entry.run.childStatus[index] === 'PENDING') return undefined;
  return childRecord(entry.run, entry.parent, index);
}

/** The children a map run has started, newest first (ListExecutions' order). */
export function mapRunChildren(run: MapRun, parent: ExecutionRecord): ExecutionRecord[] {
  const children: ExecutionRecord[] = [];
  for (let i = 0; i < run.childStatus.length; i++) if (run.childStatus[i] !== 'PENDING') children.push(childRecord(run, parent, i));
  return children.sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
}

/** The machine a map run's children run: `arn:…:stateMachine:<machine>/<label>`, the Map's ItemProcessor. */
const childMachines = new WeakMap<MapRun, StateMachineRecord>();

function childMachine(run: MapRun, parent: ExecutionRecord): StateMachineRecord {
  let machine = childMachines.get(run);
  if (machine === undefined) {
    machine = {
      arn: run.childMachineArn,
      name: run.childMachineArn.slice(run.childMachineArn.indexOf(':stateMachine:') + ':stateMachine:'.length),
      type: run.standardChildren ? 'STANDARD' : 'EXPRESS',
      creationDate: new Date(run.startMs),
      revision: { ...parent.revision, definitionText: run.definition, definition: JSON.parse(run.definition) as Record<string, unknown> },
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
      executions: [],
    };
    childMachines.set(run, machine);
  }
  return machine;
}

function childRecord(run: MapRun, parent: ExecutionRecord, index: number): ExecutionRecord {
  const status = run.childStatus[index]!;
  const result = run.childResults[index];
  const failed = status === 'FAILED' && result !== null && typeof result === 'object';
  const stopMs = run.childStopMs[index]!;
  const record: ExecutionRecord = {
    executionArn: run.childArn(index),
    name: String(index),
    machine: childMachine(run, parent),
    revision: childMachine(run, parent).revision,
    versionArn: undefined,
    aliasArn: undefined,
    inputText: JSON.stringify(run.inputs[index] ?? null),
    traceHeader: undefined,
    startDate: new Date(run.childStartMs[index]!),
    stopHandle: new StopHandle(),
    status: status === 'PENDING' ? 'RUNNING' : status,
    stopDate: Number.isNaN(stopMs) ? undefined : new Date(stopMs),
    outputText: status === 'SUCCEEDED' ? (JSON.stringify(result) ?? 'null') : undefined,
    error: failed ? textOf((result as Record<string, unknown>).Error) : undefined,
    cause: failed ? textOf((result as Record<string, unknown>).Cause) : undefined,
    events: null,
    liveEvents: null,
    stopRequest: null,
    mapRunArn: run.arn,
    done: Promise.resolve(),
  };
  const history = run.childHistories[index];
  record.events = history === undefined || history === null ? childEvents(record) : (history.events() as unknown as T.HistoryEventShape[]);
  return record;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A child's history when the service records none (`history: 'OFF'` keeps the parent's empty): its start, and its end once it ended. */
function childEvents(child: ExecutionRecord): T.HistoryEventShape[] {
  const events: T.HistoryEventShape[] = [
    {
      id: 1,
      previousEventId: 0,
      timestamp: child.startDate,
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: child.inputText, inputDetails: { truncated: false }, roleArn: child.revision.roleArn },
    },
  ];
  if (child.stopDate === undefined) return events;
  const end = { id: 2, previousEventId: 1, timestamp: child.stopDate };
  if (child.status === 'SUCCEEDED') {
    events.push({ ...end, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: child.outputText, outputDetails: { truncated: false } } });
  } else if (child.status === 'FAILED') {
    const details: Record<string, string> = {};
    if (child.error !== undefined) details.error = child.error;
    if (child.cause !== undefined) details.cause = child.cause;
    events.push({ ...end, type: 'ExecutionFailed', executionFailedEventDetails: details });
  } else events.push({ ...end, type: 'ExecutionAborted', executionAbortedEventDetails: {} });
  return events;
}
