import { LAMBDA_INVOKE, answersRaw, type Handler, type TaskContext } from '../../compile/handlers.js';
import { compileResultPath, compileSelectPath } from '../../compile/io.js';
import { StatesScope, compileJsonataValue, stateField } from '../../compile/jsonata.js';
import { compileOutcome } from '../../compile/jsonata-state.js';
import { lambdaEvent, lambdaResponse } from '../../compile/lambda-response.js';
import { handlerError } from '../../compile/states/task.js';
import { compileTemplate } from '../../compile/templates.js';
import { assignVariables, compileJsonPathAssign } from '../../compile/variables.js';
import { AslError, jsonForCause } from '../../run/errors.js';
import { contextObject, type Frame } from '../../run/frame.js';
import { ServiceError } from '../errors.js';
import { recover } from './recovery.js';
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
    const assign = 'Assign' in def ? compileJsonPathAssign(def.Assign) : null;
    const values = assign === null ? null : assign.evaluate(result, frame);
    const selected = 'ResultSelector' in def ? compileTemplate(def.ResultSelector)(result, frame) : result;
    run.record('afterResultSelector', selected);
    const merged = compileResultPath(def.ResultPath)(input, selected, frame);
    run.record('afterResultPath', merged);
    const output = compileSelectPath(def.OutputPath)(merged, frame);
    if (assign !== null) assignVariables(frame, assign.names, values!);
    return succeeded(output, run.next);
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

/** The mocked result or error, else the handler's answer. */
async function taskResult(run: TestRun, effective: unknown): Promise<unknown> {
  const mock = run.mock;
  if (mock !== null) {
    if (mock.kind === 'error') throw new AslError(mock.error, mock.cause);
    return mock.value;
  }
  return invokeHandler(run, effective);
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
  if (raw !== undefined && answersRaw(raw, run.state.name)) return call(raw, effective, run.frame);
  if (resource === LAMBDA_INVOKE || resource.startsWith(LAMBDA_INVOKE + ':')) {
    const args = (effective ?? {}) as Record<string, unknown>;
    const functionName = args.FunctionName;
    if (typeof functionName !== 'string') {
      throw new AslError('States.Runtime', `The field 'FunctionName' is required and must be a string, but was: ${jsonForCause(functionName)}`);
    }
    const handler = handlers.lambda(functionName);
    if (handler === undefined) {
      throw new AslError('Lambda.ResourceNotFoundException', `Function not found: ${functionName} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException)`);
    }
    return lambdaResponse(await call(handler, lambdaEvent(args.Payload), run.frame));
  }
  if (raw === undefined) {
    throw new ServiceError(
      'ValidationException',
      `TestState has no handler for the Resource '${resource}' of state '${run.state.name}': pass one in options.handlers, or give a mock`,
    );
  }
  return call(raw, effective, run.frame);
}

async function call(handler: Handler, input: unknown, frame: Frame): Promise<unknown> {
  const context: TaskContext = {
    context: contextObject(frame),
    attempt: frame.retryCount + 1,
    signal: new AbortController().signal,
    heartbeat() {},
  };
  try {
    return await handler(input, context);
  } catch (thrown) {
    throw handlerError(thrown);
  }
}
