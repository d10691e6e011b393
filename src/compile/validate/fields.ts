import { itemBatcherFields, itemProcessorFields, itemReaderFields, processorConfigFields, resultWriterFields, type FieldSpec } from '../../asl/fields.js';
import { hasOwn, isObject } from '../../json.js';
import { ProblemCodes, pointerTo } from '../../asl/problems.js';
import type { QueryLanguage } from '../../asl/types.js';
import { parseTimestamp } from '../timestamps.js';
import { longerThan } from '../../run/characters.js';
import { checkChoices } from './choices.js';
import { checkCatch, checkErrorEquals, checkRetry } from './error-handlers.js';
import { closestName, describe, shown } from './messages.js';
import { checkPathField, checkReferencePathField, checkResultPath } from './paths.js';
import { checkBranches, checkMachine } from './states.js';
import { checkAssign, checkCredentials, checkParametersTemplate, checkPayloadTemplate } from './templates.js';
import { isJsonataExpression } from '../jsonata/ast.js';
import type { Scope, Site, Validation } from './walk.js';

// ---------------------------------------------------------------------------------------------
// Fields

type UnknownField = (v: Validation, site: Site, key: string, at: string, fields: ReadonlyMap<string, FieldSpec>, owner: string) => void;

/** Checks every field of `object` against `fields`: known, of the site's language, of the right kind. */
export function checkFields(
  v: Validation,
  site: Site,
  object: Record<string, unknown>,
  pointer: string,
  fields: ReadonlyMap<string, FieldSpec>,
  owner: string,
  onUnknown: UnknownField = reportUnknownField,
): void {
  for (const key of Object.keys(object)) {
    const at = pointerTo(pointer, key);
    const spec = fields.get(key);
    if (spec === undefined) {
      onUnknown(v, site, key, at, fields, owner);
    } else if (spec.language !== 'both' && spec.language !== site.language) {
      reportWrongLanguage(v, key, at, spec.language);
    } else {
      checkField(v, site, spec, key, object[key], at);
    }
  }
}

export function reportUnknownField(v: Validation, _site: Site, key: string, at: string, fields: ReadonlyMap<string, FieldSpec>, owner: string): void {
  const guess = closestName(key, fields.keys());
  v.report(ProblemCodes.UNKNOWN_FIELD, at, `${owner} has no field '${shown(key)}'${guess === null ? '' : `; did you mean '${guess}'?`}`);
}

/** What to use instead of a field in the other query language. */
const counterparts = new Map([
  ['InputPath', 'Arguments (with $states.input)'],
  ['Parameters', 'Arguments'],
  ['ResultSelector', 'Output'],
  ['ResultPath', 'Output'],
  ['OutputPath', 'Output'],
  ['Result', 'Output'],
  ['ItemsPath', 'Items'],
  ['Arguments', 'Parameters'],
  ['Output', 'ResultSelector, ResultPath or OutputPath'],
  ['Items', 'ItemsPath'],
  ['Condition', 'Variable with a comparison operator'],
]);

function reportWrongLanguage(v: Validation, key: string, at: string, fieldLanguage: QueryLanguage): void {
  const stateLanguage = fieldLanguage === 'JSONPath' ? 'JSONata' : 'JSONPath';
  let counterpart = counterparts.get(key);
  if (counterpart === undefined && fieldLanguage === 'JSONPath' && key.endsWith('Path')) {
    counterpart = `${key.slice(0, -4)} with a {% … %} expression`;
  }
  v.report(
    ProblemCodes.QUERY_LANGUAGE,
    at,
    `${key} is only supported with QueryLanguage ${fieldLanguage}, and this is ${stateLanguage}${counterpart === undefined ? '' : `; use ${counterpart}`}`,
  );
}

function checkField(v: Validation, site: Site, spec: FieldSpec, key: string, value: unknown, at: string): void {
  if (spec.expression && site.language === 'JSONata' && isJsonataExpression(value)) return;
  switch (spec.kind) {
    case 'type':
    case 'startAt':
    case 'states':
    case 'anyJson':
      return;
    case 'string':
      if (typeof value !== 'string') v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a string; found ${describe(value)}`);
      return;
    case 'label':
      checkLabel(v, value, at);
      return;
    case 'end':
      if (typeof value !== 'boolean') v.report(ProblemCodes.FIELD_TYPE, at, `End must be true or false; found ${describe(value)}`);
      return;
    case 'enum':
      checkEnum(v, spec, key, value, at);
      return;
    case 'object':
      if (!isObject(value)) v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be an object; found ${describe(value)}`);
      return;
    case 'stateName':
      checkTransitionTarget(v, site, key, value, at);
      return;
    case 'resource':
      checkResource(v, value, at);
      return;
    case 'path':
      checkPathField(v, key, value, at);
      return;
    case 'resultPath':
      checkResultPath(v, key, value, at);
      return;
    case 'referencePath':
      checkReferencePathField(v, key, value, at, false);
      return;
    case 'referencePathOrIntrinsic':
      checkReferencePathField(v, key, value, at, true);
      return;
    case 'payloadTemplate':
      checkPayloadTemplate(v, site.language, key, value, at);
      return;
    case 'credentials':
      checkCredentials(v, site.language, value, at);
      return;
    case 'parametersTemplate':
      checkParametersTemplate(v, key, value, at);
      return;
    case 'assign':
      checkAssign(v, site.language, value, at);
      return;
    case 'positiveInteger':
    case 'nonNegativeInteger':
    case 'percentage':
      checkNumber(v, spec, key, value, at);
      return;
    case 'backoffRate':
      if (typeof value !== 'number') v.report(ProblemCodes.FIELD_TYPE, at, `BackoffRate must be a number of at least 1.0; found ${describe(value)}`);
      else if (!(value >= 1)) v.report(ProblemCodes.FIELD_VALUE, at, `BackoffRate must be at least 1.0; found ${value}`);
      return;
    case 'timestamp':
      checkTimestamp(v, key, value, at);
      return;
    case 'items':
      if (!Array.isArray(value)) v.report(ProblemCodes.FIELD_TYPE, at, `Items must be an array or a JSONata expression; found ${describe(value)}`);
      return;
    case 'condition':
      if (typeof value !== 'boolean') v.report(ProblemCodes.FIELD_TYPE, at, `Condition must be true, false or a JSONata expression; found ${describe(value)}`);
      return;
    case 'errorEquals':
      checkErrorEquals(v, value, at);
      return;
    case 'processorConfig':
      checkObjectFields(v, site, key, value, at, processorConfigFields, 'ProcessorConfig', []);
      return;
    case 'itemReader':
      checkObjectFields(v, site, key, value, at, itemReaderFields, 'ItemReader', ['Resource']);
      return;
    case 'itemBatcher':
      checkObjectFields(v, site, key, value, at, itemBatcherFields, 'ItemBatcher', []);
      if (isObject(value)) checkBatcherLimits(v, value, at);
      return;
    case 'resultWriter':
      checkObjectFields(v, site, key, value, at, resultWriterFields, 'ResultWriter', []);
      return;
    case 'choices':
      checkChoices(v, site, value, at);
      return;
    case 'branches':
      checkBranches(v, site, value, at);
      return;
    case 'itemProcessor':
      checkMachine(v, value, at, itemProcessorFields, site.scope, key);
      return;
    case 'retry':
      checkRetry(v, site, value, at);
      return;
    case 'catch':
      checkCatch(v, site, value, at);
      return;
    default:
      return assertNever(spec.kind);
  }
}

function checkEnum(v: Validation, spec: FieldSpec, key: string, value: unknown, at: string): void {
  const expected = spec.values.map((name) => `'${name}'`).join(' or ');
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be ${expected}; found ${describe(value)}`);
  } else if (!spec.values.includes(value)) {
    const guess = closestName(value, spec.values);
    v.report(ProblemCodes.FIELD_VALUE, at, `${key} must be ${expected}; found '${shown(value)}'${guess === null ? '' : `; did you mean '${guess}'?`}`);
  }
}

function checkObjectFields(
  v: Validation,
  site: Site,
  key: string,
  value: unknown,
  at: string,
  fields: ReadonlyMap<string, FieldSpec>,
  owner: string,
  required: readonly string[],
): void {
  if (!isObject(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be an object; found ${describe(value)}`);
    return;
  }
  checkFields(v, site, value, at, fields, owner);
  for (const name of required) if (!hasOwn(value, name)) v.report(ProblemCodes.MISSING_FIELD, at, `${owner} needs ${name}`);
}

/** Each ItemBatcher limit is given as a value or read by its path, not both (AWS's CDK refuses both too). */
function checkBatcherLimits(v: Validation, batcher: Record<string, unknown>, at: string): void {
  for (const limit of ['MaxItemsPerBatch', 'MaxInputBytesPerBatch']) {
    if (hasOwn(batcher, limit) && hasOwn(batcher, `${limit}Path`)) {
      v.report(
        ProblemCodes.EXCLUSIVE_FIELDS,
        pointerTo(at, `${limit}Path`),
        `${limit}Path cannot be given together with ${limit}: an ItemBatcher takes one of them`,
      );
    }
  }
}

function checkNumber(v: Validation, spec: FieldSpec, key: string, value: unknown, at: string): void {
  const expected =
    spec.kind === 'positiveInteger' ? 'a positive integer' : spec.kind === 'nonNegativeInteger' ? 'a non-negative integer' : 'a number from 0 to 100';
  if (typeof value !== 'number') {
    const hint = spec.expression && isJsonataExpression(value) ? ' (JSONata expressions need QueryLanguage JSONata)' : '';
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be ${expected}; found ${describe(value)}${hint}`);
    return;
  }
  const fits =
    spec.kind === 'positiveInteger'
      ? Number.isInteger(value) && value > 0
      : spec.kind === 'nonNegativeInteger'
        ? Number.isInteger(value) && value >= 0
        : value >= 0 && value <= 100;
  if (!fits) v.report(ProblemCodes.FIELD_VALUE, at, `${key} must be ${expected}; found ${value}`);
  else if (value > spec.max) v.report(ProblemCodes.FIELD_VALUE, at, `${key} must be at most ${spec.max}; found ${value}`);
}

function checkTimestamp(v: Validation, key: string, value: unknown, at: string): void {
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a timestamp string; found ${describe(value)}`);
  } else if (Number.isNaN(parseTimestamp(value))) {
    v.report(
      ProblemCodes.TIMESTAMP,
      at,
      `${key} must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z (uppercase T and Z, seconds required); found ${describe(value)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Transitions and Express restrictions

function checkTransitionTarget(v: Validation, site: Site, key: string, target: unknown, at: string): void {
  if (typeof target !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a state name (a string); found ${describe(target)}`);
  } else if (site.scope.names.has(target)) {
    if (site.from !== null) site.scope.addEdge(site.from, target);
  } else {
    v.report(ProblemCodes.UNKNOWN_STATE, at, unknownStateMessage(v, site.scope, key, target));
  }
}

export function unknownStateMessage(v: Validation, scope: Scope, key: string, target: string): string {
  const head = `${key} names '${shown(target)}', which is not a state`;
  if (scope.outerHas(target)) {
    return `${head} of this States block; a Parallel branch or Map processor can only move to its own states`;
  }
  const guess = v.suggest(target, scope);
  return guess === null ? head : `${head}; did you mean '${guess}'?`;
}

const activityArn = /^arn:[^:]*:states:[^:]*:[^:]*:activity:/;
const waitingIntegration = /\.(sync(?::\d+)?|waitForTaskToken)$/;

function checkResource(v: Validation, value: unknown, at: string): void {
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `Resource must be a string, usually an ARN; found ${describe(value)}`);
    return;
  }
  if (value.length === 0) {
    v.report(ProblemCodes.FIELD_VALUE, at, "Resource must name the task's resource, usually an ARN; found an empty string");
    return;
  }
  if (isJsonataExpression(value)) {
    v.report(ProblemCodes.FIELD_VALUE, at, 'Resource must be a constant ARN; a JSONata expression is not allowed here');
    return;
  }
  checkOptimizedAction(v, value, at);
  if (v.waitingTasks === 'allowed') return;
  const pattern = waitingIntegration.exec(value);
  const what = activityArn.test(value) ? `the activity '${shown(value)}'` : pattern !== null ? `'.${pattern[1]}' service integration` : null;
  if (what === null) return;
  if (v.waitingTasks === 'express') {
    const aws = pattern === null ? `Activity ARN: '${shown(value)}' is an activity` : what;
    v.report(ProblemCodes.UNSUPPORTED_INTEGRATION, at, `Express state machine does not support ${aws}, which AWS runs only in a STANDARD state machine`);
    return;
  }
  v.report(
    ProblemCodes.UNSUPPORTED_INTEGRATION,
    at,
    `this STANDARD state machine's ${what} is valid ASL, but it needs the Standard integrations: createService() and statemill serve run it, and so does compile() given integrations`,
  );
}

/**
 * The actions of the optimized integrations whose list is closed (AWS-DG "Integrating optimized
 * services"; DynamoDB's: "Only GetItem, PutItem, UpdateItem, and DeleteItem"). Any other action
 * of these services is reached through `arn:aws:states:::aws-sdk:<service>:<action>`; AWS refuses
 * `arn:aws:states:::dynamodb:query` when the state machine is created. Other services are not
 * checked.
 */
const optimizedActions: ReadonlyMap<string, readonly string[]> = new Map([
  ['apigateway', ['invoke']],
  ['batch', ['submitJob']],
  ['dynamodb', ['getItem', 'putItem', 'updateItem', 'deleteItem']],
  ['ecs', ['runTask']],
  ['events', ['putEvents']],
  ['glue', ['startJobRun']],
  ['http', ['invoke']],
  ['lambda', ['invoke']],
  ['sns', ['publish']],
  ['sqs', ['sendMessage']],
  ['states', ['startExecution']],
]);
const optimizedIntegration = /^arn:aws[\w-]*:states:[^:]*:[^:]*:([a-z0-9-]+):([A-Za-z0-9]+)(?:\.(?:sync(?::\d+)?|waitForTaskToken))?$/;

function checkOptimizedAction(v: Validation, resource: string, at: string): void {
  const match = optimizedIntegration.exec(resource);
  if (match === null) return;
  const [, service, action] = match as unknown as [string, string, string];
  const actions = optimizedActions.get(service);
  if (actions === undefined || actions.includes(action)) return;
  v.report(
    ProblemCodes.UNSUPPORTED_INTEGRATION,
    at,
    `The resource provided ${shown(resource)} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. ` +
      `The optimized ${service} integration offers ${actions.join(', ')}; call ${action} through arn:aws:states:::aws-sdk:${service}:${action}`,
  );
}

function assertNever(value: never): never {
  throw new Error(`unhandled field kind ${String(value)}`);
}

/** AWS's Label rules: 1–40 characters, none of them whitespace, a wildcard, a bracket, `:;,\\|^~$#%&`"` or a control character. */
const maxLabelLength = 40;
const labelForbidden = /[\s?*<>{}[\]:;,\\|^~$#%&`"\u0000-\u001f\u007f-\u009f]/;

function checkLabel(v: Validation, value: unknown, at: string): void {
  if (typeof value !== 'string') return v.report(ProblemCodes.FIELD_TYPE, at, `Label must be a string; found ${describe(value)}`);
  if (value === '') return v.report(ProblemCodes.FIELD_VALUE, at, 'Label cannot be empty');
  if (longerThan(value, maxLabelLength)) return v.report(ProblemCodes.FIELD_VALUE, at, `Label cannot exceed ${maxLabelLength} characters`);
  const forbidden = labelForbidden.exec(value)?.[0];
  if (forbidden !== undefined) v.report(ProblemCodes.FIELD_VALUE, at, `Label contains invalid character: ${JSON.stringify(forbidden)}`);
}
