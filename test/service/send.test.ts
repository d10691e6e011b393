import * as sfn from '@aws-sdk/client-sfn';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, operations, ServiceError, virtualClock } from '../../src/index.js';

/** SDK code runs in-process unchanged: @aws-sdk/client-sfn command objects through send(). */

const ROLE = 'arn:aws:iam::123456789012:role/r';
const definition = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Result: { ok: 1 }, End: true } } });

/** Operations of the SDK this service does not answer (yet), each with where it lives. */
const answeredElsewhere: Record<string, string> = {
  SendTaskSuccess: 'callbacks: the standard branch',
  SendTaskFailure: 'callbacks: the standard branch',
  SendTaskHeartbeat: 'callbacks: the standard branch',
};

test('every SDK command is an operation of the service, or named here as answered elsewhere', () => {
  const sdkOperations = Object.keys(sfn)
    .filter((k) => k.endsWith('Command') && k !== '$Command')
    .map((k) => k.slice(0, -'Command'.length))
    .sort();
  const missing = sdkOperations.filter((op) => !(op in operations) && !(op in answeredElsewhere));
  assert.equal(missing, []);
  assert.is(sdkOperations.length, 37);
});

test('a whole SDK session through send(): every operation the service answers', async () => {
  const s = createService({ clock: virtualClock(0) });
  const m = await s.send(new sfn.CreateStateMachineCommand({ name: 'm', definition, roleArn: ROLE, publish: true }));
  const arn = m.stateMachineArn as string;
  assert.is(arn, 'arn:aws:states:us-east-1:123456789012:stateMachine:m');
  assert.is((await s.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: arn }))).definition, definition);
  assert.is((await s.send(new sfn.ListStateMachinesCommand({}))).stateMachines.length, 1);
  assert.equal((await s.send(new sfn.ValidateStateMachineDefinitionCommand({ definition }))).result, 'OK');
  const exec = await s.send(new sfn.StartExecutionCommand({ stateMachineArn: arn, name: 'e', input: '{}' }));
  assert.instance(exec.startDate, Date);
  assert.is((await s.send(new sfn.DescribeExecutionCommand({ executionArn: exec.executionArn }))).output, '{"ok":1}');
  assert.is((await s.send(new sfn.DescribeStateMachineForExecutionCommand({ executionArn: exec.executionArn }))).name, 'm');
  assert.is((await s.send(new sfn.ListExecutionsCommand({ stateMachineArn: arn }))).executions.length, 1);
  assert.is((await s.send(new sfn.GetExecutionHistoryCommand({ executionArn: exec.executionArn }))).events.length, 4);
  assert.instance((await s.send(new sfn.StopExecutionCommand({ executionArn: exec.executionArn }))).stopDate, Date);
  await assertRefused(s.send(new sfn.RedriveExecutionCommand({ executionArn: exec.executionArn })), 'ExecutionNotRedrivable');
  const updated = await s.send(new sfn.UpdateStateMachineCommand({ stateMachineArn: arn, definition: definition.replace('1', '2'), publish: true }));
  assert.is(updated.stateMachineVersionArn, `${arn}:2`);
  assert.is((await s.send(new sfn.PublishStateMachineVersionCommand({ stateMachineArn: arn }))).stateMachineVersionArn, `${arn}:2`);
  assert.is((await s.send(new sfn.ListStateMachineVersionsCommand({ stateMachineArn: arn }))).stateMachineVersions.length, 2);
  const alias = await s.send(
    new sfn.CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] }),
  );
  assert.is((await s.send(new sfn.DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }))).name, 'live');
  await s.send(new sfn.UpdateStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn, description: 'now' }));
  assert.is((await s.send(new sfn.ListStateMachineAliasesCommand({ stateMachineArn: arn }))).stateMachineAliases.length, 1);
  assert.equal(await s.send(new sfn.DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn })), {});
  assert.equal(await s.send(new sfn.DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` })), {});
  assert.equal(await s.send(new sfn.TagResourceCommand({ resourceArn: arn, tags: [{ key: 'k', value: 'v' }] })), {});
  assert.equal((await s.send(new sfn.ListTagsForResourceCommand({ resourceArn: arn }))).tags, [{ key: 'k', value: 'v' }]);
  assert.equal(await s.send(new sfn.UntagResourceCommand({ resourceArn: arn, tagKeys: ['k'] })), {});
  const activity = await s.send(new sfn.CreateActivityCommand({ name: 'act' }));
  assert.is((await s.send(new sfn.DescribeActivityCommand({ activityArn: activity.activityArn }))).name, 'act');
  assert.is((await s.send(new sfn.ListActivitiesCommand({}))).activities.length, 1);
  assert.equal(await s.send(new sfn.GetActivityTaskCommand({ activityArn: activity.activityArn })), {});
  assert.equal(await s.send(new sfn.DeleteActivityCommand({ activityArn: activity.activityArn })), {});
  assert.equal(await s.send(new sfn.ListMapRunsCommand({ executionArn: exec.executionArn })), { mapRuns: [] });
  const mapRunArn = 'arn:aws:states:us-east-1:123456789012:mapRun:m/Map:1';
  await assertRefused(s.send(new sfn.DescribeMapRunCommand({ mapRunArn })), 'ResourceNotFound');
  await assertRefused(s.send(new sfn.UpdateMapRunCommand({ mapRunArn, maxConcurrency: 2 })), 'ResourceNotFound');
  const x = await s.send(new sfn.CreateStateMachineCommand({ name: 'x', definition, roleArn: ROLE, type: 'EXPRESS' }));
  const sync = await s.send(new sfn.StartSyncExecutionCommand({ stateMachineArn: x.stateMachineArn, input: '{}' }));
  assert.equal([sync.status, sync.output], ['SUCCEEDED', '{"ok":1}']);
  assert.equal(await s.send(new sfn.DeleteStateMachineCommand({ stateMachineArn: arn })), {});
  await s.close();
});

test("refusals reject with ServiceError named as AWS's exception, with AWS's message", async () => {
  const s = createService();
  const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:none';
  const e = await assertRefused(s.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: arn })), 'StateMachineDoesNotExist');
  assert.is(e.message, `State Machine Does Not Exist: '${arn}'`);
  const bad = await assertRefused(s.send(new sfn.DescribeExecutionCommand({ executionArn: 'nope' })), 'InvalidArn');
  assert.is(bad.message, "Invalid Arn: 'Invalid ARN prefix: nope'");
});

test('send() refuses what is not an SFN command with UnknownOperationException', async () => {
  const s = createService();
  await assertRefused(s.send({ input: {} }), 'UnknownOperationException');
  await assertRefused(s.send(null as never), 'UnknownOperationException');
});

test('TestStateCommand through send() answers as service.testState() does, refusals included', async () => {
  const s = createService({ handlers: { 'arn:aws:lambda:us-east-1:123456789012:function:double': (input: { n: number }) => ({ n: input.n * 2 }) } });
  const state = { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double', ResultPath: '$.doubled', End: true };
  const request = { definition: JSON.stringify(state), roleArn: ROLE, input: '{"n":4}', inspectionLevel: 'DEBUG' as const };
  const viaSend = await s.send(new sfn.TestStateCommand(request));
  assert.is(viaSend.status, 'SUCCEEDED');
  assert.equal(JSON.parse(viaSend.output), { n: 4, doubled: { n: 8 } });
  assert.equal(viaSend, await s.testState(request));
  await assertRefused(s.send(new sfn.TestStateCommand({ definition: '{}', roleArn: ROLE })), 'InvalidDefinition');
});

async function assertRefused(promise: Promise<unknown>, name: string): Promise<ServiceError> {
  try {
    await promise;
  } catch (thrown) {
    assert.instance(thrown, ServiceError);
    assert.is((thrown as ServiceError).name, name, (thrown as Error).message);
    return thrown as ServiceError;
  }
  assert.unreachable(`expected ${name}`);
  throw new Error('unreachable');
}

test.run();
