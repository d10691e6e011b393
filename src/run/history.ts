import { AslError } from './errors.js';
import { executionEnded } from './interruptions.js';
import { appendEvent, newCode, pack, readEvents } from './history-tape.js';
import { childExecutionOf, type Frame } from './frame.js';
import {
  assignedVariables,
  errorDetails,
  evaluationDetails,
  evaluationLocation,
  HistorySettings,
  isActivityArn,
  isError,
  isFatal,
  isLambdaArn,
  jsonText,
  ownEvaluationFailure,
  resourceOutput,
  splitResource,
  stateEventType,
  timingOf,
  untruncated,
  withTiming,
} from './history-details.js';

/**
 * Execution history, shaped like the events AWS's GetExecutionHistory returns (and Express
 * workflows log): `{ id, previousEventId, timestamp, type, <type>EventDetails }`, inputs and
 * outputs as JSON text. Only executions of a machine compiled with a `history` level other
 * than OFF have a recorder; the engine checks `exec.history !== null`, nothing else.
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

/** What an event's details are made from (its values `a`–`c` on the tape), and so how they are built. */
const enum Kind {
  /** No details (TaskStarted of a Lambda, ParallelStateStarted, …). */
  None,
  /** a: input text, b: role ARN. */
  ExecutionStarted,
  /** a: output text. */
  Output,
  /** a: error, b: cause. */
  Error,
  /** a: resource, b: error, c: cause. */
  TaskError,
  /** a: state name, b: input text. */
  StateEntered,
  /** a: state name, b: output text, c: the variables its Assign set (variablesAssigned) or null. */
  StateExited,
  /** a: resource, b: input text, c: timing (Lambda and activity). */
  ResourceScheduled,
  /** a: resource, b: parameters text, c: timing. */
  TaskScheduled,
  /** a: resource. */
  TaskStarted,
  /** a: worker name or undefined. */
  Worker,
  /** a: resource, b: output text. */
  TaskOutput,
  /** a: the Map's item count. */
  MapLength,
  /** a: Map state name, b: iteration index. */
  Iteration,
  /** a: state name, b: cause, c: the field it names or null. */
  Evaluation,
  /** a: the map run's ARN. */
  MapRun,
}

/** Which details an event of `type` has: each type has one kind, so records need not keep it. */
function kindOf(type: string): Kind {
  switch (type) {
    case 'ExecutionStarted':
      return Kind.ExecutionStarted;
    case 'ExecutionSucceeded':
    case 'LambdaFunctionSucceeded':
    case 'ActivitySucceeded':
      return Kind.Output;
    case 'ExecutionFailed':
    case 'ExecutionTimedOut':
    case 'ExecutionAborted':
    case 'LambdaFunctionFailed':
    case 'LambdaFunctionTimedOut':
    case 'ActivityFailed':
    case 'ActivityTimedOut':
    case 'MapRunFailed':
      return Kind.Error;
    case 'TaskFailed':
    case 'TaskTimedOut':
      return Kind.TaskError;
    case 'LambdaFunctionScheduled':
    case 'ActivityScheduled':
      return Kind.ResourceScheduled;
    case 'TaskScheduled':
      return Kind.TaskScheduled;
    case 'TaskStarted':
      return Kind.TaskStarted;
    case 'ActivityStarted':
      return Kind.Worker;
    case 'TaskSubmitted':
    case 'TaskSucceeded':
      return Kind.TaskOutput;
    case 'MapStateStarted':
      return Kind.MapLength;
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
    case 'MapIterationAborted':
      return Kind.Iteration;
    case 'EvaluationFailed':
      return Kind.Evaluation;
    case 'MapRunStarted':
      return Kind.MapRun;
    default:
      return type.endsWith('StateEntered') ? Kind.StateEntered : type.endsWith('StateExited') ? Kind.StateExited : Kind.None;
  }
}

/** How many values (`a`–`c`) an event of each Kind keeps, and which of them are names (bit k: value k). */
const arities: readonly number[] = [0, 2, 1, 2, 3, 2, 3, 3, 3, 1, 1, 2, 1, 2, 3, 1];
const nameSlots: readonly number[] = [0, 0b10, 0, 0, 0b1, 0b1, 0b1, 0b1, 0b1, 0b1, 0, 0b1, 0, 0b1, 0b1, 0];

/** Event types and their Kinds by code (history-tape.ts), a code taken on each type's first use. */
const eventTypes: string[] = [];
const eventKinds: Kind[] = [];
const eventCodes = new Map<string, number>();

function codeOf(type: string): number {
  let code = eventCodes.get(type);
  if (code === undefined) {
    const kind = kindOf(type);
    code = newCode(arities[kind]!, nameSlots[kind]!);
    // By the code taken, not pushed: codes are taken from one sequence (history-tape.ts).
    eventTypes[code] = type;
    eventKinds[code] = kind;
    eventCodes.set(type, code);
  }
  return code;
}

/** `TaskScheduled` → `taskScheduledEventDetails`: AWS names each event's details after its type. */
const detailsKeys = new Map<string, string>();

function detailsKey(type: string, kind: Kind): string {
  if (kind === Kind.StateEntered) return 'stateEnteredEventDetails';
  if (kind === Kind.StateExited) return 'stateExitedEventDetails';
  let key = detailsKeys.get(type);
  if (key === undefined) detailsKeys.set(type, (key = type[0]!.toLowerCase() + type.slice(1) + 'EventDetails'));
  return key;
}

/** A marker that no payload is carried over to the next event. */
const nothingCarried = Symbol('nothing carried');

/**
 * A payload and its text that the very next event of `carriedBy` may reuse: a state's output
 * is the next state's input, and the execution's input the first state's, with nothing run
 * between. The two events are recorded in one synchronous stretch, so one slot serves every
 * recorder (a waiting execution keeps none); any event recorded clears it.
 */
let carriedBy: HistoryRecorder | null = null;
let carriedValue: unknown = nothingCarried;
let carriedText = '';
/** The thread the carried payload was recorded in (null: the execution's start). */
let carriedFrame: Frame | null = null;

function dropCarried(): void {
  carriedBy = null;
  carriedValue = nothingCarried;
  carriedText = '';
  carriedFrame = null;
}

/** Events resumed executions had recorded before their host restarted, as read back from the store (few recorders have any). */
const restoredEvents = new WeakMap<HistoryRecorder, readonly HistoryEvent[]>();

/** A history being recorded, as a caller watching a running execution reads it. */
export interface RecordedHistory {
  /** The events so far, as AWS's GetExecutionHistory shows them: built afresh on each call. */
  events(): HistoryEvent[];
}

/** HistoryRecorder.flags: the execution reached its quota. */
const FULL = 1;
/** HistoryRecorder.flags: the execution has settled, and branches still winding down record nothing more. */
const CLOSED = 2;

/**
 * Records one execution's events. Every event takes the next id whether or not the level
 * keeps it, so ids match the "event id #N" that causes cite. `previousEventId` links each
 * event to the one before it in the same thread of control (a Parallel branch, a Map
 * iteration), as AWS does. Events are kept compact (history-tape.ts): on a tape while the
 * execution runs, packed into one string once it waits (a waiting execution holds its
 * history, maybe for a year); AWS's event objects are built only when someone reads them.
 * Payloads are kept as JSON text, written when the event happens: a handler may change a
 * value it was given afterwards.
 */
export class HistoryRecorder implements RecordedHistory {
  private readonly settings: HistorySettings;
  /** The events recorded since the history was last packed (null: none). */
  private tape: unknown[] | null;
  /** The events recorded before, packed. */
  private packed: string;
  private lastId: number;
  /** The time of the last event recorded (NaN before the first). */
  private lastMs: number;
  private flags: number;
  /** The variables each thread's current state assigned, as its StateExited shows them (null: none assigned yet). */
  private assigned: Map<Frame, string> | null;
  /** A Map's or Parallel's failure event held until its Retry or Catch decides: AWS records none for an attempt that is retried. */
  private heldFailure: Frame | null;
  constructor(settings: HistorySettings) {
    this.settings = settings;
    this.tape = null;
    this.packed = '';
    this.lastId = 0;
    this.lastMs = NaN;
    this.flags = 0;
    this.assigned = null;
    this.heldFailure = null;
  }

  /**
   * Set when the execution reached its history quota: it ends FAILED with historyLimitCause.
   * The event that would have been the quota's last aborts the execution of its frame.
   */
  get full(): boolean {
    return (this.flags & FULL) !== 0;
  }

  events(): HistoryEvent[] {
    const out = restoredEvents.get(this)?.slice() ?? [];
    // Each call hands out Dates of its own, one per millisecond.
    let date: Date | null = null;
    readEvents(this.packed, this.tape, this.settings.names, (code, id, previousEventId, ms, a, b, c) => {
      const kind = eventKinds[code]!;
      if (date === null || date.getTime() !== ms) date = new Date(ms);
      out.push(event(id, previousEventId, date, eventTypes[code]!, kind, this.details(kind, a, b, c)));
    });
    return out;
  }

  /** Takes over the events a resumed execution had recorded before (it records none before this); its ids go on after `lastId`. */
  restore(events: readonly HistoryEvent[], lastId: number): void {
    restoredEvents.set(this, events);
    this.lastId = Math.max(lastId, events.length === 0 ? 0 : events[events.length - 1]!.id);
  }

  /**
   * Packs the events recorded so far into one string, called as the execution starts to
   * wait: a tape of about twenty slots and a string per payload take twice the room.
   */
  compact(): void {
    if (this.tape === null) return;
    this.packed = pack(this.packed, this.tape, this.settings.names);
    this.tape = null;
    // The carried text may be one the packed string now holds: it is not kept twice.
    if (carriedBy === this) dropCarried();
  }

  private keeps(type: string): boolean {
    if ((this.flags & CLOSED) !== 0) return false;
    const level = this.settings.level;
    if (level === 'ALL') return true;
    return level === 'ERROR' ? isError(type) : isFatal(type);
  }

  /**
   * Takes the next event id, and records the event when the level keeps it, its details made
   * from `a`–`c` as its type's Kind says. `frame` is the thread the event belongs to (its last event
   * becomes this one); `previous` overrides the previous event id (an iteration's end follows
   * its own last event). Returns the id taken (the last one, when none was).
   */
  private add(frame: Frame | null, type: string, a: unknown = null, b: unknown = null, c: unknown = null, previous = -1): number {
    if (this.heldFailure !== null) this.releaseFailure();
    dropCarried();
    // A map run's child execution records its events in a history of its own.
    const child = frame !== null && frame.stop !== null ? childExecutionOf(frame.stop) : null;
    if (child !== null && child.history !== this) return child.history === null ? this.lastId : child.history.add(frame, type, a, b, c, previous);
    if ((this.flags & FULL) !== 0 && frame !== null) return this.lastId;
    if (this.lastId + 1 === this.settings.maxEvents && type !== 'ExecutionSucceeded' && frame !== null) {
      // The quota's last event may only end the execution: this one is not recorded, the execution fails.
      this.flags |= FULL;
      frame.exec.abort(executionEnded);
      return this.lastId;
    }
    const id = ++this.lastId;
    const previousEventId = previous >= 0 ? previous : frame !== null ? frame.historyEventId : id - 1;
    if (frame !== null) frame.historyEventId = id;
    if (this.keeps(type)) this.record(codeOf(type), id, previousEventId, a, b, c);
    return id;
  }

  /** Puts an event on the tape. */
  private record(code: number, id: number, previousEventId: number, a: unknown, b: unknown, c: unknown): void {
    const ms = this.settings.clock.now();
    // ALL keeps every event once it keeps one, so only the first id may differ from the one before's + 1.
    const explicitId = Number.isNaN(this.lastMs) ? id !== 1 : this.settings.level !== 'ALL';
    appendEvent((this.tape ??= []), code, id, explicitId, previousEventId, ms, this.lastMs, a, b, c);
    this.lastMs = ms;
  }

  /** A payload's JSON text, reusing the carried one when it is the same value in the same thread (`frame`; null: any). */
  private text(frame: Frame | null, value: unknown): string {
    const carried = value === carriedValue && carriedBy === this && (frame === null || carriedFrame === null || carriedFrame === frame);
    return carried ? carriedText : jsonText(value);
  }

  /** Lets the next event reuse `text` for `value`: `frame` is the thread it was recorded in (null: the execution's start). */
  private carry(frame: Frame | null, value: unknown, text: string): void {
    // No text was written when the level does not keep the event.
    if (text === '') return;
    carriedBy = this;
    carriedValue = value;
    carriedText = text;
    carriedFrame = frame;
  }

  /** `inputText`, when given, is the input as the caller wrote it: kept instead of a copy when it is the same text. */
  executionStarted(input: unknown, roleArn: string, inputText?: string): void {
    const type = 'ExecutionStarted';
    let text = this.keeps(type) ? jsonText(input) : '';
    if (text === inputText) text = inputText;
    this.add(null, type, text, roleArn);
    this.carry(null, input, text);
  }

  /** The execution's end; no event is recorded after it. */
  executionSucceeded(output: unknown): void {
    const type = 'ExecutionSucceeded';
    this.add(null, type, this.keeps(type) ? this.text(null, output) : '');
    this.flags |= CLOSED;
  }

  /** ExecutionFailed, ExecutionTimedOut or ExecutionAborted, with the error and cause. */
  executionEnded(type: 'ExecutionFailed' | 'ExecutionTimedOut' | 'ExecutionAborted', error: string | null | undefined, cause: string | null | undefined): void {
    this.add(null, type, error, cause);
    this.flags |= CLOSED;
  }

  stateEntered(frame: Frame, input: unknown): number {
    // A state that assigned and then failed leaves nothing for the next state's exit.
    if (this.assigned !== null) this.assigned.delete(frame);
    const type = stateEventType(frame.stateType, 'StateEntered');
    const text = this.keeps(type) ? this.text(frame, input) : '';
    return this.add(frame, type, frame.stateName, text);
  }

  stateExited(frame: Frame, output: unknown): void {
    const type = stateEventType(frame.stateType, 'StateExited');
    const text = this.keeps(type) ? jsonText(output) : '';
    let assigned: string | null = null;
    if (this.assigned !== null) {
      assigned = this.assigned.get(frame) ?? null;
      if (assigned !== null) this.assigned.delete(frame);
    }
    this.add(frame, type, frame.stateName, text, assigned);
    this.carry(frame, output, text);
  }

  /**
   * The state running in `frame` assigned `values` to `names` (its Assign, or its catcher's):
   * its StateExited shows them as AWS does, each value's JSON text by its name. The texts are
   * written now, as the values are when assigned.
   */
  variablesAssigned(frame: Frame, names: readonly string[], values: readonly unknown[]): void {
    if (names.length === 0) return; // Assign: {} shows none (AWS's test_assign_base BASE_EMPTY)
    const assigned = (this.assigned ??= new Map());
    const before = assigned.get(frame);
    const texts: Record<string, string> = before === undefined ? {} : (JSON.parse(before) as Record<string, string>);
    for (let i = 0; i < names.length; i++) texts[names[i]!] = jsonText(values[i]);
    assigned.set(frame, JSON.stringify(texts));
  }

  /**
   * TaskScheduled and TaskStarted (LambdaFunctionScheduled/Started for a Lambda ARN,
   * ActivityScheduled alone for an activity: its ActivityStarted comes when a worker takes
   * it). `timeoutSeconds` and `heartbeatSeconds` are the state's, 0 when it sets none.
   */
  taskStarted(frame: Frame, resource: string, parameters: unknown, timeoutSeconds = 0, heartbeatSeconds = 0): void {
    const lambda = isLambdaArn(resource);
    const type = lambda ? 'LambdaFunctionScheduled' : isActivityArn(resource) ? 'ActivityScheduled' : 'TaskScheduled';
    const text = this.keeps(type) ? jsonText(parameters) : '';
    if (type === 'TaskScheduled') {
      this.add(frame, type, resource, text, timingOf(timeoutSeconds, heartbeatSeconds));
      this.add(frame, 'TaskStarted', resource);
      return;
    }
    this.add(frame, type, resource, text, timingOf(timeoutSeconds, lambda ? 0 : heartbeatSeconds));
    if (lambda) this.add(frame, 'LambdaFunctionStarted');
  }

  /** ActivityStarted: a worker took the activity task. */
  activityStarted(frame: Frame, workerName: string | undefined): void {
    this.add(frame, 'ActivityStarted', workerName);
  }

  /** TaskSubmitted: a callback's or `.sync` job's request went out; `output` is the service's answer to it. */
  taskSubmitted(frame: Frame, resource: string, output: unknown): void {
    const type = 'TaskSubmitted';
    this.add(frame, type, resource, this.keeps(type) ? jsonText(output ?? {}) : '');
  }

  taskSucceeded(frame: Frame, resource: string, output: unknown): void {
    const type = isLambdaArn(resource) ? 'LambdaFunctionSucceeded' : isActivityArn(resource) ? 'ActivitySucceeded' : 'TaskSucceeded';
    const text = this.keeps(type) ? jsonText(output) : '';
    if (type === 'TaskSucceeded') this.add(frame, type, resource, text);
    else this.add(frame, type, text);
  }

  /** TaskFailed, or TaskTimedOut for States.Timeout, a heartbeat lapse included (Lambda and activity events alike). */
  taskFailed(frame: Frame, resource: string, thrown: unknown): void {
    const error = thrown instanceof AslError ? thrown.error : 'States.Runtime';
    const cause = thrown instanceof AslError ? thrown.cause : String(thrown);
    const timedOut = error === 'States.Timeout';
    if (isLambdaArn(resource)) this.add(frame, timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed', error, cause);
    else if (isActivityArn(resource)) this.add(frame, timedOut ? 'ActivityTimedOut' : 'ActivityFailed', error, cause);
    else this.add(frame, timedOut ? 'TaskTimedOut' : 'TaskFailed', resource, error, cause);
  }

  /**
   * EvaluationFailed, before the failure of a state whose own JSONata evaluation failed (its
   * error leaving it, no Catch taking it). AWS links it to the event before the state's
   * StateEntered, a Wait's to its StateEntered; the next event follows it.
   */
  stateFailed(frame: Frame, thrown: unknown): void {
    if (!(thrown instanceof AslError)) return;
    const cause = ownEvaluationFailure(thrown.error ?? '', thrown.cause ?? '', frame.stateName, frame.enteredEventId);
    if (cause === null) return;
    // Nothing recorded in the thread since the state was entered (a Map failed before MapStateStarted, say).
    const justEntered = frame.historyEventId === frame.enteredEventId;
    const unstartedMap = justEntered && frame.stateType === 'Map';
    // After events of the state's own (a Task's), the last of them: AWS's recordings show no such case.
    const previous = !justEntered || frame.stateType === 'Wait' ? frame.historyEventId : this.previousOf(frame.enteredEventId, frame.historyEventId);
    this.add(frame, 'EvaluationFailed', frame.stateName, cause, evaluationLocation(cause), previous);
    // AWS ends such a Map with MapStateFailed, as one that started.
    if (unstartedMap) this.add(frame, 'MapStateFailed');
  }

  /** The previous event id of the recorded event `id`; `otherwise` when it is not recorded (a level keeping less). Reads the whole history: for failures only. */
  private previousOf(id: number, otherwise: number): number {
    let found = otherwise;
    readEvents(this.packed, this.tape, this.settings.names, (_code, eventId, previousEventId) => {
      if (eventId === id) found = previousEventId;
    });
    return found;
  }

  /** ParallelState/MapState Started, Succeeded, Failed; a failure is held until the next event (dropped on a retry). */
  stateEvent(frame: Frame, type: string): void {
    if (type === 'MapStateFailed' || type === 'ParallelStateFailed') {
      if (this.heldFailure !== null) this.releaseFailure();
      this.heldFailure = frame;
      return;
    }
    if (type === 'ParallelStateStarted') {
      this.add(frame, type);
      return;
    }
    // AWS links the state's StateExited to the event before Map/ParallelStateSucceeded (the last iteration's or branch's end), and MapStateSucceeded too.
    const previous = (childExecutionOf(frame.stop)?.history ?? this).lastId;
    this.add(frame, type, null, null, null, type === 'MapStateSucceeded' ? previous : -1);
    frame.historyEventId = previous;
  }

  /** `frame`'s state is retried: AWS records no Map/ParallelStateFailed for the attempt (its next Started follows its last event). */
  retrying(frame: Frame): void {
    if (this.heldFailure === frame) this.heldFailure = null;
  }

  private releaseFailure(): void {
    const frame = this.heldFailure!;
    this.heldFailure = null;
    this.add(frame, frame.stateType === 'Map' ? 'MapStateFailed' : 'ParallelStateFailed');
  }

  /** A recorder for a map run's child execution, with this one's settings. */
  forChild(): HistoryRecorder {
    return new HistoryRecorder(this.settings);
  }

  mapStarted(frame: Frame, length: number): void {
    this.add(frame, 'MapStateStarted', length);
  }

  /** MapRunStarted, after MapStateStarted: the Map's iterations run as the map run's child executions. */
  mapRunStarted(frame: Frame, mapRunArn: string): void {
    this.add(frame, 'MapRunStarted', mapRunArn);
  }

  /** MapRunSucceeded, MapStateSucceeded; the exit follows MapRunStarted, the thread's last event (AWS's recordings since 2024-11). */
  mapRunSucceeded(frame: Frame): void {
    const started = frame.historyEventId;
    this.add(frame, 'MapRunSucceeded');
    this.stateEvent(frame, 'MapStateSucceeded');
    frame.historyEventId = started;
  }

  /** MapRunFailed with the error and cause (an aborted map run records no event: the execution's end says it). */
  mapRunFailed(frame: Frame, error: string | null, cause: string | null): void {
    this.add(frame, 'MapRunFailed', error, cause);
  }

  /** MapIterationStarted: the iteration's thread continues from it. */
  mapIterationStarted(parent: Frame, iteration: Frame, index: number): void {
    iteration.historyEventId = this.add(parent, 'MapIterationStarted', parent.stateName, index);
  }

  /**
   * A failed branch or iteration failed its state: TaskStateAborted for its Task, then for each
   * one still running MapIterationAborted (an iteration: index >= 0) and TaskStateAborted (a
   * Task), all linked to the failed one's last event, as the state's next event is (AWS's
   * test_service_lambda_map_timeout, PARALLEL_CATCH_ERROR_OUTPUT).
   */
  threadsAborted(parent: Frame, failed: Frame, running: readonly (readonly [Frame, number])[]): void {
    const last = parent.historyEventId;
    if (failed.stateType === 'Task') this.add(parent, 'TaskStateAborted', null, null, null, last);
    for (const [frame, index] of running) {
      if (index >= 0) this.add(parent, 'MapIterationAborted', parent.stateName, index, null, last);
      if (frame.stateType === 'Task') this.add(parent, 'TaskStateAborted', null, null, null, last);
    }
    parent.historyEventId = last;
  }

  /** MapIterationSucceeded or MapIterationFailed, following the iteration's last event. */
  mapIterationEnded(parent: Frame, iteration: Frame, index: number, succeeded: boolean): void {
    const type = succeeded ? 'MapIterationSucceeded' : 'MapIterationFailed';
    this.add(parent, type, parent.stateName, index, null, iteration.historyEventId);
    // AWS links the Map's next event (the next MapIterationStarted, MapStateFailed) to the iteration's last event, not to its end.
    parent.historyEventId = iteration.historyEventId;
  }

  private details(kind: Kind, a: unknown, b: unknown, c: unknown): Record<string, unknown> | null {
    const timing = c as readonly [number, number] | null;
    switch (kind) {
      case Kind.ExecutionStarted:
        return { input: a, inputDetails: untruncated, roleArn: b };
      case Kind.Output:
        return { output: a, outputDetails: untruncated };
      case Kind.Error:
        return errorDetails(a as string | null | undefined, b as string | null | undefined);
      case Kind.TaskError: {
        const split = splitResource(a as string);
        return errorDetails(b as string, c as string, { resourceType: split.resourceType, resource: split.resource });
      }
      case Kind.StateEntered:
        return { name: a, input: b, inputDetails: untruncated };
      case Kind.StateExited:
        if (c === null) return { name: a, output: b, outputDetails: untruncated };
        return { assignedVariables: assignedVariables(c as string), assignedVariablesDetails: untruncated, name: a, output: b, outputDetails: untruncated };
      case Kind.ResourceScheduled:
        return withTiming({ resource: a, input: b, inputDetails: untruncated }, timing);
      case Kind.TaskScheduled: {
        const split = splitResource(a as string);
        return withTiming({ resourceType: split.resourceType, resource: split.resource, region: this.settings.region, parameters: b }, timing);
      }
      case Kind.TaskStarted:
        return splitResource(a as string);
      case Kind.Worker:
        return a === null ? {} : { workerName: a };
      case Kind.TaskOutput:
        return resourceOutput(a as string, b as string);
      case Kind.MapLength:
        return { length: a };
      case Kind.Iteration:
        return { name: a, index: b };
      case Kind.Evaluation:
        return evaluationDetails(a as string, b as string, c as string | null);
      case Kind.MapRun:
        return { mapRunArn: a };
      default:
        return null;
    }
  }
}

/** AWS's event. The details in the literal, not added after: an added property needs a backing store of its own. */
function event(id: number, previousEventId: number, timestamp: Date, type: string, kind: Kind, details: Record<string, unknown> | null): HistoryEvent {
  const made = details === null ? { id, previousEventId, timestamp, type } : { id, previousEventId, timestamp, type, [detailsKey(type, kind)]: details };
  return made as unknown as HistoryEvent;
}
