import { compileSelectPath } from '../../compile/jsonpath/io.js';
import { StatesScope, compileJsonataValue, stateField } from '../../compile/jsonata/index.js';
import { compileOutcome } from '../../compile/jsonata/state.js';
import { compileTemplate } from '../../compile/jsonpath/templates.js';
import { finishJsonPath, mockedResult } from './result-stages.js';
import { recover } from './recovery.js';
import { refuseCompileProblems, succeeded, type Outcome, type TestRun } from './run-env.js';

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
      // The branches are mocked, but InputPath and Parameters still run: one that fails fails the state.
      const effective = compileSelectPath(def.InputPath)(input, run.frame);
      if ('Parameters' in def) compileTemplate(def.Parameters)(effective, run.frame);
      return succeeded(finishJsonPath(run, input, mockedResult(run.mock)), run.next);
    }
    const scope = new StatesScope(run.frame, input);
    // Likewise Arguments, whose value only the mocked branches would have seen.
    if (args !== null) await args(scope);
    const result = mockedResult(run.mock);
    scope.result = result;
    return succeeded(await outcome!(scope, result), run.next);
  } catch (thrown) {
    return recover(thrown, input, run);
  }
}
