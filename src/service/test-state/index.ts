import { throwOptionProblem } from '../../options.js';
import { ServiceError } from '../errors.js';
import { nestingFault } from '../json-errors.js';
import { parseSuppliedContext } from './context-object.js';
import { stateUnderTest } from './definition.js';
import { evaluateFlowState } from './flow-states.js';
import { evaluateMap } from './map-state.js';
import { checkMock } from './mock.js';
import { evaluateParallel } from './parallel-state.js';
import type { TestStateOptions, TestStateRequest, TestStateResponse } from './request.js';
import { checkRequestShape, testStateOptionsProblem } from './request-checks.js';
import { toResponse } from './response.js';
import { createRun, type Outcome, type TestRun } from './run-env.js';
import { evaluateTask } from './task-state.js';
import { failed } from './recovery.js';
import { fitsPayload } from '../../run/limits.js';
import { resultTooLarge } from '../../run/errors.js';

export type * from './request.js';
export { checkedResources } from './result-shapes.js';

/**
 * AWS Step Functions' TestState: runs one state (alone, or named in a whole state machine)
 * on an input, with an optional mock of what it calls, and answers as AWS does: status,
 * output, error and cause, next state, and at DEBUG or TRACE every data-flow stage.
 * Refusals are ServiceErrors with AWS's names and messages. A Task without a mock runs the
 * handler `options.handlers` has for it.
 */
export async function testState(request: TestStateRequest, options: TestStateOptions = {}): Promise<TestStateResponse> {
  throwOptionProblem('testState()', testStateOptionsProblem(options));
  if (request === null || typeof request !== 'object') throw new ServiceError('ValidationException', 'The TestState request must be an object');
  checkRequestShape(request);
  const level = request.inspectionLevel ?? 'INFO';
  const state = stateUnderTest(request.definition, request.stateName);
  const mock = checkMock(request, state);
  if (state.type === 'Task' && mock === null && (request.roleArn === undefined || request.roleArn === null)) {
    throw new ServiceError('ValidationException', 'RoleArn must be specified when testing a Task state');
  }
  const context = request.context === undefined ? null : parseSuppliedContext(request.context, state);
  const input = jsonMember(request.input, 'input') ?? {};
  const variables = jsonMember(request.variables, 'variables');
  if (variables !== undefined && (variables === null || typeof variables !== 'object' || Array.isArray(variables))) {
    throw new ServiceError('ValidationException', 'The variables must be a JSON object');
  }
  const run = createRun(
    {
      state,
      input,
      roleArn: request.roleArn ?? null,
      variables: (variables as Record<string, unknown> | undefined) ?? null,
      context,
      mock,
      config: request.stateConfiguration ?? {},
    },
    options,
  );
  run.record('input', input);
  return toResponse(withinPayloadLimit(await evaluate(run, input), run), run, level);
}

/** A state's output over the payload limit fails the state after it ran, where no Retry or Catch applies, as in an execution. */
function withinPayloadLimit(outcome: Outcome, run: TestRun): Outcome {
  if (!outcome.hasOutput || fitsPayload(outcome.output, run.env.machine.limits.payloadBytes)) return outcome;
  return failed(resultTooLarge(run.state.name));
}

function evaluate(run: TestRun, input: unknown): Promise<Outcome> {
  switch (run.state.type) {
    case 'Task':
      return evaluateTask(run, input);
    case 'Map':
      return evaluateMap(run, input);
    case 'Parallel':
      return evaluateParallel(run, input);
    default:
      return evaluateFlowState(run, input);
  }
}

/** A JSON-text member of the request, parsed; undefined when absent. */
function jsonMember(text: string | null | undefined, member: string): unknown {
  if (text === undefined || text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ServiceError('ValidationException', `The ${member} is not valid JSON: ${(error as Error).message}`);
  }
  const tooDeep = nestingFault(text);
  if (tooDeep !== null) throw new ServiceError('ValidationException', `The ${member} is not valid JSON: ${tooDeep.message}`);
  return value;
}
