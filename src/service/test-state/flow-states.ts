import { compileSelectPath, compileResultPath } from '../../compile/jsonpath/io.js';
import { StatesScope } from '../../compile/jsonata/index.js';
import { compileOutcome } from '../../compile/jsonata/state.js';
import { compileChoice } from '../../compile/states/choice.js';
import { compileFail } from '../../compile/states/fail.js';
import { compileTemplate, constantCopy } from '../../compile/jsonpath/templates.js';
import { assignVariables, compileJsonPathAssign } from '../../compile/variables.js';
import type { StateNode } from '../../run/state.js';
import { failed } from './recovery.js';
import { refuseCompileProblems, succeeded, type Outcome, type TestRun } from './run-env.js';

/**
 * The states that call nothing (Pass, Succeed, Fail, Wait, Choice), each stage recorded as
 * AWS shows it. A failure (a path that matches nothing, an expression that throws) is FAILED:
 * these states have no Retry or Catch.
 */
export async function evaluateFlowState(run: TestRun, input: unknown): Promise<Outcome> {
  const { def } = run.state;
  const jsonata = run.state.queryLanguage === 'JSONata';
  try {
    switch (run.state.type) {
      case 'Pass':
        return jsonata ? await jsonataOutcome(run, input) : succeeded(passJsonPath(run, input), run.next);
      case 'Choice':
        return await choice(run, input);
      case 'Fail':
        return await fail(run, input);
      default: {
        // Succeed and Wait: the input, through InputPath and OutputPath (a Wait's time does not pass here).
        if (jsonata) return await jsonataOutcome(run, input);
        const effective = compileSelectPath(def.InputPath)(input, run.frame);
        run.record('afterInputPath', effective);
        return succeeded(compileSelectPath(def.OutputPath)(effective, run.frame), run.next);
      }
    }
  } catch (thrown) {
    return failed(thrown);
  }
}

/** JSONPath Pass: InputPath → Parameters (or Result) → ResultPath → OutputPath; Assign reads the result. */
function passJsonPath(run: TestRun, input: unknown): unknown {
  const { def } = run.state;
  const frame = run.frame;
  let result: unknown;
  if ('Result' in def) {
    result = constantCopy(def.Result)(input, frame);
    run.record('result', result);
  } else {
    const effective = compileSelectPath(def.InputPath)(input, frame);
    run.record('afterInputPath', effective);
    result = 'Parameters' in def ? compileTemplate(def.Parameters)(effective, frame) : effective;
    run.record('afterParameters', result);
  }
  run.record('afterResultSelector', result);
  const assign = 'Assign' in def ? compileJsonPathAssign(def.Assign) : null;
  const values = assign === null ? null : assign.evaluate(result, frame);
  const merged = compileResultPath(def.ResultPath)(input, result, frame);
  run.record('afterResultPath', merged);
  const output = compileSelectPath(def.OutputPath)(merged, frame);
  if (assign !== null) assignVariables(frame, assign.names, values!);
  return output;
}

/** A JSONata Pass, Succeed or Wait: Output (default: the input) and Assign over `$states.input`. */
async function jsonataOutcome(run: TestRun, input: unknown): Promise<Outcome> {
  const outcome = compileOutcome(run.state.def, run.state.pointer, run.env.machine.problems);
  refuseCompileProblems(run);
  return succeeded(await outcome(new StatesScope(run.frame, input), input), run.next);
}

/** Choice: the compiled rules decide the next state; the output is the (effective) input. */
async function choice(run: TestRun, input: unknown): Promise<Outcome> {
  const { def } = run.state;
  const runChoice = compileChoice(def, run.env);
  refuseCompileProblems(run);
  if (run.state.queryLanguage === 'JSONPath') run.record('afterInputPath', compileSelectPath(def.InputPath)(input, run.frame));
  const output = await runChoice(input, run.frame);
  return succeeded(output, (run.frame.next as StateNode).name);
}

/** Fail: its Error and Cause (constants, paths or expressions). */
async function fail(run: TestRun, input: unknown): Promise<Outcome> {
  const runFail = compileFail(run.state.def, run.env);
  refuseCompileProblems(run);
  if (run.state.queryLanguage === 'JSONPath') run.record('afterInputPath', compileSelectPath(run.state.def.InputPath)(input, run.frame));
  try {
    await runFail(input, run.frame);
  } catch (thrown) {
    return failed(thrown);
  }
  return failed(new Error('Fail state did not fail'));
}
