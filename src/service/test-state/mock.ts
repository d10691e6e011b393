import { ServiceError } from '../errors.js';
import type { FieldValidationMode, TestStateConfiguration, TestStateMock, TestStateRequest } from './request.js';
import { resultShapes, type Shape } from './result-shapes.js';
import type { StateUnderTest } from './definition.js';
import { isObject } from '../../json.js';
import { characterCount } from '../../run/characters.js';

/** What the state's task, branches or iterations produce instead of running. */
export type Mocked = { readonly kind: 'result'; readonly value: unknown } | { readonly kind: 'error'; readonly error: string; readonly cause: string };

/** State types that never call anything, so AWS refuses a mock for them. */
const unmockable = new Set(['Pass', 'Succeed', 'Fail', 'Choice', 'Wait']);

/**
 * Applies AWS's rules on `mock`, `revealSecrets` and `stateConfiguration` to the state under
 * test, and returns the mock (null when none was given). Refusals are AWS's
 * ValidationException or InvalidDefinition, with AWS's messages.
 */
export function checkMock(request: TestStateRequest, state: StateUnderTest): Mocked | null {
  const mock = request.mock ?? null;
  const config: TestStateConfiguration = request.stateConfiguration ?? {};
  // A member sent as null is absent, as the request checks (and AWS's JSON protocol) take it.
  const result = mock?.result ?? undefined;
  const errorOutput = mock?.errorOutput ?? undefined;
  if (mock !== null && result !== undefined && errorOutput !== undefined) {
    throw new ServiceError('ValidationException', 'A test mock should have only one of the following fields: [result, errorOutput].');
  }
  if (mock !== null && request.revealSecrets === true) {
    throw new ServiceError('ValidationException', 'TestState does not support RevealSecrets when a mock is specified.');
  }
  if (mock === null) {
    if (config.mapIterationFailureCount !== undefined && config.mapIterationFailureCount !== null) {
      throw new ServiceError('ValidationException', 'TestState does not support MapIterationFailureCount when a mock is not specified.');
    }
    if (state.type === 'Map' || state.type === 'Parallel') {
      throw new ServiceError(
        'InvalidDefinition',
        'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
      );
    }
    return null;
  }
  if (unmockable.has(state.type)) throw new ServiceError('ValidationException', `State type '${state.type}' is not supported when a mock is specified`);
  if (result === undefined && errorOutput === undefined) {
    throw new ServiceError('ValidationException', 'A test mock should have one of the following fields: [result, errorOutput].');
  }
  checkErrorCausedByState(state, config);
  if (errorOutput !== undefined) return { kind: 'error', error: errorOutput.error ?? '', cause: errorOutput.cause ?? '' };
  const value = parseResult(result!);
  if (state.type === 'Map') checkMapResult(state, value, config);
  else if (state.type === 'Parallel') checkParallelResult(state, value);
  else checkFields(state, value, mock);
  return { kind: 'result', value };
}

function parseResult(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError('ValidationException', 'Mocked result must be valid JSON');
  }
}

/** A Map's mock is its iterations' results: an array (an object when a ResultWriter writes them). */
function checkMapResult(state: StateUnderTest, value: unknown, config: TestStateConfiguration): void {
  if ('ResultWriter' in state.def) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new ServiceError('ValidationException', 'Mocked result must be a JSON object.');
    return;
  }
  if (!Array.isArray(value)) throw new ServiceError('ValidationException', 'Mocked result must be an array.');
  const failures = config.mapIterationFailureCount;
  if (failures !== undefined && failures > value.length) {
    throw new ServiceError('ValidationException', 'Map iteration failure count must be less than or equal to the number of Map iterations');
  }
}

function checkParallelResult(state: StateUnderTest, value: unknown): void {
  if (!Array.isArray(value)) throw new ServiceError('ValidationException', 'Mocked result must be an array.');
  const branches = state.def.Branches as unknown[];
  if (value.length !== branches.length) {
    throw new ServiceError('ValidationException', 'Mocked result must contain the same number of items as number of Parallel branches.');
  }
}

/**
 * `fieldValidationMode`: STRICT (the default) checks the mocked result against the
 * integration's response shape, required members included; PRESENT checks only the members
 * present; NONE checks nothing. Results of `.sync` and `.waitForTaskToken` calls, activities
 * and Resources without a known shape are not checked.
 */
function checkFields(state: StateUnderTest, value: unknown, mock: TestStateMock): void {
  const mode: FieldValidationMode = mock.fieldValidationMode ?? 'STRICT';
  if (mode === 'NONE') return;
  const resource = typeof state.def.Resource === 'string' ? state.def.Resource : '';
  const shape = Object.prototype.hasOwnProperty.call(resultShapes, resource) ? resultShapes[resource]! : null;
  if (shape === null) return;
  const problem = mismatch(shape, value, 'result', mode === 'STRICT');
  if (problem !== null) throw new ServiceError('ValidationException', `Mock result schema validation error: ${problem}`);
}

/** The first way `value` does not fit `shape` (AWS's wording), or null. */
function mismatch(shape: Shape, value: unknown, field: string, strict: boolean): string | null {
  switch (shape.type) {
    case 'any':
      return null;
    case 'structure': {
      if (!isObject(value)) return `Field '${field}' must be an object`;
      const members = value as Record<string, unknown>;
      if (strict)
        for (const name of shape.required ?? []) if (!Object.prototype.hasOwnProperty.call(members, name)) return `Required field '${name}' is missing`;
      for (const [name, member] of Object.entries(shape.members)) {
        if (!Object.prototype.hasOwnProperty.call(members, name)) continue;
        const problem = mismatch(member, members[name], name, strict);
        if (problem !== null) return problem;
      }
      return null;
    }
    case 'list': {
      if (!Array.isArray(value)) return `Field '${field}' must be an array`;
      for (const item of value) {
        const problem = mismatch(shape.member, item, field, strict);
        if (problem !== null) return problem;
      }
      return null;
    }
    case 'map': {
      if (!isObject(value)) return `Field '${field}' must be an object`;
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const problem = mismatch(shape.value, item, key, strict);
        if (problem !== null) return problem;
      }
      return null;
    }
    case 'string':
    case 'blob': {
      if (typeof value !== 'string') return `Field '${field}' must be a string`;
      if (shape.type === 'string' && shape.values !== undefined && !shape.values.includes(value)) return `Field '${field}' is not an expected value`;
      // A string's bounds are in characters, as AWS counts them; a blob's are the model's own.
      const length = shape.type === 'string' ? characterCount(value) : value.length;
      if (shape.min !== undefined && length < shape.min) return `Field '${field}' is smaller than the minimum length`;
      if (shape.max !== undefined && length > shape.max) return `Field '${field}' is larger than the maximum length`;
      return null;
    }
    case 'timestamp':
      return typeof value === 'string' ? null : `Field '${field}' must be a string`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `Field '${field}' must be a boolean`;
    default: {
      if (typeof value !== 'number') return `Field '${field}' must be a number`;
      if (shape.type !== 'double' && !Number.isInteger(value)) return `Field '${field}' must be an integer`;
      if (shape.min !== undefined && value < shape.min) return `Field '${field}' is less than the minimum value`;
      if (shape.max !== undefined && value > shape.max) return `Field '${field}' exceeds the maximum value`;
      return null;
    }
  }
}

/** `errorCausedByState` names the state inside a Map's processor or a Parallel's branches that raised the mocked error. */
function checkErrorCausedByState(state: StateUnderTest, config: TestStateConfiguration): void {
  const name = config.errorCausedByState;
  if (name === undefined || (state.type !== 'Map' && state.type !== 'Parallel')) return;
  const blocks = (state.type === 'Map' ? [state.def.ItemProcessor ?? state.def.Iterator] : (state.def.Branches as unknown[])) as (
    Record<string, unknown> | undefined
  )[];
  const found = blocks.some((block) => {
    const states = block?.States;
    return states !== null && typeof states === 'object' && Object.prototype.hasOwnProperty.call(states, name);
  });
  if (!found) {
    const where = state.type === 'Map' ? "the Map state's ItemProcessor" : "the Parallel state's branches";
    throw new ServiceError('ValidationException', `ErrorCausedByState '${name}' is not a state of ${where}.`);
  }
}
