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

/**
 * Bad requests through boto3, as its users send them: botocore refuses some itself (a missing
 * member, one under its minimum length or value), and sends the rest (over a maximum, outside
 * an enumeration or a pattern), which the server refuses as AWS does: HTTP 400, the
 * exception's code and the service model's constraint wording, every violation listed.
 */
const badRequests: { operation: string; params: Record<string, unknown>; refusal: 'client' | { code: string; message: string } }[] = [
  { operation: 'create_state_machine', params: { name: 'n', definition: '{}' }, refusal: 'client' },
  { operation: 'describe_state_machine', params: { stateMachineArn: '' }, refusal: 'client' },
  {
    operation: 'tag_resource',
    params: { resourceArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', tags: [{ key: '', value: 'v' }] },
    refusal: 'client',
  },
  {
    operation: 'describe_execution',
    params: { executionArn: 'a'.repeat(257) },
    refusal: {
      code: 'ValidationException',
      message: `1 validation error detected: Value '${'a'.repeat(257)}' at 'executionArn' failed to satisfy constraint: Member must have length less than or equal to 256`,
    },
  },
  {
    operation: 'list_executions',
    params: { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:none', statusFilter: 'succeeded', maxResults: 1001 },
    refusal: {
      code: 'ValidationException',
      message:
        "2 validation errors detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]; Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    },
  },
  {
    operation: 'update_map_run',
    params: { mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:m/map:none', toleratedFailurePercentage: 101 },
    refusal: {
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '101.0' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100",
    },
  },
  {
    operation: 'create_state_machine_alias',
    params: { name: 'ALIAS@', routingConfiguration: [{ stateMachineVersionArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m:1', weight: 100 }] },
    refusal: {
      code: 'ValidationException',
      message:
        "1 validation error detected: Value 'ALIAS@' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
    },
  },
  {
    operation: 'start_execution',
    params: { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:none', name: 'n'.repeat(81) },
    refusal: {
      code: 'ValidationException',
      message: `1 validation error detected: Value '${'n'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
    },
  },
];

boto3('bad requests: botocore refuses a missing or too short member itself; the rest reach the server, refused with 400 and the model wording', async () => {
  if (skip !== null) return;
  const script = fileURLToPath(new URL('./fixtures/boto3_bad_requests.py', import.meta.url));
  const cases = badRequests.map(({ operation, params }) => ({ operation, params }));
  const result = await run('python3', [script, t.url, JSON.stringify(cases)], clientEnvironment());
  assert.is(result.code, 0, result.stderr);
  const expected = badRequests.map(({ refusal }) => (refusal === 'client' ? { refusedBy: 'client' } : { refusedBy: 'server', ...refusal, status: 400 }));
  assert.equal(result.json(), expected);
});

boto3.run();
