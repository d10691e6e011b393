/**
 * Checks of the options objects the public API takes (compile, createService, createPool,
 * createCluster), made when the object is built: a wrong type, a value out of range or a
 * misspelt key fails there, naming the option, rather than as a crash later. Each caller
 * wraps the problem in its own error (OptionError here; the pool's and the cluster's keep
 * their own codes).
 */

import { stateMachineNameProblem } from './run/names.js';
import { OptionError } from './run/option-error.js';

export { OptionError };

/** A problem with an option, before the caller names the call it belongs to. */
export interface OptionProblem {
  readonly option: string;
  readonly problem: string;
}

/**
 * What is wrong with `options` as an options object with the keys `known`: not an object, or
 * a key it does not know (with the known key it most likely means). Null when nothing is.
 * `prefix` names a nested object ("limits.").
 */
export function optionsShapeProblem(options: unknown, known: readonly string[], prefix = ''): OptionProblem | null {
  if (options === undefined) return null;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    return { option: prefix === '' ? 'options' : prefix.slice(0, -1), problem: `must be an object, not ${kindOf(options)}` };
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    return { option: prefix + key, problem: `is not an option${near === null ? '' : ` (did you mean '${prefix}${near}'?)`}; known: ${known.join(', ')}` };
  }
  return null;
}

/** Throws the OptionError of the first problem, if any. */
export function throwOptionProblem(what: string, problem: OptionProblem | null): void {
  if (problem !== null) throw new OptionError(what, problem.option, problem.problem);
}

/** Undefined, or a string. */
export function stringProblem(value: unknown, option: string): OptionProblem | null {
  return value === undefined || typeof value === 'string' ? null : { option, problem: `must be a string, not ${kindOf(value)}` };
}

/**
 * Undefined, or a name AWS would take for a state machine (CreateStateMachine's rules): it
 * becomes `$$.StateMachine.Name` and part of every ARN, where AWS could never show 'a b'.
 */
export function machineNameProblem(name: unknown, option = 'stateMachineName'): OptionProblem | null {
  const type = stringProblem(name, option);
  if (type !== null || name === undefined) return type;
  const problem = stateMachineNameProblem(name);
  return problem === null ? null : { option, problem: `must be a valid state machine name: ${problem}` };
}

/** Undefined, or one of `allowed`. */
export function oneOfProblem(value: unknown, option: string, allowed: readonly string[]): OptionProblem | null {
  if (value === undefined || (typeof value === 'string' && allowed.includes(value))) return null;
  return { option, problem: `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, not ${shown(value)}` };
}

/** Undefined, or an integer from `min` to `max` (Infinity too when `infinite`). */
export function integerProblem(value: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER, infinite = false): OptionProblem | null {
  if (value === undefined || (infinite && value === Infinity)) return null;
  const what = min === 1 ? 'a positive integer' : min === 0 ? 'a whole number' : `an integer from ${min}`;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    return { option, problem: `must be ${what}${infinite ? ' or Infinity' : ''}, not ${shown(value)}` };
  return value <= max ? null : { option, problem: `must be at most ${max}, not ${value}` };
}

/**
 * Undefined, or a handlers map: an object (a module namespace too). Its values are not
 * checked here: one that is not a function is no handler, and a Task that needs it is
 * reported with the definition's problems, at its Resource.
 */
export function handlersProblem(handlers: unknown): OptionProblem | null {
  if (handlers === undefined || (handlers !== null && typeof handlers === 'object' && !Array.isArray(handlers))) return null;
  return { option: 'handlers', problem: `must be an object mapping each Resource to a function (input, ctx) => value, not ${kindOf(handlers)}` };
}

/** Undefined, or a Clock: now(), schedule() and sleep() functions. */
export function clockProblem(clock: unknown): OptionProblem | null {
  if (clock === undefined) return null;
  if (clock === null || typeof clock !== 'object')
    return { option: 'clock', problem: `must be a Clock (realClock, virtualClock() or one of your own), not ${kindOf(clock)}` };
  for (const method of ['now', 'schedule', 'sleep']) {
    if (typeof (clock as Record<string, unknown>)[method] !== 'function') return { option: 'clock', problem: `must be a Clock: it has no ${method}() method` };
  }
  return null;
}

/** Undefined, or Limits: payloadBytes and executionMs, each a positive number (Infinity lifts it). */
export function limitsProblem(limits: unknown, option = 'limits'): OptionProblem | null {
  const shape = optionsShapeProblem(limits, ['payloadBytes', 'executionMs'], `${option}.`);
  if (shape !== null || limits === undefined) return shape;
  for (const key of ['payloadBytes', 'executionMs']) {
    const value = (limits as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      return { option: `${option}.${key}`, problem: `must be a positive number (Infinity for none), not ${shown(value)}` };
    }
  }
  return null;
}

/** The first of several problems, or null. */
export function firstProblem(...problems: (OptionProblem | null)[]): OptionProblem | null {
  for (const problem of problems) if (problem !== null) return problem;
  return null;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
  return `${typeof value} ${shown(value)}`;
}

/** A value as a message shows it: a string quoted, a number or other primitive as its text, an object by its kind. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The known key within two edits of `key` (case ignored), or null. */
function nearest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
