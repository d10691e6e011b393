import type { Clock } from './clock.js';
import { AslError } from './errors.js';
import type { Frame } from './frame.js';

/**
 * Execution history, shaped like the events AWS's GetExecutionHistory returns (and Express
 * workflows log): `{ id, previousEventId, timestamp, type, <type>EventDetails }`, with inputs
 * and outputs as JSON text. Only executions of a machine compiled with a `history` level
 * other than OFF have a recorder; the engine checks `exec.history !== null` and does
 * nothing else when there is none.
 */

/** Express logging levels: ALL events; ERROR only failures; FATAL only the execution's end in failure. */
export type HistoryLevel = 'ALL' | 'ERROR' | 'FATAL' | 'OFF';

export const historyLevels: readonly HistoryLevel[] = ['ALL', 'ERROR', 'FATAL', 'OFF'];

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** AWS's hard quota of events in a Standard execution's history. */
export const STANDARD_HISTORY_EVENTS = 25_000;

/** The cause of the ExecutionFailed that ends an execution at its history quota. */
export const historyLimitCause = `The execution reached the maximum number of history events (${STANDARD_HISTORY_EVENTS}).`;

/** Details AWS attaches to a payload: statemill never truncates one. */
const untruncated = Object.freeze({ truncated: false });

/** The execution's end in failure: the only events FATAL keeps. */
function isFatal(type: string): boolean {
  return type === 'ExecutionFailed' || type === 'ExecutionAborted' || type === 'ExecutionTimedOut';
}

/** Every failure event, and a Fail state being entered: what ERROR keeps. */
function isError(type: string): boolean {
  return type === 'FailStateEntered' || type.endsWith('Failed') || type.endsWith('Aborted') || type.endsWith('TimedOut');
}

/** JSON text of a value, as AWS shows payloads; a value that cannot be written shows as null. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
}

/** `arn:aws:states:::lambda:invoke` → lambda / invoke, as AWS splits a Task's Resource. */
function splitResource(resource: string): { resourceType: string; resource: string } {
  const prefix = 'arn:aws:states:::';
  if (resource.startsWith(prefix)) {
    const rest = resource.slice(prefix.length);
    const colon = rest.indexOf(':');
    if (colon > 0) return { resourceType: rest.slice(0, colon), resource: rest.slice(colon + 1) };
  }
  return { resourceType: 'handler', resource };
}

/** Direct Lambda ARNs get LambdaFunction* events in AWS rather than Task* ones. */
function isLambdaArn(resource: string): boolean {
  return resource.startsWith('arn:aws:lambda:');
}

/** Activity ARNs get Activity* events in AWS rather than Task* ones. */
function isActivityArn(resource: string): boolean {
  return /^arn:[^:]*:states:[^:]*:[^:]*:activity:[^:]+$/.test(resource);
}

/** A TaskScheduled/ActivityScheduled event's details with the state's limits, where it sets them. */
function withTiming(details: Record<string, unknown>, timeoutSeconds: number, heartbeatSeconds: number): Record<string, unknown> {
  if (timeoutSeconds > 0) details.timeoutInSeconds = timeoutSeconds;
  if (heartbeatSeconds > 0) details.heartbeatInSeconds = heartbeatSeconds;
  return details;
}

/**
 * Records one execution's events. Every event takes the next id whether or not the level
 * keeps it, so ids match the "event id #N" that causes cite. `previousEventId` links each
 * event to the one before it in the same thread of control (a Parallel branch, a Map
 * iteration), as AWS does.
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[];
  /** Set when the execution reached its history quota: it ends FAILED with historyLimitCause. */
  full: boolean;
  private readonly maxEvents: number;
  private readonly onFull: (() => void) | null;
  private readonly level: HistoryLevel;
  private readonly clock: Clock;
  private readonly region: string;
  private lastId: number;
  /** Set once the execution has settled: branches still winding down record nothing more. */
  private closed: boolean;
  /**
   * The last event's timestamp: events of the same millisecond share it (a Date takes 96
   * bytes, and a run records several events per millisecond). Treat timestamps as read-only.
   */
  private stamp: Date | null;
  /**
   * `maxEvents` is Standard's quota (STANDARD_HISTORY_EVENTS); `onFull` ends the execution
   * when an event other than ExecutionSucceeded would be the last one the quota allows.
   */
  constructor(level: HistoryLevel, clock: Clock, region: string, maxEvents = Infinity, onFull: (() => void) | null = null) {
    this.events = [];
    this.full = false;
    this.maxEvents = maxEvents;
    this.onFull = onFull;
    this.level = level;
    this.clock = clock;
    this.region = region;
    this.lastId = 0;
    this.closed = false;
    this.stamp = null;
  }

  private keeps(type: string): boolean {
    if (this.closed) return false;
    if (this.level === 'ALL') return true;
    return this.level === 'ERROR' ? isError(type) : isFatal(type);
  }

  /**
   * Takes the next event id, and records the event when the level keeps it (`details` runs
   * only then). `frame` is the thread the event belongs to (its last event becomes this one);
   * `previous` overrides the previous event id (an iteration's end follows its own last event).
   */
  private add(frame: Frame | null, type: string, detailsKey: string | null, details: (() => unknown) | null, previous = -1): number {
    if (this.full && frame !== null) return this.lastId;
    if (this.lastId + 1 === this.maxEvents && type !== 'ExecutionSucceeded' && frame !== null) {
      // The quota's last event may only end the execution: this one is not recorded, the execution fails.
      this.full = true;
      this.onFull?.();
      return this.lastId;
    }
    const id = ++this.lastId;
    const previousEventId = previous >= 0 ? previous : frame !== null ? frame.historyEventId : id - 1;
    if (frame !== null) frame.historyEventId = id;
    if (this.keeps(type)) {
      // The details in the literal, not added after: an added property needs a backing store of its own.
      const event =
        detailsKey !== null && details !== null
          ? { id, previousEventId, timestamp: this.timestamp(), type, [detailsKey]: details() }
          : { id, previousEventId, timestamp: this.timestamp(), type };
      this.events.push(event as unknown as HistoryEvent);
    }
    return id;
  }

  private timestamp(): Date {
    const now = this.clock.now();
    const last = this.stamp;
    if (last !== null && last.getTime() === now) return last;
    return (this.stamp = new Date(now));
  }

  executionStarted(input: unknown, roleArn: string): void {
    const type = 'ExecutionStarted';
    this.add(null, type, 'executionStartedEventDetails', () => ({ input: jsonText(input), inputDetails: untruncated, roleArn }));
  }

  /** The execution's end; no event is recorded after it. */
  executionSucceeded(output: unknown): void {
    const type = 'ExecutionSucceeded';
    this.add(null, type, 'executionSucceededEventDetails', () => ({ output: jsonText(output), outputDetails: untruncated }));
    this.closed = true;
  }

  /** ExecutionFailed, ExecutionTimedOut or ExecutionAborted, with the error and cause. */
  executionEnded(type: 'ExecutionFailed' | 'ExecutionTimedOut' | 'ExecutionAborted', error: string | null | undefined, cause: string | null | undefined): void {
    const key =
      type === 'ExecutionFailed'
        ? 'executionFailedEventDetails'
        : type === 'ExecutionTimedOut'
          ? 'executionTimedOutEventDetails'
          : 'executionAbortedEventDetails';
    this.add(null, type, key, () => errorDetails(error, cause));
    this.closed = true;
  }

  stateEntered(frame: Frame, input: unknown): number {
    const type = frame.stateType + 'StateEntered';
    return this.add(frame, type, 'stateEnteredEventDetails', () => ({ name: frame.stateName, input: jsonText(input), inputDetails: untruncated }));
  }

  stateExited(frame: Frame, output: unknown): void {
    const type = frame.stateType + 'StateExited';
    this.add(frame, type, 'stateExitedEventDetails', () => ({ name: frame.stateName, output: jsonText(output), outputDetails: untruncated }));
  }

  /**
   * TaskScheduled and TaskStarted (LambdaFunctionScheduled/Started for a Lambda ARN,
   * ActivityScheduled alone for an activity: its ActivityStarted comes when a worker takes
   * it). `timeoutSeconds` and `heartbeatSeconds` are the state's, 0 when it sets none.
   */
  taskStarted(frame: Frame, resource: string, parameters: unknown, timeoutSeconds = 0, heartbeatSeconds = 0): void {
    if (isLambdaArn(resource)) {
      const type = 'LambdaFunctionScheduled';
      this.add(frame, type, 'lambdaFunctionScheduledEventDetails', () =>
        withTiming({ resource, input: jsonText(parameters), inputDetails: untruncated }, timeoutSeconds, 0),
      );
      this.add(frame, 'LambdaFunctionStarted', null, null);
      return;
    }
    if (isActivityArn(resource)) {
      const type = 'ActivityScheduled';
      this.add(frame, type, 'activityScheduledEventDetails', () =>
        withTiming({ resource, input: jsonText(parameters), inputDetails: untruncated }, timeoutSeconds, heartbeatSeconds),
      );
      return;
    }
    const split = splitResource(resource);
    this.add(frame, 'TaskScheduled', 'taskScheduledEventDetails', () =>
      withTiming(
        { resourceType: split.resourceType, resource: split.resource, region: this.region, parameters: jsonText(parameters) },
        timeoutSeconds,
        heartbeatSeconds,
      ),
    );
    this.add(frame, 'TaskStarted', 'taskStartedEventDetails', () => split);
  }

  /** ActivityStarted: a worker took the activity task. */
  activityStarted(frame: Frame, workerName: string | undefined): void {
    const type = 'ActivityStarted';
    this.add(frame, type, 'activityStartedEventDetails', () => (workerName === undefined ? {} : { workerName }));
  }

  /** TaskSubmitted: a callback's or `.sync` job's request went out; `output` is the service's answer to it. */
  taskSubmitted(frame: Frame, resource: string, output: unknown): void {
    const type = 'TaskSubmitted';
    this.add(frame, type, 'taskSubmittedEventDetails', () => resourceOutput(resource, output ?? {}));
  }

  taskSucceeded(frame: Frame, resource: string, output: unknown): void {
    if (isLambdaArn(resource)) {
      const type = 'LambdaFunctionSucceeded';
      this.add(frame, type, 'lambdaFunctionSucceededEventDetails', () => ({ output: jsonText(output), outputDetails: untruncated }));
      return;
    }
    if (isActivityArn(resource)) {
      const type = 'ActivitySucceeded';
      this.add(frame, type, 'activitySucceededEventDetails', () => ({ output: jsonText(output), outputDetails: untruncated }));
      return;
    }
    const type = 'TaskSucceeded';
    this.add(frame, type, 'taskSucceededEventDetails', () => resourceOutput(resource, output));
  }

  /** TaskFailed, or TaskTimedOut for States.Timeout / States.HeartbeatTimeout (Lambda and activity events alike). */
  taskFailed(frame: Frame, resource: string, thrown: unknown): void {
    const error = thrown instanceof AslError ? thrown.error : 'States.Runtime';
    const cause = thrown instanceof AslError ? thrown.cause : String(thrown);
    const timedOut = error === 'States.Timeout' || error === 'States.HeartbeatTimeout';
    if (isLambdaArn(resource)) {
      const type = timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed';
      const key = timedOut ? 'lambdaFunctionTimedOutEventDetails' : 'lambdaFunctionFailedEventDetails';
      this.add(frame, type, key, () => errorDetails(error, cause));
      return;
    }
    if (isActivityArn(resource)) {
      const type = timedOut ? 'ActivityTimedOut' : 'ActivityFailed';
      const key = timedOut ? 'activityTimedOutEventDetails' : 'activityFailedEventDetails';
      this.add(frame, type, key, () => errorDetails(error, cause));
      return;
    }
    const type = timedOut ? 'TaskTimedOut' : 'TaskFailed';
    const key = timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails';
    this.add(frame, type, key, () => {
      const split = splitResource(resource);
      return errorDetails(error, cause, { resourceType: split.resourceType, resource: split.resource });
    });
  }

  /** ParallelStateStarted, ParallelStateSucceeded, ParallelStateFailed, MapStateSucceeded, MapStateFailed. */
  stateEvent(frame: Frame, type: string): void {
    this.add(frame, type, null, null);
  }

  mapStarted(frame: Frame, length: number): void {
    const type = 'MapStateStarted';
    this.add(frame, type, 'mapStateStartedEventDetails', () => ({ length }));
  }

  /** MapIterationStarted: the iteration's thread continues from it. */
  mapIterationStarted(parent: Frame, iteration: Frame, index: number): void {
    const type = 'MapIterationStarted';
    iteration.historyEventId = this.add(parent, type, 'mapIterationStartedEventDetails', () => ({ name: parent.stateName, index }));
  }

  /** MapIterationSucceeded or MapIterationFailed, following the iteration's last event. */
  mapIterationEnded(parent: Frame, iteration: Frame, index: number, succeeded: boolean): void {
    const type = succeeded ? 'MapIterationSucceeded' : 'MapIterationFailed';
    const key = succeeded ? 'mapIterationSucceededEventDetails' : 'mapIterationFailedEventDetails';
    this.add(parent, type, key, () => ({ name: parent.stateName, index }), iteration.historyEventId);
  }
}

/**
 * A Task event's resource and output. Written as one literal: an object spread followed by
 * more properties gives each event a hidden class of its own (about 200 bytes), and a
 * waiting execution keeps its events.
 */
function resourceOutput(resource: string, output: unknown): Record<string, unknown> {
  const split = splitResource(resource);
  return { resourceType: split.resourceType, resource: split.resource, output: jsonText(output), outputDetails: untruncated };
}

/** `details` (empty by default) with the error and cause, where there are ones. */
function errorDetails(error: string | null | undefined, cause: string | null | undefined, details: Record<string, string> = {}): Record<string, string> {
  if (error !== null && error !== undefined) details.error = error;
  if (cause !== null && cause !== undefined) details.cause = cause;
  return details;
}
