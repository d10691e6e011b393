import { createHash } from 'node:crypto';
import { ServiceError } from './errors.js';
import { jsonFault, nestingFault } from './json-errors.js';
import { nameProblem } from '../run/names.js';
import { enumValueSet, shown } from './request-model.js';

export { shown };

/**
 * Checks of request members, refusing as AWS refuses: ValidationException with the
 * service model's constraint wording, InvalidArn, InvalidName, InvalidExecutionInput.
 */

/** The resource types an ARN of Step Functions can name. */
export type ArnKind = 'stateMachine' | 'execution' | 'express' | 'activity' | 'mapRun';

export interface ParsedArn {
  /** `aws`, `aws-cn`, `aws-us-gov`, … */
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly kind: ArnKind;
  /** What follows the resource type, split at ':' (a machine's name, then a version or alias). */
  readonly parts: readonly string[];
}

const arnPrefix = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$/;

/** Parses a Step Functions ARN of one of `kinds`, or refuses it with AWS's InvalidArn message. */
export function parseArn(arn: unknown, member: string, kinds: readonly ArnKind[]): ParsedArn {
  requireString(arn, member);
  const m = arnPrefix.exec(arn);
  if (m === null) throw new ServiceError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  const kind = m[4] as ArnKind;
  if (!kinds.includes(kind)) throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${m[4]}'`);
  return { partition: m[1]!, region: m[2]!, account: m[3]!, kind, parts: m[5]!.split(':') };
}

export function missing(member: string): ServiceError {
  return new ServiceError(
    'ValidationException',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

/**
 * How a validation message shows a member's value: members the service model marks sensitive
 * (definition, input, output, error, cause, task token, an alias's description) are left out,
 * as AWS leaves them out, so a 256 KiB input is not echoed back in its refusal.
 */
function valueOf(value: unknown, sensitive: boolean): string {
  return sensitive ? 'Value' : `Value '${shown(value)}'`;
}

export function requireString(value: unknown, member: string, sensitive = false): asserts value is string {
  if (value === undefined || value === null) throw missing(member);
  if (typeof value !== 'string')
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: ${valueOf(value, sensitive)} at '${member}' failed to satisfy constraint: Member must be a string`,
    );
}

/** An IAM role's ARN (`arn:aws:iam::123456789012:role/name`), as AWS requires of a state machine's `roleArn`. */
const roleArnPattern = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/./;

export function checkRoleArn(value: unknown): string {
  requireString(value, 'roleArn');
  if (!roleArnPattern.test(value)) throw new ServiceError('InvalidArn', `Invalid Role Arn: '${value}'`);
  return value;
}

export function checkEnum<T extends string>(value: unknown, member: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${shown(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: ${enumValueSet(allowed)}`,
    );
  }
  return value as T;
}

/** A page size: 0 or absent means the default (100 for lists, as AWS). */
export function checkMaxResults(value: unknown, max = 1000): number {
  if (value === undefined || value === null || value === 0) return 100;
  return checkInteger(value, 'maxResults', 0, max)!;
}

/** An integer member from `min` to `max`, or undefined when absent; AWS's messages otherwise. */
export function checkInteger(value: unknown, member: string, min: number, max = Infinity): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${shown(value)}' at '${member}' failed to satisfy constraint: Member must be an integer`,
    );
  if (value < min)
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  if (value > max)
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  return value;
}

export function checkBoolean(value: unknown, member: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${shown(value)}' at '${member}' failed to satisfy constraint: Member must be a boolean`,
    );
  return value;
}

/** A resource name with none of the characters AWS refuses (run/names.ts), or InvalidName; its length is the model check's. */
export function checkName(name: unknown): string {
  requireString(name, 'name');
  if (nameProblem(name, 'a name') !== null) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
  return name;
}

/**
 * An execution's input text and its value; absent means `{}`. Refuses text that is not JSON
 * with InvalidExecutionInput. The service model bounds its length (request-model.ts); an
 * input within it whose UTF-8 bytes pass 256 KiB starts, and fails with
 * States.DataLimitExceeded, as in AWS.
 */
export function parseExecutionInput(input: unknown): { text: string; value: unknown } {
  if (input === undefined || input === null) return { text: '{}', value: {} };
  requireString(input, 'input', true);
  if (input.trim() === '') throw new ServiceError('InvalidExecutionInput', "Invalid State Machine Execution Input: 'Invalid execution input.'");
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    const fault = jsonFault(input);
    throw new ServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${fault?.message ?? 'Invalid execution input.'}'`);
  }
  const tooDeep = nestingFault(input);
  if (tooDeep !== null) throw new ServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${tooDeep.message}'`);
  return { text: input, value };
}

/** `key:value` tags as AWS takes them (their lengths checked with the rest of the request). */
export function checkTags(tags: unknown): { key: string; value: string }[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags))
    throw new ServiceError('ValidationException', `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must be a list`);
  return tags.map((tag: unknown, i) => {
    const t = (tag ?? {}) as { key?: unknown; value?: unknown };
    // Lengths are the model check's (request-model.ts); types are checked here.
    requireString(t.key, `tags.${i + 1}.member.key`);
    const value = t.value ?? '';
    requireString(value, `tags.${i + 1}.member.value`);
    return { key: t.key, value };
  });
}

/** How long a page token stays good: AWS's tokens expire after 24 hours. */
const tokenLifetimeMs = 24 * 60 * 60 * 1000;

/** What a list call pages: its size and the token it continues from, checked before anything is looked up. */
export interface PageRequest {
  readonly size: number;
  readonly nextToken: string | undefined;
}

/** A list call's `maxResults` and `nextToken` (their bounds are the model check's). */
export function pageRequest(request: { maxResults?: unknown; nextToken?: unknown } | undefined): PageRequest {
  const size = checkMaxResults(request?.maxResults);
  const nextToken = request?.nextToken;
  if (nextToken === undefined || nextToken === null) return { size, nextToken: undefined };
  requireString(nextToken, 'nextToken');
  return { size, nextToken };
}

/** AWS's one answer for a token it did not issue for this list, or issued more than 24 hours ago. */
const invalidToken = (): ServiceError => new ServiceError('InvalidToken', "Invalid Token: 'Invalid token'");

/** A list's identity in its tokens, short and fixed in length whatever the ARNs and filters. */
function scopeDigest(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 16);
}

/**
 * Pages a list. A token names the list it was issued for (`scope`: the operation, the
 * resource it lists, the filters that choose the items), when it was issued, and the first
 * item of the next page by its key (an ARN, an event id), so a list that grows between calls
 * (new executions come first) neither repeats nor skips items. A token of another list, of
 * another execution's history, older than 24 hours, or whose item is gone is refused with
 * AWS's InvalidToken; only `maxResults` may change between pages.
 */
export function page<T>(items: readonly T[], request: PageRequest, scope: string, now: number, keyOf: (item: T) => string): { items: T[]; nextToken?: string } {
  const digest = scopeDigest(scope);
  let start = 0;
  if (request.nextToken !== undefined) {
    const decoded = /^([\w-]{16}):(\d+):(\d+):(.+)$/s.exec(Buffer.from(request.nextToken, 'base64url').toString('utf8'));
    if (decoded === null || decoded[1] !== digest) throw invalidToken();
    const issued = Number(decoded[2]);
    if (issued > now || now - issued > tokenLifetimeMs) throw invalidToken();
    const hint = Number(decoded[3]);
    const key = decoded[4]!;
    start = hint < items.length && keyOf(items[hint]!) === key ? hint : items.findIndex((item) => keyOf(item) === key);
    if (start < 0) throw invalidToken();
  }
  const slice = items.slice(start, start + request.size);
  const end = start + slice.length;
  if (end >= items.length) return { items: slice };
  return { items: slice, nextToken: Buffer.from(`${digest}:${now}:${end}:${keyOf(items[end]!)}`).toString('base64url') };
}

/** StartExecution's `traceHeader` (its length and ASCII pattern are the model check's). */
export function checkTraceHeader(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  requireString(value, 'traceHeader');
  return value;
}
