/** The details of history events (run/history.ts): pieces AWS's event objects are built from as they are read. */
import type { Clock } from './clock.js';
import { NameTable } from './history-tape.js';
import type { HistoryLevel } from './history.js';

/** Details AWS attaches to a payload: statemill never truncates one. */
export const untruncated = Object.freeze({ truncated: false });

/** `arn:aws:states:::lambda:invoke` → lambda / invoke, as AWS splits a Task's Resource. */
export function splitResource(resource: string): { resourceType: string; resource: string } {
  const prefix = 'arn:aws:states:::';
  if (resource.startsWith(prefix)) {
    const rest = resource.slice(prefix.length);
    const colon = rest.indexOf(':');
    if (colon > 0) return { resourceType: rest.slice(0, colon), resource: rest.slice(colon + 1) };
  }
  return { resourceType: 'handler', resource };
}

/** Direct Lambda ARNs get LambdaFunction* events in AWS rather than Task* ones. */
export function isLambdaArn(resource: string): boolean {
  return resource.startsWith('arn:aws:lambda:');
}

/** Activity ARNs get Activity* events in AWS rather than Task* ones. */
export function isActivityArn(resource: string): boolean {
  return /^arn:[^:]*:states:[^:]*:[^:]*:activity:[^:]+$/.test(resource);
}

/** A TaskScheduled/ActivityScheduled event's details with the state's limits, where it sets them. */
export function withTiming(details: Record<string, unknown>, timing: readonly [number, number] | null): Record<string, unknown> {
  if (timing === null) return details;
  if (timing[0] > 0) details.timeoutInSeconds = timing[0];
  if (timing[1] > 0) details.heartbeatInSeconds = timing[1];
  return details;
}

/** A StateExited's assignedVariables: each variable's value as JSON text, by its name. */
export function assignedVariables(text: string): Record<string, string> {
  return JSON.parse(text) as Record<string, string>;
}

/** A Task event's resource and output (its JSON text). */
export function resourceOutput(resource: string, outputText: string): Record<string, unknown> {
  const split = splitResource(resource);
  return { resourceType: split.resourceType, resource: split.resource, output: outputText, outputDetails: untruncated };
}

/** `details` (empty by default) with the error and cause, where there are ones. */
export function errorDetails(error: string | null | undefined, cause: string | null | undefined, details: Record<string, string> = {}): Record<string, string> {
  if (error !== null && error !== undefined) details.error = error;
  if (cause !== null && cause !== undefined) details.cause = cause;
  return details;
}

/**
 * The cause of a States.QueryEvaluationError raised by the state `stateName` entered at event
 * `enteredEventId` itself (AWS records an EvaluationFailed for it), or null: another error,
 * or one a state inside it raised and an iteration or branch passed on.
 */
export function ownEvaluationFailure(error: string, cause: string, stateName: string, enteredEventId: number): string | null {
  if (error !== 'States.QueryEvaluationError') return null;
  return cause.startsWith(`An error occurred while executing the state '${stateName}' (entered at the event id #${enteredEventId}).`) ? cause : null;
}

/** The field an evaluation failure's cause names (`Output/result`, `Items`, `Timestamp`), or null when it names none. */
export function evaluationLocation(cause: string): string | null {
  const expression = /The JSONata expression '.*' specified for the field '([^']+)' /s.exec(cause);
  if (expression !== null) return expression[1]!;
  const field = /\)\. The (\w+) field /.exec(cause);
  return field === null ? null : field[1]!;
}

/** An EvaluationFailed event's details. */
export function evaluationDetails(state: string, cause: string, location: string | null): Record<string, string> {
  return location === null ? { error: 'States.QueryEvaluationError', cause, state } : { error: 'States.QueryEvaluationError', cause, location, state };
}

/** The execution's end in failure: the only events FATAL keeps. */
export function isFatal(type: string): boolean {
  return type === 'ExecutionFailed' || type === 'ExecutionAborted' || type === 'ExecutionTimedOut';
}

/** Every failure event, and a Fail state being entered: what ERROR keeps. */
export function isError(type: string): boolean {
  return type === 'FailStateEntered' || type.endsWith('Failed') || type.endsWith('Aborted') || type.endsWith('TimedOut');
}

/** JSON text of a value, as AWS shows payloads; a value that cannot be written shows as null. */
export function jsonText(value: unknown): string {
  try {
    return shared(JSON.stringify(value) ?? 'null');
  } catch {
    return 'null';
  }
}

/** Short JSON texts, shared by every execution that writes one (`{}`, `[]`, `true`, `0`): a string of its own takes 24 bytes. */
const shortTexts = new Map<string, string>();
const SHORT_TEXTS_KEPT = 1024;

function shared(text: string): string {
  if (text.length > 4) return text;
  const known = shortTexts.get(text);
  if (known !== undefined) return known;
  if (shortTexts.size < SHORT_TEXTS_KEPT) shortTexts.set(text, text);
  return text;
}

/** A scheduled event's timeout and heartbeat seconds, kept only where the state sets one (most set none). */
export function timingOf(timeoutSeconds: number, heartbeatSeconds: number): readonly [number, number] | null {
  return timeoutSeconds > 0 || heartbeatSeconds > 0 ? [timeoutSeconds, heartbeatSeconds] : null;
}

/** `Task` → `TaskStateEntered`, and so on: made once per state type, not once per event. */
const enteredTypes = new Map<string, string>();
const exitedTypes = new Map<string, string>();

export function stateEventType(stateType: string, suffix: 'StateEntered' | 'StateExited'): string {
  const types = suffix === 'StateEntered' ? enteredTypes : exitedTypes;
  let type = types.get(stateType);
  if (type === undefined) types.set(stateType, (type = stateType + suffix));
  return type;
}

/** What every recorder of one machine shares: a waiting execution holds one reference, not four fields. */
export class HistorySettings {
  readonly level: HistoryLevel;
  readonly clock: Clock;
  readonly region: string;
  /** Standard's quota (STANDARD_HISTORY_EVENTS); Infinity for Express. */
  readonly maxEvents: number;
  /** The names the machine's events repeat, as packed histories refer to them. */
  readonly names: NameTable;
  constructor(level: HistoryLevel, clock: Clock, region: string, maxEvents = Infinity) {
    this.level = level;
    this.clock = clock;
    this.region = region;
    this.maxEvents = maxEvents;
    this.names = new NameTable();
  }
}
