import { AslError, StatesErrors, jsonForCause, runtimeError, stateCause } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { compilePath, compileSetter, missingPathReason } from './paths.js';

/**
 * The JSONPath input/output fields shared by most state types, each compiled into the
 * cheapest closure for its value: absent or "$" is the identity, null gives `{}` (or keeps
 * the input, for ResultPath), anything else reads or writes through a compiled path.
 */
export type Transform = (value: unknown, frame: Frame) => unknown;
export type Merge = (rawInput: unknown, result: unknown, frame: Frame) => unknown;

export const identity: Transform = (value) => value;

/** InputPath and OutputPath: a Path over the value; null gives an empty object. */
export function compileSelectPath(path: unknown): Transform {
  if (path === undefined || path === '$') return identity;
  if (path === null)
    return function selectNothing() {
      return {};
    };
  const text = path as string;
  const read = compilePath(text);
  return function selectPath(value, frame) {
    const selected = read(value, frame);
    if (selected === undefined) {
      throw runtimeError(frame, `Invalid path '${text}' : ${missingPathReason(text, value)}`);
    }
    return selected;
  };
}

/** ResultPath: where the result goes in the raw input. */
export function compileResultPath(path: unknown): Merge {
  if (path === undefined || path === '$')
    return function replaceWithResult(_raw, result) {
      return result;
    };
  if (path === null)
    return function discardResult(raw) {
      return raw;
    };
  const text = path as string;
  const write = compileSetter(text);
  return function mergeResult(raw, result, frame) {
    const merged = write(raw, result);
    if (merged === undefined) {
      throw new AslError(StatesErrors.ResultPathMatchFailure, stateCause(frame, `Unable to apply ResultPath '${text}' to input '${jsonForCause(raw)}'`));
    }
    return merged;
  };
}
