import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath } from '../io.js';

/** Succeed: InputPath → OutputPath, then the thread of control ends. */
export function compileSucceed(def: Record<string, unknown>, _env: StateEnv): RunState {
  const inputPath = compileSelectPath(def.InputPath);
  const outputPath = compileSelectPath(def.OutputPath);
  return function runSucceed(input, frame) {
    frame.next = null;
    return outputPath(inputPath(input, frame), frame);
  };
}
