import { ProblemCodes, pointerTo, type Problem } from '../../asl/problems.js';
import { problem } from './messages.js';

/** Deeper JSON than this is refused before anything recurses into it, so no check can overflow the stack. */
export const MAX_DEFINITION_DEPTH = 1000;

/**
 * A definition's JSON values (objects and arrays), counting a shared object once per place
 * it appears; more than 1 MiB of JSON text (AWS's largest definition) can hold. An object
 * built in code may share sub-objects, and the tree it stands for can be exponentially
 * larger than the object graph: every later walk would take that long.
 */
export const MAX_DEFINITION_CONTAINERS = 1_048_576;

/**
 * Refuses a definition nested deeper than MAX_DEFINITION_DEPTH before anything else looks at
 * it, so every later check may recurse freely. The walk itself recurses at most that deep. An
 * object that contains itself (possible only for objects built in code) is endlessly deep.
 * It also refuses one holding more than MAX_DEFINITION_CONTAINERS objects and arrays, and one
 * holding NaN or ±Infinity (what JSON.parse makes of 1e999) anywhere, which would otherwise
 * run as null.
 */
export function checkTreeShape(definition: unknown): Problem | null {
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
  findRefused(definition, path);
  let pointer = '';
  for (const token of path) pointer = pointerTo(pointer, token);
  if (walk.nonFinite !== null) {
    return problem(
      ProblemCodes.NOT_JSON_DATA,
      pointer,
      `${String(walk.nonFinite)} is not a JSON number: JSON has no NaN or Infinity, and JSON text reads a number beyond ±1.8e308 (such as 1e999) as Infinity, which would run as null; write a smaller number or a string`,
    );
  }
  return problem(
    ProblemCodes.NESTING_TOO_DEEP,
    pointer,
    `the definition is nested more than ${MAX_DEFINITION_DEPTH} levels deep here (or contains itself); statemill refuses such definitions`,
  );
}

/** The fast check, counting containers as it goes: for-in reads a JSON object's values without building key arrays. */
class ShapeWalk {
  containersLeft = MAX_DEFINITION_CONTAINERS;
  /** NaN or ±Infinity when one stopped the walk: a value no JSON output can hold, which would become null unseen. */
  nonFinite: number | null = null;

  /** True when `value` is nested too deep, holds a non-finite number, or the walk has seen too many containers. */
  refuses(value: unknown, depth: number): boolean {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return false;
      this.nonFinite = value;
      return true;
    }
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

/**
 * The same walk, run only once ShapeWalk has refused a value too deep or a non-finite number,
 * keeping the tokens that lead to it (the walks visit values in the same order, so both stop at the same one).
 */
function findRefused(value: unknown, path: (string | number)[]): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  if (path.length >= MAX_DEFINITION_DEPTH) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (findRefused(value[i], path)) return true;
      path.pop();
    }
    return false;
  }
  for (const key in value) {
    path.push(key);
    if (findRefused((value as Record<string, unknown>)[key], path)) return true;
    path.pop();
  }
  return false;
}
