import * as sfn from '@aws-sdk/client-sfn';
import { SFNClient } from '@aws-sdk/client-sfn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dummyCredentials, startEndpoint, type TestEndpoint } from './endpoint.js';

/** @aws-sdk/client-sfn drives the endpoint over HTTP: every operation the service serves, its refusals as the SDK's typed exceptions. */
const sdk = suite('serve: @aws-sdk/client-sfn over HTTP');

const roleArn = 'arn:aws:iam::123456789012:role/local';
const passDefinition = JSON.stringify({
  StartAt: 'Step',
  States: { Step: { Type: 'Pass', Result: { done: true }, ResultPath: '$.step', Next: 'Finish' }, Finish: { Type: 'Succeed' } },
});
const waitDefinition = JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } });
const failDefinition = JSON.stringify({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Custom.Failure', Cause: 'it broke' } } });

let t: TestEndpoint;
sdk.before(async () => {
  t = await startEndpoint();
});
sdk.after(() => t.close());

sdk('state machines: create, describe, list, update, validate, delete', async () => {
  const created = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'orders', definition: passDefinition, roleArn }));
  assert.is(created.stateMachineArn, 'arn:aws:states:us-east-1:123456789012:stateMachine:orders');
  assert.instance(created.creationDate, Date);
  const inProcess = await t.endpoint.service.describeStateMachine({ stateMachineArn: created.stateMachineArn! });
  const described = await t.client.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
  assert.is(described.definition, passDefinition);
  assert.is(described.type, 'STANDARD');
  assert.is(described.creationDate!.getTime(), inProcess.creationDate.getTime(), 'timestamps keep their milliseconds over the wire');
  const listed = await t.client.send(new sfn.ListStateMachinesCommand({}));
  assert.ok(listed.stateMachines!.some((m) => m.name === 'orders'));
  const updated = await t.client.send(new sfn.UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: failDefinition }));
  assert.instance(updated.updateDate, Date);
  const validated = await t.client.send(new sfn.ValidateStateMachineDefinitionCommand({ definition: '{"StartAt": "Nowhere", "States": {}}' }));
  assert.is(validated.result, 'FAIL');
  assert.ok(validated.diagnostics!.length > 0);
  await t.client.send(new sfn.DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
  const gone = await t.client.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })).catch((e) => e);
  assert.instance(gone, sfn.StateMachineDoesNotExist);
});

sdk('a refusal reaches the SDK as its typed exception with AWS message and a 400', async () => {
  const duplicate = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'bad', definition: '{"States": {}}', roleArn })).catch((e) => e);
  assert.instance(duplicate, sfn.InvalidDefinition);
  assert.is(duplicate.name, 'InvalidDefinition');
  assert.is(duplicate.$metadata.httpStatusCode, 400);
  assert.match(duplicate.message, /^Invalid State Machine Definition: /);
  const missing = await t.client
    .send(new sfn.DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:none:none' }))
    .catch((e) => e);
  assert.instance(missing, sfn.ExecutionDoesNotExist);
  assert.match(missing.$metadata.requestId, /^[0-9a-f-]{36}$/);
});

sdk('Standard executions: start, poll, history (pages, reverse order), list, describe state machine for execution', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'standard', definition: passDefinition, roleArn }));
  const started = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn, name: 'first', input: '{"orderId":"o-1"}' }));
  assert.is(started.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:standard:first');
  const done = await t.finished(started.executionArn!);
  assert.is(done.status, 'SUCCEEDED');
  assert.equal(JSON.parse(done.output!), { orderId: 'o-1', step: { done: true } });
  assert.instance(done.stopDate, Date);
  const all = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn: started.executionArn }));
  assert.equal(
    all.events!.map((e) => e.type),
    ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
  );
  assert.instance(all.events![0]!.timestamp, Date);
  const page = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 4 }));
  assert.is(page.events!.length, 4);
  const rest = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 4, nextToken: page.nextToken }));
  assert.equal(
    [...page.events!, ...rest.events!].map((e) => e.id),
    all.events!.map((e) => e.id),
  );
  const reversed = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true }));
  assert.is(reversed.events![0]!.type, 'ExecutionSucceeded');
  const listed = await t.client.send(new sfn.ListExecutionsCommand({ stateMachineArn }));
  assert.equal(
    listed.executions!.map((e) => e.name),
    ['first'],
  );
  const forExecution = await t.client.send(new sfn.DescribeStateMachineForExecutionCommand({ executionArn: started.executionArn }));
  assert.is(forExecution.definition, passDefinition);
});

sdk('StopExecution aborts a waiting Standard execution', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'sleepy', definition: waitDefinition, roleArn }));
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn }));
  const stopped = await t.client.send(new sfn.StopExecutionCommand({ executionArn, error: 'Operator', cause: 'enough' }));
  assert.instance(stopped.stopDate, Date);
  const described = await t.finished(executionArn!);
  assert.is(described.status, 'ABORTED');
});

sdk('StartSyncExecution of an Express machine (host prefix disabled): SUCCEEDED and FAILED both answer 200', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'express', definition: passDefinition, roleArn, type: 'EXPRESS' }));
  const ok = await t.client.send(new sfn.StartSyncExecutionCommand({ stateMachineArn, input: '{"a":1}' }));
  assert.is(ok.$metadata.httpStatusCode, 200);
  assert.is(ok.status, 'SUCCEEDED');
  assert.equal(JSON.parse(ok.output!), { a: 1, step: { done: true } });
  assert.instance(ok.startDate, Date);
  assert.match(ok.executionArn!, /^arn:aws:states:us-east-1:123456789012:express:express:/);
  const { stateMachineArn: failing } = await t.client.send(
    new sfn.CreateStateMachineCommand({ name: 'express-fail', definition: failDefinition, roleArn, type: 'EXPRESS' }),
  );
  const failed = await t.client.send(new sfn.StartSyncExecutionCommand({ stateMachineArn: failing }));
  assert.is(failed.status, 'FAILED');
  assert.is(failed.error, 'Custom.Failure');
  assert.is(failed.cause, 'it broke');
});

sdk('the sync- host-prefix trap: without disableHostPrefix the SDK sends StartSyncExecution to sync-127.0.0.1, which does not resolve', async () => {
  const prefixed = new SFNClient({ endpoint: t.url, region: 'us-east-1', credentials: dummyCredentials, maxAttempts: 1 });
  try {
    const error = await prefixed
      .send(new sfn.StartSyncExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:express' }))
      .catch((e) => e);
    assert.instance(error, Error);
    assert.match(`${error.code ?? ''} ${error.hostname ?? ''} ${error.message}`, /sync-127\.0\.0\.1/);
    // Operations without the prefix reach the server from the same client.
    const listed = await prefixed.send(new sfn.ListStateMachinesCommand({}));
    assert.is(listed.$metadata.httpStatusCode, 200);
  } finally {
    prefixed.destroy();
  }
});

sdk('TestState (host prefix disabled): a Pass state with DEBUG inspection, and a mocked Task caught by its Catch', async () => {
  const pass = await t.client.send(
    new sfn.TestStateCommand({
      definition: JSON.stringify({ Type: 'Pass', Parameters: { 'id.$': '$.orderId' }, End: true }),
      input: '{"orderId":"o-7"}',
      inspectionLevel: 'DEBUG',
    }),
  );
  assert.is(pass.status, 'SUCCEEDED');
  assert.equal(JSON.parse(pass.output!), { id: 'o-7' });
  assert.equal(JSON.parse(pass.inspectionData!.afterParameters!), { id: 'o-7' });
  const task = await t.client.send(
    new sfn.TestStateCommand({
      definition: JSON.stringify({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'charge' },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refund' }],
        End: true,
      }),
      input: '{}',
      mock: { errorOutput: { error: 'Card.Declined', cause: 'no funds' } },
    }),
  );
  assert.is(task.status, 'CAUGHT_ERROR');
  assert.is(task.nextState, 'Refund');
  assert.is(task.error, 'Card.Declined');
  const refused = await t.client
    .send(new sfn.TestStateCommand({ definition: JSON.stringify({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true }), input: '{}' }))
    .catch((e) => e);
  assert.instance(refused, sfn.ValidationException);
  assert.is(refused.message, 'RoleArn must be specified when testing a Task state');
});

sdk("the README's SDK v3 snippet runs as written (with this server's URL)", async () => {
  const { SFNClient, CreateStateMachineCommand, StartSyncExecutionCommand } = sfn;
  const sfnClient = new SFNClient({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true, // StartSyncExecution and TestState would go to sync-127.0.0.1
  });
  const { stateMachineArn } = await sfnClient.send(
    new CreateStateMachineCommand({
      name: 'hello',
      type: 'EXPRESS',
      roleArn: 'arn:aws:iam::123456789012:role/local',
      definition: JSON.stringify({ StartAt: 'Hi', States: { Hi: { Type: 'Pass', End: true } } }),
    }),
  );
  const { status, output } = await sfnClient.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"who":"world"}' }));
  sfnClient.destroy();
  assert.is(status, 'SUCCEEDED');
  assert.is(output, '{"who":"world"}');
});

sdk('a Lambda function with no handler and no --lambda-endpoint fails its execution with Lambda.ResourceNotFoundException', async () => {
  const definition = JSON.stringify({
    StartAt: 'Call',
    States: { Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:nowhere', End: true } },
  });
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'no-function', definition, roleArn }));
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn }));
  const done = await t.finished(executionArn!);
  assert.is(done.status, 'FAILED');
  assert.is(done.error, 'Lambda.ResourceNotFoundException');
  assert.match(done.cause!, /^Function not found: nowhere \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException/);
});

sdk('activities: create, describe, list, delete', async () => {
  const { activityArn } = await t.client.send(new sfn.CreateActivityCommand({ name: 'approve' }));
  assert.is(activityArn, 'arn:aws:states:us-east-1:123456789012:activity:approve');
  const described = await t.client.send(new sfn.DescribeActivityCommand({ activityArn }));
  assert.is(described.name, 'approve');
  assert.instance(described.creationDate, Date);
  const listed = await t.client.send(new sfn.ListActivitiesCommand({}));
  assert.ok(listed.activities!.some((a) => a.activityArn === activityArn));
  await t.client.send(new sfn.DeleteActivityCommand({ activityArn }));
});

sdk('tags: tag, list, untag', async () => {
  const { stateMachineArn } = await t.client.send(
    new sfn.CreateStateMachineCommand({ name: 'tagged', definition: passDefinition, roleArn, tags: [{ key: 'team', value: 'a' }] }),
  );
  await t.client.send(new sfn.TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: 'env', value: 'dev' }] }));
  const tags = await t.client.send(new sfn.ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
  assert.equal(new Set(tags.tags!.map((x) => `${x.key}=${x.value}`)), new Set(['team=a', 'env=dev']));
  await t.client.send(new sfn.UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ['team'] }));
  const after = await t.client.send(new sfn.ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
  assert.equal(
    after.tags!.map((x) => x.key),
    ['env'],
  );
});

sdk('versions and aliases: publish, list, alias create/describe/update/list/delete, delete version', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'versioned', definition: passDefinition, roleArn }));
  const { stateMachineVersionArn } = await t.client.send(new sfn.PublishStateMachineVersionCommand({ stateMachineArn, description: 'v1' }));
  assert.is(stateMachineVersionArn, `${stateMachineArn}:1`);
  const versions = await t.client.send(new sfn.ListStateMachineVersionsCommand({ stateMachineArn }));
  assert.equal(
    versions.stateMachineVersions!.map((v) => v.stateMachineVersionArn),
    [stateMachineVersionArn],
  );
  const { stateMachineAliasArn } = await t.client.send(
    new sfn.CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] }),
  );
  assert.is(stateMachineAliasArn, `${stateMachineArn}:live`);
  const alias = await t.client.send(new sfn.DescribeStateMachineAliasCommand({ stateMachineAliasArn }));
  assert.is(alias.name, 'live');
  await t.client.send(new sfn.UpdateStateMachineAliasCommand({ stateMachineAliasArn, description: 'prod' }));
  const aliases = await t.client.send(new sfn.ListStateMachineAliasesCommand({ stateMachineArn }));
  assert.is(aliases.stateMachineAliases!.length, 1);
  const started = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn: stateMachineAliasArn }));
  assert.is((await t.finished(started.executionArn!)).status, 'SUCCEEDED');
  await t.client.send(new sfn.DeleteStateMachineAliasCommand({ stateMachineAliasArn }));
  await t.client.send(new sfn.DeleteStateMachineVersionCommand({ stateMachineVersionArn }));
});

sdk('map runs and redrive answer as AWS does for executions without them', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'no-map', definition: failDefinition, roleArn }));
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn }));
  assert.is((await t.finished(executionArn!)).status, 'FAILED');
  const runs = await t.client.send(new sfn.ListMapRunsCommand({ executionArn }));
  assert.equal(runs.mapRuns, []);
  const describeRun = await t.client
    .send(new sfn.DescribeMapRunCommand({ mapRunArn: `${executionArn!.replace(':execution:', ':mapRun:')}/m:1` }))
    .catch((e) => e);
  assert.instance(describeRun, sfn.ResourceNotFound);
  assert.is(describeRun.$metadata?.httpStatusCode, 404, 'ResourceNotFound is HTTP 404 in the service model');
  const updateRun = await t.client
    .send(new sfn.UpdateMapRunCommand({ mapRunArn: `${executionArn!.replace(':execution:', ':mapRun:')}/m:1`, maxConcurrency: 1 }))
    .catch((e) => e);
  assert.instance(updateRun, sfn.ResourceNotFound);
  assert.is(updateRun.$metadata?.httpStatusCode, 404);
  const redrive = await t.client.send(new sfn.RedriveExecutionCommand({ executionArn })).catch((e) => e);
  const status = (redrive as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  assert.ok(redrive instanceof Error ? status === 400 : status === 200, String(redrive));
});

sdk.run();
