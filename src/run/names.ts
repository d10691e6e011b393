import { characterCount, longerThan } from './characters.js';

/**
 * Names of executions, state machines and activities, checked as AWS checks StartExecution's
 * and CreateStateMachine's `name` (InvalidName): 1 to 80 characters (code points, as AWS counts), none of
 * them white space, `< > { } [ ]`, `? *`, `" # % \ ^ | ~ ` $ & , ; : /`, a control character
 * (U+0000–001F, U+007F–009F), U+FFFE, U+FFFF, U+10FFFF or half of a surrogate pair.
 */
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff]|\udbff\udfff/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const MAX_NAME_LENGTH = 80;

/** What is wrong with `name` as an execution name, or null when it is a valid one. */
export function executionNameProblem(name: unknown): string | null {
  return nameProblem(name, 'an execution name');
}

/** What is wrong with `name` as a state machine's (or an activity's) name, or null when it is a valid one. */
export function stateMachineNameProblem(name: unknown): string | null {
  return nameProblem(name, 'a state machine name');
}

/** What is wrong with `name` as the name of `what` (its description opens the problem), or null when it is a valid one. */
export function nameProblem(name: unknown, what: string): string | null {
  if (typeof name !== 'string') return `${what} is a string, not ${name === null ? 'null' : Array.isArray(name) ? 'an array' : typeof name}`;
  if (name.length === 0) return `${what} cannot be empty`;
  if (longerThan(name, MAX_NAME_LENGTH)) return `${what} has at most ${MAX_NAME_LENGTH} characters; this one has ${characterCount(name)}`;
  const bad = FORBIDDEN.exec(name);
  if (bad !== null) return `${what} cannot contain ${describe(bad[0])} (at index ${bad.index})`;
  if (LONE_SURROGATE.test(name)) return `${what} cannot contain half of a surrogate pair`;
  return null;
}

function describe(character: string): string {
  if (character.length === 1 && /[\s\u0000-\u001f\u007f-\u009f\ufffe\uffff]/.test(character)) {
    return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return character.length === 2 ? 'U+10FFFF' : `'${character}'`;
}

/** Thrown (run()) or rejected (execute()) for an invalid `name` option: no execution starts. */
export class ExecutionNameError extends TypeError {
  readonly code = 'ERR_EXECUTION_NAME';
  constructor(problem: string, name: unknown) {
    super(`invalid execution name ${shown(name)}: ${problem}`);
    this.name = 'ExecutionNameError';
  }
}

function shown(name: unknown): string {
  if (typeof name !== 'string') return `(${typeof name})`;
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}

/** Throws ExecutionNameError unless `name` is a valid execution name. */
export function checkExecutionName(name: unknown): void {
  const problem = executionNameProblem(name);
  if (problem !== null) throw new ExecutionNameError(problem, name);
}
