import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { createService, virtualClock, type StepFunctionsService } from '../../src/index.js';

/**
 * A test suite written for Step Functions Local, run unchanged through send(): create the
 * machine, start `arn#TestCase` with a mock configuration, poll GetExecutionHistory until
 * the execution ends, assert on the events.
 */
const local = suite('sfn-local-style');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';

const definition = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Lambda.ServiceException'], MaxAttempts: 2, IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ['Card.Declined'], Next: 'Declined' }],
      ResultSelector: { 'charged.$': '$.Payload.charged' },
      ResultPath: '$.charge',
      Next: 'Approve',
    },
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } },
      ResultPath: '$.approval',
      End: true,
    },
    Declined: { Type: 'Fail', Error: 'Declined' },
  },
};
const mocks = {
  StateMachines: {
    order: {
      TestCases: {
        HappyPath: { Charge: 'ChargeOk', Approve: 'Approved' },
        Flaky: { Charge: 'ChargeFlaky', Approve: 'Approved' },
        Declined: { Charge: 'ChargeDeclined' },
      },
    },
  },
  MockedResponses: {
    ChargeOk: { '0': { Return: { StatusCode: 200, Payload: { charged: true } } } },
    ChargeFlaky: { '0': { Throw: { Error: 'Lambda.ServiceException', Cause: 'busy' } }, '1': { Return: { StatusCode: 200, Payload: { charged: true } } } },
    ChargeDeclined: { '0': { Throw: { Error: 'Card.Declined', Cause: 'no funds' } } },
    Approved: { '0': { Return: { approved: true } } },
  },
};

async function historyWhenDone(s: StepFunctionsService, executionArn: string): Promise<HistoryEvent[]> {
  for (;;) {
    const { events } = (await s.send(new GetExecutionHistoryCommand({ executionArn }))) as { events: HistoryEvent[] };
    if (/^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(events[events.length - 1]!.type!)) return events;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

for (const [testCase, status, types] of [
  [
    'HappyPath',
    'SUCCEEDED',
    ['TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'ExecutionSucceeded'],
  ],
  [
    'Flaky',
    'SUCCEEDED',
    [
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'ExecutionSucceeded',
    ],
  ],
  ['Declined', 'FAILED', ['TaskScheduled', 'TaskStarted', 'TaskFailed', 'ExecutionFailed']],
] as const) {
  local(`test case ${testCase}: ${status}, the task events in order`, async () => {
    const s = createService({ clock: virtualClock(0), mocks });
    const { stateMachineArn } = (await s.send(new CreateStateMachineCommand({ name: 'order', definition: JSON.stringify(definition), roleArn: ROLE }))) as {
      stateMachineArn: string;
    };
    const { executionArn } = (await s.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#${testCase}`, input: '{"order":7}' }))) as {
      executionArn: string;
    };
    const events = await historyWhenDone(s, executionArn);
    assert.equal(
      events.map((e) => e.type).filter((t) => /^(Task[A-Z][a-z]+$|Execution(?!Started))/.test(t!) && !t!.startsWith('TaskState')),
      [...types],
    );
    assert.is(((await s.send(new DescribeExecutionCommand({ executionArn }))) as { status: string }).status, status);
    await s.close();
  });
}

local('a Task whose Resource is a Lambda function ARN records the mocked Payload as the function output, as AWS records the function result', async () => {
  const greet = 'arn:aws:lambda:us-east-1:123456789012:function:greet';
  const s = createService({
    clock: virtualClock(0),
    mocks: {
      StateMachines: { greeter: { TestCases: { HappyPath: { Greet: 'GreetOk' } } } },
      MockedResponses: { GreetOk: { '0': { Return: { StatusCode: 200, Payload: { body: 'hello' } } } } },
    },
  });
  const { stateMachineArn } = (await s.send(
    new CreateStateMachineCommand({
      name: 'greeter',
      roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: greet, End: true } } }),
    }),
  )) as { stateMachineArn: string };
  const { executionArn } = (await s.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#HappyPath`, input: '{"body":"hello"}' }))) as {
    executionArn: string;
  };
  const events = await historyWhenDone(s, executionArn);
  assert.equal(
    events.map((e) => [e.id, e.previousEventId, e.type]),
    [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'LambdaFunctionScheduled'],
      [4, 3, 'LambdaFunctionStarted'],
      [5, 4, 'LambdaFunctionSucceeded'],
      [6, 5, 'TaskStateExited'],
      [7, 6, 'ExecutionSucceeded'],
    ],
  );
  assert.equal(events[4]!.lambdaFunctionSucceededEventDetails, { output: '{"body":"hello"}', outputDetails: { truncated: false } });
  assert.equal(events[6]!.executionSucceededEventDetails!.output, '{"body":"hello"}');
  await s.close();
});

local('an activity worker heartbeats through SendTaskHeartbeatCommand and answers', async () => {
  const s = createService({ clock: virtualClock(0) });
  const { activityArn } = (await s.send(new CreateActivityCommand({ name: 'pack' }))) as { activityArn: string };
  const { stateMachineArn } = (await s.send(
    new CreateStateMachineCommand({
      name: 'packer',
      roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'Pack', States: { Pack: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 10, End: true } } }),
    }),
  )) as { stateMachineArn: string };
  const { executionArn } = (await s.send(new StartExecutionCommand({ stateMachineArn, input: '{"box":1}' }))) as { executionArn: string };
  const task = (await s.send(new GetActivityTaskCommand({ activityArn, workerName: 'packer-1' }))) as { taskToken: string; input: string };
  assert.is(task.input, '{"box":1}');
  assert.equal(await s.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken })), {});
  await s.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"packed":true}' }));
  const events = await historyWhenDone(s, executionArn);
  assert.equal(
    events.filter((e) => e.type!.startsWith('Activity')).map((e) => e.type),
    ['ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded'],
  );
  assert.equal(events.find((e) => e.type === 'ActivityStarted')!.activityStartedEventDetails, { workerName: 'packer-1' });
  await s.close();
});

local.run();
