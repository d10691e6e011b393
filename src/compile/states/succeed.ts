import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath } from '../jsonpath/io.js';
import { StatesScope } from '../jsonata/index.js';
import { compileOutcome } from '../jsonata/state.js';

/** Succeed: InputPath → OutputPath (JSONata: Output), then the thread of control ends. */
export function compileSucceed(def: Record<string, unknown>, env: StateEnv): RunState {
  if (env.queryLanguage === 'JSONata') {
    const outcome = compileOutcome(def, env.pointer, env.machine.problems);
    return function runJsonataSucceed(input, frame) {
      frame.next = null;
      return outcome(new StatesScope(frame, input), input);
    };
  }
  const inputPath = compileSelectPath(def.InputPath);
  const outputPath = compileSelectPath(def.OutputPath);
  return function runSucceed(input, frame) {
    frame.next = null;
    return outputPath(inputPath(input, frame), frame);
  };
}
