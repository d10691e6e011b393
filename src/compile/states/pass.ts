import { resultTooLarge } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { jsonByteLength } from '../../run/limits.js';
import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileResultPath, compileSelectPath, type Merge, type Transform } from '../jsonpath/io.js';
import { StatesScope } from '../jsonata/index.js';
import { compileOutcome } from '../jsonata/state.js';
import { builtBound, compileTemplate, constantCopy, templateBound } from '../jsonpath/templates.js';
import { resultPathBytes } from '../jsonpath/results.js';
import { assignVariables, compileJsonPathAssign } from '../variables.js';

/**
 * Pass: InputPath → (Result | Parameters) → ResultPath → OutputPath; in JSONata, Output.
 * Assign reads the Pass result (JSONPath `$`) or `$states.input` (JSONata).
 */
export function compilePass(def: Record<string, unknown>, env: StateEnv): RunState {
  if (env.queryLanguage === 'JSONata') return compileJsonataPass(def, env);
  const inputPath = compileSelectPath(def.InputPath);
  const resultPath = compileResultPath(def.ResultPath);
  const outputPath = compileSelectPath(def.OutputPath);
  if ('Result' in def && jsonByteLength(def.Result, env.machine.limits.payloadBytes) > env.machine.limits.payloadBytes) {
    return function runOversizedPass() {
      throw resultTooLarge(env.name);
    };
  }
  if ('Assign' in def) return compilePassWithAssign(def, inputPath, resultPath, outputPath);
  // The output is at most the input plus the result and the keys ResultPath creates: the run
  // loop proves it fits by adding bounds instead of walking it (see checkOutputSize).
  const pathBytes = resultPathBytes(def.ResultPath);
  if ('Result' in def) {
    const result = constantCopy(def.Result);
    const resultBound = jsonByteLength(def.Result, Infinity) + pathBytes;
    return function runPassResult(input, frame) {
      frame.resultBound = resultBound;
      return outputPath(resultPath(input, result(input, frame), frame), frame);
    };
  }
  if ('Parameters' in def) {
    const parameters = compileTemplate(def.Parameters);
    const bound = templateBound(def.Parameters);
    if (bound === null) {
      return function runPassParameters(input, frame) {
        return outputPath(resultPath(input, parameters(inputPath(input, frame), frame), frame), frame);
      };
    }
    return function runPassBoundedParameters(input, frame) {
      // InputPath only selects, so what Parameters reads is within the input's bound.
      frame.resultBound = builtBound(bound, frame.valueBound, frame.vars) + pathBytes;
      return outputPath(resultPath(input, parameters(inputPath(input, frame), frame), frame), frame);
    };
  }
  return function runPass(input, frame) {
    return outputPath(resultPath(input, inputPath(input, frame), frame), frame);
  };
}

/** Assign sees the Pass result as `$`; its values take effect after OutputPath. */
function compilePassWithAssign(def: Record<string, unknown>, inputPath: Transform, resultPath: Merge, outputPath: Transform): RunState {
  const assign = compileJsonPathAssign(def.Assign);
  let result: (input: unknown, frame: Frame) => unknown;
  if ('Result' in def) result = constantCopy(def.Result);
  else if ('Parameters' in def) {
    const parameters = compileTemplate(def.Parameters);
    result = (input, frame) => parameters(inputPath(input, frame), frame);
  } else result = inputPath;
  return function runPassAndAssign(input, frame) {
    const value = result(input, frame);
    const values = assign.evaluate(value, frame);
    const output = outputPath(resultPath(input, value, frame), frame);
    assignVariables(frame, assign.names, values);
    return output;
  };
}

/** JSONata Pass: the output is Output evaluated over `$states.input`, or the input itself. */
function compileJsonataPass(def: Record<string, unknown>, env: StateEnv): RunState {
  if (!('Output' in def) && !('Assign' in def)) {
    return function runJsonataPass(input) {
      return input;
    };
  }
  const outcome = compileOutcome(def, env.pointer, env.machine.problems);
  return function runJsonataPassOutput(input, frame) {
    return outcome(new StatesScope(frame, input), input);
  };
}
