import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';
import { clientEnvironment, run, unavailable } from './external-clients.js';

/** boto3 against the endpoint (the README's snippet): Config(inject_host_prefix=False) reaches StartSyncExecution. Skipped with the reason where boto3 is absent. */
const boto3 = suite('serve: boto3');

const script = fileURLToPath(new URL('./fixtures/boto3_client.py', import.meta.url));
let t: TestEndpoint;
let skip: string | null;

boto3.before(async () => {
  skip = await unavailable('python3', ['-c', 'import boto3']);
  if (skip !== null) console.log(`  (boto3 tests skipped: ${skip})`);
  t = await startEndpoint();
});
boto3.after(() => t.close());

boto3('the README snippet: Standard execution polled to the end, its history, StartSyncExecution with inject_host_prefix=False, a typed refusal', async () => {
  if (skip !== null) return;
  const result = await run('python3', [script, t.url], clientEnvironment());
  assert.is(result.code, 0, result.stderr);
  assert.equal(result.json(), {
    status: 'SUCCEEDED',
    output: { from: 'boto3', hello: 'world' },
    startDateIsDatetime: true,
    events: ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
    syncStatus: 'SUCCEEDED',
    syncOutput: { hello: 'world' },
    refusal: 'StateMachineDoesNotExist',
  });
});

boto3('without inject_host_prefix=False, boto3 sends StartSyncExecution to sync-127.0.0.1', async () => {
  if (skip !== null) return;
  const code = [
    'import boto3, sys',
    `c = boto3.client("stepfunctions", endpoint_url="${t.url}", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")`,
    'try:',
    '    c.start_sync_execution(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:any")',
    'except Exception as e:',
    '    print(type(e).__name__, e)',
  ].join('\n');
  const result = await run('python3', ['-c', code], clientEnvironment());
  assert.match(result.stdout, /EndpointConnectionError.*sync-127\.0\.0\.1/);
});

boto3('AWS_DISABLE_HOST_PREFIX_INJECTION=true fixes it for a boto3 client without a Config', async () => {
  if (skip !== null) return;
  const code = [
    'import boto3, json',
    `c = boto3.client("stepfunctions", endpoint_url="${t.url}", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")`,
    `arn = c.create_state_machine(name="py-env", type="EXPRESS", roleArn="arn:aws:iam::123456789012:role/local", definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))["stateMachineArn"]`,
    'print(c.start_sync_execution(stateMachineArn=arn, input="{}")["status"])',
  ].join('\n');
  const result = await run('python3', ['-c', code], clientEnvironment({ AWS_DISABLE_HOST_PREFIX_INJECTION: 'true' }));
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout.trim(), 'SUCCEEDED');
});

boto3.run();
