import { LAMBDA_INVOKE, answersRaw, type Handler, type TaskContext } from '../../compile/handlers.js';
import { compileSelectPath } from '../../compile/jsonpath/io.js';
import { StatesScope, compileJsonataValue, stateField } from '../../compile/jsonata/index.js';
import { compileOutcome } from '../../compile/jsonata/state.js';
import { lambdaEvent, lambdaResponse } from '../../compile/lambda-response.js';
import { handlerError } from '../../run/task-call.js';
import { compileTemplate } from '../../compile/jsonpath/templates.js';
import { scheduleLimit } from '../../run/clock.js';
import { AslError, StatesErrors, functionNotFound, inputTooLarge, jsonForCause } from '../../run/errors.js';
import { fitsPayload } from '../../run/limits.js';
import { compileResultLimit } from '../../compile/jsonpath/results.js';
import { contextObject } from '../../run/frame.js';
import { isPromiseLike } from '../../run/state.js';
import { ServiceError } from '../errors.js';
import { recover } from './recovery.js';
import { finishJsonPath } from './result-stages.js';
import { refuseCompileProblems, succeeded, type Outcome, type TestRun } from './run-env.js';

/**
 * Task: each data-flow stage recorded as AWS shows it. The result is the mock's, or, without
 * a mock, what the configured handler returns (statemill runs it; AWS would call the
 * service). An error anywhere goes through Retry and Catch as TestState classifies them.
 */
export async function evaluateTask(run: TestRun, input: unknown): Promise<Outcome> {
  return run.state.queryLanguage === 'JSONata' ? jsonataTask(run, input) : jsonPathTask(run, input);
}

async function jsonPathTask(run: TestRun, input: unknown): Promise<Outcome> {
  const { def } = run.state;
  const frame = run.frame;
  try {
    const effective = compileSelectPath(def.InputPath)(input, frame);
    run.record('afterInputPath', effective);
    const parameters = 'Parameters' in def ? compileTemplate(def.Parameters)(effective, frame) : effective;
    run.record('afterParameters', parameters);
    const result = await taskResult(run, parameters);
    run.record('result', result);
    return succeeded(finishJsonPath(run, input, result), run.next);
  } catch (thrown) {
    if (thrown instanceof ServiceError) throw thrown;
    return recover(thrown, input, run);
  }
}

async function jsonataTask(run: TestRun, input: unknown): Promise<Outcome> {
  const { def } = run.state;
  const problems = run.env.machine.problems;
  const args = 'Arguments' in def ? compileJsonataValue(def.Arguments, stateField(run.state.pointer, 'Arguments'), problems) : null;
  const outcome = compileOutcome(def, run.state.pointer, problems);
  refuseCompileProblems(run);
  try {
    const scope = new StatesScope(run.frame, input);
    const effective = args === null ? input : await args(scope);
    run.record('afterArguments', effective);
    const result = await taskResult(run, effective);
    run.record('result', result);
    scope.result = result;
    return succeeded(await outcome(scope, result), run.next);
  } catch (thrown) {
    if (thrown instanceof ServiceError) throw thrown;
    return recover(thrown, input, run);
  }
}

/**
 * The mocked result or error, else the handler's answer; an effective input or a result over
 * the payload limit fails as it does in an execution (Retry and Catch see it).
 */
async function taskResult(run: TestRun, effective: unknown): Promise<unknown> {
  if (!fitsPayload(effective, run.env.machine.limits.payloadBytes)) throw inputTooLarge(run.state.name);
  const mock = run.mock;
  let result: unknown;
  if (mock === null) result = await invokeHandler(run, effective);
  else if (mock.kind === 'error') throw new AslError(mock.error, mock.cause);
  else result = mock.value;
  compileResultLimit(run.env, 0, run.state.def.Resource)(result);
  return result;
}

/**
 * The handler for the Task's Resource, as `compile()` finds it: a raw integration handler
 * (mocks) answers as is; `lambda:invoke` resolves FunctionName and wraps the function's
 * result in Lambda's response envelope. TimeoutSeconds and HeartbeatSeconds are not timed.
 */
async function invokeHandler(run: TestRun, effective: unknown): Promise<unknown> {
  const resource = run.state.def.Resource as string;
  const handlers = run.handlers;
  const raw = handlers.resource(resource);
  if (raw !== undefined && answersRaw(raw, run.state.name)) return call(raw, effective, run);
  if (resource === LAMBDA_INVOKE || resource.startsWith(LAMBDA_INVOKE + ':')) {
    const args = (effective ?? {}) as Record<string, unknown>;
    const functionName = args.FunctionName;
    if (typeof functionName !== 'string') {
      throw new AslError('States.Runtime', `The field 'FunctionName' is required and must be a string, but was: ${jsonForCause(functionName)}`);
    }
    const handler = handlers.lambda(functionName);
    if (handler === undefined) throw functionNotFound(functionName, run.frame.exec.stateMachineId);
    return lambdaResponse(await call(handler, lambdaEvent(args.Payload), run));
  }
  if (raw === undefined) {
    throw new ServiceError(
      'ValidationException',
      `TestState has no handler for the Resource '${resource}' of state '${run.state.name}': pass one in options.handlers, or give a mock`,
    );
  }
  return call(raw, effective, run);
}

/** AWS ends a TestState call after five minutes with States.Timeout. */
const TEST_STATE_LIMIT_SECONDS = 300;

/**
 * One handler call, within the Task's constant TimeoutSeconds and TestState's own five
 * minutes, on the run's clock; the handler's signal aborts when either passes.
 * (TimeoutSecondsPath and HeartbeatSeconds are not timed here.)
 */
async function call(handler: Handler, input: unknown, run: TestRun): Promise<unknown> {
  const frame = run.frame;
  const own = run.state.def.TimeoutSeconds;
  const taskLimited = typeof own === 'number' && own < TEST_STATE_LIMIT_SECONDS;
  const seconds = taskLimited ? own : TEST_STATE_LIMIT_SECONDS;
  const timeout = taskLimited
    ? new AslError(StatesErrors.Timeout, null)
    : new AslError(StatesErrors.Timeout, `The TestState call ran longer than its limit of ${TEST_STATE_LIMIT_SECONDS} seconds.`);
  const controller = new AbortController();
  const context: TaskContext = {
    context: contextObject(frame),
    attempt: frame.retryCount + 1,
    signal: controller.signal,
    heartbeat() {},
  };
  let result: unknown;
  try {
    result = handler(input, context);
  } catch (thrown) {
    throw handlerError(thrown);
  }
  let later: boolean;
  try {
    later = isPromiseLike(result);
  } catch (thrown) {
    // A `then` getter that throws: awaiting the answer in a Lambda runtime throws that.
    throw handlerError(thrown);
  }
  if (!later) return result;
  let cancel: () => void = () => {};
  const expired = new Promise<never>((_, reject) => {
    cancel = scheduleLimit(frame.exec.clock, seconds * 1000, () => {
      controller.abort(timeout);
      reject(timeout);
    });
  });
  try {
    return await Promise.race([Promise.resolve(result).then(undefined, (thrown) => Promise.reject(handlerError(thrown))), expired]);
  } finally {
    cancel();
  }
}
