import { randomUUID } from 'node:crypto';
/**
 * Run-time failures are ASL errors: a name matchable by ErrorEquals and a cause.
 * AslError is deliberately not an Error subclass: failures drive Retry and Catch
 * on hot paths, and capturing a stack trace per failure would dominate their cost.
 */
export class AslError {
  readonly error: string | null;
  readonly cause: string | null;
  constructor(error: string | null, cause: string | null) {
    this.error = error;
    this.cause = cause;
  }
  /**
   * Read like an Error by whatever prints a thrown value (a test runner, a logger): uvu,
   * given a throw without `name`, reports nothing and skips the rest of the suite. Getters on
   * the prototype, so no failure pays for them; no stack is captured.
   */
  get name(): string {
    return this.error ?? 'AslError';
  }
  get message(): string {
    return this.cause ?? '';
  }
  get stack(): string {
    return `${this.name}: ${this.message}`;
  }
}

/** Error names AWS raises itself. */
export const StatesErrors = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  DataLimitExceeded: 'States.DataLimitExceeded',
  NoChoiceMatched: 'States.NoChoiceMatched',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
} as const;

/**
 * A heartbeat lapse (no heartbeat within HeartbeatSeconds). AWS records it as States.Timeout
 * (TaskTimedOut, ExecutionFailed, a catcher's Error), yet a Retry or Catch naming
 * States.HeartbeatTimeout matches it and not a TimeoutSeconds timeout. This one shared
 * instance is that mark, told apart by identity: no field added to every error, no second
 * shape for the code that reads errors. Never build another AslError for a lapse.
 */
export const heartbeatLapse = new AslError(StatesErrors.Timeout, null);

/** Where a run-time failure happened, as AWS words the start of its causes. */
export interface FailureSite {
  readonly stateName: string;
  readonly enteredEventId: number;
}

export function stateCause(site: FailureSite, detail: string): string {
  return `An error occurred while executing the state '${site.stateName}' (entered at the event id #${site.enteredEventId}). ${detail}`;
}

/** A States.Runtime failure located at the current state. Terminal: never retried, never caught. */
export function runtimeError(site: FailureSite, detail: string): AslError {
  return new AslError(StatesErrors.Runtime, stateCause(site, detail));
}

/** JSON text of a value as AWS quotes it inside causes. */
export function jsonForCause(value: unknown): string {
  if (value === undefined) return 'null';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * A thrown value, or a part of one (an Error's name or message), as text: strings as they
 * are, other primitives as JavaScript writes them (a symbol as `Symbol(desc)`), objects as
 * JSON. Null for null and undefined, and for a value that cannot be read at all (a getter or
 * a Proxy that throws): the caller picks the fallback. Never throws.
 */
export function textOf(value: unknown): string | null {
  try {
    if (typeof value === 'string') return value;
    if (value === null || value === undefined) return null;
    if (typeof value === 'symbol') return value.toString();
    if (typeof value !== 'object') return String(value);
    const json = JSON.stringify(value);
    return typeof json === 'string' ? json : String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return null;
    }
  }
}

/** Converts anything thrown inside a state into an ASL error (internal faults become States.Runtime). */
export function toAslError(thrown: unknown): AslError {
  if (thrown instanceof AslError) return thrown;
  let message: string | null;
  try {
    message = thrown instanceof Error ? textOf(thrown.message) : textOf(thrown);
  } catch {
    message = null;
  }
  return new AslError(StatesErrors.Runtime, `Internal error: ${message ?? 'a value that could not be read'}`);
}

/**
 * The error output a catcher hands on: `{ Error, Cause }`. A task that timed out has no
 * cause, which AWS hands a catcher as "" (AWS-recorded); other missing values stay null.
 */
export function errorOutput(error: AslError): { Error: string | null; Cause: string | null } {
  return { Error: error.error, Cause: error.cause === null && error.error === StatesErrors.Timeout ? '' : error.cause };
}

/** AWS's failure for a state's output, or a Task's or Map's result, over the payload limit; `subject` names the state (or a Task's service). */
export function resultTooLarge(subject: string): AslError {
  return new AslError(
    StatesErrors.DataLimitExceeded,
    `The state/task '${subject}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}

/** AWS's failure for a Task's effective input over the payload limit. */
export function inputTooLarge(stateName: string): AslError {
  return new AslError(
    StatesErrors.DataLimitExceeded,
    `The state/task '${stateName}' has an input with a size exceeding the maximum number of bytes service limit.`,
  );
}

/**
 * Lambda.ResourceNotFoundException for a `lambda:invoke` whose FunctionName names no
 * function, with the cause AWS records (test_task_service_lambda's test_no_such_function):
 * the function's ARN, in the partition, region and account of `stateMachineArn` when a name
 * is given, with its version ($LATEST unless qualified), and the request's id.
 */
export function functionNotFound(functionName: string, stateMachineArn: string): AslError {
  const [, partition, , region, account] = stateMachineArn.split(':');
  const arn = functionName.startsWith('arn:') ? functionName : `arn:${partition}:lambda:${region}:${account}:function:${functionName}`;
  // arn:partition:lambda:region:account:function:name has seven parts; an eighth is its version or alias.
  const qualified = arn.split(':').length > 7 ? arn : `${arn}:$LATEST`;
  return new AslError(
    'Lambda.ResourceNotFoundException',
    `Function not found: ${qualified} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${randomUUID()}; Proxy: null)`,
  );
}
