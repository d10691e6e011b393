import { ServiceError } from './errors.js';
import { characterCount } from '../run/characters.js';

/**
 * The constraints AWS's service model (botocore's stepfunctions 2016-11-23) puts on each
 * operation's request members, nested ones included (`loggingConfiguration.level`,
 * `tags.1.member.key`), checked as AWS's front end checks them: before the operation looks at
 * anything, every member at once, answering one ValidationException that lists every
 * violation ("2 validation errors detected: …; …"). A member of the wrong JSON type is left
 * to the operation's own checks.
 */

type Shape =
  | {
      readonly type: 'string';
      readonly min?: number;
      readonly max?: number;
      readonly pattern?: Pattern;
      readonly values?: readonly string[];
      readonly sensitive?: true;
    }
  | { readonly type: 'integer' | 'float'; readonly min?: number; readonly max?: number }
  | {
      readonly type: 'list';
      readonly min?: number;
      readonly max?: number;
      readonly member?: Shape;
      readonly show?: (items: readonly unknown[]) => string;
    }
  | Structure
  /** A boolean, or a structure none of whose members the model constrains. */
  | { readonly type: 'other' };

interface Structure {
  readonly type: 'structure';
  readonly members: Readonly<Record<string, Member>>;
  /** The members in the order their violations are listed (memberOrder()). */
  readonly order: readonly string[];
}

/** A pattern as the model writes it (Java's syntax, matched against the whole value) and as JavaScript tests it. */
interface Pattern {
  readonly text: string;
  readonly regex: RegExp;
}

function pattern(text: string): Pattern {
  return { text, regex: new RegExp(`^(?:${text})$`, 'u') };
}

interface Member {
  readonly shape: Shape;
  readonly required?: true;
}

function req(shape: Shape): Member {
  return { shape, required: true };
}

function opt(shape: Shape): Member {
  return { shape };
}

function structure(members: Record<string, Member>): Structure {
  return { type: 'structure', members, order: memberOrder(Object.keys(members)) };
}

const arn: Shape = { type: 'string', min: 1, max: 256 };
const longArn: Shape = { type: 'string', min: 1, max: 2000 };
const name: Shape = { type: 'string', min: 1, max: 80 };
const definition: Shape = { type: 'string', min: 1, max: 1_048_576, sensitive: true };
const sensitiveData: Shape = { type: 'string', max: 262_144, sensitive: true };
const sensitiveError: Shape = { type: 'string', min: 0, max: 256, sensitive: true };
const sensitiveCause: Shape = { type: 'string', min: 0, max: 32_768, sensitive: true };
const versionDescription: Shape = { type: 'string', max: 256, sensitive: true };
const pageSize: Shape = { type: 'integer', min: 0, max: 1000 };
const pageToken: Shape = { type: 'string', min: 1, max: 1024 };
const taskToken: Shape = { type: 'string', min: 1, max: 2048 };
const traceHeader: Shape = { type: 'string', min: 0, max: 256, pattern: pattern('\\p{ASCII}*') };
const includedData: Shape = { type: 'string', values: ['ALL_DATA', 'METADATA_ONLY'] };
const stateMachineType: Shape = { type: 'string', values: ['STANDARD', 'EXPRESS'] };
const other: Shape = { type: 'other' };
const aliasName: Shape = { type: 'string', min: 1, max: 80, pattern: pattern('^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$') };
const routing: Shape = {
  type: 'list',
  min: 1,
  max: 2,
  show: routingShown,
  member: structure({ stateMachineVersionArn: req(arn), weight: req({ type: 'integer', min: 0, max: 100 }) }),
};
const tagKey: Shape = { type: 'string', min: 1, max: 128 };
const tags: Shape = { type: 'list', member: structure({ key: opt(tagKey), value: opt({ type: 'string', min: 0, max: 256 }) }) };
const logging = structure({
  level: opt({ type: 'string', values: ['ALL', 'ERROR', 'FATAL', 'OFF'] }),
  includeExecutionData: opt(other),
  destinations: opt({ type: 'list', member: structure({ cloudWatchLogsLogGroup: opt(structure({ logGroupArn: opt(arn) })) }) }),
});
const encryption = structure({
  kmsKeyId: opt({ type: 'string', min: 1, max: 2048 }),
  kmsDataKeyReusePeriodSeconds: opt({ type: 'integer', min: 60, max: 900 }),
  type: req({ type: 'string', values: ['AWS_OWNED_KEY', 'CUSTOMER_MANAGED_KMS_KEY'] }),
});
const stateName: Shape = { type: 'string', min: 1, max: 80, sensitive: true };

/** A RoutingConfigurationList as AWS's messages show it (Java's toString of its items). */
function routingShown(value: readonly unknown[]): string {
  const items = value.map((item) => {
    const route = (item ?? {}) as { stateMachineVersionArn?: unknown; weight?: unknown };
    return `RoutingConfigurationListItem(stateMachineVersionArn=${shown(route.stateMachineVersionArn ?? null)}, weight=${shown(route.weight ?? null)})`;
  });
  return `[${items.join(', ')}]`;
}

/** Each operation's input members, in the model's order. */
const inputs: Record<string, Structure> = {
  CreateActivity: structure({ name: req(name), tags: opt(tags), encryptionConfiguration: opt(encryption) }),
  CreateStateMachine: structure({
    name: req(name),
    definition: req(definition),
    roleArn: req(arn),
    type: opt(stateMachineType),
    loggingConfiguration: opt(logging),
    tags: opt(tags),
    tracingConfiguration: opt(other),
    publish: opt(other),
    versionDescription: opt(versionDescription),
    encryptionConfiguration: opt(encryption),
  }),
  CreateStateMachineAlias: structure({ description: opt(versionDescription), name: req(aliasName), routingConfiguration: req(routing) }),
  DeleteActivity: structure({ activityArn: req(arn) }),
  DeleteStateMachine: structure({ stateMachineArn: req(arn) }),
  DeleteStateMachineAlias: structure({ stateMachineAliasArn: req(arn) }),
  DeleteStateMachineVersion: structure({ stateMachineVersionArn: req(longArn) }),
  DescribeActivity: structure({ activityArn: req(arn) }),
  DescribeExecution: structure({ executionArn: req(arn), includedData: opt(includedData) }),
  DescribeMapRun: structure({ mapRunArn: req(longArn) }),
  DescribeStateMachine: structure({ stateMachineArn: req(arn), includedData: opt(includedData) }),
  DescribeStateMachineAlias: structure({ stateMachineAliasArn: req(arn) }),
  DescribeStateMachineForExecution: structure({ executionArn: req(arn), includedData: opt(includedData) }),
  GetActivityTask: structure({ activityArn: req(arn), workerName: opt(name) }),
  GetExecutionHistory: structure({
    executionArn: req(arn),
    maxResults: opt(pageSize),
    reverseOrder: opt(other),
    nextToken: opt(pageToken),
    includeExecutionData: opt(other),
  }),
  ListActivities: structure({ maxResults: opt(pageSize), nextToken: opt(pageToken) }),
  ListExecutions: structure({
    stateMachineArn: opt(arn),
    statusFilter: opt({ type: 'string', values: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] }),
    maxResults: opt(pageSize),
    nextToken: opt({ type: 'string', min: 1, max: 3096 }),
    mapRunArn: opt(longArn),
    redriveFilter: opt({ type: 'string', values: ['REDRIVEN', 'NOT_REDRIVEN'] }),
  }),
  ListMapRuns: structure({ executionArn: req(arn), maxResults: opt(pageSize), nextToken: opt(pageToken) }),
  ListStateMachineAliases: structure({ stateMachineArn: req(arn), nextToken: opt(pageToken), maxResults: opt(pageSize) }),
  ListStateMachineVersions: structure({ stateMachineArn: req(arn), nextToken: opt(pageToken), maxResults: opt(pageSize) }),
  ListStateMachines: structure({ maxResults: opt(pageSize), nextToken: opt(pageToken) }),
  ListTagsForResource: structure({ resourceArn: req(arn) }),
  PublishStateMachineVersion: structure({ stateMachineArn: req(arn), revisionId: opt({ type: 'string' }), description: opt(versionDescription) }),
  RedriveExecution: structure({ executionArn: req(arn), clientToken: opt({ type: 'string', min: 1, max: 64, pattern: pattern('[!-~]+') }) }),
  SendTaskFailure: structure({ taskToken: req(taskToken), error: opt(sensitiveError), cause: opt(sensitiveCause) }),
  SendTaskHeartbeat: structure({ taskToken: req(taskToken) }),
  SendTaskSuccess: structure({ taskToken: req(taskToken), output: req(sensitiveData) }),
  StartExecution: structure({ stateMachineArn: req(arn), name: opt(name), input: opt(sensitiveData), traceHeader: opt(traceHeader) }),
  StartSyncExecution: structure({
    stateMachineArn: req(arn),
    name: opt(name),
    input: opt(sensitiveData),
    traceHeader: opt(traceHeader),
    includedData: opt(includedData),
  }),
  StopExecution: structure({ executionArn: req(arn), error: opt(sensitiveError), cause: opt(sensitiveCause) }),
  TagResource: structure({ resourceArn: req(arn), tags: req(tags) }),
  TestState: structure({
    definition: req(definition),
    roleArn: opt(arn),
    input: opt(sensitiveData),
    inspectionLevel: opt({ type: 'string', values: ['INFO', 'DEBUG', 'TRACE'] }),
    revealSecrets: opt(other),
    variables: opt(sensitiveData),
    stateName: opt(stateName),
    mock: opt(
      structure({
        result: opt(sensitiveData),
        errorOutput: opt(structure({ error: opt(sensitiveError), cause: opt(sensitiveCause) })),
        fieldValidationMode: opt({ type: 'string', values: ['STRICT', 'PRESENT', 'NONE'] }),
      }),
    ),
    context: opt(sensitiveData),
    stateConfiguration: opt(
      structure({
        retrierRetryCount: opt({ type: 'integer', min: 0 }),
        errorCausedByState: opt(stateName),
        mapIterationFailureCount: opt({ type: 'integer', min: 0 }),
        mapItemReaderData: opt(sensitiveData),
      }),
    ),
  }),
  UntagResource: structure({ resourceArn: req(arn), tagKeys: req({ type: 'list', member: tagKey }) }),
  UpdateMapRun: structure({
    mapRunArn: req(longArn),
    maxConcurrency: opt({ type: 'integer', min: 0 }),
    toleratedFailurePercentage: opt({ type: 'float', min: 0, max: 100 }),
    toleratedFailureCount: opt({ type: 'integer', min: 0 }),
  }),
  UpdateStateMachine: structure({
    stateMachineArn: req(arn),
    definition: opt(definition),
    roleArn: opt(arn),
    loggingConfiguration: opt(logging),
    tracingConfiguration: opt(other),
    publish: opt(other),
    versionDescription: opt(versionDescription),
    encryptionConfiguration: opt(encryption),
  }),
  UpdateStateMachineAlias: structure({ stateMachineAliasArn: req(arn), description: opt(versionDescription), routingConfiguration: opt(routing) }),
  ValidateStateMachineDefinition: structure({
    definition: req(definition),
    type: opt(stateMachineType),
    severity: opt({ type: 'string', values: ['ERROR', 'WARNING'] }),
    maxResults: opt({ type: 'integer', min: 0, max: 100 }),
  }),
};

/** Java's String.hashCode(), on which the orders of AWS's messages depend. */
function javaHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The order in which AWS's message lists the members in violation: a Java HashMap's (of at
 * most 12 entries, so 16 buckets, each hash spread by its high half), members in one bucket
 * in the model's order. It reproduces the orders AWS's multi-error messages show elsewhere;
 * no Step Functions recording has two members in violation.
 */
function memberOrder(names: readonly string[]): string[] {
  const bucket = (member: string): number => {
    const hash = javaHash(member);
    return (hash ^ (hash >>> 16)) & 15;
  };
  return names
    .map((member, index) => ({ member, index, bucket: bucket(member) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.member);
}

/**
 * An enumeration as AWS's "Member must satisfy enum value set: […]" lists it: by each value's
 * hash in 32 buckets, later values of one bucket first. The rule gives the order AWS recorded
 * for ListExecutions' statusFilter ([SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED,
 * RUNNING]) from the model's order, and the orders of other services' recorded messages.
 */
export function enumValueSet(values: readonly string[]): string {
  const ordered = values
    .map((value, index) => ({ value, index, bucket: (javaHash(value) >>> 0) % 32 }))
    .sort((a, b) => a.bucket - b.bucket || b.index - a.index)
    .map((entry) => entry.value);
  return `[${ordered.join(', ')}]`;
}

/**
 * A request member's value as a refusal shows it (what String() makes of it). String() of an
 * array recurses through its elements, so an array nested thousands deep, or an object
 * without a prototype, is named by its kind instead of crashing the refusal.
 */
export function shown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Array.isArray(value) ? '(an array nested too deep to show)' : '(a value that cannot be shown)';
  }
}

/** Adds to `found` what `value` at `path` violates of `shape`, nested members' violations in their turn. */
function violations(path: string, shape: Shape, value: unknown, found: string[]): void {
  const at = (display: string | null, constraint: string) =>
    found.push(`${display === null ? 'Value' : `Value '${display}'`} at '${path}' failed to satisfy constraint: Member must ${constraint}`);
  if (shape.type === 'string' && typeof value === 'string') {
    const display = shape.sensitive === true ? null : value;
    if (shape.pattern !== undefined && !shape.pattern.regex.test(value)) at(display, `satisfy regular expression pattern: ${shape.pattern.text}`);
    // Code units bound the count (at most that many characters, at least half as many): count only where they leave it open.
    const units = value.length;
    const length = units > (shape.max ?? Infinity) || units < 2 * (shape.min ?? 0) ? characterCount(value) : units;
    if (shape.min !== undefined && length < shape.min) at(display, `have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && length > shape.max) at(display, `have length less than or equal to ${shape.max}`);
    if (shape.values !== undefined && !shape.values.includes(value)) at(display, `satisfy enum value set: ${enumValueSet(shape.values)}`);
  } else if ((shape.type === 'integer' || shape.type === 'float') && typeof value === 'number') {
    const display = shape.type === 'float' && Number.isInteger(value) ? `${value}.0` : String(value);
    if (shape.min !== undefined && value < shape.min) at(display, `have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) at(display, `have value less than or equal to ${shape.max}`);
  } else if (shape.type === 'list' && Array.isArray(value)) {
    if (shape.min !== undefined && value.length < shape.min) at(shape.show?.(value) ?? shown(value), `have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value.length > shape.max) at(shape.show?.(value) ?? shown(value), `have length less than or equal to ${shape.max}`);
    if (shape.member !== undefined) value.forEach((item, i) => violations(`${path}.${i + 1}.member`, shape.member!, item, found));
  } else if (shape.type === 'structure' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    structureViolations(path, shape, value as Record<string, unknown>, found);
  }
}

function structureViolations(path: string, shape: Structure, fields: Record<string, unknown>, found: string[]): void {
  for (const member of shape.order) {
    const { shape: memberShape, required } = shape.members[member]!;
    const at = path === '' ? member : `${path}.${member}`;
    const value = Object.hasOwn(fields, member) ? fields[member] : undefined;
    if (value === undefined || value === null) {
      if (required === true) found.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
    } else violations(at, memberShape, value, found);
  }
}

/**
 * Refuses `request` with AWS's ValidationException listing every violation of the service
 * model's constraints on `operation`'s members; does nothing when there is none.
 */
export function checkRequestModel(operation: string, request: unknown): void {
  const input = inputs[operation];
  if (input === undefined) return;
  const fields = (request !== null && typeof request === 'object' ? request : {}) as Record<string, unknown>;
  const found: string[] = [];
  structureViolations('', input, fields, found);
  if (found.length === 0) return;
  throw new ServiceError('ValidationException', `${found.length} validation error${found.length === 1 ? '' : 's'} detected: ${found.join('; ')}`);
}
