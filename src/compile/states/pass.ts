import { AslError, StatesErrors } from '../../run/errors.js';
import { jsonByteLength } from '../../run/limits.js';
import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileResultPath, compileSelectPath } from '../io.js';
import { compileTemplate, constantCopy } from '../templates.js';

/** Pass: InputPath → (Result | Parameters) → ResultPath → OutputPath. */
export function compilePass(def: Record<string, unknown>, env: StateEnv): RunState {
  const inputPath = compileSelectPath(def.InputPath);
  const resultPath = compileResultPath(def.ResultPath);
  const outputPath = compileSelectPath(def.OutputPath);
  if ('Result' in def) {
    const result = constantCopy(def.Result);
    if (jsonByteLength(def.Result, env.machine.limits.payloadBytes) > env.machine.limits.payloadBytes) {
      const cause = `The state/task '${env.name}' returned a result with a size exceeding the maximum number of bytes service limit.`;
      return function runOversizedPass() {
        throw new AslError(StatesErrors.DataLimitExceeded, cause);
      };
    }
    return function runPassResult(input, frame) {
      return outputPath(resultPath(input, result(input, frame), frame), frame);
    };
  }
  if ('Parameters' in def) {
    const parameters = compileTemplate(def.Parameters);
    return function runPassParameters(input, frame) {
      return outputPath(resultPath(input, parameters(inputPath(input, frame), frame), frame), frame);
    };
  }
  return function runPass(input, frame) {
    return outputPath(resultPath(input, inputPath(input, frame), frame), frame);
  };
}
