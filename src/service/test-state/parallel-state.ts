import { compileResultPath, compileSelectPath } from '../../compile/io.js';
import { StatesScope, compileJsonataValue, stateField } from '../../compile/jsonata.js';
import { compileOutcome } from '../../compile/jsonata-state.js';
import { compileTemplate } from '../../compile/templates.js';
import { assignVariables, compileJsonPathAssign } from '../../compile/variables.js';
import { AslError } from '../../run/errors.js';
import type { Mocked } from './mock.js';
import { recover } from './recovery.js';
import { refuseCompileProblems, succeeded, type Outcome, type TestRun } from './run-env.js';

/**
 * The result of a mocked Map or Parallel: the mock's array (checked when the request was
 * read), or its error.
 */
export function mockedResult(mock: Mocked | null): unknown {
  if (mock === null) throw new Error('a Map or Parallel state is tested only with a mock');
  if (mock.kind === 'error') throw new AslError(mock.error, mock.cause);
  return mock.value;
}

/** JSONPath: ResultSelector → ResultPath → OutputPath over the result, with Assign; the stages recorded. */
export function finishJsonPath(run: TestRun, rawInput: unknown, result: unknown): unknown {
  const { def } = run.state;
  const frame = run.frame;
  const assign = 'Assign' in def ? compileJsonPathAssign(def.Assign) : null;
  const values = assign === null ? null : assign.evaluate(result, frame);
  const selected = 'ResultSelector' in def ? compileTemplate(def.ResultSelector)(result, frame) : result;
  run.record('afterResultSelector', selected);
  const merged = compileResultPath(def.ResultPath)(rawInput, selected, frame);
  run.record('afterResultPath', merged);
  const output = compileSelectPath(def.OutputPath)(merged, frame);
  if (assign !== null) assignVariables(frame, assign.names, values!);
  return output;
}

/** Parallel: the branches' results are the mock's, one per branch; AWS shows only the stages after them. */
export async function evaluateParallel(run: TestRun, input: unknown): Promise<Outcome> {
  const { def } = run.state;
  const jsonata = run.state.queryLanguage === 'JSONata';
  const problems = run.env.machine.problems;
  const args = jsonata && 'Arguments' in def ? compileJsonataValue(def.Arguments, stateField(run.state.pointer, 'Arguments'), problems) : null;
  const outcome = jsonata ? compileOutcome(def, run.state.pointer, problems) : null;
  refuseCompileProblems(run);
  try {
    if (!jsonata) {
      const effective = compileSelectPath(def.InputPath)(input, run.frame);
      if ('Parameters' in def) compileTemplate(def.Parameters)(effective, run.frame);
      return succeeded(finishJsonPath(run, input, mockedResult(run.mock)), run.next);
    }
    const scope = new StatesScope(run.frame, input);
    if (args !== null) await args(scope);
    const result = mockedResult(run.mock);
    scope.result = result;
    return succeeded(await outcome!(scope, result), run.next);
  } catch (thrown) {
    return recover(thrown, input, run);
  }
}
