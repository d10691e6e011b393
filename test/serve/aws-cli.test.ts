import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';
import { clientEnvironment, configFile, run, unavailable } from './external-clients.js';

/**
 * The AWS CLI (`aws stepfunctions --endpoint-url …`) against the endpoint, with dummy
 * credentials from the environment: the commands of the README, and the host-prefix fixes
 * for start-sync-execution. Skipped, with the reason printed, where `aws` is not installed.
 */
const cli = suite('serve: AWS CLI');

const definition = JSON.stringify({ StartAt: 'Step', States: { Step: { Type: 'Pass', Result: 'done', ResultPath: '$.step', End: true } } });
const outbox: Array<{ TaskToken: string }> = [];
let t: TestEndpoint;
let skip: string | null;

cli.before(async () => {
  skip = await unavailable('aws', ['--version']);
  if (skip !== null) console.log(`  (AWS CLI tests skipped: ${skip})`);
  t = await startEndpoint({
    handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string } }) => void outbox.push(input.MessageBody) },
  });
});
cli.after(() => t.close());

const aws = (args: string[], env: Record<string, string> = {}) =>
  run('aws', ['stepfunctions', '--endpoint-url', t.url, '--output', 'json', ...args], clientEnvironment(env));

cli('create-state-machine, start-execution, describe-execution, get-execution-history', async () => {
  if (skip !== null) return;
  const created = await aws(['create-state-machine', '--name', 'cli-orders', '--definition', definition, '--role-arn', 'arn:aws:iam::123456789012:role/local']);
  assert.is(created.code, 0, created.stderr);
  const stateMachineArn = created.json().stateMachineArn;
  assert.is(stateMachineArn, 'arn:aws:states:us-east-1:123456789012:stateMachine:cli-orders');
  const started = await aws(['start-execution', '--state-machine-arn', stateMachineArn, '--name', 'e1', '--input', '{"orderId":"o-1"}']);
  assert.is(started.code, 0, started.stderr);
  const executionArn = started.json().executionArn;
  await t.endpoint.service.waitForExecution({ executionArn });
  const described = await aws(['describe-execution', '--execution-arn', executionArn]);
  assert.is(described.code, 0, described.stderr);
  assert.is(described.json().status, 'SUCCEEDED');
  assert.equal(JSON.parse(described.json().output), { orderId: 'o-1', step: 'done' });
  const history = await aws(['get-execution-history', '--execution-arn', executionArn]);
  assert.is(history.code, 0, history.stderr);
  assert.equal(
    history.json().events.map((e: { type: string }) => e.type),
    ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
  );
});

cli('a refusal is printed with its AWS error code (exit status 255 in CLI v1, 254 in v2)', async () => {
  if (skip !== null) return;
  const missing = await aws(['describe-execution', '--execution-arn', 'arn:aws:states:us-east-1:123456789012:execution:none:none']);
  assert.ok(missing.code === 254 || missing.code === 255, `exit status ${missing.code}`);
  assert.match(missing.stderr, /\(ExecutionDoesNotExist\) when calling the DescribeExecution operation/);
});

cli(
  'start-sync-execution: sync-<host> fails without a fix; AWS_DISABLE_HOST_PREFIX_INJECTION=true or disable_host_prefix_injection in the config file fixes it',
  async () => {
    if (skip !== null) return;
    const created = await aws([
      'create-state-machine',
      '--name',
      'cli-express',
      '--type',
      'EXPRESS',
      '--definition',
      definition,
      '--role-arn',
      'arn:aws:iam::123456789012:role/local',
    ]);
    const stateMachineArn = created.json().stateMachineArn;
    const trapped = await aws(['start-sync-execution', '--state-machine-arn', stateMachineArn, '--input', '{}']);
    assert.is(trapped.code, 255);
    assert.match(trapped.stderr, /sync-127\.0\.0\.1/);
    const viaEnvironment = await aws(['start-sync-execution', '--state-machine-arn', stateMachineArn, '--input', '{"a":1}'], {
      AWS_DISABLE_HOST_PREFIX_INJECTION: 'true',
    });
    assert.is(viaEnvironment.code, 0, viaEnvironment.stderr);
    assert.is(viaEnvironment.json().status, 'SUCCEEDED');
    assert.equal(JSON.parse(viaEnvironment.json().output), { a: 1, step: 'done' });
    const config = configFile('no-host-prefix', ['disable_host_prefix_injection = true']);
    const viaConfig = await aws(['start-sync-execution', '--state-machine-arn', stateMachineArn], { AWS_CONFIG_FILE: config });
    assert.is(viaConfig.code, 0, viaConfig.stderr);
    assert.is(viaConfig.json().status, 'SUCCEEDED');
  },
);

cli('test-state (host prefix injection disabled): a Pass state with DEBUG inspection, and a mocked error caught by a Catch', async () => {
  if (skip !== null) return;
  const noPrefix = { AWS_DISABLE_HOST_PREFIX_INJECTION: 'true' };
  const pass = await aws(
    [
      'test-state',
      '--definition',
      JSON.stringify({ Type: 'Pass', Parameters: { 'id.$': '$.orderId' }, End: true }),
      '--input',
      '{"orderId":"o-9"}',
      '--inspection-level',
      'DEBUG',
    ],
    noPrefix,
  );
  assert.is(pass.code, 0, pass.stderr);
  assert.is(pass.json().status, 'SUCCEEDED');
  assert.equal(JSON.parse(pass.json().output), { id: 'o-9' });
  assert.equal(JSON.parse(pass.json().inspectionData.afterParameters), { id: 'o-9' });
  const task = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: 'charge' },
    Catch: [{ ErrorEquals: ['Card.Declined'], Next: 'Declined' }],
    End: true,
  };
  const caught = await aws(
    [
      'test-state',
      '--definition',
      JSON.stringify(task),
      '--input',
      '{}',
      '--role-arn',
      'arn:aws:iam::123456789012:role/local',
      '--mock',
      JSON.stringify({ errorOutput: { error: 'Card.Declined', cause: 'no funds' } }),
    ],
    noPrefix,
  );
  assert.is(caught.code, 0, caught.stderr);
  assert.equal([caught.json().status, caught.json().nextState, caught.json().error], ['CAUGHT_ERROR', 'Declined', 'Card.Declined']);
});

cli('send-task-success answers a waiting callback task', async () => {
  if (skip !== null) return;
  const callback = JSON.stringify({
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'TaskToken.$': '$$.Task.Token' } },
        End: true,
      },
    },
  });
  const created = await aws(['create-state-machine', '--name', 'cli-callback', '--definition', callback, '--role-arn', 'arn:aws:iam::123456789012:role/local']);
  const started = await aws(['start-execution', '--state-machine-arn', created.json().stateMachineArn]);
  const executionArn = started.json().executionArn;
  for (let i = 0; i < 400 && outbox.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.is(outbox.length, 1);
  const answered = await aws(['send-task-success', `--task-token=${outbox[0]!.TaskToken}`, '--task-output', '{"approved":true}']);
  assert.is(answered.code, 0, answered.stderr);
  await t.endpoint.service.waitForExecution({ executionArn });
  const described = await aws(['describe-execution', '--execution-arn', executionArn]);
  assert.is(described.json().status, 'SUCCEEDED');
  assert.equal(JSON.parse(described.json().output), { approved: true });
});

cli.run();
