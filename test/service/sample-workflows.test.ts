import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type TaskContext } from '../../src/index.js';

/**
 * Defects found running AWS's public sample workflows through createService() with generic
 * handlers, each kept as the smallest workflow that showed it.
 */
const samples = suite('sample-workflows');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';

samples('a callback handler reads its token from ctx.context.Task.Token, at once and after an await', async () => {
  const seen: unknown[] = [];
  const s = createService({
    clock: virtualClock(0),
    handlers: {
      'arn:aws:states:::sqs:sendMessage': async (input: { token: string }, ctx: TaskContext) => {
        seen.push((ctx.context.Task as { Token: string } | undefined)?.Token === input.token);
        await Promise.resolve();
        const token = (ctx.context.Task as { Token: string } | undefined)?.Token;
        seen.push(token === input.token);
        setImmediate(() => void s.sendTaskSuccess({ taskToken: input.token, output: '{"answered":true}' }));
      },
    },
  });
  const { stateMachineArn } = await s.createStateMachine({
    name: 'callback',
    roleArn: ROLE,
    definition: JSON.stringify({
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
    }),
  });
  const run = await s.startExecution({ stateMachineArn, input: '{}' });
  const done = await s.waitForExecution(run);
  assert.is(done.status, 'SUCCEEDED', done.cause);
  assert.equal(seen, [true, true]);
  await s.close();
});

samples('a Distributed Map reading listObjectsV2 needs only the listObjectsV2 handler, not getObject', async () => {
  const s = createService({
    clock: virtualClock(0),
    handlers: {
      'arn:aws:states:::s3:listObjectsV2': () => ({
        Contents: [
          { Key: 'a.json', Size: 1 },
          { Key: 'b.json', Size: 2 },
        ],
      }),
    },
  });
  const { stateMachineArn } = await s.createStateMachine({
    name: 'listing',
    roleArn: ROLE,
    definition: JSON.stringify({
      StartAt: 'EachObject',
      States: {
        EachObject: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b', Prefix: '' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
            StartAt: 'Key',
            States: { Key: { Type: 'Pass', InputPath: '$.Key', End: true } },
          },
          End: true,
        },
      },
    }),
  });
  const done = await s.waitForExecution(await s.startExecution({ stateMachineArn, input: '{}' }));
  assert.is(done.status, 'SUCCEEDED', done.cause);
  assert.equal(JSON.parse(done.output!), ['a.json', 'b.json']);
  await s.close();
});

samples('an execution whose output nests past what JSON text can hold fails with States.Runtime, once, for Standard and Express', async () => {
  const s = createService({ clock: virtualClock(0) });
  // Each round wraps the value one level deeper, until it is 6,000 levels deep.
  const definition = JSON.stringify({
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Result: { depth: 0, value: {} }, Next: 'Wrap' },
      Wrap: { Type: 'Pass', Parameters: { value: { 'inner.$': '$.value' }, 'depth.$': 'States.MathAdd($.depth, 1)' }, Next: 'Deep?' },
      'Deep?': { Type: 'Choice', Choices: [{ Variable: '$.depth', NumericGreaterThan: 6000, Next: 'Done' }], Default: 'Wrap' },
      Done: { Type: 'Succeed' },
    },
  });
  const standard = await s.createStateMachine({ name: 'deep', roleArn: ROLE, definition });
  const run = await s.startExecution({ stateMachineArn: standard.stateMachineArn });
  const done = await s.waitForExecution(run);
  assert.equal([done.status, done.error], ['FAILED', 'States.Runtime']);
  assert.match(done.cause!, /could not be written as JSON/);
  const { events } = await s.getExecutionHistory({ ...run, reverseOrder: true, maxResults: 1 });
  assert.is(events[0]!.type, 'ExecutionFailed');
  assert.is((await s.listExecutions({ stateMachineArn: standard.stateMachineArn, statusFilter: 'RUNNING' })).executions.length, 0);
  const express = await s.createStateMachine({ name: 'deepx', roleArn: ROLE, definition, type: 'EXPRESS' });
  const sync = await s.startSyncExecution({ stateMachineArn: express.stateMachineArn });
  assert.equal([sync.status, sync.error], ['FAILED', 'States.Runtime']);
  await s.close();
});

samples.run();
