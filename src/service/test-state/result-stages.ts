import { compileResultPath, compileSelectPath } from '../../compile/jsonpath/io.js';
import { compileTemplate } from '../../compile/jsonpath/templates.js';
import { assignVariables, compileJsonPathAssign } from '../../compile/variables.js';
import { AslError } from '../../run/errors.js';
import type { Mocked } from './mock.js';
import type { TestRun } from './run-env.js';

/**
 * The result of a mocked Map or Parallel: the mock's array (checked when the request was
 * read), or its error.
 */
export function mockedResult(mock: Mocked | null): unknown {
  if (mock === null) throw new Error('a Map or Parallel state is tested only with a mock');
  if (mock.kind === 'error') throw new AslError(mock.error, mock.cause);
  return mock.value;
}

/** JSONPath Task, Map and Parallel: ResultSelector → ResultPath → OutputPath over the result, with Assign; the stages recorded. */
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
