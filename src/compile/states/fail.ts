import { AslError, jsonForCause, runtimeError } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileIntrinsic, isIntrinsicCall } from '../intrinsics/intrinsics.js';
import { StatesScope, stateField } from '../jsonata/index.js';
import { andThen, compileString, type Checked } from '../jsonata/state.js';
import { compilePath } from '../jsonpath/paths.js';

type StringSource = (input: unknown, frame: Frame) => string | null;

/** Fail: ends the execution with Error and Cause, each a constant or read from ErrorPath/CausePath. */
export function compileFail(def: Record<string, unknown>, env: StateEnv): RunState {
  if (env.queryLanguage === 'JSONata') return compileJsonataFail(def, env);
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
        throw runtimeError(frame, `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${jsonForCause(input)}'`);
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

/** JSONata Fail: Error and Cause are strings, either of them an expression over `$states.input`. */
function compileJsonataFail(def: Record<string, unknown>, env: StateEnv): RunState {
  const problems = env.machine.problems;
  const error: Checked<string> | null = 'Error' in def ? compileString(def.Error, stateField(env.pointer, 'Error'), problems) : null;
  const cause: Checked<string> | null = 'Cause' in def ? compileString(def.Cause, stateField(env.pointer, 'Cause'), problems) : null;
  return function runJsonataFail(input, frame) {
    const scope = new StatesScope(frame, input);
    return andThen(error === null ? null : error(scope), (e) =>
      andThen(cause === null ? null : cause(scope), (c) => {
        throw new AslError(e, c);
      }),
    );
  };
}
