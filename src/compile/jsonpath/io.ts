import { AslError, StatesErrors, jsonForCause, runtimeError, stateCause } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { setOwn } from '../../json.js';
import { compilePath, compileSetter, missingPathReason, parseReferencePath } from './paths.js';

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
  const segments = parseReferencePath(text).segments;
  if (segments !== null && segments.length === 1 && 'name' in segments[0]!) {
    const name = segments[0].name;
    return function mergeMember(raw, result, frame) {
      // The thread's own copy from an earlier ResultPath, which only reading states have seen since: set the result in it.
      if (raw === frame.owned && raw !== null && result !== undefined) {
        setOwn(raw as Record<string, unknown>, name, result);
        return raw;
      }
      const merged = write(raw, result);
      if (merged === undefined) {
        throw new AslError(StatesErrors.ResultPathMatchFailure, stateCause(frame, `Unable to apply ResultPath '${text}' to input '${jsonForCause(raw)}'`));
      }
      // A recorded history writes each output's JSON text as it is recorded: it keeps no object to protect.
      frame.owned = merged as object;
      return merged;
    };
  }
  return function mergeResult(raw, result, frame) {
    const merged = write(raw, result);
    if (merged === undefined) {
      throw new AslError(StatesErrors.ResultPathMatchFailure, stateCause(frame, `Unable to apply ResultPath '${text}' to input '${jsonForCause(raw)}'`));
    }
    return merged;
  };
}
