import type { Frame } from '../../run/frame.js';
import { isPromiseLike, type RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileResultPath, compileSelectPath, identity, type Transform } from '../io.js';
import { withRecovery } from '../recovery.js';
import { compileTemplate } from '../templates.js';
import { runBranches } from './branches.js';

/** Parallel: every branch gets the effective input; the result is their outputs in order. */
export function compileParallel(def: Record<string, unknown>, env: StateEnv): RunState {
  const inputPath = compileSelectPath(def.InputPath);
  const parameters: Transform = 'Parameters' in def ? compileTemplate(def.Parameters) : identity;
  const resultSelector: Transform = 'ResultSelector' in def ? compileTemplate(def.ResultSelector) : identity;
  const resultPath = compileResultPath(def.ResultPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const branches = (def.Branches as Record<string, unknown>[]).map((branch, i) =>
    env.compileScope(branch, `${env.pointer}/Branches/${i}`, env.queryLanguage),
  );

  function finish(raw: unknown, outputs: unknown, frame: Frame): unknown {
    return outputPath(resultPath(raw, resultSelector(outputs, frame), frame), frame);
  }
  function attemptParallel(input: unknown, frame: Frame): unknown {
    const outputs = runBranches(branches, parameters(inputPath(input, frame), frame), frame);
    if (isPromiseLike(outputs)) return Promise.resolve(outputs).then((o) => finish(input, o, frame));
    return finish(input, outputs, frame);
  }
  return withRecovery(attemptParallel, def, env);
}
