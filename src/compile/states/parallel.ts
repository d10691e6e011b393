import type { Frame } from '../../run/frame.js';
import type { ParkedBranches } from '../../run/parked-branches.js';
import { isPending, type RunState, type StateNode } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath, identity, type Transform } from '../jsonpath/io.js';
import { StatesScope, compileJsonataValue, stateField } from '../jsonata/index.js';
import { compileOutcome } from '../jsonata/state.js';
import { compileRecovery } from '../recovery.js';
import { compileJsonPathFinish } from '../jsonpath/results.js';
import { assignsAnywhere, layoutOf } from '../variables.js';
import { WHOLE_DOCUMENT, builtBound, compileTemplate, templateBound } from '../jsonpath/templates.js';
import { runBranches, type Branches } from '../../run/branches.js';

/**
 * Parallel: every branch gets the effective input; the result is their outputs in order.
 * Assign reads that result (JSONPath `$`, before ResultSelector; JSONata `$states.result`).
 */
export function compileParallel(def: Record<string, unknown>, env: StateEnv): RunState {
  const definitions = def.Branches as Record<string, unknown>[];
  const states = definitions.map((branch, i) => env.compileBlock?.(branch, `${env.pointer}/Branches/${i}`) ?? new Map<string, StateNode>());
  const node = env.lookup(env.name);
  const branches: Branches = {
    starts: definitions.map((branch, i) => states[i]!.get(branch.StartAt as string) ?? env.compileScope(branch, `${env.pointer}/Branches/${i}`)),
    assigns: definitions.map(assignsAnywhere),
    layouts: definitions.map(layoutOf),
    states,
    node,
    join: null,
    tokens: env.machine.integrations?.tokens ?? null,
  };
  node.branches = branches;
  if (env.queryLanguage === 'JSONata') return compileJsonataParallel(def, env, branches);
  const inputPath = compileSelectPath(def.InputPath);
  const parameters: Transform = 'Parameters' in def ? compileTemplate(def.Parameters) : identity;
  const finish = compileJsonPathFinish(def, env, false);
  const effectiveBound = 'Parameters' in def ? templateBound(def.Parameters) : WHOLE_DOCUMENT;
  function attemptParallel(input: unknown, frame: Frame): unknown {
    const inputBound = effectiveBound === null ? Infinity : builtBound(effectiveBound, frame.valueBound, frame.vars);
    return runBranches(branches, parameters(inputPath(input, frame), frame), inputBound, frame, input, input, finish);
  }
  const recovery = compileRecovery(attemptParallel, def, env);
  branches.join = function joinParallel(suspension) {
    const group = suspension as ParkedBranches;
    const input = group.rawInput;
    return recovery.resume(input, group.frame, group.retries, () => finish(input, group.joined(), group.frame, group.outputsBound));
  };
  return recovery.run;
}

/** JSONata Parallel: Arguments (default: the input) to every branch; Output and Assign over the outputs. */
function compileJsonataParallel(def: Record<string, unknown>, env: StateEnv, branches: Branches): RunState {
  const problems = env.machine.problems;
  const args = 'Arguments' in def ? compileJsonataValue(def.Arguments, stateField(env.pointer, 'Arguments'), problems) : null;
  const outcome = compileOutcome(def, env.pointer, problems);

  /** `outputsBound`, the branches' output bounds added, bounds the result: Output and Assign take sizes from it where it is within the limit. */
  function finish(scope: StatesScope, outputs: unknown, _frame: Frame, outputsBound: number): unknown {
    scope.result = outputs;
    scope.resultBound = outputsBound;
    return outcome(scope, outputs);
  }
  function run(scope: StatesScope, effective: unknown): unknown {
    return runBranches(branches, effective, effective === scope.input ? scope.frame.valueBound : Infinity, scope.frame, scope.input, scope, finish);
  }
  function attemptJsonataParallel(input: unknown, frame: Frame): unknown {
    const scope = new StatesScope(frame, input);
    if (args === null) return run(scope, input);
    const effective = args(scope);
    if (isPending(effective)) return effective.then((e) => run(scope, e));
    return run(scope, effective);
  }
  const recovery = compileRecovery(attemptJsonataParallel, def, env);
  branches.join = function joinJsonataParallel(suspension) {
    const group = suspension as ParkedBranches;
    const input = group.rawInput;
    return recovery.resume(input, group.frame, group.retries, () =>
      finish(new StatesScope(group.frame, input), group.joined(), group.frame, group.outputsBound),
    );
  };
  return recovery.run;
}
