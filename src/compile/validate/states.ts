import { branchFields, stateTypes, type FieldSpec, type StateTypeSpec } from '../../asl/fields.js';
import { ProblemCodes, pointerTo } from '../../asl/problems.js';
import { languageOf } from '../../asl/query-language.js';
import type { QueryLanguage } from '../../asl/types.js';
import { hasOwn, isObject, own } from '../../json.js';
import { checkFields, reportUnknownField, unknownStateMessage } from './fields.js';
import { itemReaderProblems } from './item-reader.js';
import { article, closestName, describe, shown } from './messages.js';
import { MAX_NAME_LENGTH } from './values.js';
import { characterCount } from '../../run/characters.js';
import { Scope, type Site, type Validation } from './walk.js';

// ---------------------------------------------------------------------------------------------
// State machines and States blocks

export function checkMachine(
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
    v.report(ProblemCodes.NO_TERMINAL_STATE, pointer, `no state in this ${what} ends it: give a state End: true, or add a Succeed or Fail state`);
  }
  // A state whose type is unknown has transitions nobody read; judging reachability would only add noise.
  if (start !== null && allTyped) reportUnreachable(v, scope, start, names, statesPointer);
}

function checkStateName(v: Validation, name: string, pointer: string): void {
  const length = characterCount(name);
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

export function checkBranches(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Branches must be an array of state machines; found ${describe(value)}`);
    return;
  }
  if (value.length === 0) v.report(ProblemCodes.FIELD_VALUE, at, 'Branches must hold at least one branch');
  for (let i = 0; i < value.length; i++) checkMachine(v, value[i], pointerTo(at, i), branchFields, site.scope, 'branch');
}

// ---------------------------------------------------------------------------------------------
// States

const stateTypeNames = [...stateTypes.keys()];
/** Fields of a state machine that samples sometimes write inside States by mistake. */
const machineFields = new Set(['QueryLanguage', 'Comment', 'StartAt', 'TimeoutSeconds', 'Version']);

/** Checks one state; false when it has no known Type, so its fields (and transitions) could not be read. */
function checkState(v: Validation, scope: Scope, name: string, state: unknown, pointer: string): boolean {
  if (!isObject(state)) {
    const misplaced = machineFields.has(name) ? `; ${name} is a field of the state machine or of a state, not a state: move it out of States` : '';
    v.report(ProblemCodes.NOT_AN_OBJECT, pointer, `state '${shown(name)}' must be an object with a Type; found ${describe(state)}${misplaced}`);
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
  const language = languageOf(state, v.topLanguage);
  if (language === 'JSONPath' && v.topLanguage === 'JSONata') {
    v.report(
      ProblemCodes.QUERY_LANGUAGE,
      pointerTo(pointer, 'QueryLanguage'),
      "QueryLanguage cannot be 'JSONPath' when the state machine's top-level QueryLanguage is 'JSONata'",
    );
  }
  return language;
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

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
