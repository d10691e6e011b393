import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SFNClient, SendTaskSuccessCommand, SendTaskFailureCommand, GetActivityTaskCommand } from '@aws-sdk/client-sfn';
import { createService, virtualClock, type StepFunctionsService, type TaskContext } from '../../src/index.js';
import { refusal } from './refusal.js';

/** Standard constructs through createService(): callbacks, nested executions, activities, SDK commands. */
const service = suite('standard-service');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';
void SFNClient;

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function machine(s: StepFunctionsService, name: string, definition: unknown, type: 'STANDARD' | 'EXPRESS' = 'STANDARD') {
  return (await s.createStateMachine({ name, definition: JSON.stringify(definition), roleArn: ROLE, type })).stateMachineArn;
}

service('human approval: the notifier hands the token out; an approver answers with SendTaskSuccess through send()', async () => {
  const inbox: { token: string; order: string }[] = [];
  const s = createService({
    handlers: { 'arn:aws:states:::sns:publish': (input: { Message: { token: string; order: string } }) => void inbox.push(input.Message) },
  });
  const arn = await machine(s, 'approval', {
    StartAt: 'AskApprover',
    States: {
      AskApprover: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
        Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:approvals', Message: { 'token.$': '$$.Task.Token', 'order.$': '$.order' } },
        ResultPath: '$.decision',
        Next: 'Decide',
      },
      Decide: { Type: 'Choice', Choices: [{ Variable: '$.decision.approved', BooleanEquals: true, Next: 'Approved' }], Default: 'Rejected' },
      Approved: { Type: 'Succeed' },
      Rejected: { Type: 'Fail', Error: 'Rejected' },
    },
  });
  const yes = await s.startExecution({ stateMachineArn: arn, input: '{"order":"o-1"}' });
  const no = await s.startExecution({ stateMachineArn: arn, input: '{"order":"o-2"}' });
  await flush();
  assert.is((await s.describeExecution(yes)).status, 'RUNNING');
  assert.equal(
    inbox.map((m) => m.order),
    ['o-1', 'o-2'],
  );
  await s.send(new SendTaskSuccessCommand({ taskToken: inbox[0]!.token, output: '{"approved":true}' }));
  await s.send(new SendTaskSuccessCommand({ taskToken: inbox[1]!.token, output: '{"approved":false}' }));
  const approved = await s.waitForExecution(yes);
  assert.is(approved.status, 'SUCCEEDED', approved.cause);
  assert.equal(JSON.parse(approved.output!), { order: 'o-1', decision: { approved: true } });
  assert.is((await s.waitForExecution(no)).error, 'Rejected');
  const late = await refusal(s.send(new SendTaskFailureCommand({ taskToken: inbox[0]!.token, error: 'Late' })));
  assert.is(late.name, 'TaskTimedOut');
  const invalid = await refusal(s.sendTaskSuccess({ taskToken: 'forged', output: '{}' }));
  assert.equal([invalid.name, invalid.message], ['InvalidToken', "Invalid Token: 'Invalid token'"]);
  const history = await s.getExecutionHistory({ executionArn: yes.executionArn });
  assert.ok(
    history.events.some((e) => e.type === 'TaskSucceeded'),
    'the history shows the task',
  );
  await s.close();
});

service('workflow within a workflow through the service: .sync:2, .sync, fire and forget; stopping the parent stops the child', async () => {
  const s = createService({ handlers: { 'arn:aws:states:::sqs:sendMessage': () => undefined } });
  const child = await machine(s, 'child', {
    StartAt: 'Add',
    States: { Add: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' }, End: true } },
  });
  const waits = await machine(s, 'waits', {
    StartAt: 'W',
    States: { W: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } },
  });
  const parentOf = (resource: string) => ({
    StartAt: 'Run',
    States: { Run: { Type: 'Task', Resource: resource, Parameters: { 'StateMachineArn.$': '$.arn', 'Input.$': '$.input', 'Name.$': '$.name' }, End: true } },
  });
  const sync2 = await machine(s, 'parent2', parentOf('arn:aws:states:::states:startExecution.sync:2'));
  const sync1 = await machine(s, 'parent1', parentOf('arn:aws:states:::states:startExecution.sync'));
  const fire = await machine(s, 'parent0', parentOf('arn:aws:states:::states:startExecution'));

  const run2 = await s.startExecution({ stateMachineArn: sync2, input: JSON.stringify({ arn: child, input: { a: 1, b: 2 }, name: 'c2' }) });
  const out2 = JSON.parse((await s.waitForExecution(run2)).output!);
  assert.equal(out2.Output, { sum: 3 });
  assert.is(out2.Status, 'SUCCEEDED');
  const childRun = await s.describeExecution({ executionArn: out2.ExecutionArn });
  assert.is(JSON.parse(childRun.input!).AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID, run2.executionArn);

  const run1 = await s.startExecution({ stateMachineArn: sync1, input: JSON.stringify({ arn: child, input: { a: 2, b: 2 }, name: 'c1' }) });
  assert.is(JSON.parse((await s.waitForExecution(run1)).output!).Output, '{"sum":4}');

  const run0 = await s.startExecution({ stateMachineArn: fire, input: JSON.stringify({ arn: child, input: { a: 0, b: 0 }, name: 'c0' }) });
  const out0 = JSON.parse((await s.waitForExecution(run0)).output!);
  assert.equal(Object.keys(out0), ['ExecutionArn', 'StartDate']);
  assert.is((await s.waitForExecution({ executionArn: out0.ExecutionArn })).status, 'SUCCEEDED');

  const parent = await s.startExecution({ stateMachineArn: sync2, input: JSON.stringify({ arn: waits, input: {}, name: 'kid' }) });
  await flush();
  const kid = `arn:aws:states:us-east-1:123456789012:execution:waits:kid`;
  assert.is((await s.describeExecution({ executionArn: kid })).status, 'RUNNING');
  await s.stopExecution({ executionArn: parent.executionArn, error: 'Stop', cause: 'operator' });
  assert.is((await s.waitForExecution(parent)).status, 'ABORTED');
  assert.is((await s.waitForExecution({ executionArn: kid })).status, 'ABORTED');
  await s.close();
});

service(
  'StopExecution of an execution suspended on a task token: ABORTED with the given error and cause, history ending ExecutionAborted, the token retired',
  async () => {
    const tokens: string[] = [];
    const s = createService({ handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void tokens.push(input.token) } });
    const arn = await machine(s, 'stoppable', {
      StartAt: 'Ask',
      States: {
        Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const started = await s.startExecution({ stateMachineArn: arn, input: '{}' });
    assert.is(tokens.length, 1);
    const stopped = await s.stopExecution({ executionArn: started.executionArn, error: 'Operator', cause: 'no longer needed' });
    const described = await s.describeExecution(started);
    assert.equal([described.status, described.error, described.cause], ['ABORTED', 'Operator', 'no longer needed']);
    assert.equal(described.stopDate, stopped.stopDate);
    const history = await s.getExecutionHistory({ executionArn: started.executionArn });
    const last = history.events.at(-1)!;
    assert.equal(
      history.events.map((e) => e.type),
      ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'ExecutionAborted'],
    );
    assert.equal([last.previousEventId, last.executionAbortedEventDetails], [0, { error: 'Operator', cause: 'no longer needed' }]);
    const late = await refusal(s.sendTaskSuccess({ taskToken: tokens[0]!, output: '{}' }));
    assert.equal([late.name, late.message], ['TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"]);
    assert.is((await refusal(s.sendTaskHeartbeat({ taskToken: tokens[0]! }))).name, 'TaskTimedOut');
    await s.close();
  },
);

service('StopExecution of an execution in an asynchronous handler: the handler sees its signal abort, the execution ends ABORTED', async () => {
  const signals: AbortSignal[] = [];
  const s = createService({
    handlers: {
      slow: (_input: unknown, ctx: TaskContext) => {
        signals.push(ctx.signal);
        return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('gave up'), { once: true }));
      },
    },
  });
  const arn = await machine(s, 'slow', { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'slow', End: true } } });
  const started = await s.startExecution({ stateMachineArn: arn, input: '{}' });
  assert.equal(
    signals.map((signal) => signal.aborted),
    [false],
  );
  await s.stopExecution({ executionArn: started.executionArn, cause: 'halt' });
  assert.equal(
    signals.map((signal) => signal.aborted),
    [true],
  );
  assert.equal((await s.describeExecution(started)).status, 'ABORTED');
  await s.close();
});

service('activities through the service: a worker loop with GetActivityTask (also as an SDK command) and SendTask*', async () => {
  const clock = virtualClock(0);
  const s = createService({ clock });
  const { activityArn } = await s.createActivity({ name: 'review' });
  const arn = await machine(s, 'reviewed', { StartAt: 'Review', States: { Review: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 30, End: true } } });
  const runs = await Promise.all([1, 2].map((n) => s.startExecution({ stateMachineArn: arn, input: JSON.stringify({ n }) })));
  for (let i = 0; i < 2; i++) {
    const task = await s.send(new GetActivityTaskCommand({ activityArn, workerName: 'w' }));
    const { n } = JSON.parse(task.input) as { n: number };
    await s.sendTaskHeartbeat({ taskToken: task.taskToken });
    await s.sendTaskSuccess({ taskToken: task.taskToken, output: JSON.stringify({ reviewed: n }) });
  }
  for (const [i, run] of runs.entries()) assert.equal(JSON.parse((await s.waitForExecution(run)).output!), { reviewed: i + 1 });

  // A worker that takes a task and goes silent: the heartbeat timeout fails it.
  const silent = await s.startExecution({ stateMachineArn: arn, input: '{}' });
  const taken = await s.getActivityTask({ activityArn });
  assert.ok(taken.taskToken);
  await clock.sleep(31_000);
  assert.is((await s.waitForExecution(silent)).error, 'States.Timeout');
  assert.is((await refusal(s.sendTaskSuccess({ taskToken: taken.taskToken!, output: '{}' }))).name, 'TaskTimedOut');
  await s.close();
});

service('an EXPRESS machine may start executions but not wait for tokens, as AWS allows', async () => {
  const s = createService();
  const child = await machine(s, 'child', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const express = await machine(
    s,
    'starter',
    {
      StartAt: 'Start',
      States: { Start: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: child }, End: true } },
    },
    'EXPRESS',
  );
  const answer = await s.startSyncExecution({ stateMachineArn: express, input: '{}' });
  assert.is(answer.status, 'SUCCEEDED', answer.cause);
  assert.match(JSON.parse(answer.output!).ExecutionArn, /:execution:child:/);
  const refused = await refusal(
    s.createStateMachine({
      name: 'bad',
      roleArn: ROLE,
      type: 'EXPRESS',
      definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } } }),
    }),
  );
  assert.is(refused.name, 'InvalidDefinition');
  await s.close();
});

service.run();
