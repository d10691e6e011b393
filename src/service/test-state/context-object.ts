import { ServiceError } from '../errors.js';
import type { StateUnderTest } from './definition.js';

/**
 * TestState's `context`: the context object the state sees instead of the one made up for
 * the call. AWS accepts only the fields a real context object has (no `Map`: a Map
 * iteration's context cannot be supplied), each of its JSON type, and `Task` only for a
 * state that has a task token: a Task calling a `.sync` or `.waitForTaskToken` integration.
 */
type FieldType = 'string' | 'integer' | 'any';

const allowedFields: Readonly<Record<string, Readonly<Record<string, FieldType>>>> = {
  Execution: { Id: 'string', Input: 'any', Name: 'string', RoleArn: 'string', StartTime: 'string', RedriveCount: 'integer', RedriveTime: 'string' },
  State: { EnteredTime: 'string', Name: 'string', RetryCount: 'integer' },
  StateMachine: { Id: 'string', Name: 'string' },
  Task: { Token: 'string' },
};

/** Resources whose Task sees `$$.Task.Token`. */
const tokenPattern = /\.(?:sync(?::2)?|waitForTaskToken)$/;

/** The supplied context object for `state`, or a ValidationException naming what is wrong with it. */
export function parseSuppliedContext(text: string, state: StateUnderTest): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidContext('the context must be JSON text');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidContext('the context must be a JSON object');
  const context = value as Record<string, unknown>;
  for (const [section, members] of Object.entries(context)) {
    const fields = Object.prototype.hasOwnProperty.call(allowedFields, section) ? allowedFields[section]! : null;
    if (fields === null)
      throw invalidContext(section === 'Map' ? "'Map' field is not supported when mocking a Context object" : `Field '${section}' is not allowed`);
    if (members === null || typeof members !== 'object' || Array.isArray(members)) throw invalidContext(`${section} must be an object`);
    for (const [field, fieldValue] of Object.entries(members as Record<string, unknown>)) {
      const type = Object.prototype.hasOwnProperty.call(fields, field) ? fields[field]! : null;
      if (type === null) throw invalidContext(`Field '${field}' is not allowed`);
      if (type === 'string' && typeof fieldValue !== 'string') throw invalidContext(`${section}.${field} must be a string`);
      if (type === 'integer' && !Number.isInteger(fieldValue)) throw invalidContext(`${section}.${field} must be an integer`);
    }
  }
  if (Object.prototype.hasOwnProperty.call(context, 'Task') && !hasTaskToken(state)) {
    throw invalidContext("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern");
  }
  return context;
}

function hasTaskToken(state: StateUnderTest): boolean {
  return state.type === 'Task' && typeof state.def.Resource === 'string' && tokenPattern.test(state.def.Resource);
}

function invalidContext(detail: string): ServiceError {
  return new ServiceError('ValidationException', `Invalid Context object provided: ${detail}`);
}
