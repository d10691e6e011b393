import type { ModelShape, ServiceModel } from './sfn-model.js';

/**
 * Checks answers against Step Functions' service model: every problem as
 * `<JSON pointer>: <what is wrong>`, none when the answer fits. `wire` answers are the JSON
 * bodies AWS JSON 1.0 sends (timestamps as epoch seconds); `date` answers are what the
 * in-process service and the SDK return (timestamps as `Date`s).
 */

export type TimestampForm = 'wire' | 'date';

/** Refusals any AWS JSON service may give, whatever the operation (not in Step Functions' model). */
export const PROTOCOL_ERRORS: ReadonlyMap<string, number> = new Map([
  ['UnknownOperationException', 400],
  ['SerializationException', 400],
  ['InternalFailure', 500],
]);

/**
 * ValidationException is AWS's answer to a request member outside its constraints ("1
 * validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint …"),
 * whatever the operation, though the model lists it for a few only. The recordings win:
 * AWS answered it to ListStateMachineAliases, which does not list it
 * (conformance-api api.test_sfn_api_aliasing.test_list_state_machine_aliases_pagination_max_results.0).
 */
export const INPUT_CONSTRAINT_ERROR = 'ValidationException';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const pointerToken = (name: string | number) => String(name).replace(/~/g, '~0').replace(/\//g, '~1');

const patterns = new Map<string, RegExp>();

/** A model pattern (Smithy: ECMA 262, unanchored) as a RegExp; `\p{…}` needs the u flag. */
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (pattern === undefined) {
    pattern = new RegExp(source, 'u');
    patterns.set(source, pattern);
  }
  return pattern;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  const text = JSON.stringify(value);
  return `${typeof value} ${text !== undefined && text.length > 60 ? text.slice(0, 57) + '...' : text}`;
}

function checkValue(model: ServiceModel, shapeName: string, value: unknown, form: TimestampForm, at: string, problems: string[]): void {
  const shape: ModelShape | undefined = model.shapes[shapeName];
  if (shape === undefined) {
    problems.push(`${at || '/'}: the model has no shape ${shapeName}`);
    return;
  }
  const where = at || '/';
  if (value === null) {
    problems.push(`${where}: null where ${shapeName} (${shape.type}) is expected; AWS leaves an absent member out`);
    return;
  }
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
        problems.push(`${where}: ${describe(value)} where structure ${shapeName} is expected`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const member of shape.required ?? []) {
        if (record[member] === undefined) problems.push(`${at}/${pointerToken(member)}: required member of ${shapeName} is missing`);
      }
      for (const [member, memberValue] of Object.entries(record)) {
        if (memberValue === undefined) continue;
        const target = shape.members?.[member];
        if (target === undefined) problems.push(`${at}/${pointerToken(member)}: ${shapeName} has no member ${member}`);
        else checkValue(model, target.shape, memberValue, form, `${at}/${pointerToken(member)}`, problems);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`${where}: ${describe(value)} where list ${shapeName} is expected`);
        return;
      }
      checkLength(shapeName, shape, value.length, 'items', where, problems);
      value.forEach((item, i) => checkValue(model, shape.member!.shape, item, form, `${at}/${i}`, problems));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
        problems.push(`${where}: ${describe(value)} where map ${shapeName} is expected`);
        return;
      }
      for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
        const keyProblems: string[] = [];
        checkValue(model, shape.key!.shape, key, form, `${at}/${pointerToken(key)}`, keyProblems);
        problems.push(...keyProblems.map((p) => `${p} (the key)`));
        checkValue(model, shape.value!.shape, entry, form, `${at}/${pointerToken(key)}`, problems);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        problems.push(`${where}: ${describe(value)} where string ${shapeName} is expected`);
        return;
      }
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        problems.push(`${where}: ${JSON.stringify(value)} is not one of ${shapeName}'s values (${shape.enum.join(', ')})`);
      }
      // Smithy's length counts Unicode scalar values, not UTF-16 code units.
      if (shape.min !== undefined || shape.max !== undefined) checkLength(shapeName, shape, [...value].length, 'characters', where, problems);
      if (shape.pattern !== undefined && !patternOf(shape.pattern).test(value)) {
        problems.push(`${where}: ${JSON.stringify(value)} does not match ${shapeName}'s pattern ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        problems.push(`${where}: ${describe(value)} where ${shape.type} ${shapeName} is expected`);
        return;
      }
      // An integer is 32 bits in the model (clients in typed languages overflow past it); a long beyond 2^53 loses digits in JSON.
      if (shape.type === 'integer' ? value < INT32_MIN || value > INT32_MAX : !Number.isSafeInteger(value)) {
        problems.push(`${where}: ${value} does not fit ${shapeName} (a ${shape.type === 'integer' ? '32-bit integer' : 'long'})`);
      }
      checkRange(shapeName, shape, value, where, problems);
      return;
    case 'float':
    case 'double':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        problems.push(`${where}: ${describe(value)} where ${shape.type} ${shapeName} is expected`);
        return;
      }
      checkRange(shapeName, shape, value, where, problems);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${where}: ${describe(value)} where boolean ${shapeName} is expected`);
      return;
    case 'timestamp':
      if (form === 'wire') {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          problems.push(`${where}: ${describe(value)} where timestamp ${shapeName} is expected (epoch seconds, a JSON number)`);
        }
      } else if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
        problems.push(`${where}: ${describe(value)} where timestamp ${shapeName} is expected (a valid Date)`);
      }
      return;
    case 'blob':
      if (typeof value !== 'string') problems.push(`${where}: ${describe(value)} where blob ${shapeName} is expected (base64 text)`);
      return;
  }
}

function checkLength(shapeName: string, shape: ModelShape, length: number, unit: string, where: string, problems: string[]): void {
  if (shape.min !== undefined && length < shape.min) problems.push(`${where}: ${length} ${unit}, fewer than ${shapeName}'s minimum ${shape.min}`);
  if (shape.max !== undefined && length > shape.max) problems.push(`${where}: ${length} ${unit}, more than ${shapeName}'s maximum ${shape.max}`);
}

function checkRange(shapeName: string, shape: ModelShape, value: number, where: string, problems: string[]): void {
  if (shape.min !== undefined && value < shape.min) problems.push(`${where}: ${value} is below ${shapeName}'s minimum ${shape.min}`);
  if (shape.max !== undefined && value > shape.max) problems.push(`${where}: ${value} is above ${shapeName}'s maximum ${shape.max}`);
}

/** Problems of `value` as an instance of the named shape. */
export function checkShape(model: ServiceModel, shapeName: string, value: unknown, form: TimestampForm): string[] {
  const problems: string[] = [];
  checkValue(model, shapeName, value, form, '', problems);
  return problems;
}

/** Problems of an operation's answer (an operation without output answers `{}`). */
export function checkOutput(model: ServiceModel, operation: string, output: unknown, form: TimestampForm): string[] {
  const op = model.operations[operation];
  if (op === undefined) return [`the model has no operation ${operation}`];
  if (op.output === undefined) {
    const empty = output === undefined || (typeof output === 'object' && output !== null && Object.keys(output).length === 0);
    return empty ? [] : [`/: ${operation} has no output, yet it answered ${describe(output)}`];
  }
  return checkShape(model, op.output.shape, output, form);
}

/** The exception name of a wire `__type`: without the namespace before `#` and anything after `:` (as clients read it). */
export function errorNameOf(type: string): string {
  const colon = type.indexOf(':');
  const name = colon < 0 ? type : type.slice(0, colon);
  return name.slice(name.indexOf('#') + 1);
}

/** Problems of a refusal's name: one of the operation's errors or a protocol error. */
export function checkErrorName(model: ServiceModel, operation: string, name: string): string[] {
  const op = model.operations[operation];
  if (op === undefined) return [`the model has no operation ${operation}`];
  if (PROTOCOL_ERRORS.has(name)) return [];
  const shape = model.shapes[name];
  if (shape === undefined || shape.exception !== true) return [`__type: ${name} is not an error of the model`];
  // The SDK's schemas list no errors per operation: any of the model's errors is accepted then.
  if (op.errors.length > 0 && !op.errors.includes(name) && name !== INPUT_CONSTRAINT_ERROR)
    return [`__type: ${name} is not among ${operation}'s errors (${op.errors.join(', ')})`];
  return [];
}

/**
 * Problems of a refusal over the wire: its HTTP status, a JSON body whose `__type` names one
 * of the operation's errors (or a protocol error), and the rest of the body as that error's
 * structure (`message`, and `reason` or `resourceName` where the shape has them).
 */
export function checkErrorAnswer(model: ServiceModel, operation: string, status: number, body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`body: not JSON: ${body.slice(0, 80)}`];
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [`body: ${describe(parsed)} where an error structure is expected`];
  const { __type: type, ...members } = parsed as Record<string, unknown>;
  if (typeof type !== 'string') return [`/__type: ${describe(type)} where the error's shape id is expected`];
  const name = errorNameOf(type);
  const problems = checkErrorName(model, operation, name);
  if (problems.length > 0) return problems;
  const expectedStatus = PROTOCOL_ERRORS.get(name) ?? model.errorStatus.get(name) ?? 400;
  if (status !== expectedStatus) problems.push(`status: ${name} is HTTP ${expectedStatus} in the model, not ${status}`);
  if (typeof members.message !== 'string') problems.push(`/message: ${describe(members.message)} where the error's message is expected`);
  if (!PROTOCOL_ERRORS.has(name)) problems.push(...checkShape(model, name, members, 'wire'));
  return problems;
}

const lowerFirst = (text: string) => text[0]!.toLowerCase() + text.slice(1);

/** Event types whose details AWS always sends. */
const DETAILED =
  /StateEntered$|StateExited$|^(ExecutionStarted|ExecutionSucceeded|MapStateStarted)$|^(Task|Activity|LambdaFunction|MapIteration)(?!StateAborted)/;

/** The details member an event of `type` carries, as HistoryEvent names it; null when none. */
function detailsMemberOf(type: string, members: Readonly<Record<string, unknown>>): string | null {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  const name = `${lowerFirst(type)}EventDetails`;
  return members[name] === undefined ? null : name;
}

/**
 * Problems of history events beyond their shape: each event's details under the member its
 * type names (every `*StateEntered` under `stateEnteredEventDetails`, …), present where AWS
 * always sends them, and each event linked to an earlier one.
 */
export function checkHistoryEvents(model: ServiceModel, events: readonly Record<string, unknown>[], at = '/events'): string[] {
  const members = model.shapes.HistoryEvent!.members!;
  const problems: string[] = [];
  events.forEach((event, i) => {
    const type = event.type as string;
    const expected = detailsMemberOf(type, members);
    for (const key of Object.keys(event)) {
      if (key.endsWith('EventDetails') && key !== expected) problems.push(`${at}/${i}/${key}: a ${type} event carries ${expected ?? 'no details'}`);
    }
    if (expected !== null && DETAILED.test(type) && event[expected] === undefined) problems.push(`${at}/${i}: a ${type} event without ${expected}`);
    if (typeof event.previousEventId === 'number' && typeof event.id === 'number' && event.previousEventId >= event.id) {
      problems.push(`${at}/${i}/previousEventId: ${event.previousEventId} is not before its event ${event.id}`);
    }
  });
  return problems;
}
