import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileChoice } from './choice.js';
import { compileFail } from './fail.js';
import { compileMap } from './map.js';
import { compileParallel } from './parallel.js';
import { compilePass } from './pass.js';
import { compileSucceed } from './succeed.js';
import { compileTask } from './task.js';
import { compileWait } from './wait.js';

export type StateCompiler = (def: Record<string, unknown>, env: StateEnv) => RunState;

interface StateTypeCompiler {
  readonly compile: StateCompiler;
  /**
   * History events a successful pass adds after StateEntered, as AWS numbers them (the
   * "event id #N" in causes): Exited, plus e.g. ParallelStateSucceeded. A Task's call events
   * are counted as they happen (compile/states/task.ts), so that a thread abandoned during
   * its call has counted what it recorded.
   */
  readonly extraEvents: number;
}

/** Every state type's compiler, in one table (asl/fields.ts stateTypes lists their fields). */
export const stateCompilers: Readonly<Record<string, StateTypeCompiler>> = {
  Pass: { compile: compilePass, extraEvents: 1 },
  Task: { compile: compileTask, extraEvents: 1 },
  Choice: { compile: compileChoice, extraEvents: 1 },
  Wait: { compile: compileWait, extraEvents: 1 },
  Succeed: { compile: compileSucceed, extraEvents: 1 },
  Fail: { compile: compileFail, extraEvents: 0 },
  // Started is counted before the branches or iterations run (they add their own events).
  Parallel: { compile: compileParallel, extraEvents: 2 },
  Map: { compile: compileMap, extraEvents: 2 },
};
