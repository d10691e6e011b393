import { AslError, jsonForCause, runtimeError } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileIntrinsic, isIntrinsicCall } from '../intrinsics.js';
import { compilePath } from '../paths.js';

type StringSource = (input: unknown, frame: Frame) => string | null;

/** Fail: ends the execution with Error and Cause, each a constant or read from ErrorPath/CausePath. */
export function compileFail(def: Record<string, unknown>, _env: StateEnv): RunState {
  const error = compileSource(def.Error, def.ErrorPath, 'ErrorPath');
  const cause = compileSource(def.Cause, def.CausePath, 'CausePath');
  return function runFail(input, frame) {
    throw new AslError(error(input, frame), cause(input, frame));
  };
}

function compileSource(constant: unknown, path: unknown, field: string): StringSource {
  if (typeof path === 'string') {
    const read = isIntrinsicCall(path) ? compileIntrinsic(path) : compilePath(path);
    return function readFailField(input, frame) {
      const value = read(input, frame);
      if (value === undefined) {
        throw runtimeError(
          frame,
          `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${jsonForCause(input)}'`,
        );
      }
      if (typeof value !== 'string') {
        throw runtimeError(frame, `The ${field} field must reference a string value but found: ${jsonForCause(value)}`);
      }
      return value;
    };
  }
  const value = typeof constant === 'string' ? constant : null;
  return function constantFailField() {
    return value;
  };
}
