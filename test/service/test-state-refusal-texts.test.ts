import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceError } from '../../src/service/errors.js';
import { testState, type TestStateRequest } from '../../src/service/test-state/index.js';

/**
 * TestState refusals whose text AWS records word for word: each request, the error type and
 * AWS's message. Definitions, input and context are given as values and sent as JSON text;
 * `rawMock` is sent as is (a mock result that is not JSON text).
 */
interface Case {
  name: string;
  definition: unknown;
  stateName?: string;
  input?: unknown;
  context?: unknown;
  mock?: { result?: unknown; errorOutput?: { error: string; cause: string } };
  rawMock?: TestStateRequest['mock'];
  stateConfiguration?: TestStateRequest['stateConfiguration'];
  type: string;
  message: string;
}

const role = 'arn:aws:iam::123456789012:role/test';
const lambdaTask = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f', 'Payload.$': '$' }, End: true };
const mapState = { Type: 'Map', ItemProcessor: { StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } }, End: true };
const context = {
  Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:m:e', Name: 'e', Input: {} },
  State: { Name: 'S', RetryCount: 0 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', Name: 'm' },
};
const withToken = { ...context, Task: { Token: 't' } };
const taskContextMessage =
  "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern";
const unknownTypeMessage = (pointer: string) =>
  `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at ${pointer}'`;

const cases: Case[] = [
  {
    name: 'a mock result that is not JSON text, whatever the fieldValidationMode',
    definition: lambdaTask,
    rawMock: { result: 'plain words', fieldValidationMode: 'NONE' },
    type: 'ValidationException',
    message: 'Mocked result must be valid JSON',
  },
  {
    name: 'mapIterationFailureCount above the mocked iterations',
    definition: mapState,
    input: [1, 2],
    mock: { result: [1, 2] },
    stateConfiguration: { mapIterationFailureCount: 3 },
    type: 'ValidationException',
    message: 'Map iteration failure count must be less than or equal to the number of Map iterations',
  },
  {
    name: "a context with 'Map'",
    definition: lambdaTask,
    context: { ...context, Map: { Item: { Index: 0, Value: 1 } } },
    mock: { result: {} },
    type: 'ValidationException',
    message: "Invalid Context object provided: 'Map' field is not supported when mocking a Context object",
  },
  {
    name: "a context with 'Task' for a request-response Task",
    definition: lambdaTask,
    context: withToken,
    mock: { result: {} },
    type: 'ValidationException',
    message: taskContextMessage,
  },
  {
    name: "a context with 'Task' for an activity Task (not a service integration pattern)",
    definition: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:approve', End: true },
    context: withToken,
    mock: { result: {} },
    type: 'ValidationException',
    message: taskContextMessage,
  },
  {
    name: "a context with 'Task' for a Wait state",
    definition: { Type: 'Wait', Seconds: 1, End: true },
    context: withToken,
    type: 'ValidationException',
    message: taskContextMessage,
  },
  {
    name: 'an unknown Type, the state tested alone',
    definition: { Type: 'Paas', End: true },
    type: 'InvalidDefinition',
    message: unknownTypeMessage('/States/StateName/Type'),
  },
  {
    name: 'an unknown Type elsewhere in a whole state machine',
    definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Nothing', End: true } } },
    stateName: 'A',
    type: 'InvalidDefinition',
    message: unknownTypeMessage('/States/B/Type'),
  },
  {
    name: 'a state without a required field, worded as the API words it',
    definition: { Type: 'Task', End: true },
    type: 'InvalidDefinition',
    message: "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/StateName'",
  },
  {
    name: 'a field no state has, worded as the API words it',
    definition: { Type: 'Pass', Bogus: 1, End: true },
    type: 'InvalidDefinition',
    message: 'Invalid State Machine Definition: \'SCHEMA_VALIDATION_FAILED: Field "Bogus" is not supported at /States/StateName/Bogus\'',
  },
  {
    name: 'a Next naming no state in a whole state machine, worded as the API words it',
    definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } },
    stateName: 'A',
    type: 'InvalidDefinition',
    message: "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/A/Next'",
  },
];

/** AWS's service-model bounds, checked before anything else; sensitive members are not echoed. */
const modelBound = (at: string, constraint: string) => `1 validation error detected: ${at} failed to satisfy constraint: ${constraint}`;
const pass = JSON.stringify({ Type: 'Pass', End: true });
const mockedTask = { definition: JSON.stringify(lambdaTask), mock: { errorOutput: { error: 'E', cause: 'C' } } };
const modelBounds: { name: string; request: Record<string, unknown>; message: string }[] = [
  {
    name: 'an empty definition',
    request: { definition: '' },
    message: modelBound("Value at 'definition'", 'Member must have length greater than or equal to 1'),
  },
  {
    name: 'an empty stateName',
    request: { definition: pass, stateName: '' },
    message: modelBound("Value at 'stateName'", 'Member must have length greater than or equal to 1'),
  },
  {
    name: 'a stateName over 80 characters',
    request: { definition: pass, stateName: 'S'.repeat(81) },
    message: modelBound("Value at 'stateName'", 'Member must have length less than or equal to 80'),
  },
  {
    name: 'an empty roleArn',
    request: { definition: pass, roleArn: '' },
    message: modelBound("Value '' at 'roleArn'", 'Member must have length greater than or equal to 1'),
  },
  {
    name: 'an input over 256 KiB',
    request: { definition: pass, input: JSON.stringify('x'.repeat(262_143)) },
    message: modelBound("Value at 'input'", 'Member must have length less than or equal to 262144'),
  },
  {
    name: 'revealSecrets that is not a boolean',
    request: { definition: pass, revealSecrets: 'true' },
    message: modelBound("Value 'true' at 'revealSecrets'", 'Member must be a boolean'),
  },
  {
    name: 'an unknown fieldValidationMode',
    request: { definition: JSON.stringify(lambdaTask), mock: { result: '{}', fieldValidationMode: 'LAX' } },
    message: modelBound("Value 'LAX' at 'mock.fieldValidationMode'", 'Member must satisfy enum value set: [STRICT, NONE, PRESENT]'),
  },
  {
    name: 'a mocked error name over 256 characters',
    request: { ...mockedTask, mock: { errorOutput: { error: 'E'.repeat(257), cause: 'C' } } },
    message: modelBound("Value at 'mock.errorOutput.error'", 'Member must have length less than or equal to 256'),
  },
  {
    name: 'a mocked cause over 32,768 characters',
    request: { ...mockedTask, mock: { errorOutput: { error: 'E', cause: 'C'.repeat(32_769) } } },
    message: modelBound("Value at 'mock.errorOutput.cause'", 'Member must have length less than or equal to 32768'),
  },
  {
    name: 'a negative retrierRetryCount',
    request: { ...mockedTask, stateConfiguration: { retrierRetryCount: -1 } },
    message: modelBound("Value '-1' at 'stateConfiguration.retrierRetryCount'", 'Member must have value greater than or equal to 0'),
  },
  {
    name: 'a fractional mapIterationFailureCount',
    request: { ...mockedTask, stateConfiguration: { mapIterationFailureCount: 1.5 } },
    message: modelBound("Value '1.5' at 'stateConfiguration.mapIterationFailureCount'", 'Member must be an integer'),
  },
  {
    name: 'an empty errorCausedByState',
    request: { ...mockedTask, stateConfiguration: { errorCausedByState: '' } },
    message: modelBound("Value at 'stateConfiguration.errorCausedByState'", 'Member must have length greater than or equal to 1'),
  },
];

for (const c of modelBounds) {
  test(`TestState refuses ${c.name} with AWS's model-validation message`, async () => {
    try {
      await testState(c.request as unknown as TestStateRequest);
    } catch (error) {
      assert.instance(error, ServiceError);
      assert.is((error as ServiceError).name, 'ValidationException');
      assert.is((error as ServiceError).message, c.message);
      return;
    }
    assert.unreachable('answered instead of refusing');
  });
}

function requestOf(c: Case): TestStateRequest {
  const request: TestStateRequest = { definition: JSON.stringify(c.definition), roleArn: role };
  if (c.stateName !== undefined) request.stateName = c.stateName;
  if (c.input !== undefined) request.input = JSON.stringify(c.input);
  if (c.context !== undefined) request.context = JSON.stringify(c.context);
  if (c.mock !== undefined) request.mock = c.mock.result === undefined ? { errorOutput: c.mock.errorOutput } : { result: JSON.stringify(c.mock.result) };
  if (c.rawMock !== undefined) request.mock = c.rawMock;
  if (c.stateConfiguration !== undefined) request.stateConfiguration = c.stateConfiguration;
  return request;
}

for (const c of cases) {
  test(`TestState refuses ${c.name} with AWS's message`, async () => {
    try {
      await testState(requestOf(c));
    } catch (error) {
      assert.instance(error, ServiceError);
      assert.is((error as ServiceError).name, c.type);
      assert.is((error as ServiceError).message, c.message);
      return;
    }
    assert.unreachable('answered instead of refusing');
  });
}

const tokenResources = [
  'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  'arn:aws:states:::states:startExecution.sync',
  'arn:aws:states:::states:startExecution.sync:2',
];

for (const resource of tokenResources) {
  test(`a context with 'Task' is the context of a ${resource.slice(resource.lastIndexOf('.'))} Task`, async () => {
    const response = await testState({
      definition: JSON.stringify({ Type: 'Task', Resource: resource, Parameters: { 'Token.$': '$$.Task.Token' }, ResultPath: '$.seen', End: true }),
      input: '{}',
      context: JSON.stringify(withToken),
      mock: { result: '{}', fieldValidationMode: 'NONE' },
      inspectionLevel: 'DEBUG',
    });
    assert.is(response.status, 'SUCCEEDED');
    assert.equal(JSON.parse(response.inspectionData!.afterParameters!), { Token: 't' });
  });
}

test.run();
