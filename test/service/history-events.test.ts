import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type StepFunctionsService } from '../../src/index.js';

/**
 * History events of Standard constructs as AWS names them (HistoryEvent in the API
 * reference): activities record Activity* events, callbacks and nested `.sync` tasks a
 * TaskSubmitted once the request went out, and TaskScheduled/ActivityScheduled carry the
 * state's timeoutInSeconds / heartbeatInSeconds.
 */
const history = suite('history-events');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';

type Event = Record<string, unknown> & { id: number; previousEventId: number; type: string };

async function eventsOf(s: StepFunctionsService, executionArn: string): Promise<Event[]> {
  const { events } = await s.getExecutionHistory({ executionArn, maxResults: 1000 });
  return events.map(({ timestamp: _, ...rest }) => rest as Event);
}

async function machine(s: StepFunctionsService, name: string, definition: unknown): Promise<string> {
  return (await s.createStateMachine({ name, roleArn: ROLE, definition: JSON.stringify(definition) })).stateMachineArn;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

history('an activity records ActivityScheduled, ActivityStarted (with the worker), ActivitySucceeded', async () => {
  const s = createService({ clock: virtualClock(0) });
  const { activityArn } = await s.createActivity({ name: 'work' });
  const arn = await machine(s, 'act', {
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 300, HeartbeatSeconds: 60, End: true } },
  });
  const { executionArn } = await s.startExecution({ stateMachineArn: arn, input: '{"n":1}' });
  await flush();
  const task = await s.getActivityTask({ activityArn, workerName: 'worker-1' });
  await s.sendTaskSuccess({ taskToken: task.taskToken!, output: '{"done":true}' });
  assert.is((await s.waitForExecution({ executionArn })).status, 'SUCCEEDED');
  const events = await eventsOf(s, executionArn);
  assert.equal(
    events.map((e) => e.type),
    ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
  );
  assert.equal(events[2], {
    id: 3,
    previousEventId: 2,
    type: 'ActivityScheduled',
    activityScheduledEventDetails: {
      resource: activityArn,
      input: '{"n":1}',
      inputDetails: { truncated: false },
      timeoutInSeconds: 300,
      heartbeatInSeconds: 60,
    },
  });
  assert.equal(events[3], { id: 4, previousEventId: 3, type: 'ActivityStarted', activityStartedEventDetails: { workerName: 'worker-1' } });
  assert.equal(events[4], {
    id: 5,
    previousEventId: 4,
    type: 'ActivitySucceeded',
    activitySucceededEventDetails: { output: '{"done":true}', outputDetails: { truncated: false } },
  });
  await s.close();
});

history('an activity taken without a workerName records ActivityStarted with empty details (no workerName: null)', async () => {
  const s = createService({ clock: virtualClock(0) });
  const { activityArn } = await s.createActivity({ name: 'work' });
  const arn = await machine(s, 'anonymous', { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
  const { executionArn } = await s.startExecution({ stateMachineArn: arn });
  await flush();
  const task = await s.getActivityTask({ activityArn });
  await s.sendTaskSuccess({ taskToken: task.taskToken!, output: '{}' });
  await s.waitForExecution({ executionArn });
  const started = (await eventsOf(s, executionArn)).find((e) => e.type === 'ActivityStarted');
  assert.equal(started, { id: 4, previousEventId: 3, type: 'ActivityStarted', activityStartedEventDetails: {} });
  await s.close();
});

history('an activity that fails or times out records ActivityFailed / ActivityTimedOut', async () => {
  const s = createService({ clock: virtualClock(0) });
  const { activityArn } = await s.createActivity({ name: 'work' });
  const arn = await machine(s, 'act', { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
  const failed = await s.startExecution({ stateMachineArn: arn });
  await flush();
  const task = await s.getActivityTask({ activityArn });
  await s.sendTaskFailure({ taskToken: task.taskToken!, error: 'Broken', cause: 'it broke' });
  await s.waitForExecution(failed);
  const failure = (await eventsOf(s, failed.executionArn)).find(
    (e) => e.type.startsWith('Activity') && e.type !== 'ActivityScheduled' && e.type !== 'ActivityStarted',
  );
  assert.equal(failure, { id: 5, previousEventId: 4, type: 'ActivityFailed', activityFailedEventDetails: { error: 'Broken', cause: 'it broke' } });

  const timed = await machine(s, 'timed', { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 5, End: true } } });
  const run = await s.startExecution({ stateMachineArn: timed });
  const done = await s.waitForExecution(run);
  assert.is(done.error, 'States.Timeout');
  const types = (await eventsOf(s, run.executionArn)).map((e) => e.type);
  assert.equal(types, ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityTimedOut', 'ExecutionFailed']);
  await s.close();
});

history("a callback records TaskSubmitted with the request's answer between TaskStarted and TaskSucceeded", async () => {
  const s: StepFunctionsService = createService({
    clock: virtualClock(0),
    handlers: {
      'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => {
        setImmediate(() => void s.sendTaskSuccess({ taskToken: input.token, output: '{"ok":1}' }));
        return { MessageId: 'm-1' };
      },
    },
  });
  const arn = await machine(s, 'cb', {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        TimeoutSeconds: 60,
        HeartbeatSeconds: 30,
        Parameters: { 'token.$': '$$.Task.Token' },
        End: true,
      },
    },
  });
  const run = await s.startExecution({ stateMachineArn: arn });
  assert.is((await s.waitForExecution(run)).status, 'SUCCEEDED');
  const events = await eventsOf(s, run.executionArn);
  assert.equal(
    events.map((e) => e.type),
    ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
  );
  const scheduled = events[2]!.taskScheduledEventDetails as Record<string, unknown>;
  assert.equal([scheduled.timeoutInSeconds, scheduled.heartbeatInSeconds], [60, 30]);
  assert.equal(events[4], {
    id: 5,
    previousEventId: 4,
    type: 'TaskSubmitted',
    taskSubmittedEventDetails: {
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      output: '{"MessageId":"m-1"}',
      outputDetails: { truncated: false },
    },
  });
  assert.is(events[5]!.previousEventId, 5);
  await s.close();
});

history("a nested .sync task records TaskSubmitted with StartExecution's answer", async () => {
  const s = createService({ clock: virtualClock(0) });
  const child = await machine(s, 'child', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const parent = await machine(s, 'parent', {
    StartAt: 'Run',
    States: {
      Run: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: child, Name: 'kid' }, End: true },
    },
  });
  const run = await s.startExecution({ stateMachineArn: parent });
  assert.is((await s.waitForExecution(run)).status, 'SUCCEEDED');
  const events = await eventsOf(s, run.executionArn);
  assert.equal(events.map((e) => e.type).slice(2, 6), ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
  const submitted = events[4]!.taskSubmittedEventDetails as { output: string; resource: string };
  assert.is(submitted.resource, 'startExecution.sync:2');
  assert.equal(Object.keys(JSON.parse(submitted.output)), ['ExecutionArn', 'StartDate']);
  assert.is(JSON.parse(submitted.output).ExecutionArn, 'arn:aws:states:us-east-1:123456789012:execution:child:kid');
  await s.close();
});

history('a task without TimeoutSeconds or HeartbeatSeconds schedules without them', async () => {
  const s = createService({ clock: virtualClock(0), handlers: { 'arn:aws:states:::sns:publish': () => ({ MessageId: 'x' }) } });
  const arn = await machine(s, 'plain', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: {}, End: true } } });
  const run = await s.startExecution({ stateMachineArn: arn });
  await s.waitForExecution(run);
  const events = await eventsOf(s, run.executionArn);
  assert.equal(events[2]!.taskScheduledEventDetails, { resourceType: 'sns', resource: 'publish', region: 'us-east-1', parameters: '{}' });
  await s.close();
});

history('a Standard execution that reaches 25,000 history events fails with ExecutionFailed as event 25,000', async () => {
  const s = createService({ clock: virtualClock(0), handlers: { 'arn:aws:states:::dynamodb:getItem': () => ({}) } });
  const arn = await machine(s, 'loop', {
    StartAt: 'Get',
    States: {
      Get: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem', Parameters: {}, Next: 'Found?' },
      'Found?': { Type: 'Choice', Choices: [{ Variable: '$.Item', IsPresent: true, Next: 'Done' }], Default: 'Get' },
      Done: { Type: 'Succeed' },
    },
  });
  const run = await s.startExecution({ stateMachineArn: arn });
  const done = await s.waitForExecution(run);
  assert.equal([done.status, done.error, done.cause], ['FAILED', 'States.Runtime', 'The execution reached the maximum number of history events (25000).']);
  const { events } = await s.getExecutionHistory({ ...run, reverseOrder: true, maxResults: 2 });
  assert.equal(
    events.map((e) => [e.id, e.type]),
    [
      [25_000, 'ExecutionFailed'],
      [24_999, events[1]!.type],
    ],
  );
  await s.close();
});

history('an execution whose 25,000th event is ExecutionSucceeded succeeds', async () => {
  const s = createService({ clock: virtualClock(0) });
  // ExecutionStarted, then 12,498 Pass states (entered, exited): event 24,997 exits the last Pass,
  // 24,998/24,999 the Succeed state, 25,000 ExecutionSucceeded.
  const states: Record<string, unknown> = {};
  for (let i = 0; i < 12_498; i++) states[`P${i}`] = { Type: 'Pass', Next: i === 12_497 ? 'End' : `P${i + 1}` };
  states.End = { Type: 'Succeed' };
  const arn = await machine(s, 'long', { StartAt: 'P0', States: states });
  const done = await s.waitForExecution(await s.startExecution({ stateMachineArn: arn }));
  assert.is(done.status, 'SUCCEEDED', done.cause);
  await s.close();
});

history.run();
