import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceError } from '../../src/service/errors.js';
import { testState, type TestStateRequest, type TestStateResponse } from '../../src/service/test-state/index.js';
import { virtualClock, type Handlers, type TaskContext } from '../../src/index.js';

/**
 * TestState's rules, table-driven: each request (definition and JSON members given as
 * values here, sent as JSON text) and AWS's answer, with JSON-text members parsed.
 */
interface RequestValues extends Omit<TestStateRequest, 'definition' | 'input' | 'variables' | 'context' | 'mock'> {
  definition: unknown;
  input?: unknown;
  variables?: unknown;
  context?: unknown;
  mock?: { result?: unknown; errorOutput?: { error: string; cause: string }; fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE' };
}

const role = 'arn:aws:iam::123456789012:role/test';

function toRequest(r: RequestValues): TestStateRequest {
  const request: Record<string, unknown> = { ...r, definition: JSON.stringify(r.definition) };
  for (const key of ['input', 'variables', 'context'] as const) if (key in r) request[key] = JSON.stringify(r[key]);
  if (r.mock !== undefined) request.mock = { ...r.mock, ...('result' in r.mock ? { result: JSON.stringify(r.mock.result) } : {}) };
  return request as unknown as TestStateRequest;
}

const numeric = new Set(['maxConcurrency', 'toleratedFailureCount', 'toleratedFailurePercentage', 'errorDetails']);

function values(response: TestStateResponse): Record<string, unknown> {
  const out: Record<string, unknown> = { ...response };
  if (response.output !== undefined) out.output = JSON.parse(response.output);
  if (response.inspectionData !== undefined) {
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(response.inspectionData)) data[k] = numeric.has(k) ? v : JSON.parse(v as string);
    out.inspectionData = data;
  }
  return out;
}

async function run(r: RequestValues, handlers: Handlers = {}) {
  return values(await testState(toRequest(r), { handlers, region: 'us-east-1', accountId: '123456789012' }));
}

const lambdaTask = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f', 'Payload.$': '$' }, End: true };
const twoBranches = {
  Type: 'Parallel',
  Branches: [
    { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
    { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
  ],
  End: true,
};
const mapState = { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } }, End: true };
// ItemReader and ResultWriter belong to a Distributed Map (validate refuses them in an inline one, as AWS does).
const distributedMapState = { ...mapState, ItemProcessor: { ...mapState.ItemProcessor, ProcessorConfig: { Mode: 'DISTRIBUTED' } } };

// ---------------------------------------------------------------- refusals

const refusals = suite('TestState refusals');

const refused: { name: string; request: RequestValues; type: string; message: string | RegExp }[] = [
  {
    name: 'result and errorOutput together',
    request: { definition: lambdaTask, mock: { result: {}, errorOutput: { error: 'E', cause: 'C' } } },
    type: 'ValidationException',
    message: 'A test mock should have only one of the following fields: [result, errorOutput].',
  },
  {
    name: 'a mock with neither',
    request: { definition: lambdaTask, mock: { fieldValidationMode: 'NONE' } },
    type: 'ValidationException',
    message: 'A test mock should have one of the following fields: [result, errorOutput].',
  },
  {
    name: 'revealSecrets with a mock',
    request: { definition: lambdaTask, mock: { result: {} }, revealSecrets: true },
    type: 'ValidationException',
    message: 'TestState does not support RevealSecrets when a mock is specified.',
  },
  {
    name: 'a Map without a mock',
    request: { definition: mapState, input: { items: [] } },
    type: 'InvalidDefinition',
    message: 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
  },
  {
    name: 'a Parallel without a mock',
    request: { definition: twoBranches },
    type: 'InvalidDefinition',
    message: 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
  },
  {
    name: 'mapIterationFailureCount without a mock',
    request: { definition: mapState, stateConfiguration: { mapIterationFailureCount: 1 } },
    type: 'ValidationException',
    message: 'TestState does not support MapIterationFailureCount when a mock is not specified.',
  },
  {
    name: 'mapIterationFailureCount above the mocked iterations',
    request: { definition: mapState, input: { items: [1] }, mock: { result: [1] }, stateConfiguration: { mapIterationFailureCount: 2 } },
    type: 'ValidationException',
    message: 'Map iteration failure count must be less than or equal to the number of Map iterations',
  },
  ...['Pass', 'Succeed', 'Fail', 'Wait', 'Choice'].map((type) => ({
    name: `a mock for a ${type} state`,
    request: {
      definition: {
        Pass: { Type: 'Pass', End: true },
        Succeed: { Type: 'Succeed' },
        Fail: { Type: 'Fail' },
        Wait: { Type: 'Wait', Seconds: 1, End: true },
        Choice: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'X' }] },
      }[type],
      mock: { result: {} },
    },
    type: 'ValidationException',
    message: `State type '${type}' is not supported when a mock is specified`,
  })),
  {
    name: 'a Map mock that is not an array',
    request: { definition: mapState, mock: { result: { a: 1 } } },
    type: 'ValidationException',
    message: 'Mocked result must be an array.',
  },
  {
    name: 'a Map with ResultWriter, mocked with an array',
    request: {
      definition: { ...distributedMapState, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', Prefix: 'p' } } },
      mock: { result: [] },
    },
    type: 'ValidationException',
    message: 'Mocked result must be a JSON object.',
  },
  {
    name: 'a Parallel mock that is not an array',
    request: { definition: twoBranches, mock: { result: { a: 1 } } },
    type: 'ValidationException',
    message: 'Mocked result must be an array.',
  },
  {
    name: 'a Parallel mock with one result too few',
    request: { definition: twoBranches, mock: { result: [1] } },
    type: 'ValidationException',
    message: 'Mocked result must contain the same number of items as number of Parallel branches.',
  },
  {
    name: 'a mock result that is not JSON',
    request: { definition: lambdaTask, mock: { result: {} } },
    type: 'ValidationException',
    message: 'Mocked result must be valid JSON',
  },
  {
    name: 'a state name not in the definition',
    request: { definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, stateName: 'B' },
    type: 'ValidationException',
    message: 'State not found in definition',
  },
  {
    name: 'a definition that does not validate',
    request: { definition: { Type: 'Parallel', Branches: [], End: true }, mock: { result: [] } },
    type: 'InvalidDefinition',
    message: "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/StateName/Branches'",
  },
  {
    name: 'a JSONata expression that does not parse',
    request: { definition: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input. %}', End: true } },
    type: 'InvalidDefinition',
    message: /^Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: .* at \/States\/StateName\/Output'$/,
  },
  {
    name: "a catcher's JSONata Output that does not parse",
    request: {
      definition: {
        ...lambdaTask,
        QueryLanguage: 'JSONata',
        Parameters: undefined,
        Arguments: { FunctionName: 'f' },
        Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput. %}', Next: 'H' }],
      },
      mock: { errorOutput: { error: 'E', cause: 'C' } },
    },
    type: 'InvalidDefinition',
    message: /^Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: .* at \/States\/StateName\/Catch\/0\/Output'$/,
  },
  {
    name: 'a Task without a mock and without a role',
    request: { definition: lambdaTask },
    type: 'ValidationException',
    message: 'RoleArn must be specified when testing a Task state',
  },
  {
    name: 'a Task without a mock whose Resource has no handler',
    request: { definition: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true }, roleArn: role },
    type: 'ValidationException',
    message: "TestState has no handler for the Resource 'arn:aws:states:::sqs:sendMessage' of state 'StateName': pass one in options.handlers, or give a mock",
  },
  {
    name: 'a context with an unknown section',
    request: { definition: { Type: 'Pass', End: true }, context: { Pokedex: {} } },
    type: 'ValidationException',
    message: "Invalid Context object provided: Field 'Pokedex' is not allowed",
  },
  {
    name: 'a context with a Map section',
    request: { definition: { Type: 'Pass', End: true }, context: { Map: { Item: { Index: 0 } } } },
    type: 'ValidationException',
    message: "Invalid Context object provided: 'Map' field is not supported when mocking a Context object",
  },
  {
    name: 'a context with an unknown field',
    request: { definition: { Type: 'Pass', End: true }, context: { State: { Colour: 'red' } } },
    type: 'ValidationException',
    message: "Invalid Context object provided: Field 'Colour' is not allowed",
  },
  {
    name: 'a context field of the wrong type',
    request: { definition: { Type: 'Pass', End: true }, context: { State: { RetryCount: 'one' } } },
    type: 'ValidationException',
    message: 'Invalid Context object provided: State.RetryCount must be an integer',
  },
  {
    name: 'an Execution.Id that is not a string',
    request: { definition: { Type: 'Pass', End: true }, context: { Execution: { Id: 1 } } },
    type: 'ValidationException',
    message: 'Invalid Context object provided: Execution.Id must be a string',
  },
  {
    name: 'variables that are not an object',
    request: { definition: { Type: 'Pass', End: true }, variables: [1] },
    type: 'ValidationException',
    message: 'The variables must be a JSON object',
  },
  {
    name: 'an unknown inspection level',
    request: { definition: { Type: 'Pass', End: true }, inspectionLevel: 'ALL' as 'INFO' },
    type: 'ValidationException',
    message: /Member must satisfy enum value set: \[TRACE, INFO, DEBUG\]/,
  },
  {
    name: 'an ItemReader without mapItemReaderData',
    request: {
      definition: {
        ...distributedMapState,
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k' } },
      },
      mock: { result: [] },
    },
    type: 'ValidationException',
    message: 'TestState needs stateConfiguration.mapItemReaderData to test a Map state with an ItemReader.',
  },
  {
    name: 'errorCausedByState naming no state of the processor',
    request: { definition: mapState, input: { items: [] }, mock: { result: [] }, stateConfiguration: { errorCausedByState: 'Nope' } },
    type: 'ValidationException',
    message: "ErrorCausedByState 'Nope' is not a state of the Map state's ItemProcessor.",
  },
  {
    name: 'errorCausedByState naming no state of the branches',
    request: { definition: twoBranches, mock: { errorOutput: { error: 'E', cause: 'C' } }, stateConfiguration: { errorCausedByState: 'C' } },
    type: 'ValidationException',
    message: "ErrorCausedByState 'C' is not a state of the Parallel state's branches.",
  },
  // fieldValidationMode: STRICT checks required members and types, PRESENT only the members there.
  {
    name: 'STRICT: a required member missing',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: 'a' }, End: true },
      mock: { result: { StartDate: 'now' } },
    },
    type: 'ValidationException',
    message: "Mock result schema validation error: Required field 'ExecutionArn' is missing",
  },
  {
    name: 'STRICT: a number given as text',
    request: { definition: lambdaTask, mock: { result: { StatusCode: '200' } } },
    type: 'ValidationException',
    message: "Mock result schema validation error: Field 'StatusCode' must be a number",
  },
  {
    name: 'PRESENT: an item of a list of the wrong type',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Parameters: { Entries: [] }, End: true },
      mock: { result: { Entries: [{ EventId: 'a' }, { EventId: 1 }] }, fieldValidationMode: 'PRESENT' },
    },
    type: 'ValidationException',
    message: "Mock result schema validation error: Field 'EventId' must be a string",
  },
  {
    name: 'PRESENT: a value outside an enumeration',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:getObject', Parameters: { Bucket: 'b', Key: 'k' }, End: true },
      mock: { result: { StorageClass: 'Papyrus' }, fieldValidationMode: 'PRESENT' },
    },
    type: 'ValidationException',
    message: "Mock result schema validation error: Field 'StorageClass' is not an expected value",
  },
  {
    name: 'PRESENT: a value over its maximum',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:lambda:getFunction', Parameters: { FunctionName: 'f' }, End: true },
      mock: { result: { Configuration: { MemorySize: 10241 } } },
    },
    type: 'ValidationException',
    message: "Mock result schema validation error: Field 'MemorySize' exceeds the maximum value",
  },
  {
    name: 'PRESENT: a value under its minimum length',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:kms:encrypt', Parameters: { KeyId: 'k', Plaintext: 'p' }, End: true },
      mock: { result: { CiphertextBlob: '' }, fieldValidationMode: 'PRESENT' },
    },
    type: 'ValidationException',
    message: "Mock result schema validation error: Field 'CiphertextBlob' is smaller than the minimum length",
  },
];

for (const c of refused) {
  refusals(`refuses ${c.name}`, async () => {
    const request = c.name === 'a mock result that is not JSON' ? { ...toRequest(c.request), mock: { result: '{not json' } } : toRequest(c.request);
    try {
      await testState(request as TestStateRequest);
    } catch (error) {
      assert.instance(error, ServiceError);
      assert.is((error as ServiceError).name, c.type);
      if (typeof c.message === 'string') assert.is((error as ServiceError).message, c.message);
      else assert.match((error as ServiceError).message, c.message);
      return;
    }
    assert.unreachable('answered instead of refusing');
  });
}

refusals('refuses a definition that is not JSON text, and input that is not JSON', async () => {
  for (const [request, type] of [
    [{ definition: '{"Type": ' }, 'InvalidDefinition'],
    [{ definition: '{"Type": "Pass", "End": true}', input: '{' }, 'ValidationException'],
    [{ definition: undefined }, 'ValidationException'],
  ] as const) {
    try {
      await testState(request as unknown as TestStateRequest);
      assert.unreachable(JSON.stringify(request));
    } catch (error) {
      assert.instance(error, ServiceError);
      assert.is((error as ServiceError).name, type);
    }
  }
});

refusals.run();

// ---------------------------------------------------------------- answers

const answers = suite('TestState answers');

/** AWS's cause for a result or output over the payload limit. */
function tooLarge(subject: string): string {
  return `The state/task '${subject}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

const retrying = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'f' },
  Retry: [
    { ErrorEquals: ['Other'], MaxAttempts: 5 },
    { ErrorEquals: ['Flaky'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 6 },
  ],
  Catch: [
    { ErrorEquals: ['Other'], Next: 'OtherHandler' },
    { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' },
  ],
  End: true,
};
const flaky = { errorOutput: { error: 'Flaky', cause: 'try again' } };

const answered: { name: string; request: RequestValues; expected: Record<string, unknown>; handlers?: Handlers }[] = [
  // retrierRetryCount n: RETRIABLE while the first matching retrier has attempts left, IntervalSeconds × BackoffRate^n capped by MaxDelaySeconds.
  ...[
    [0, 2],
    [1, 4],
    [2, 6],
  ].map(([n, seconds]) => ({
    name: `a mocked error on retry ${n} is RETRIABLE after ${seconds} s`,
    request: { definition: retrying, input: { a: 1 }, mock: flaky, stateConfiguration: { retrierRetryCount: n }, inspectionLevel: 'DEBUG' as const },
    expected: {
      status: 'RETRIABLE',
      error: 'Flaky',
      cause: 'try again',
      inspectionData: {
        input: { a: 1 },
        afterInputPath: { a: 1 },
        afterParameters: { FunctionName: 'f' },
        errorDetails: { retryIndex: 1, retryBackoffIntervalSeconds: seconds },
      },
    },
  })),
  {
    name: 'once the retrier is exhausted, the matching catcher gives CAUGHT_ERROR and its Next',
    request: { definition: retrying, input: { a: 1 }, mock: flaky, stateConfiguration: { retrierRetryCount: 3 }, inspectionLevel: 'DEBUG' },
    expected: {
      status: 'CAUGHT_ERROR',
      error: 'Flaky',
      cause: 'try again',
      nextState: 'Recover',
      output: { a: 1, error: { Error: 'Flaky', Cause: 'try again' } },
      inspectionData: { input: { a: 1 }, afterInputPath: { a: 1 }, afterParameters: { FunctionName: 'f' }, errorDetails: { retryIndex: 1, catchIndex: 1 } },
    },
  },
  {
    name: 'an error no retrier or catcher matches is FAILED',
    request: { definition: { ...lambdaTask, Retry: [{ ErrorEquals: ['Other'] }] }, mock: flaky },
    expected: { status: 'FAILED', error: 'Flaky', cause: 'try again' },
  },
  {
    name: 'a retrier with MaxAttempts 0 never retries',
    request: { definition: { ...lambdaTask, Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 0 }] }, mock: flaky, inspectionLevel: 'DEBUG' },
    expected: {
      status: 'FAILED',
      error: 'Flaky',
      cause: 'try again',
      inspectionData: { input: {}, afterInputPath: {}, afterParameters: { FunctionName: 'f', Payload: {} }, errorDetails: { retryIndex: 0 } },
    },
  },
  {
    name: 'a JSONPath Task shows every stage; the mocked result is the service response as is',
    request: {
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        InputPath: '$.order',
        Parameters: { FunctionName: 'f', 'Payload.$': '$' },
        ResultSelector: { 'total.$': '$.Payload.total' },
        ResultPath: '$.charged',
        OutputPath: '$.charged',
        Assign: { 'code.$': '$.StatusCode' },
        Next: 'Ship',
      },
      input: { order: { id: 7 } },
      mock: { result: { StatusCode: 200, Payload: { total: 12 } } },
      inspectionLevel: 'TRACE',
    },
    expected: {
      status: 'SUCCEEDED',
      output: { total: 12 },
      nextState: 'Ship',
      inspectionData: {
        input: { order: { id: 7 } },
        afterInputPath: { id: 7 },
        afterParameters: { FunctionName: 'f', Payload: { id: 7 } },
        result: { StatusCode: 200, Payload: { total: 12 } },
        afterResultSelector: { total: 12 },
        afterResultPath: { order: { id: 7 }, charged: { total: 12 } },
        variables: { code: 200 },
      },
    },
  },
  {
    name: 'a JSONata Task shows its Arguments and result; Output reads $states.result',
    request: {
      definition: {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'f', Payload: '{% $states.input.n * 2 %}' },
        Output: '{% $states.result.Payload %}',
        End: true,
      },
      input: { n: 4 },
      mock: { result: { Payload: 'done' } },
      inspectionLevel: 'DEBUG',
    },
    expected: {
      status: 'SUCCEEDED',
      output: 'done',
      inspectionData: { input: { n: 4 }, afterArguments: { FunctionName: 'f', Payload: 8 }, result: { Payload: 'done' } },
    },
  },
  {
    name: 'a Task without a mock runs its handler; lambda:invoke wraps the function result',
    request: { definition: { ...lambdaTask, ResultSelector: { 'p.$': '$.Payload', 'code.$': '$.StatusCode' } }, input: { x: 1 }, roleArn: role },
    handlers: { f: (event: { x: number }) => ({ doubled: event.x * 2 }) },
    expected: { status: 'SUCCEEDED', output: { p: { doubled: 2 }, code: 200 } },
  },
  {
    name: "a handler's error goes through Catch",
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Catch: [{ ErrorEquals: ['Queue.Full'], Next: 'Later' }], End: true },
      roleArn: role,
    },
    handlers: {
      'arn:aws:states:::sqs:sendMessage': () => {
        throw Object.assign(new Error('no room'), { name: 'Queue.Full' });
      },
    },
    expected: { status: 'CAUGHT_ERROR', error: 'Queue.Full', cause: 'no room', nextState: 'Later', output: { Error: 'Queue.Full', Cause: 'no room' } },
  },
  ...['arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'arn:aws:states:::states:startExecution.sync:2'].map((resource) => ({
    name: `a mocked ${resource.split(':').slice(-2).join(':')} Task is accepted`,
    request: {
      definition: { Type: 'Task', Resource: resource, Parameters: { 'token.$': '$$.Task.Token' }, End: true },
      context: { Task: { Token: 't-1' } },
      mock: { result: { anything: true } },
      inspectionLevel: 'DEBUG' as const,
    },
    expected: {
      status: 'SUCCEEDED',
      output: { anything: true },
      inspectionData: {
        input: {},
        afterInputPath: {},
        afterParameters: { token: 't-1' },
        result: { anything: true },
        afterResultSelector: { anything: true },
        afterResultPath: { anything: true },
      },
    },
  })),
  {
    name: 'without a supplied Task.Token, a path to $$.Task.Token finds nothing',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true },
      mock: { result: {} },
    },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'StateName' (entered at the event id #0). The JSONPath '$$.Task.Token' specified for the field 'token.$' could not be found in the input '{}'",
    },
  },
  {
    name: 'an unmocked .waitForTaskToken Task runs its handler, which sees the task token',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true },
      context: { Task: { Token: 't-2' } },
      roleArn: role,
    },
    handlers: {
      'arn:aws:states:::sqs:sendMessage.waitForTaskToken': (input: { token: string }, ctx: TaskContext) => ({
        sent: input.token,
        seen: (ctx.context.Task as { Token: string }).Token,
      }),
    },
    expected: { status: 'SUCCEEDED', output: { sent: 't-2', seen: 't-2' } },
  },
  {
    name: 'NONE checks nothing; results of Resources without a known shape are not checked',
    request: { definition: lambdaTask, mock: { result: { StatusCode: 'two hundred' }, fieldValidationMode: 'NONE' } },
    expected: { status: 'SUCCEEDED', output: { StatusCode: 'two hundred' } },
  },
  {
    name: 'PRESENT does not ask for required members; unknown members are tolerated',
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: 'a' }, End: true },
      mock: { result: { extra: 1 }, fieldValidationMode: 'PRESENT' },
    },
    expected: { status: 'SUCCEEDED', output: { extra: 1 } },
  },
  {
    name: 'the made-up context object: State.Name "StateName", no role, RetryCount from retrierRetryCount',
    request: {
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'f', 'state.$': '$$.State', 'role.$': '$$.Execution.RoleArn', 'input.$': '$$.Execution.Input' },
        Retry: [{ ErrorEquals: ['X'] }],
        ResultPath: null,
        OutputPath: '$',
        End: true,
      },
      input: { a: 1 },
      mock: { result: {} },
      stateConfiguration: { retrierRetryCount: 2 },
      inspectionLevel: 'DEBUG',
    },
    expected: 'check-context',
  } as never,
  {
    name: 'a supplied context object is $$ exactly',
    request: { definition: { Type: 'Pass', Parameters: { 'ctx.$': '$$', 'name.$': '$$.State.Name' }, End: true }, context: { State: { Name: 'Mine' } } },
    expected: { status: 'SUCCEEDED', output: { ctx: { State: { Name: 'Mine' } }, name: 'Mine' } },
  },
  {
    name: 'INFO shows no inspection data',
    request: { definition: { Type: 'Pass', Result: 1, End: true }, inspectionLevel: 'INFO' },
    expected: { status: 'SUCCEEDED', output: 1 },
  },
  {
    name: 'a Pass with Result shows the result, not InputPath and Parameters',
    request: { definition: { Type: 'Pass', Result: { r: 1 }, ResultPath: '$.r', Next: 'N' }, input: { i: 0 }, inspectionLevel: 'DEBUG' },
    expected: {
      status: 'SUCCEEDED',
      output: { i: 0, r: { r: 1 } },
      nextState: 'N',
      inspectionData: { input: { i: 0 }, result: { r: 1 }, afterResultSelector: { r: 1 }, afterResultPath: { i: 0, r: { r: 1 } } },
    },
  },
  {
    name: 'variables are read, and Assign shows in inspectionData.variables',
    request: {
      definition: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $base + 1 %}', Assign: { next: '{% $base * 10 %}' }, End: true },
      variables: { base: 4 },
      inspectionLevel: 'DEBUG',
    },
    expected: { status: 'SUCCEEDED', output: 5, inspectionData: { input: {}, variables: { base: 4, next: 40 } } },
  },
  {
    name: 'a Choice gives the next state; no match and no Default is FAILED',
    request: {
      definition: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Big' }], Default: 'Small' },
      input: { n: 2 },
      inspectionLevel: 'DEBUG',
    },
    expected: { status: 'SUCCEEDED', output: { n: 2 }, nextState: 'Big', inspectionData: { input: { n: 2 }, afterInputPath: { n: 2 } } },
  },
  {
    name: 'a Choice with no match and no Default fails with States.NoChoiceMatched',
    request: { definition: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Big' }] }, input: { n: 0 } },
    expected: {
      status: 'FAILED',
      error: 'States.NoChoiceMatched',
      cause: "An error occurred while executing the state 'StateName' (entered at the event id #0). No Choice rule matched and there is no Default.",
    },
  },
  {
    name: 'a Wait passes its input on at once',
    request: { definition: { Type: 'Wait', Seconds: 3600, OutputPath: '$.keep', Next: 'After' }, input: { keep: 1 } },
    expected: { status: 'SUCCEEDED', output: 1, nextState: 'After' },
  },
  {
    name: 'a Fail state reads its error and cause from paths',
    request: { definition: { Type: 'Fail', ErrorPath: '$.e', CausePath: '$.c' }, input: { e: 'Bad', c: 'very' } },
    expected: { status: 'FAILED', error: 'Bad', cause: 'very' },
  },
  {
    name: 'a state named in a whole machine, inside a Map processor',
    request: {
      definition: {
        StartAt: 'M',
        States: { M: { ...mapState, ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Parameters: { 'v.$': '$.v' }, End: true } } } } },
      },
      stateName: 'Inner',
      input: { v: 3, w: 4 },
    },
    expected: { status: 'SUCCEEDED', output: { v: 3 } },
  },
  {
    name: 'a mocked Map shows its items, selector and settings',
    request: {
      definition: {
        ...mapState,
        ItemSelector: { 'item.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' },
        MaxConcurrency: 2,
        ToleratedFailurePercentage: 50,
        ResultPath: '$.out',
      },
      input: { items: ['a', 'b'] },
      mock: { result: [1, 2] },
      inspectionLevel: 'DEBUG',
    },
    expected: {
      status: 'SUCCEEDED',
      output: { items: ['a', 'b'], out: [1, 2] },
      inspectionData: {
        input: { items: ['a', 'b'] },
        afterInputPath: { items: ['a', 'b'] },
        afterItemsPath: ['a', 'b'],
        afterItemSelector: [
          { item: 'a', i: 0 },
          { item: 'b', i: 1 },
        ],
        maxConcurrency: 2,
        toleratedFailurePercentage: 50,
        afterResultSelector: [1, 2],
        afterResultPath: { items: ['a', 'b'], out: [1, 2] },
      },
    },
  },
  {
    name: 'a mocked distributed Map shows its batches',
    request: {
      definition: {
        ...mapState,
        ItemProcessor: { ...mapState.ItemProcessor, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' } },
        ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'k.$': '$.k' } },
      },
      input: { items: [1, 2, 3], k: 'x' },
      mock: { result: [{}, {}] },
      inspectionLevel: 'DEBUG',
    },
    expected: {
      status: 'SUCCEEDED',
      output: [{}, {}],
      inspectionData: {
        input: { items: [1, 2, 3], k: 'x' },
        afterInputPath: { items: [1, 2, 3], k: 'x' },
        afterItemsPath: [1, 2, 3],
        afterItemBatcher: [
          { BatchInput: { k: 'x' }, Items: [1, 2] },
          { BatchInput: { k: 'x' }, Items: [3] },
        ],
        maxConcurrency: 0,
        afterResultSelector: [{}, {}],
        afterResultPath: [{}, {}],
      },
    },
  },
  {
    name: 'Map settings read by their …Path take numeric strings, as an execution does',
    request: {
      definition: { ...mapState, MaxConcurrencyPath: '$.max', ToleratedFailurePercentagePath: '$.pct', ItemBatcher: { MaxItemsPerBatchPath: '$.per' } },
      input: { items: [1, 2, 3], max: '2', pct: ' 50.5 ', per: '2' },
      mock: { result: [{}, {}] },
      inspectionLevel: 'DEBUG',
    },
    expected: {
      status: 'SUCCEEDED',
      output: [{}, {}],
      inspectionData: {
        input: { items: [1, 2, 3], max: '2', pct: ' 50.5 ', per: '2' },
        afterInputPath: { items: [1, 2, 3], max: '2', pct: ' 50.5 ', per: '2' },
        afterItemsPath: [1, 2, 3],
        afterItemBatcher: [{ Items: [1, 2] }, { Items: [3] }],
        maxConcurrency: 2,
        toleratedFailurePercentage: 50.5,
        afterResultSelector: [{}, {}],
        afterResultPath: [{}, {}],
      },
    },
  },
  {
    name: 'a Map setting path naming no integer fails as in an execution',
    request: { definition: { ...mapState, ToleratedFailureCountPath: '$.count' }, input: { items: [1], count: '1.5' }, mock: { result: [1] } },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        'An error occurred while executing the state \'StateName\' (entered at the event id #0). The ToleratedFailureCountPath field refers to value "1.5" which is not a valid integer: $.count',
    },
  },
  {
    name: 'more failed iterations than tolerated: States.ExceedToleratedFailureThreshold',
    request: {
      definition: { ...mapState, ToleratedFailureCount: 1 },
      input: { items: [1, 2, 3] },
      mock: { result: [1, 2, 3] },
      stateConfiguration: { mapIterationFailureCount: 2 },
    },
    expected: { status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' },
  },
  {
    name: 'failed iterations within the tolerated percentage',
    request: {
      definition: { ...mapState, ToleratedFailurePercentage: 50 },
      input: { items: [1, 2] },
      mock: { result: [1, 2] },
      stateConfiguration: { mapIterationFailureCount: 1 },
    },
    expected: { status: 'SUCCEEDED', output: [1, 2] },
  },
  {
    name: 'a Map with an ItemReader iterates over mapItemReaderData',
    request: {
      definition: {
        ...distributedMapState,
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k' } },
      },
      mock: { result: ['x'] },
      stateConfiguration: { mapItemReaderData: '["r"]' },
      inspectionLevel: 'DEBUG',
    },
    expected: {
      status: 'SUCCEEDED',
      output: ['x'],
      inspectionData: { input: {}, afterInputPath: {}, afterItemsPath: ['r'], maxConcurrency: 0, afterResultSelector: ['x'], afterResultPath: ['x'] },
    },
  },
  {
    name: 'an ItemReader with ItemsPointer iterates over the array it points to in mapItemReaderData',
    request: {
      definition: {
        ...distributedMapState,
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON', ItemsPointer: '/data/items' },
          Parameters: { Bucket: 'b', Key: 'k' },
        },
      },
      mock: { result: ['x', 'y'] },
      stateConfiguration: { mapItemReaderData: '{"data":{"items":["r","s"]}}' },
      inspectionLevel: 'DEBUG',
    },
    expected: {
      status: 'SUCCEEDED',
      output: ['x', 'y'],
      inspectionData: {
        input: {},
        afterInputPath: {},
        afterItemsPointer: ['r', 's'],
        afterItemsPath: ['r', 's'],
        maxConcurrency: 0,
        afterResultSelector: ['x', 'y'],
        afterResultPath: ['x', 'y'],
      },
    },
  },
  {
    name: 'an ItemsPointer naming no array in mapItemReaderData fails the state with States.ItemReaderFailed',
    request: {
      definition: {
        ...distributedMapState,
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON', ItemsPointer: '/data' },
          Parameters: { Bucket: 'b', Key: 'k' },
        },
      },
      mock: { result: [] },
      stateConfiguration: { mapItemReaderData: '{"data":{"items":[]}}' },
    },
    expected: { status: 'FAILED', error: 'States.ItemReaderFailed', cause: 'The ItemsPointer \'/data\' must point to an array, but points to: {"items":[]}' },
  },
  {
    name: 'a mocked error raised in a Parallel branch (errorCausedByState) fails the Parallel',
    request: { definition: twoBranches, mock: { errorOutput: { error: 'Boom', cause: 'b' } }, stateConfiguration: { errorCausedByState: 'B' } },
    expected: { status: 'FAILED', error: 'Boom', cause: 'b' },
  },
  {
    name: 'a catcher whose ResultPath cannot be applied fails the state with that error',
    request: {
      definition: { ...lambdaTask, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.a.b', Next: 'H' }] },
      input: { a: 1 },
      mock: { errorOutput: { error: 'E', cause: 'C' } },
    },
    expected: {
      status: 'FAILED',
      error: 'States.ResultPathMatchFailure',
      cause: "An error occurred while executing the state 'StateName' (entered at the event id #0). Unable to apply ResultPath '$.a.b' to input '{\"a\":1}'",
    },
  },
  {
    name: 'a mocked error of a Parallel state goes through its Catch',
    request: {
      definition: { ...twoBranches, Catch: [{ ErrorEquals: ['Boom'], Next: 'H' }] },
      mock: { errorOutput: { error: 'Boom', cause: 'b' } },
      inspectionLevel: 'DEBUG',
    },
    expected: {
      status: 'CAUGHT_ERROR',
      error: 'Boom',
      cause: 'b',
      nextState: 'H',
      output: { Error: 'Boom', Cause: 'b' },
      inspectionData: { input: {}, errorDetails: { catchIndex: 0 } },
    },
  },
  {
    name: "a Task's result over 256 KiB fails it, even when its ResultSelector keeps a little, as in an execution",
    request: { definition: { ...lambdaTask, ResultSelector: { 'code.$': '$.StatusCode' } }, roleArn: role },
    handlers: { f: () => ({ text: 'x'.repeat(300_000) }) },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded', cause: tooLarge('lambda') },
  },
  {
    name: "a Task's result over 256 KiB goes through its Catch",
    request: { definition: { ...lambdaTask, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }] }, roleArn: role },
    handlers: { f: () => ({ text: 'x'.repeat(300_000) }) },
    expected: {
      status: 'CAUGHT_ERROR',
      error: 'States.DataLimitExceeded',
      cause: tooLarge('lambda'),
      nextState: 'H',
      output: { Error: 'States.DataLimitExceeded', Cause: tooLarge('lambda') },
    },
  },
  {
    name: "a Task's effective input over 256 KiB fails it before the call",
    request: {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f', 'a.$': '$.s', 'b.$': '$.s' }, End: true },
      input: { s: 'x'.repeat(150_000) },
      mock: { result: {} },
    },
    expected: {
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: "The state/task 'StateName' has an input with a size exceeding the maximum number of bytes service limit.",
    },
  },
  {
    name: "a state's output over 256 KiB fails it after it ran, where its Catch does not apply",
    request: {
      definition: { ...lambdaTask, ResultPath: '$.r', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }] },
      input: { s: 'x'.repeat(200_000) },
      mock: { result: { Payload: 'y'.repeat(100_000) } },
    },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded', cause: tooLarge('StateName') },
  },
  {
    name: "a Map's mocked result over 256 KiB in UTF-8 (under 256 Ki characters) fails it",
    request: { definition: mapState, input: { items: [1] }, mock: { result: ['é'.repeat(140_000)] } },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded', cause: tooLarge('StateName') },
  },
  {
    name: "a Pass state's Result over 256 KiB fails it",
    request: { definition: { Type: 'Pass', Result: 'x'.repeat(300_000), End: true } },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded', cause: tooLarge('StateName') },
  },
];

for (const c of answered) {
  answers(c.name, async () => {
    const actual = await run(c.request, c.handlers);
    if ((c.expected as unknown) === 'check-context') {
      const params = (actual.inspectionData as Record<string, Record<string, unknown>>).afterParameters!;
      assert.equal(params.role, null);
      assert.equal(params.input, { a: 1 });
      assert.equal({ ...(params.state as object), EnteredTime: undefined }, { Name: 'StateName', RetryCount: 2, EnteredTime: undefined });
      return;
    }
    assert.equal(actual, c.expected);
  });
}

answers.run();

const limits = suite('TestState time limits');

limits("a handler past the Task's TimeoutSeconds fails the attempt with States.Timeout, which Catch sees", async () => {
  const clock = virtualClock();
  const definition = { Type: 'Task', Resource: 'slow', TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }], End: true };
  const response = await testState(
    { definition: JSON.stringify(definition), roleArn: role },
    { clock, handlers: { slow: () => clock.sleep(10_000).then(() => 'too late') } },
  );
  assert.equal(response, { status: 'CAUGHT_ERROR', error: 'States.Timeout', nextState: 'Late', output: '{"Error":"States.Timeout","Cause":""}' });
});

limits("a handler running past TestState's five minutes fails with States.Timeout", async () => {
  const clock = virtualClock();
  let aborted = false;
  const handlers = {
    slow: (_input: unknown, ctx: TaskContext) => {
      ctx.signal.addEventListener('abort', () => (aborted = true));
      return clock.sleep(301_000).then(() => 'too late');
    },
  };
  const response = await testState({ definition: JSON.stringify({ Type: 'Task', Resource: 'slow', End: true }), roleArn: role }, { clock, handlers });
  assert.equal(response, { status: 'FAILED', error: 'States.Timeout', cause: 'The TestState call ran longer than its limit of 300 seconds.' });
  assert.ok(aborted, 'the handler was told to stop');
});

limits.run();

const readme = suite('TestState README');

readme('the README example answers as the README says', async () => {
  const response = await testState({
    definition: JSON.stringify({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Payments.Unavailable'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Next: 'Ship',
    }),
    input: '{"amount": 5}',
    inspectionLevel: 'DEBUG',
    mock: { errorOutput: { error: 'Payments.Unavailable', cause: 'no answer' } },
    stateConfiguration: { retrierRetryCount: 1 },
  });
  assert.equal(response, {
    status: 'RETRIABLE',
    error: 'Payments.Unavailable',
    cause: 'no answer',
    inspectionData: {
      input: '{"amount":5}',
      afterInputPath: '{"amount":5}',
      afterParameters: '{"FunctionName":"charge","Payload":{"amount":5}}',
      errorDetails: { retryIndex: 0, retryBackoffIntervalSeconds: 4 },
    },
  });
});

readme.run();
