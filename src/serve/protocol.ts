import { ServiceError, type ServiceErrorName } from '../service/errors.js';

/**
 * AWS JSON 1.0 as Step Functions speaks it (botocore's `stepfunctions/2016-11-23` model:
 * `targetPrefix` AWSStepFunctions, `jsonVersion` 1.0): which operations exist, how a
 * request names one, and how answers and refusals are written.
 */

export const TARGET_PREFIX = 'AWSStepFunctions.';
export const CONTENT_TYPE = 'application/x-amz-json-1.0';
const ERROR_NAMESPACE = 'com.amazonaws.sfn#';

/** The 37 operations of the service model, by wire name. */
export const OPERATIONS = [
  'CreateActivity',
  'CreateStateMachine',
  'CreateStateMachineAlias',
  'DeleteActivity',
  'DeleteStateMachine',
  'DeleteStateMachineAlias',
  'DeleteStateMachineVersion',
  'DescribeActivity',
  'DescribeExecution',
  'DescribeMapRun',
  'DescribeStateMachine',
  'DescribeStateMachineAlias',
  'DescribeStateMachineForExecution',
  'GetActivityTask',
  'GetExecutionHistory',
  'ListActivities',
  'ListExecutions',
  'ListMapRuns',
  'ListStateMachineAliases',
  'ListStateMachineVersions',
  'ListStateMachines',
  'ListTagsForResource',
  'PublishStateMachineVersion',
  'RedriveExecution',
  'SendTaskFailure',
  'SendTaskHeartbeat',
  'SendTaskSuccess',
  'StartExecution',
  'StartSyncExecution',
  'StopExecution',
  'TagResource',
  'TestState',
  'UntagResource',
  'UpdateMapRun',
  'UpdateStateMachine',
  'UpdateStateMachineAlias',
  'ValidateStateMachineDefinition',
] as const;

export type OperationName = (typeof OPERATIONS)[number];

/** The service method of each operation: its name camelCased (`StartSyncExecution` → `startSyncExecution`). */
export const METHOD_OF: ReadonlyMap<string, string> = new Map(OPERATIONS.map((op) => [op, op[0]!.toLowerCase() + op.slice(1)]));

/** An answer with its status: 200 with the operation's output, or a refusal. */
export interface WireAnswer {
  readonly status: number;
  readonly body: string;
  /** AWS's exception name, for `X-Amzn-Errortype`; null on success. */
  readonly errorType: string | null;
}

/**
 * The operation an `X-Amz-Target` names, or a ServiceError saying why none: a missing or
 * foreign target and a name outside the model are UnknownOperationException, as AWS answers.
 */
export function operationOf(target: string | undefined): OperationName {
  if (target === undefined || target === '') {
    throw new ServiceError('UnknownOperationException', 'Missing X-Amz-Target header: expected AWSStepFunctions.<Operation>');
  }
  if (!target.startsWith(TARGET_PREFIX) || !METHOD_OF.has(target.slice(TARGET_PREFIX.length))) {
    throw new ServiceError(
      'UnknownOperationException',
      `Unknown operation ${JSON.stringify(target)}: expected AWSStepFunctions.<Operation> with one of Step Functions' 37 operations`,
    );
  }
  return target.slice(TARGET_PREFIX.length) as OperationName;
}

/** True for the AWS JSON content types (1.0 is Step Functions'; 1.1 is accepted as AWS's front ends do). */
export function isAwsJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === CONTENT_TYPE || mediaType === 'application/x-amz-json-1.1';
}

/**
 * The request structure in a body: a JSON object; an empty body is `{}` (clients may send
 * nothing for an operation without input). Anything else is a SerializationException.
 */
export function decodeRequest(body: string): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ServiceError('SerializationException', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ServiceError(
      'SerializationException',
      `The request body must be a JSON object (the operation's input structure), not ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`}`,
    );
  }
  if (nestedTooDeep(parsed, MAX_REQUEST_DEPTH)) {
    throw new ServiceError(
      'SerializationException',
      `The request body is nested more than ${MAX_REQUEST_DEPTH} levels deep; no Step Functions request structure is (definitions and inputs travel as JSON text in strings)`,
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * How deep a request body's JSON may nest. Step Functions' deepest request structure (a
 * logging configuration's destination) is five levels; deeper bodies are refused before any
 * operation reads them, so no check or message recurses through a value nested thousands deep.
 */
export const MAX_REQUEST_DEPTH = 32;

/** True when `value` holds arrays or objects more than `levels` deep (walks at most that deep). */
function nestedTooDeep(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestedTooDeep(value[i], levels - 1)) return true;
    return false;
  }
  for (const key in value) if (nestedTooDeep((value as Record<string, unknown>)[key], levels - 1)) return true;
  return false;
}

/**
 * The output with every `Date` as epoch seconds, milliseconds as the fraction (as AWS sends
 * timestamps); objects and arrays are copied, everything else shared. Twice as fast as a
 * JSON.stringify replacer, which V8 calls for every key.
 */
function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = toWire((value as Record<string, unknown>)[key]);
    // Assigning `__proto__` would set the copy's prototype; defined, it is a member JSON.stringify writes.
    // (A copy without a prototype would be a dictionary-mode object: a 200-event history took 30% longer.)
    if (key === '__proto__') Object.defineProperty(copy, key, { value: member, enumerable: true, writable: true, configurable: true });
    else copy[key] = member;
  }
  return copy;
}

/** `"name":` of the output members met so far (the shapes' member names: a few dozen). */
const memberPrefixes = new Map<string, string>();

function memberPrefix(key: string): string {
  let prefix = memberPrefixes.get(key);
  if (prefix === undefined) {
    prefix = JSON.stringify(key) + ':';
    if (memberPrefixes.size < 512) memberPrefixes.set(key, prefix);
  }
  return prefix;
}

/** Strings this long are worth comparing with the previous one before escaping. */
const REUSED_TEXT_LENGTH = 64;

/**
 * The operation's output as a JSON body, the text JSON.stringify writes for it with every
 * `Date` as epoch seconds; an operation without output answers `{}`. The body is written
 * member by member around each member's JSON, so the large members (`input`, `output`,
 * `definition`: JSON text in a JSON string) are escaped once each, a member equal to the
 * one before it (a Pass-through's output is its input) not at all, and only members that
 * are objects are copied to convert their dates.
 */
export function encodeResponse(output: unknown): string {
  if (output === undefined || output === null) return '{}';
  if (typeof output !== 'object' || Array.isArray(output) || output instanceof Date) return JSON.stringify(toWire(output));
  let body = '';
  let lastText: string | null = null;
  let lastEscaped = '';
  for (const key of Object.keys(output)) {
    const value = (output as Record<string, unknown>)[key];
    let written: string | undefined;
    if (typeof value === 'string') {
      if (value === lastText) written = lastEscaped;
      else {
        written = JSON.stringify(value);
        if (value.length >= REUSED_TEXT_LENGTH) {
          lastText = value;
          lastEscaped = written;
        }
      }
    } else if (value instanceof Date) written = JSON.stringify(value.getTime() / 1000);
    else if (value !== null && typeof value === 'object') written = JSON.stringify(toWire(value));
    else written = JSON.stringify(value);
    // As in JSON.stringify, a member whose value has no JSON (undefined, a function) is left out.
    if (written === undefined) continue;
    body += (body.length === 0 ? '{' : ',') + memberPrefix(key) + written;
  }
  return body.length === 0 ? '{}' : body + '}';
}

/** A refusal: HTTP 400 (413 for a body over the limit) with the namespaced `__type` and AWS's message. */
export function encodeError(name: string, message: string, status = 400): WireAnswer {
  return { status, body: JSON.stringify({ __type: ERROR_NAMESPACE + name, message }), errorType: name };
}

/**
 * The refusals whose HTTP status is not 400: the `httpError` of Step Functions' Smithy model
 * (the SDKs' schemas; botocore's JSON says the same only in prose: "HTTP Status Code: 409").
 * Clients read the exception from `__type` whatever the status.
 */
const ERROR_STATUS: ReadonlyMap<ServiceErrorName, number> = new Map<ServiceErrorName, number>([
  ['ConflictException', 409],
  ['ResourceNotFound', 404],
  ['ServiceQuotaExceededException', 402],
  ['InternalFailure', 500],
]);

/** The refusal for a ServiceError (whatever the service or the protocol layer threw). */
export function encodeServiceError(error: ServiceError): WireAnswer {
  return encodeError(error.name, error.message, ERROR_STATUS.get(error.name) ?? 400);
}
