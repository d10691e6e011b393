import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, validate, virtualClock, DefinitionError, StandardExecutions, StandardTasks, type Clock, type Handlers } from '../../src/index.js';
import { refusal } from './refusal.js';

/** Standard workflows end to end: callbacks, activities, nested executions, through StandardTasks' operations. */
const standard = suite('standard');

const SQS_WAIT = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:review';

function host(handlers: Handlers = {}, clock?: Clock) {
  return new StandardExecutions({ handlers, clock });
}
/** Executions each test started, with their hosts: a test that fails leaves them running. */
const started: { host: StandardExecutions; executionArn: string }[] = [];
function start(h: StandardExecutions, arn: string, input: unknown = {}, name?: string) {
  const { executionArn } = h.startExecution({ stateMachineArn: arn, name, input: JSON.stringify(input), parentExecutionArn: '' });
  started.push({ host: h, executionArn });
  return executionArn;
}
// A running execution holds a timer, which kept the process alive after a failed test (the tokens test's): stopped here, a failure ends the run.
standard.after.each(() => {
  for (const { host, executionArn } of started.splice(0)) {
    if (host.describeExecution(executionArn).status === 'RUNNING')
      host.stopExecution(executionArn, 'TestEnded', 'the test ended with the execution still running');
  }
});
const isDefinitionError = (e: unknown) => e instanceof DefinitionError;
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** AWS's documented human-approval pattern: send the token out, wait, branch on the answer. */
const approval = {
  StartAt: 'RequestApproval',
  States: {
    RequestApproval: {
      Type: 'Task',
      Resource: SQS_WAIT,
      Parameters: {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals',
        MessageBody: { 'TaskToken.$': '$$.Task.Token', 'order.$': '$.order' },
      },
      ResultPath: '$.approval',
      Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Rejected' }],
      Next: 'Approved?',
    },
    'Approved?': { Type: 'Choice', Choices: [{ Variable: '$.approval.approved', BooleanEquals: true, Next: 'Ship' }], Default: 'Rejected' },
    Ship: { Type: 'Pass', Result: 'shipped', ResultPath: '$.outcome', End: true },
    Rejected: { Type: 'Fail', Error: 'OrderRejected', Cause: 'a reviewer said no' },
  },
};

standard('human approval: the handler sends the token out and a reviewer answers through SendTaskSuccess', async () => {
  const outbox: { TaskToken: string; order: string }[] = [];
  const h = host({ 'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string; order: string } }) => void outbox.push(input.MessageBody) });
  const arn = h.createStateMachine('approval', approval);
  const exec = start(h, arn, { order: 'o-1' });
  await flush();
  assert.is(h.describeExecution(exec).status, 'RUNNING');
  assert.is(outbox.length, 1);
  assert.is(outbox[0]!.order, 'o-1');
  assert.match(outbox[0]!.TaskToken, /^[A-Za-z0-9_-]{30}$/);
  assert.equal(h.tasks.sendTaskSuccess({ taskToken: outbox[0]!.TaskToken, output: '{"approved":true}' }), {});
  const ended = await h.executionEnded(exec);
  assert.is(ended.status, 'SUCCEEDED');
  assert.equal(JSON.parse(ended.output!), { order: 'o-1', approval: { approved: true }, outcome: 'shipped' });
});

standard('human approval: SendTaskFailure fails the task with its error and cause, which Catch handles', async () => {
  const h = host({
    'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string } }) => {
      queueMicrotask(() => h.tasks.sendTaskFailure({ taskToken: input.MessageBody.TaskToken, error: 'Rejected', cause: 'too expensive' }));
    },
  });
  const ended = await h.executionEnded(start(h, h.createStateMachine('approval', approval), { order: 'o-2' }));
  assert.is(ended.status, 'FAILED');
  assert.is(ended.error, 'OrderRejected');
});

standard('a handler may answer its own token synchronously, before it returns', async () => {
  const h = host({
    'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string } }) => {
      h.tasks.sendTaskSuccess({ taskToken: input.MessageBody.TaskToken, output: '{"approved":true}' });
      return 'ignored';
    },
  });
  const ended = await h.executionEnded(start(h, h.createStateMachine('approval', approval), { order: 'o-3' }));
  assert.is(ended.status, 'SUCCEEDED');
});

standard('a handler that fails fails the callback task, and its token is retired', async () => {
  let token = '';
  const h = host({
    'arn:aws:states:::sqs:sendMessage': async (input: { MessageBody: { TaskToken: string } }) => {
      token = input.MessageBody.TaskToken;
      const e = new Error('queue does not exist');
      e.name = 'SQS.QueueDoesNotExistException';
      throw e;
    },
  });
  const ended = await h.executionEnded(start(h, h.createStateMachine('approval', approval), { order: 'o-4' }));
  assert.is(ended.status, 'FAILED');
  assert.is(ended.error, 'SQS.QueueDoesNotExistException');
  assert.is((await refusal(() => h.tasks.sendTaskSuccess({ taskToken: token, output: '{}' }))).name, 'TaskTimedOut');
});

standard('JSONata: $states.context.Task.Token is the token, and each retry gets a new one', async () => {
  const tokens: string[] = [];
  const h = host(
    {
      worker: (input: { token: string }) => {
        tokens.push(input.token);
        queueMicrotask(() => {
          if (tokens.length === 1) h.tasks.sendTaskFailure({ taskToken: input.token, error: 'Flaky' });
          else h.tasks.sendTaskSuccess({ taskToken: input.token, output: '"done"' });
        });
      },
    },
    virtualClock(0),
  );
  const arn = h.createStateMachine('jsonata', {
    QueryLanguage: 'JSONata',
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: { FunctionName: 'worker', Payload: { token: '{% $states.context.Task.Token %}' } },
        Retry: [{ ErrorEquals: ['Flaky'] }],
        End: true,
      },
    },
  });
  const ended = await h.executionEnded(start(h, arn));
  assert.is(ended.status, 'SUCCEEDED');
  assert.is(ended.output, '"done"');
  assert.is(tokens.length, 2);
  assert.is.not(tokens[0], tokens[1]);
});

standard('handler look-up: the full Resource first, then the Resource without its suffix', async () => {
  const seen: string[] = [];
  const definition = (resource: string) => ({
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: resource, Parameters: { 't.$': '$$.Task.Token' }, End: true } },
  });
  const h = host({
    'arn:aws:states:::sns:publish.waitForTaskToken': (input: { t: string }) => {
      seen.push('full');
      queueMicrotask(() => h.tasks.sendTaskSuccess({ taskToken: input.t, output: '1' }));
    },
    'arn:aws:states:::sns:publish': () => seen.push('plain'),
    'arn:aws:states:::events:putEvents': (input: { t: string }) => {
      seen.push('base');
      queueMicrotask(() => h.tasks.sendTaskSuccess({ taskToken: input.t, output: '2' }));
    },
  });
  assert.is((await h.executionEnded(start(h, h.createStateMachine('full', definition('arn:aws:states:::sns:publish.waitForTaskToken'))))).output, '1');
  assert.is((await h.executionEnded(start(h, h.createStateMachine('base', definition('arn:aws:states:::events:putEvents.waitForTaskToken'))))).output, '2');
  assert.equal(seen, ['full', 'base']);
});

standard('a callback Resource with no handler under either key is a definition problem naming both', () => {
  const tasks = new StandardTasks();
  try {
    compile({ StartAt: 'T', States: { T: { Type: 'Task', Resource: SQS_WAIT, End: true } } }, { integrations: tasks.integrations() });
    assert.unreachable('compiled');
  } catch (thrown) {
    assert.instance(thrown, DefinitionError);
    const problem = (thrown as DefinitionError).problems[0]!;
    assert.is(problem.code, 'ERR_ASL_NO_HANDLER');
    assert.is(problem.pointer, '/States/T/Resource');
    assert.match(problem.message, "'arn:aws:states:::sqs:sendMessage'");
  }
});

standard('without integrations compile() and validate() refuse Standard constructs as AWS refuses them in Express machines', () => {
  for (const resource of [SQS_WAIT, 'arn:aws:states:::states:startExecution.sync', ACTIVITY]) {
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } };
    assert.is(validate(definition)[0]?.code, 'ERR_ASL_UNSUPPORTED_INTEGRATION', resource);
    assert.throws(() => compile(definition, { handlers: { 'arn:aws:states:::sqs:sendMessage': () => 1 } }), isDefinitionError);
    assert.equal(validate(definition, { workflowType: 'STANDARD' }), [], resource);
    const tasks = new StandardTasks();
    // EXPRESS machines refuse them even when integrations are given.
    assert.throws(() => compile(definition, { workflowType: 'EXPRESS', integrations: tasks.integrations() }), isDefinitionError);
  }
});

standard('HeartbeatSeconds: a missed heartbeat fails the task with States.Timeout (as AWS records a lapse); SendTaskHeartbeat resets it', async () => {
  const clock = virtualClock(0);
  let token = '';
  const h = host({ 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void (token = input.token) }, clock);
  const arn = h.createStateMachine('heartbeat', {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token' }, HeartbeatSeconds: 10, End: true } },
  });
  const exec = start(h, arn);
  await clock.sleep(8_000);
  h.tasks.sendTaskHeartbeat({ taskToken: token });
  await clock.sleep(8_000);
  assert.is(h.describeExecution(exec).status, 'RUNNING', 'a heartbeat at 8 s carries the task past 10 s');
  await clock.sleep(3_000);
  const ended = await h.executionEnded(exec);
  assert.is(ended.status, 'FAILED');
  assert.is(ended.error, 'States.Timeout');
  assert.is((await refusal(() => h.tasks.sendTaskHeartbeat({ taskToken: token }))).name, 'TaskTimedOut');
});

standard('TimeoutSeconds ends a callback task with States.Timeout, which Retry sees', async () => {
  const clock = virtualClock(0);
  let calls = 0;
  const h = host({ 'arn:aws:states:::sqs:sendMessage': () => void calls++ }, clock);
  const arn = h.createStateMachine('timeout', {
    StartAt: 'T',
    States: {
      T: { Type: 'Task', Resource: SQS_WAIT, TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1, IntervalSeconds: 1 }], End: true },
    },
  });
  const exec = start(h, arn);
  await clock.sleep(20_000);
  const ended = await h.executionEnded(exec);
  assert.is(ended.status, 'FAILED');
  assert.is(ended.error, 'States.Timeout');
  assert.is(calls, 2);
});

standard('tokens: single use, unknown, malformed, and bad output answer with AWS exceptions', async () => {
  const tokens: string[] = [];
  const h = host({ 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void tokens.push(input.token) });
  const arn = h.createStateMachine('tokens', {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
  });
  const exec = start(h, arn);
  await flush();
  const token = tokens[0]!;
  const cases: [string, () => unknown, string, string][] = [
    ['malformed token', () => h.tasks.sendTaskSuccess({ taskToken: 'not-a-token', output: '{}' }), 'InvalidToken', "Invalid Token: 'Invalid token'"],
    [
      'token of another service',
      () => h.tasks.sendTaskSuccess({ taskToken: new StandardTasks().tokens.mint(), output: '{}' }),
      'TaskDoesNotExist',
      "Task Does Not Exist: 'Provided task does not exist'",
    ],
    ['output that is not JSON', () => h.tasks.sendTaskSuccess({ taskToken: token, output: '{oops' }), 'InvalidOutput', "Invalid Output: '{oops'"],
    [
      'empty token',
      () => h.tasks.sendTaskFailure({ taskToken: '' }),
      'ValidationException',
      "1 validation error detected: Value '' at 'taskToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'missing output',
      () => h.tasks.sendTaskSuccess({ taskToken: token } as never),
      'ValidationException',
      "1 validation error detected: Value null at 'output' failed to satisfy constraint: Member must not be null",
    ],
    [
      'error over 256 characters',
      () => h.tasks.sendTaskFailure({ taskToken: token, error: 'e'.repeat(257) }),
      'ValidationException',
      "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
    ],
    [
      'error of 257 emoji',
      () => h.tasks.sendTaskFailure({ taskToken: token, error: '😀'.repeat(257) }),
      'ValidationException',
      "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
    ],
    // 256 emoji are 256 characters (512 UTF-16 units): past the length check, to the token's own answer.
    [
      'error of 256 emoji, with a token of another service',
      () => h.tasks.sendTaskFailure({ taskToken: new StandardTasks().tokens.mint(), error: '😀'.repeat(256) }),
      'TaskDoesNotExist',
      "Task Does Not Exist: 'Provided task does not exist'",
    ],
  ];
  for (const [what, call, name, message] of cases) {
    const e = await refusal(call);
    assert.is(e.name, name, what);
    assert.is(e.message, message, what);
  }
  assert.is(h.describeExecution(exec).status, 'RUNNING', 'refused calls settle nothing');
  h.tasks.sendTaskSuccess({ taskToken: token, output: '{"a":1}' });
  const reused = await refusal(() => h.tasks.sendTaskSuccess({ taskToken: token, output: '{}' }));
  assert.is(reused.name, 'TaskTimedOut');
  assert.is(reused.message, "Task Timed Out: 'Provided task does not exist anymore'");
  assert.is((await refusal(() => h.tasks.sendTaskFailure({ taskToken: token }))).name, 'TaskTimedOut');
  assert.equal(JSON.parse((await h.executionEnded(exec)).output!), { a: 1 });
});

standard('stopping an execution shows the error and cause it was stopped with, and retires its token', async () => {
  let token = '';
  const h = host({ 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void (token = input.token) });
  const arn = h.createStateMachine('stop', {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
  });
  const exec = start(h, arn);
  await flush();
  h.stopExecution(exec, 'Operator', 'stopped by hand');
  const ended = await h.executionEnded(exec);
  // As DescribeExecution shows a stopped execution: StopExecution's error and cause.
  assert.equal([ended.status, ended.error, ended.cause], ['ABORTED', 'Operator', 'stopped by hand']);
  assert.is((await refusal(() => h.tasks.sendTaskSuccess({ taskToken: token, output: '{}' }))).name, 'TaskTimedOut');
  assert.is(h.tasks.tokens.size, 0);
});

const child = {
  StartAt: 'Work',
  States: {
    Work: { Type: 'Choice', Choices: [{ Variable: '$.fail', IsPresent: true, Next: 'Broken' }], Default: 'Done' },
    Done: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)', 'parent.$': '$.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID' }, End: true },
    Broken: { Type: 'Fail', Error: 'Child.Broken', Cause: 'the child failed' },
  },
};
function parentOf(resource: string, extra: Record<string, unknown> = {}) {
  return {
    StartAt: 'Nested',
    States: {
      Nested: {
        Type: 'Task',
        Resource: resource,
        Parameters: { 'StateMachineArn.$': '$.machine', 'Input.$': '$.input', Name: 'child-run' },
        End: true,
        ...extra,
      },
    },
  };
}

standard('workflow within a workflow: .sync returns the child execution with Output as JSON text', async () => {
  const h = host();
  const childArn = h.createStateMachine('child', child);
  const parent = start(
    h,
    h.createStateMachine('parent', parentOf('arn:aws:states:::states:startExecution.sync')),
    { machine: childArn, input: { n: 21 } },
    'p1',
  );
  const ended = await h.executionEnded(parent);
  assert.is(ended.status, 'SUCCEEDED');
  const out = JSON.parse(ended.output!);
  assert.is(out.Status, 'SUCCEEDED');
  assert.is(out.ExecutionArn, 'arn:aws:states:us-east-1:123456789012:execution:child:child-run');
  assert.is(out.StateMachineArn, childArn);
  assert.is(out.Name, 'child-run');
  assert.is(typeof out.Output, 'string');
  assert.equal(JSON.parse(out.Output), { doubled: 42, parent });
  assert.equal(JSON.parse(out.Input), { n: 21, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: parent });
  assert.equal(out.InputDetails, { Included: true });
  assert.equal(out.OutputDetails, { Included: true });
  assert.is(typeof out.StartDate, 'number');
  assert.ok(out.StopDate >= out.StartDate);
});

standard('workflow within a workflow: .sync:2 returns Output as JSON', async () => {
  const h = host();
  const childArn = h.createStateMachine('child', child);
  const ended = await h.executionEnded(
    start(h, h.createStateMachine('parent', parentOf('arn:aws:states:::states:startExecution.sync:2')), { machine: childArn, input: { n: 2 } }, 'p2'),
  );
  const out = JSON.parse(ended.output!);
  assert.equal(out.Output, { doubled: 4, parent: 'arn:aws:states:us-east-1:123456789012:execution:parent:p2' });
  assert.is(out.Input.n, 2);
});

standard('workflow within a workflow: fire and forget returns ExecutionArn and StartDate at once', async () => {
  const h = host();
  const childArn = h.createStateMachine('child', child);
  const ended = await h.executionEnded(
    start(h, h.createStateMachine('parent', parentOf('arn:aws:states:::states:startExecution')), { machine: childArn, input: { n: 1 } }),
  );
  const out = JSON.parse(ended.output!);
  assert.equal(Object.keys(out), ['ExecutionArn', 'StartDate']);
  assert.is(out.ExecutionArn, 'arn:aws:states:us-east-1:123456789012:execution:child:child-run');
  assert.is(typeof out.StartDate, 'number');
  assert.is((await h.executionEnded(out.ExecutionArn)).status, 'SUCCEEDED');
});

standard("workflow within a workflow: a child's failure fails the task with States.TaskFailed, the child's error and cause in the cause", async () => {
  const h = host();
  const childArn = h.createStateMachine('child', child);
  for (const resource of ['arn:aws:states:::states:startExecution.sync', 'arn:aws:states:::states:startExecution.sync:2']) {
    const parentArn = h.createStateMachine(
      `parent${resource.length}`,
      parentOf(resource, { Parameters: { 'StateMachineArn.$': '$.machine', 'Input.$': '$.input' } }),
    );
    const ended = await h.executionEnded(start(h, parentArn, { machine: childArn, input: { fail: true } }));
    assert.is(ended.status, 'FAILED', resource);
    assert.is(ended.error, 'States.TaskFailed', resource);
    const cause = JSON.parse(ended.cause!);
    assert.is(cause.Status, 'FAILED');
    assert.is(cause.Error, 'Child.Broken');
    assert.is(cause.Cause, 'the child failed');
    assert.not.ok('Output' in cause);
  }
});

standard('workflow within a workflow: an unknown machine fails the task as the SDK reports it', async () => {
  const h = host();
  const parentArn = h.createStateMachine('parent', parentOf('arn:aws:states:::states:startExecution.sync'));
  const ended = await h.executionEnded(start(h, parentArn, { machine: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope', input: {} }));
  assert.is(ended.error, 'StepFunctions.StateMachineDoesNotExistException');
  assert.match(
    ended.cause!,
    /^State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope' \(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
  );
});

standard('workflow within a workflow: stopping the parent stops its .sync child; the task timeout does too', async () => {
  const clock = virtualClock(0);
  const h = host({ 'arn:aws:states:::sqs:sendMessage': () => undefined }, clock);
  const waiting = h.createStateMachine('waiting', { StartAt: 'Wait', States: { Wait: { Type: 'Task', Resource: SQS_WAIT, End: true } } });
  const parentArn = h.createStateMachine(
    'parent',
    parentOf('arn:aws:states:::states:startExecution.sync:2', { Parameters: { 'StateMachineArn.$': '$.machine', 'Name.$': '$.name' } }),
  );
  const stopped = start(h, parentArn, { machine: waiting, name: 'c1' });
  await flush();
  const childOf = 'arn:aws:states:us-east-1:123456789012:execution:waiting:';
  assert.is(h.describeExecution(childOf + 'c1').status, 'RUNNING');
  h.stopExecution(stopped, 'Stop', 'by hand');
  assert.is((await h.executionEnded(stopped)).status, 'ABORTED');
  assert.is((await h.executionEnded(childOf + 'c1')).status, 'ABORTED');

  const timedArn = h.createStateMachine(
    'timed',
    parentOf('arn:aws:states:::states:startExecution.sync', { Parameters: { 'StateMachineArn.$': '$.machine', 'Name.$': '$.name' }, TimeoutSeconds: 30 }),
  );
  const timed = start(h, timedArn, { machine: waiting, name: 'c2' });
  await clock.sleep(31_000);
  const ended = await h.executionEnded(timed);
  assert.is(ended.error, 'States.Timeout');
  assert.is((await h.executionEnded(childOf + 'c2')).status, 'ABORTED');
});

standard('aws-sdk:sfn:startSyncExecution runs an EXPRESS child to its end; a failed child does not fail the task', async () => {
  const h = host();
  // Input given as JSON text (the SDK's shape) reaches the child as it is, without the parent's id.
  const doubling = { ...child, States: { ...child.States, Done: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } };
  const express = h.createStateMachine('express-child', doubling, 'EXPRESS');
  const parentArn = h.createStateMachine(
    'parent',
    parentOf('arn:aws:states:::aws-sdk:sfn:startSyncExecution', {
      Parameters: { 'StateMachineArn.$': '$.machine', 'Input.$': 'States.JsonToString($.input)' },
    }),
  );
  const ok = JSON.parse((await h.executionEnded(start(h, parentArn, { machine: express, input: { n: 5 } }))).output!);
  assert.is(ok.Status, 'SUCCEEDED');
  assert.equal(JSON.parse(ok.Output), { doubled: 10 });
  const failed = await h.executionEnded(start(h, parentArn, { machine: express, input: { fail: 1 } }));
  assert.is(failed.status, 'SUCCEEDED');
  assert.is(JSON.parse(failed.output!).Error, 'Child.Broken');
  const standardChild = h.createStateMachine('standard-child', child);
  const refused = await h.executionEnded(start(h, parentArn, { machine: standardChild, input: {} }));
  assert.is(refused.error, 'Sfn.StateMachineTypeNotSupportedException');
});

standard(".sync of another integration: the handler's value (or promise) is the completed job's result", async () => {
  const clock = virtualClock(0);
  const h = host(
    {
      'arn:aws:states:::glue:startJobRun': async (input: { JobName: string }) => ({ JobName: input.JobName, JobRunState: 'SUCCEEDED' }),
      'arn:aws:states:::batch:submitJob.sync': () => ({ Status: 'SUCCEEDED', from: 'full key' }),
    },
    clock,
  );
  const glue = h.createStateMachine('glue', {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: 'etl' }, End: true } },
  });
  assert.equal(JSON.parse((await h.executionEnded(start(h, glue))).output!), { JobName: 'etl', JobRunState: 'SUCCEEDED' });
  const batch = h.createStateMachine('batch', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', End: true } } });
  assert.equal(JSON.parse((await h.executionEnded(start(h, batch))).output!), { Status: 'SUCCEEDED', from: 'full key' });
});

standard('a failing parent ends the waits of its other branches: their tokens retire and .sync children stop', async () => {
  let token = '';
  const h = host({
    'arn:aws:states:::sqs:sendMessage': (input: { token?: string }) => void (token = input.token ?? token),
    boom: async () => {
      await flush();
      throw Object.assign(new Error('branch failed'), { name: 'Boom' });
    },
  });
  const waiting = h.createStateMachine('waiting', { StartAt: 'W', States: { W: { Type: 'Task', Resource: SQS_WAIT, End: true } } });
  const arn = h.createStateMachine('parallel', {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'Wait', States: { Wait: { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token' }, End: true } } },
          {
            StartAt: 'Child',
            States: {
              Child: {
                Type: 'Task',
                Resource: 'arn:aws:states:::states:startExecution.sync:2',
                Parameters: { StateMachineArn: waiting, Name: 'kid' },
                End: true,
              },
            },
          },
          { StartAt: 'Fail', States: { Fail: { Type: 'Task', Resource: 'boom', End: true } } },
        ],
      },
    },
  });
  const ended = await h.executionEnded(start(h, arn));
  assert.is(ended.error, 'Boom');
  assert.is((await refusal(() => h.tasks.sendTaskSuccess({ taskToken: token, output: '{}' }))).name, 'TaskTimedOut');
  assert.is((await h.executionEnded('arn:aws:states:us-east-1:123456789012:execution:waiting:kid')).status, 'ABORTED');
});

const reviewMachine = {
  StartAt: 'Review',
  States: { Review: { Type: 'Task', Resource: ACTIVITY, HeartbeatSeconds: 60, TimeoutSeconds: 3600, End: true } },
};

standard('activities: a worker loop takes tasks with GetActivityTask and answers with SendTaskSuccess/Failure', async () => {
  const h = host();
  const arn = h.createStateMachine('review', reviewMachine);
  const runs = [1, 2, 3].map((n) => start(h, arn, { n }));
  const stopWorker = new AbortController();
  const worker = (async () => {
    for (;;) {
      const task = await h.tasks.getActivityTask({ activityArn: ACTIVITY, workerName: 'w1' }, stopWorker.signal);
      if (task.taskToken === undefined) return;
      const input = JSON.parse(task.input!) as { n: number };
      h.tasks.sendTaskHeartbeat({ taskToken: task.taskToken });
      if (input.n === 2) h.tasks.sendTaskFailure({ taskToken: task.taskToken, error: 'Review.Refused', cause: 'n is 2' });
      else h.tasks.sendTaskSuccess({ taskToken: task.taskToken, output: JSON.stringify({ reviewed: input.n }) });
    }
  })();
  const ended = await Promise.all(runs.map((r) => h.executionEnded(r)));
  stopWorker.abort();
  await worker;
  assert.equal(
    ended.map((e) => e.status),
    ['SUCCEEDED', 'FAILED', 'SUCCEEDED'],
  );
  assert.equal(JSON.parse(ended[0]!.output!), { reviewed: 1 });
  assert.is(ended[1]!.error, 'Review.Refused');
  assert.is(ended[1]!.cause, 'n is 2');
});

standard('activities: a worker that stops heartbeating fails the task with States.Timeout; a late answer is refused', async () => {
  const clock = virtualClock(0);
  const h = host({}, clock);
  const exec = start(h, h.createStateMachine('review', reviewMachine));
  const task = await h.tasks.getActivityTask({ activityArn: ACTIVITY });
  assert.ok(task.taskToken);
  assert.equal(JSON.parse(task.input!), {});
  await clock.sleep(61_000);
  const ended = await h.executionEnded(exec);
  assert.is(ended.error, 'States.Timeout');
  assert.is((await refusal(() => h.tasks.sendTaskSuccess({ taskToken: task.taskToken!, output: '{}' }))).name, 'TaskTimedOut');
});

standard('activities: tasks wait for a worker before the heartbeat clock starts; expired tasks are not handed out', async () => {
  const clock = virtualClock(0);
  const h = host({}, clock);
  const arn = h.createStateMachine('short', {
    StartAt: 'R',
    States: { R: { Type: 'Task', Resource: ACTIVITY, TimeoutSeconds: 5, HeartbeatSeconds: 2, End: true } },
  });
  const exec = start(h, arn);
  await flush();
  assert.is(h.tasks.waitingActivityTasks(ACTIVITY), 1);
  await clock.sleep(6_000);
  assert.is((await h.executionEnded(exec)).error, 'States.Timeout');
  assert.is(h.tasks.waitingActivityTasks(ACTIVITY), 0);
  const stop = new AbortController();
  const polled = h.tasks.getActivityTask({ activityArn: ACTIVITY }, stop.signal);
  stop.abort();
  assert.equal(await polled, {});
});

standard('GetActivityTask refuses bad ARNs and unknown activities as AWS does', async () => {
  const tasks = new StandardTasks({ activityExists: (arn) => arn === ACTIVITY });
  const cases: [string, string, string][] = [
    ['no_an_activity_arn', 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: no_an_activity_arn'"],
    [
      'arn:aws:states:us-east-1:123456789012:stateMachine:x',
      'InvalidArn',
      "Invalid Arn: 'Resource type not valid in this context: arn:aws:states:us-east-1:123456789012:stateMachine:x'",
    ],
    [
      'arn:aws:states:us-east-1:123456789012:activity:other',
      'ActivityDoesNotExist',
      "Activity Does Not Exist: 'arn:aws:states:us-east-1:123456789012:activity:other'",
    ],
  ];
  for (const [activityArn, name, message] of cases) {
    const e = await refusal(() => tasks.getActivityTask({ activityArn }));
    assert.is(e.name, name, activityArn);
    assert.is(e.message, message, activityArn);
  }
});

standard.run();
