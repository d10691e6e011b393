import * as sfn from '@aws-sdk/client-sfn';
import type { IncomingMessage } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';

/**
 * Standard constructs through @aws-sdk/client-sfn over HTTP: the human-approval callback
 * (token out through a handler, answer in through SendTaskSuccess/SendTaskFailure), a
 * nested `.sync:2` and `.sync` workflow, and an activity worked by a GetActivityTask loop.
 */
const standard = suite('serve: Standard constructs over HTTP');

const roleArn = 'arn:aws:iam::123456789012:role/local';
const outbox: Array<{ TaskToken: string; order: string }> = [];
let t: TestEndpoint;

standard.before(async () => {
  t = await startEndpoint({
    handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string; order: string } }) => void outbox.push(input.MessageBody) },
  });
});
standard.after(() => t.close());

const approval = JSON.stringify({
  StartAt: 'RequestApproval',
  States: {
    RequestApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals',
        MessageBody: { 'TaskToken.$': '$$.Task.Token', 'order.$': '$.order' },
      },
      ResultPath: '$.approval',
      Next: 'Approved?',
    },
    'Approved?': { Type: 'Choice', Choices: [{ Variable: '$.approval.approved', BooleanEquals: true, Next: 'Ship' }], Default: 'Rejected' },
    Ship: { Type: 'Pass', Result: 'shipped', ResultPath: '$.outcome', End: true },
    Rejected: { Type: 'Fail', Error: 'OrderRejected', Cause: 'a reviewer said no' },
  },
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function ended(executionArn: string): Promise<sfn.DescribeExecutionCommandOutput> {
  return until(`${executionArn} to end`, async () => {
    const described = await t.client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    return described.status === 'RUNNING' ? undefined : described;
  });
}

standard('human approval: the execution waits for its token; SendTaskSuccess over HTTP completes it; the token then answers TaskTimedOut', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'approval', definition: approval, roleArn }));
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn, input: '{"order":"o-1"}' }));
  const message = await until('the approval request', () => outbox.find((m) => m.order === 'o-1'));
  assert.is((await t.client.send(new sfn.DescribeExecutionCommand({ executionArn }))).status, 'RUNNING');
  const answered = await t.client.send(new sfn.SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{"approved":true}' }));
  assert.is(answered.$metadata.httpStatusCode, 200);
  const done = await ended(executionArn!);
  assert.is(done.status, 'SUCCEEDED');
  assert.equal(JSON.parse(done.output!), { order: 'o-1', approval: { approved: true }, outcome: 'shipped' });
  const history = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn }));
  const types = history.events!.map((e) => e.type);
  assert.equal(types.slice(0, 5), [
    'ExecutionStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    types.includes('TaskSubmitted') ? 'TaskSubmitted' : 'TaskSucceeded',
  ]);
  assert.is(JSON.parse(history.events!.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!.output!).approved, true);
  const again = await t.client.send(new sfn.SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{}' })).catch((e) => e);
  assert.instance(again, sfn.TaskTimedOut);
});

standard('human approval: SendTaskFailure over HTTP fails the task with its error; a made-up token is InvalidToken', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'approval-reject', definition: approval, roleArn }));
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn, input: '{"order":"o-2"}' }));
  const message = await until('the approval request', () => outbox.find((m) => m.order === 'o-2'));
  await t.client.send(new sfn.SendTaskHeartbeatCommand({ taskToken: message.TaskToken }));
  await t.client.send(new sfn.SendTaskFailureCommand({ taskToken: message.TaskToken, error: 'Reviewer.Declined', cause: 'too expensive' }));
  const done = await ended(executionArn!);
  assert.is(done.status, 'FAILED');
  assert.is(done.error, 'Reviewer.Declined');
  assert.is(done.cause, 'too expensive');
  const forged = await t.client.send(new sfn.SendTaskSuccessCommand({ taskToken: 'not-a-token-statemill-issued', output: '{}' })).catch((e) => e);
  assert.instance(forged, sfn.InvalidToken);
});

standard('nested executions: .sync:2 returns the child output as JSON, .sync as JSON text', async () => {
  const child = await t.client.send(
    new sfn.CreateStateMachineCommand({
      name: 'child',
      roleArn,
      definition: JSON.stringify({
        StartAt: 'Double',
        States: { Double: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } },
      }),
    }),
  );
  const parent = await t.client.send(
    new sfn.CreateStateMachineCommand({
      name: 'parent',
      roleArn,
      definition: JSON.stringify({
        StartAt: 'Sync2',
        States: {
          Sync2: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: child.stateMachineArn, Input: { 'n.$': '$.n' } },
            ResultSelector: { 'output.$': '$.Output', 'status.$': '$.Status' },
            ResultPath: '$.sync2',
            Next: 'Sync',
          },
          Sync: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync',
            Parameters: { StateMachineArn: child.stateMachineArn, Input: { n: 5 } },
            ResultSelector: { 'output.$': '$.Output' },
            ResultPath: '$.sync',
            End: true,
          },
        },
      }),
    }),
  );
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn: parent.stateMachineArn, input: '{"n":21}' }));
  const done = await ended(executionArn!);
  assert.is(done.status, 'SUCCEEDED', `${done.error}: ${done.cause}`);
  const output = JSON.parse(done.output!);
  assert.equal(output.sync2, { output: { doubled: 42 }, status: 'SUCCEEDED' });
  assert.is(output.sync.output, '{"doubled":10}');
  const children = await t.client.send(new sfn.ListExecutionsCommand({ stateMachineArn: child.stateMachineArn }));
  assert.is(children.executions!.length, 2, 'both children are executions of their own, listed by the API');
});

standard('an activity: the execution waits until a worker takes the task with GetActivityTask and answers with SendTaskSuccess', async () => {
  const { activityArn } = await t.client.send(new sfn.CreateActivityCommand({ name: 'review' }));
  const { stateMachineArn } = await t.client.send(
    new sfn.CreateStateMachineCommand({
      name: 'with-activity',
      roleArn,
      definition: JSON.stringify({ StartAt: 'Review', States: { Review: { Type: 'Task', Resource: activityArn, End: true } } }),
    }),
  );
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn, input: '{"doc":"d-1"}' }));
  const task = await t.client.send(new sfn.GetActivityTaskCommand({ activityArn, workerName: 'worker-1' }));
  assert.equal(JSON.parse(task.input!), { doc: 'd-1' });
  await t.client.send(new sfn.SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"reviewed":true}' }));
  const done = await ended(executionArn!);
  assert.is(done.status, 'SUCCEEDED');
  assert.equal(JSON.parse(done.output!), { reviewed: true });
  const missing = await t.client.send(new sfn.GetActivityTaskCommand({ activityArn: activityArn!.replace(':review', ':nobody') })).catch((e) => e);
  assert.instance(missing, sfn.ActivityDoesNotExist);
});

standard('closing the endpoint answers a pending GetActivityTask long poll with no task, so the drain does not wait 60 s', async () => {
  const own = await startEndpoint();
  const { activityArn } = await own.client.send(new sfn.CreateActivityCommand({ name: 'idle' }));
  // The poll is pending in the server (its handler ran once the body was read) before the close.
  const pending = new Promise<void>((resolve) =>
    own.endpoint.server.http.once('request', (request: IncomingMessage) => request.once('end', () => setImmediate(resolve))),
  );
  const poll = own.client.send(new sfn.GetActivityTaskCommand({ activityArn }));
  // A poll that fails or is answered before it is pending ends the wait too (the assertions below then fail).
  await Promise.race([pending, poll.catch(() => undefined)]);
  const closed = own.endpoint.close();
  const answer = await poll;
  assert.is(answer.$metadata.httpStatusCode, 200);
  assert.is(answer.taskToken, undefined);
  await closed;
  own.client.destroy();
});

standard.run();
