import { checkChoiceRule, choiceOperators } from '../choice-rules.js';
import { checkIntrinsic, isIntrinsicCall } from '../intrinsics.js';
import { parsePath, parseReferencePath, type ParsedPath } from '../paths.js';
import { parseTimestamp } from '../timestamps.js';
import {
  branchFields,
  catcherFields,
  choiceRuleFields,
  itemBatcherFields,
  itemProcessorFields,
  itemReaderFields,
  processorConfigFields,
  resultWriterFields,
  retrierFields,
  stateTypes,
  topLevelFields,
  type FieldSpec,
  type StateTypeSpec,
} from '../../asl/fields.js';
import { jsonataProblems } from '../jsonata-check.js';
import { itemReaderProblems } from './item-reader.js';
import { ProblemCodes, pointerTo, type Problem, type ProblemCode } from '../../asl/problems.js';
import type { QueryLanguage } from '../../asl/types.js';

/**
 * validate(definition) lists every problem of an ASL definition, each with a stable code and
 * a JSON pointer, and never throws: whatever it is given, it answers with problems or [].
 *
 * One walk over the definition. Each States block is a scope: its names are known before its
 * states are checked, so every Next, Default and Catch Next resolves on the spot, and the
 * edges found give reachability at the end of the block. Field rules come from the table in
 * fields.ts; paths, intrinsic calls, Choice rules and timestamps are checked by the compiler's
 * own parsers, so validate accepts exactly what compile can build.
 */

/** Reserved for modes that change what is accepted; none exists yet. */
export interface ValidateOptions {
  /**
   * STANDARD accepts what only Standard workflows run (`.waitForTaskToken`, `.sync`,
   * activities), as createService() and compile() with `integrations` run them. EXPRESS,
   * the default, refuses them with AWS's message for Express state machines.
   */
  workflowType?: 'STANDARD' | 'EXPRESS';
}

/** Deeper JSON than this is refused before anything recurses into it, so no check can overflow the stack. */
export const MAX_DEFINITION_DEPTH = 1000;

const MAX_NAME_LENGTH = 80;

/**
 * A definition's JSON values (objects and arrays), counting a shared object once per place
 * it appears; more than 1 MiB of JSON text (AWS's largest definition) can hold. An object
 * built in code may share sub-objects, and the tree it stands for can be exponentially
 * larger than the object graph: every later walk would take that long.
 */
export const MAX_DEFINITION_CONTAINERS = 1_048_576;

/**
 * Did-you-mean suggestions compare a name with every name of its scope, each comparison a
 * table of (length × length) cells; past this many cells in one validation, messages go
 * without, so a large definition full of long unknown names still validates quickly.
 */
const SUGGESTION_CELLS = 10_000_000;

/** A name longer than this gets no suggestion (nothing that long is a typo of a state name). */
const MAX_SUGGESTED_LENGTH = 200;

export function validate(definition: unknown, options: ValidateOptions = {}): Problem[] {
  try {
    const shape = checkTreeShape(definition);
    if (shape !== null) return [shape];
    const v = new Validation(topLevelLanguage(definition), options.workflowType === 'STANDARD');
    checkMachine(v, definition, '', topLevelFields, null, 'state machine');
    v.problems.push(...jsonataProblems(definition));
    return v.problems;
  } catch (error) {
    // Only an object built in code can throw when read (a getter, a Proxy): JSON cannot.
    return [
      problem(
        ProblemCodes.NOT_JSON_DATA,
        '',
        `the definition could not be read as JSON data (reading it threw: ${errorMessage(error)}); pass plain objects, arrays and values`,
      ),
    ];
  }
}

// ---------------------------------------------------------------------------------------------
// Walk state

class Validation {
  readonly problems: Problem[] = [];
  /** The language of every state that does not set its own, in every scope (AWS does not inherit from a Parallel or Map). */
  readonly topLanguage: QueryLanguage;
  /** Every state name seen so far, machine-wide, with the pointer where it was declared. */
  readonly declared = new Map<string, string>();
  /** Standard-only integrations (callbacks, `.sync`, activities) are allowed. */
  readonly standard: boolean;
  private suggestionCellsLeft = SUGGESTION_CELLS;

  constructor(topLanguage: QueryLanguage, standard: boolean) {
    this.topLanguage = topLanguage;
    this.standard = standard;
  }

  report(code: ProblemCode, pointer: string, message: string): void {
    this.problems.push({ code, pointer, message });
  }

  /** The state of `scope` whose name is closest to `name`, while the suggestion budget lasts. */
  suggest(name: string, scope: Scope): string | null {
    if (name.length > MAX_SUGGESTED_LENGTH) return null;
    const cells = name.length * scope.nameLength;
    if (cells > this.suggestionCellsLeft) return null;
    this.suggestionCellsLeft -= cells;
    return closestName(name, scope.names);
  }
}

/** One States block: its names, its enclosing block, and the transitions found in it. */
class Scope {
  readonly names: ReadonlySet<string>;
  /** The names' total length: what comparing a name with all of them costs. */
  readonly nameLength: number;
  readonly parent: Scope | null;
  readonly edges = new Map<string, string[]>();

  constructor(names: ReadonlySet<string>, parent: Scope | null) {
    this.names = names;
    let length = 0;
    for (const name of names) length += name.length;
    this.nameLength = length;
    this.parent = parent;
  }

  addEdge(from: string, to: string): void {
    const targets = this.edges.get(from);
    if (targets === undefined) this.edges.set(from, [to]);
    else targets.push(to);
  }

  /** True when an enclosing block, not this one, has a state of that name. */
  outerHas(name: string): boolean {
    for (let scope = this.parent; scope !== null; scope = scope.parent) if (scope.names.has(name)) return true;
    return false;
  }
}

/** Where a field sits: the scope its state names resolve in, the state it belongs to, its language. */
interface Site {
  readonly scope: Scope;
  /** The state whose transitions these are; null for fields of a state machine itself. */
  readonly from: string | null;
  /** That state's type; null for fields of a state machine itself. */
  readonly type: StateTypeSpec | null;
  readonly language: QueryLanguage;
}

// ---------------------------------------------------------------------------------------------
// Shape: a tree of bounded depth

/**
 * Refuses a definition nested deeper than MAX_DEFINITION_DEPTH before anything else looks at
 * it, so every later check may recurse freely. The walk itself recurses at most that deep. An
 * object that contains itself (possible only for objects built in code) is endlessly deep.
 * It also refuses one holding more than MAX_DEFINITION_CONTAINERS objects and arrays.
 */
function checkTreeShape(definition: unknown): Problem | null {
  const walk = new ShapeWalk();
  if (!walk.refuses(definition, 0)) return null;
  if (walk.containersLeft < 0) {
    return problem(
      ProblemCodes.DEFINITION_TOO_LARGE,
      '',
      `the definition holds more than ${MAX_DEFINITION_CONTAINERS} objects and arrays (a shared object counts once per place it appears), more than AWS's largest definition (1 MiB of JSON text) can; statemill refuses such definitions`,
    );
  }
  const path: (string | number)[] = [];
  findTooDeep(definition, path);
  let pointer = '';
  for (const token of path) pointer = pointerTo(pointer, token);
  return problem(
    ProblemCodes.NESTING_TOO_DEEP,
    pointer,
    `the definition is nested more than ${MAX_DEFINITION_DEPTH} levels deep here (or contains itself); statemill refuses such definitions`,
  );
}

/** The fast check, counting containers as it goes: for-in reads a JSON object's values without building key arrays. */
class ShapeWalk {
  containersLeft = MAX_DEFINITION_CONTAINERS;

  /** True when `value` is nested too deep or the walk has seen too many containers. */
  refuses(value: unknown, depth: number): boolean {
    if (value === null || typeof value !== 'object') return false;
    if (depth >= MAX_DEFINITION_DEPTH || --this.containersLeft < 0) return true;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (this.refuses(value[i], depth + 1)) return true;
      return false;
    }
    for (const key in value) if (this.refuses((value as Record<string, unknown>)[key], depth + 1)) return true;
    return false;
  }
}

/** The same walk, run only once ShapeWalk has found a value too deep, keeping the tokens that lead to the deep value. */
function findTooDeep(value: unknown, path: (string | number)[]): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (path.length >= MAX_DEFINITION_DEPTH) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (findTooDeep(value[i], path)) return true;
      path.pop();
    }
    return false;
  }
  for (const key in value) {
    path.push(key);
    if (findTooDeep((value as Record<string, unknown>)[key], path)) return true;
    path.pop();
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// State machines and States blocks

/** AWS reads any QueryLanguage other than exactly "JSONPath" as JSONata (and reports the bad value). */
function topLevelLanguage(definition: unknown): QueryLanguage {
  if (!isObject(definition) || !hasOwn(definition, 'QueryLanguage')) return 'JSONPath';
  return definition.QueryLanguage === 'JSONPath' ? 'JSONPath' : 'JSONata';
}

function checkMachine(
  v: Validation,
  machine: unknown,
  pointer: string,
  fields: ReadonlyMap<string, FieldSpec>,
  parent: Scope | null,
  what: string,
): void {
  if (!isObject(machine)) {
    v.report(ProblemCodes.NOT_AN_OBJECT, pointer, `expected ${article(what)} ${what}: an object with StartAt and States; found ${describe(machine)}`);
    return;
  }
  const statesPointer = pointerTo(pointer, 'States');
  const states = own(machine, 'States');
  const stateBlock = isObject(states) ? states : null;
  const names = stateBlock === null ? [] : Object.keys(stateBlock);
  const scope = new Scope(new Set(names), parent);
  const site: Site = { scope, from: null, type: null, language: v.topLanguage };

  checkFields(v, site, machine, pointer, fields, `${article(what)} ${what}`);

  if (states === undefined) {
    v.report(ProblemCodes.MISSING_FIELD, pointer, `${article(what)} ${what} needs States, an object of named states`);
  } else if (stateBlock === null) {
    v.report(ProblemCodes.FIELD_TYPE, statesPointer, `States must be an object of named states; found ${describe(states)}`);
  } else if (names.length === 0) {
    v.report(ProblemCodes.FIELD_VALUE, statesPointer, 'States must hold at least one state');
  }

  const startAt = own(machine, 'StartAt');
  let start: string | null = null;
  if (startAt === undefined) {
    v.report(ProblemCodes.MISSING_FIELD, pointer, `${article(what)} ${what} needs StartAt, the name of its first state`);
  } else if (typeof startAt !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, pointerTo(pointer, 'StartAt'), `StartAt must be a state name (a string); found ${describe(startAt)}`);
  } else if (stateBlock !== null && names.length > 0) {
    if (scope.names.has(startAt)) start = startAt;
    else v.report(ProblemCodes.UNKNOWN_STATE, pointerTo(pointer, 'StartAt'), unknownStateMessage(v, scope, 'StartAt', startAt));
  }

  if (stateBlock === null) return;
  let terminal = false;
  let allTyped = true;
  for (const name of names) {
    const state = stateBlock[name];
    const statePointer = pointerTo(statesPointer, name);
    checkStateName(v, name, statePointer);
    if (!checkState(v, scope, name, state, statePointer)) allTyped = false;
    if (isTerminalState(state)) terminal = true;
  }
  if (names.length > 0 && !terminal) {
    v.report(
      ProblemCodes.NO_TERMINAL_STATE,
      pointer,
      `no state in this ${what} ends it: give a state End: true, or add a Succeed or Fail state`,
    );
  }
  // A state whose type is unknown has transitions nobody read; judging reachability would only add noise.
  if (start !== null && allTyped) reportUnreachable(v, scope, start, names, statesPointer);
}

function checkStateName(v: Validation, name: string, pointer: string): void {
  const length = codePointLength(name);
  if (length === 0 || length > MAX_NAME_LENGTH) {
    v.report(ProblemCodes.STATE_NAME, pointer, `state names are 1 to ${MAX_NAME_LENGTH} characters; '${shown(name)}' has ${length}`);
  }
  const first = v.declared.get(name);
  if (first === undefined) {
    v.declared.set(name, pointer);
  } else {
    v.report(
      ProblemCodes.DUPLICATE_STATE,
      pointer,
      `the state name '${shown(name)}' is already used at ${first}; names must be unique across the whole state machine, Parallel branches and Map processors included`,
    );
  }
}

function isTerminalState(state: unknown): boolean {
  if (!isObject(state)) return false;
  return state.Type === 'Succeed' || state.Type === 'Fail' || (hasOwn(state, 'End') && state.End === true);
}

function reportUnreachable(v: Validation, scope: Scope, start: string, names: readonly string[], statesPointer: string): void {
  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const targets = scope.edges.get(queue.pop()!);
    if (targets === undefined) continue;
    for (const target of targets) {
      if (!reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  if (reached.size === names.length) return;
  for (const name of names) {
    if (!reached.has(name)) {
      v.report(
        ProblemCodes.UNREACHABLE_STATE,
        pointerTo(statesPointer, name),
        `state '${shown(name)}' can never run: no Next, Default, Choice rule or Catch leads to it from StartAt '${shown(start)}'`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// States

const stateTypeNames = [...stateTypes.keys()];

/** Checks one state; false when it has no known Type, so its fields (and transitions) could not be read. */
function checkState(v: Validation, scope: Scope, name: string, state: unknown, pointer: string): boolean {
  if (!isObject(state)) {
    v.report(ProblemCodes.NOT_AN_OBJECT, pointer, `state '${shown(name)}' must be an object with a Type; found ${describe(state)}`);
    return false;
  }
  const type = own(state, 'Type');
  if (type === undefined) {
    v.report(ProblemCodes.MISSING_FIELD, pointer, `state '${shown(name)}' needs a Type: one of ${stateTypeNames.join(', ')}`);
    return false;
  }
  if (typeof type !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, pointerTo(pointer, 'Type'), `Type must be a string, one of ${stateTypeNames.join(', ')}; found ${describe(type)}`);
    return false;
  }
  const spec = stateTypes.get(type);
  if (spec === undefined) {
    const guess = closestName(type, stateTypeNames);
    v.report(
      ProblemCodes.UNKNOWN_STATE_TYPE,
      pointerTo(pointer, 'Type'),
      `'${shown(type)}' is not a state type${guess === null ? `; expected one of ${stateTypeNames.join(', ')}` : `; did you mean '${guess}'?`}`,
    );
    return false;
  }
  const site: Site = { scope, from: name, type: spec, language: stateLanguage(v, state, pointer) };
  checkFields(v, site, state, pointer, spec.fields, `${article(type)} ${type} state`, reportUnknownStateField);
  checkPresence(v, spec, state, pointer);
  if (spec.transition === 'nextOrEnd') checkNextOrEnd(v, spec, state, pointer);
  if (spec.type === 'Task') checkTaskTimeouts(v, state, pointer);
  if (spec.type === 'Map') v.problems.push(...itemReaderProblems(state, pointer));
  return true;
}

/** The state's own QueryLanguage, or the top level's; a JSONPath state under a JSONata top level is refused. */
function stateLanguage(v: Validation, state: Record<string, unknown>, pointer: string): QueryLanguage {
  if (!hasOwn(state, 'QueryLanguage')) return v.topLanguage;
  const declared = state.QueryLanguage;
  if (declared === 'JSONPath' && v.topLanguage === 'JSONata') {
    v.report(
      ProblemCodes.QUERY_LANGUAGE,
      pointerTo(pointer, 'QueryLanguage'),
      "QueryLanguage cannot be 'JSONPath' when the state machine's top-level QueryLanguage is 'JSONata'",
    );
  }
  return declared === 'JSONPath' ? 'JSONPath' : 'JSONata';
}

function reportUnknownStateField(v: Validation, site: Site, key: string, at: string, fields: ReadonlyMap<string, FieldSpec>, owner: string): void {
  const spec = site.type!;
  if ((key === 'Next' || key === 'End') && spec.transition === 'choice') {
    v.report(ProblemCodes.UNKNOWN_FIELD, at, `a Choice state takes no ${key}: each rule in Choices names its own Next, and Default the fallback`);
  } else if ((key === 'Next' || key === 'End') && spec.transition === 'terminal') {
    v.report(ProblemCodes.UNKNOWN_FIELD, at, `${article(spec.type)} ${spec.type} state ends its branch of the workflow and takes no ${key}`);
  } else {
    reportUnknownField(v, site, key, at, fields, owner);
  }
}

function checkPresence(v: Validation, spec: StateTypeSpec, state: Record<string, unknown>, pointer: string): void {
  for (const name of spec.required) {
    if (!hasOwn(state, name)) v.report(ProblemCodes.MISSING_FIELD, pointer, `${article(spec.type)} ${spec.type} state needs ${name}`);
  }
  for (const group of spec.oneOf) {
    if (!group.some((name) => hasOwn(state, name))) {
      v.report(ProblemCodes.MISSING_FIELD, pointer, `${article(spec.type)} ${spec.type} state needs one of ${group.join(', ')}`);
    }
  }
  for (const group of spec.exclusive) {
    const present = group.filter((name) => hasOwn(state, name));
    for (let i = 1; i < present.length; i++) {
      v.report(
        ProblemCodes.EXCLUSIVE_FIELDS,
        pointerTo(pointer, present[i]!),
        `${present[i]} cannot be given together with ${present[0]}: ${article(spec.type)} ${spec.type} state takes at most one of ${group.join(', ')}`,
      );
    }
  }
}

function checkNextOrEnd(v: Validation, spec: StateTypeSpec, state: Record<string, unknown>, pointer: string): void {
  const hasNext = hasOwn(state, 'Next');
  const ends = hasOwn(state, 'End') && state.End === true;
  if (hasNext && ends) {
    v.report(ProblemCodes.NEXT_AND_END, pointerTo(pointer, 'End'), 'a state has either Next or End: true, not both');
  } else if (!hasNext && !ends) {
    v.report(ProblemCodes.NO_TRANSITION, pointer, `${article(spec.type)} ${spec.type} state needs Next (the state that follows) or End: true`);
  }
}

function checkTaskTimeouts(v: Validation, state: Record<string, unknown>, pointer: string): void {
  const timeout = own(state, 'TimeoutSeconds');
  const heartbeat = own(state, 'HeartbeatSeconds');
  // Only two valid values are compared; a bad one has its own problem already.
  if (isPositiveInteger(timeout) && isPositiveInteger(heartbeat) && heartbeat >= timeout) {
    v.report(
      ProblemCodes.FIELD_VALUE,
      pointerTo(pointer, 'HeartbeatSeconds'),
      `HeartbeatSeconds must be less than TimeoutSeconds; found ${heartbeat} with TimeoutSeconds ${timeout}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Fields

type UnknownField = (v: Validation, site: Site, key: string, at: string, fields: ReadonlyMap<string, FieldSpec>, owner: string) => void;

/** Checks every field of `object` against `fields`: known, of the site's language, of the right kind. */
function checkFields(
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

function reportUnknownField(v: Validation, _site: Site, key: string, at: string, fields: ReadonlyMap<string, FieldSpec>, owner: string): void {
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

function unknownStateMessage(v: Validation, scope: Scope, key: string, target: string): string {
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
    v.report(ProblemCodes.FIELD_VALUE, at, 'Resource must name the task\'s resource, usually an ARN; found an empty string');
    return;
  }
  if (isJsonataExpression(value)) {
    v.report(ProblemCodes.FIELD_VALUE, at, 'Resource must be a constant ARN; a JSONata expression is not allowed here');
    return;
  }
  if (v.standard) return;
  if (activityArn.test(value)) {
    v.report(
      ProblemCodes.UNSUPPORTED_INTEGRATION,
      at,
      `Express state machine does not support Activity ARN: statemill runs Express workflows, and '${shown(value)}' is an activity`,
    );
    return;
  }
  const pattern = waitingIntegration.exec(value);
  if (pattern !== null) {
    v.report(
      ProblemCodes.UNSUPPORTED_INTEGRATION,
      at,
      `Express state machine does not support '.${pattern[1]}' service integration: statemill runs Express workflows, which only call a service and take its response`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Paths

type ParseResult = ParsedPath | string;

/** The parsed path, or the parser's message. */
function parseWith(parse: (text: string) => ParsedPath, text: string): ParseResult {
  try {
    return parse(text);
  } catch (error) {
    return errorMessage(error);
  }
}

/** The intrinsic checker's message, or null when the call is well formed. */
function intrinsicError(text: string): string | null {
  try {
    checkIntrinsic(text);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

/** InputPath and OutputPath: a Path, or null. */
function checkPathField(v: Validation, key: string, value: unknown, at: string): void {
  if (value === null) return;
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a path string or null; found ${describe(value)}`);
    return;
  }
  const parsed = parseWith(parsePath, value);
  if (typeof parsed === 'string') v.report(ProblemCodes.PATH_SYNTAX, at, `${key} '${shown(value)}' is not a valid path: ${parsed}`);
}

/** ResultPath: a Reference Path into the state's input, or null; never the context object nor a variable. */
function checkResultPath(v: Validation, key: string, value: unknown, at: string): void {
  if (value === null) return;
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a reference path string or null; found ${describe(value)}`);
    return;
  }
  const parsed = parseWith(parseReferencePath, value);
  if (typeof parsed === 'string') {
    v.report(ProblemCodes.REFERENCE_PATH_SYNTAX, at, `${key} '${shown(value)}' is not a valid reference path: ${parsed}`);
  } else if (parsed.root === 'context') {
    v.report(ProblemCodes.FIELD_VALUE, at, `${key} '${shown(value)}' points into the context object; a result can only be placed in the state's input ($…)`);
  } else if (parsed.root === 'variable') {
    v.report(ProblemCodes.FIELD_VALUE, at, `${key} '${shown(value)}' names a variable; a result can only be placed in the state's input ($…), use Assign to set variables`);
  }
}

/** ItemsPath and the `…Path` fields of Task, Wait and Map; Fail's ErrorPath/CausePath may also be an intrinsic call. */
function checkReferencePathField(v: Validation, key: string, value: unknown, at: string, intrinsicAllowed: boolean): void {
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a reference path string; found ${describe(value)}`);
    return;
  }
  if (intrinsicAllowed && isIntrinsicCall(value)) {
    const error = intrinsicError(value);
    if (error !== null) v.report(ProblemCodes.INTRINSIC_SYNTAX, at, `${key} '${shown(value)}' is not a valid intrinsic function call: ${error}`);
    return;
  }
  const parsed = parseWith(parseReferencePath, value);
  if (typeof parsed === 'string') {
    v.report(ProblemCodes.REFERENCE_PATH_SYNTAX, at, `${key} '${shown(value)}' is not a valid reference path: ${parsed}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Payload templates and Assign

/** Parameters, ResultSelector, ItemSelector, Credentials, Arguments: a template in JSONPath, opaque JSON in JSONata. */
function checkPayloadTemplate(v: Validation, language: QueryLanguage, key: string, value: unknown, at: string): void {
  if (!isObject(value)) {
    const expected = language === 'JSONata' ? 'an object or a JSONata expression' : 'an object';
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be ${expected}; found ${describe(value)}`);
    return;
  }
  if (language === 'JSONPath') checkTemplateObject(v, value, at);
}

function checkTemplateValue(v: Validation, value: unknown, at: string): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkTemplateValue(v, value[i], pointerTo(at, i));
  } else if (isObject(value)) {
    checkTemplateObject(v, value, at);
  }
}

function checkTemplateObject(v: Validation, template: Record<string, unknown>, at: string): void {
  for (const key of Object.keys(template)) {
    const keyAt = pointerTo(at, key);
    if (key.endsWith('.$')) {
      reportDuplicateTemplateKey(v, template, key, keyAt);
      checkDynamicValue(v, key, template[key], keyAt);
    } else {
      checkTemplateValue(v, template[key], keyAt);
    }
  }
}

/** `a.$` and `a` would both produce `a`. */
function reportDuplicateTemplateKey(v: Validation, template: Record<string, unknown>, key: string, at: string): void {
  const plain = key.slice(0, -2);
  if (hasOwn(template, plain)) {
    v.report(ProblemCodes.TEMPLATE_KEY, at, `'${shown(key)}' and '${shown(plain)}' would both produce the field '${shown(plain)}'`);
  }
}

/** The value of a `key.$` entry: a Path (`$…`, `$$…`, `$var…`) or an intrinsic function call. */
function checkDynamicValue(v: Validation, key: string, value: unknown, at: string): void {
  if (typeof value !== 'string') {
    v.report(
      ProblemCodes.TEMPLATE_KEY,
      at,
      `'${shown(key)}' ends in '.$', so its value must be a path or an intrinsic function call, as a string; found ${describe(value)}`,
    );
  } else if (value.trimStart().startsWith('$')) {
    const parsed = parseWith(parsePath, value);
    if (typeof parsed === 'string') v.report(ProblemCodes.PATH_SYNTAX, at, `'${shown(key)}' holds '${shown(value)}', which is not a valid path: ${parsed}`);
  } else if (isIntrinsicCall(value)) {
    const error = intrinsicError(value);
    if (error !== null) {
      v.report(ProblemCodes.INTRINSIC_SYNTAX, at, `'${shown(key)}' holds '${shown(value)}', which is not a valid intrinsic function call: ${error}`);
    }
  } else {
    v.report(
      ProblemCodes.PATH_SYNTAX,
      at,
      `'${shown(key)}' ends in '.$', so its value must be a path starting with '$' or an intrinsic function call such as States.Format(…); found '${shown(value)}'`,
    );
  }
}

const variableName = /^[\p{ID_Start}_][\p{ID_Continue}$\u200c\u200d]*$/u;

/** Assign: variable names to values; in JSONPath, `name.$` keys hold paths or intrinsic calls and values are templates. */
function checkAssign(v: Validation, language: QueryLanguage, value: unknown, at: string): void {
  if (!isObject(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Assign must be an object of variable names; found ${describe(value)}`);
    return;
  }
  for (const key of Object.keys(value)) {
    const keyAt = pointerTo(at, key);
    const dynamic = language === 'JSONPath' && key.endsWith('.$');
    checkVariableName(v, dynamic ? key.slice(0, -2) : key, keyAt);
    if (language === 'JSONata') continue;
    if (dynamic) {
      reportDuplicateTemplateKey(v, value, key, keyAt);
      checkDynamicValue(v, key, value[key], keyAt);
    } else {
      checkTemplateValue(v, value[key], keyAt);
    }
  }
}

function checkVariableName(v: Validation, name: string, at: string): void {
  if (name === 'states') {
    v.report(ProblemCodes.VARIABLE_NAME, at, "'states' is reserved (JSONata reads $states) and cannot be assigned");
  } else if (codePointLength(name) > MAX_NAME_LENGTH) {
    v.report(ProblemCodes.VARIABLE_NAME, at, `variable names are at most ${MAX_NAME_LENGTH} characters; '${shown(name)}' has ${codePointLength(name)}`);
  } else if (!variableName.test(name)) {
    v.report(
      ProblemCodes.VARIABLE_NAME,
      at,
      `'${shown(name)}' is not a variable name: it must be an identifier (a letter or '_', then letters, digits or '_'), with no '.' or other sub-path`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Choice, Parallel, Retry, Catch

const jsonPathRuleKeys = new Set(['Variable', 'And', 'Or', 'Not', ...choiceOperators]);

function checkChoices(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Choices must be an array of rules; found ${describe(value)}`);
    return;
  }
  if (value.length === 0) v.report(ProblemCodes.FIELD_VALUE, at, 'Choices must hold at least one rule');
  for (let i = 0; i < value.length; i++) checkTopLevelRule(v, site, value[i], pointerTo(at, i));
}

/**
 * A top-level rule: its Next, Assign, Output and Condition are checked here; in JSONPath its test
 * (Variable and an operator, or And/Or/Not, nested at any depth) goes to compile/choice-rules.
 */
function checkTopLevelRule(v: Validation, site: Site, rule: unknown, at: string): void {
  if (site.language === 'JSONPath') {
    for (const found of checkRuleTest(rule, at)) v.problems.push(found);
  }
  if (!isObject(rule)) {
    if (site.language === 'JSONata') v.report(ProblemCodes.FIELD_TYPE, at, `a Choice rule must be an object; found ${describe(rule)}`);
    return;
  }
  checkFields(v, site, rule, at, choiceRuleFields, 'a Choice rule', reportRuleTestField);
  if (!hasOwn(rule, 'Next')) v.report(ProblemCodes.MISSING_FIELD, at, 'each Choice rule needs a Next: the state to go to when it matches');
  if (site.language === 'JSONata' && !hasOwn(rule, 'Condition')) {
    v.report(ProblemCodes.MISSING_FIELD, at, 'a JSONata Choice rule needs a Condition');
  }
}

/** A field beside Next, Assign, Output and Condition: in JSONPath the rule's test, checked by compile/choice-rules. */
function reportRuleTestField(v: Validation, site: Site, key: string, at: string, fields: ReadonlyMap<string, FieldSpec>, owner: string): void {
  if (site.language === 'JSONPath') return;
  if (jsonPathRuleKeys.has(key)) {
    v.report(ProblemCodes.QUERY_LANGUAGE, at, `${key} is only supported with QueryLanguage JSONPath, and this is JSONata; use Condition`);
  } else {
    reportUnknownField(v, site, key, at, fields, owner);
  }
}

/** The problems compile/choice-rules finds in a rule's test, leaving out the fields this module checks. */
function checkRuleTest(rule: unknown, at: string): Problem[] {
  try {
    return checkChoiceRule(isObject(rule) ? withoutRuleFields(rule) : rule, at);
  } catch (error) {
    return [problem(ProblemCodes.CHOICE_RULE, at, `this Choice rule could not be checked: ${errorMessage(error)}`)];
  }
}

function withoutRuleFields(rule: Record<string, unknown>): Record<string, unknown> {
  if (!hasOwn(rule, 'Condition') && !hasOwn(rule, 'Output') && !hasOwn(rule, 'Comment')) return rule;
  const test: Record<string, unknown> = {};
  for (const key of Object.keys(rule)) {
    if (key === 'Condition' || key === 'Output' || key === 'Comment') continue;
    Object.defineProperty(test, key, { value: rule[key], enumerable: true, writable: true, configurable: true });
  }
  return test;
}

function checkBranches(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Branches must be an array of state machines; found ${describe(value)}`);
    return;
  }
  if (value.length === 0) v.report(ProblemCodes.FIELD_VALUE, at, 'Branches must hold at least one branch');
  for (let i = 0; i < value.length; i++) checkMachine(v, value[i], pointerTo(at, i), branchFields, site.scope, 'branch');
}

function checkRetry(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Retry must be an array of retriers; found ${describe(value)}`);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const retrier = value[i];
    const retrierAt = pointerTo(at, i);
    if (!isObject(retrier)) {
      v.report(ProblemCodes.FIELD_TYPE, retrierAt, `a retrier must be an object; found ${describe(retrier)}`);
      continue;
    }
    checkFields(v, site, retrier, retrierAt, retrierFields, 'a retrier');
    checkErrorHandler(v, retrier, retrierAt, i === value.length - 1, 'retrier');
  }
}

function checkCatch(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Catch must be an array of catchers; found ${describe(value)}`);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const catcher = value[i];
    const catcherAt = pointerTo(at, i);
    if (!isObject(catcher)) {
      v.report(ProblemCodes.FIELD_TYPE, catcherAt, `a catcher must be an object; found ${describe(catcher)}`);
      continue;
    }
    checkFields(v, site, catcher, catcherAt, catcherFields, 'a catcher');
    checkErrorHandler(v, catcher, catcherAt, i === value.length - 1, 'catcher');
    if (!hasOwn(catcher, 'Next')) v.report(ProblemCodes.MISSING_FIELD, catcherAt, 'a catcher needs a Next: the state to go to when it catches');
  }
}

/** ErrorEquals is required, and States.ALL may only appear in the last retrier or catcher. */
function checkErrorHandler(v: Validation, handler: Record<string, unknown>, at: string, last: boolean, what: string): void {
  if (!hasOwn(handler, 'ErrorEquals')) {
    v.report(ProblemCodes.MISSING_FIELD, at, `a ${what} needs ErrorEquals, the error names it handles`);
    return;
  }
  const names = handler.ErrorEquals;
  if (!last && Array.isArray(names) && names.includes('States.ALL')) {
    v.report(ProblemCodes.ERROR_EQUALS, pointerTo(at, 'ErrorEquals'), `States.ALL must be in the last ${what}: no ${what} after it could ever match`);
  }
}

function checkErrorEquals(v: Validation, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `ErrorEquals must be an array of error names; found ${describe(value)}`);
    return;
  }
  if (value.length === 0) {
    v.report(ProblemCodes.ERROR_EQUALS, at, 'ErrorEquals must name at least one error');
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const name = value[i];
    if (typeof name !== 'string') {
      v.report(ProblemCodes.ERROR_EQUALS, pointerTo(at, i), `error names are strings; found ${describe(name)}`);
    } else if (name === 'States.ALL' && value.length > 1) {
      v.report(ProblemCodes.ERROR_EQUALS, pointerTo(at, i), 'States.ALL matches every error, so it must be alone in its ErrorEquals');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** pointerTo, skipping its escaping work for the usual token, which has no '~' or '/'. */
function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** A field's own value; names such as `constructor` never reach the prototype. */
function own(object: Record<string, unknown>, key: string): unknown {
  return hasOwn(object, key) ? object[key] : undefined;
}

/** A string is a JSONata expression when it is wholly `{% … %}`. */
function isJsonataExpression(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

function problem(code: ProblemCode, pointer: string, message: string): Problem {
  return { code, pointer, message };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}

function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff || i + 1 === text.length) length++;
    else {
      length++;
      i++;
    }
  }
  return length;
}

/** A name or value as messages show it: cut short when long. */
function shown(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(shown(value))}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled field kind ${String(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Did-you-mean

/**
 * The candidate closest to `name`, if close enough to be a likely typo: the same name in another
 * case, or at most 40% of the name's characters edited (at least one edit, and never all of them).
 */
function closestName(name: string, candidates: Iterable<string>): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  let limit = Math.min(Math.max(1, Math.floor(name.length * 0.4)), name.length - 1) + 1;
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower) return candidate;
    if (Math.abs(candidate.length - name.length) >= limit) continue;
    const distance = editDistance(name, candidate, limit);
    if (distance < limit) {
      best = candidate;
      limit = distance;
    }
  }
  return best;
}

/** Levenshtein distance, or `limit` as soon as it is sure to reach it. */
function editDistance(a: string, b: string, limit: number): number {
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length]!, limit);
}
