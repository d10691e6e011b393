import * as sfn from '@aws-sdk/client-sfn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';
import { clientEnvironment, run, unavailable } from './external-clients.js';

/** RedriveExecution over HTTP: the SDK v3's RedriveExecutionCommand, the AWS CLI's redrive-execution and boto3's redrive_execution, where present. */
const redrive = suite('serve: RedriveExecution over HTTP');

const roleArn = 'arn:aws:iam::123456789012:role/local';
const definition = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: 'prepare', ResultPath: '$.prepared', Next: 'Charge' },
    Charge: { Type: 'Task', Resource: 'charge', ResultPath: '$.charged', End: true },
  },
});

/** Calls per resource; `charge` fails the first call of each execution (by its input's `id`). */
const calls = { prepare: 0, charge: 0 };
const charged = new Set<string>();
const handlers = {
  prepare: () => {
    calls.prepare++;
    return 'ready';
  },
  charge: (input: { id: string }) => {
    calls.charge++;
    if (!charged.has(input.id)) {
      charged.add(input.id);
      throw Object.assign(new Error('card declined'), { name: 'Declined' });
    }
    return 'paid';
  },
};

let t: TestEndpoint;
let stateMachineArn: string;
redrive.before(async () => {
  t = await startEndpoint({ handlers, virtualClock: true });
  ({ stateMachineArn } = (await t.client.send(new sfn.CreateStateMachineCommand({ name: 'checkout', definition, roleArn }))) as { stateMachineArn: string });
});
redrive.after(() => t.close());

async function failedExecution(id: string): Promise<string> {
  const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn, name: id, input: JSON.stringify({ id }) }));
  assert.is((await t.finished(executionArn!)).status, 'FAILED');
  return executionArn!;
}

redrive('SDK v3: RedriveExecutionCommand answers its redriveDate; the execution succeeds without running its first step again', async () => {
  const executionArn = await failedExecution('sdk');
  const before = { ...calls };
  const failed = await t.client.send(new sfn.DescribeExecutionCommand({ executionArn }));
  assert.equal([failed.redriveCount, failed.redriveStatus], [0, 'REDRIVABLE']);
  const answer = await t.client.send(new sfn.RedriveExecutionCommand({ executionArn, clientToken: 'sdk-token' }));
  assert.instance(answer.redriveDate, Date);
  const done = await t.finished(executionArn);
  assert.is(done.status, 'SUCCEEDED');
  assert.equal(JSON.parse(done.output!), { id: 'sdk', prepared: 'ready', charged: 'paid' });
  assert.equal([done.redriveCount, done.redriveDate?.getTime(), done.redriveStatus], [1, answer.redriveDate!.getTime(), 'NOT_REDRIVABLE']);
  assert.equal([calls.prepare - before.prepare, calls.charge - before.charge], [0, 1]);
  const { events } = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn }));
  const redriven = events!.find((e) => e.type === 'ExecutionRedriven')!;
  assert.equal(redriven.executionRedrivenEventDetails, { redriveCount: 1 });
  const listed = await t.client.send(new sfn.ListExecutionsCommand({ stateMachineArn, redriveFilter: 'REDRIVEN' }));
  assert.ok(listed.executions!.some((e) => e.executionArn === executionArn && e.redriveCount === 1 && e.redriveDate instanceof Date));
  const again = await t.client.send(new sfn.RedriveExecutionCommand({ executionArn, clientToken: 'sdk-token' }));
  assert.equal(again.redriveDate, answer.redriveDate);
});

redrive('SDK v3: a SUCCEEDED execution is refused with the typed ExecutionNotRedrivable, HTTP 400', async () => {
  const executionArn = await failedExecution('twice');
  await t.client.send(new sfn.RedriveExecutionCommand({ executionArn }));
  await t.finished(executionArn);
  const refused = await t.client.send(new sfn.RedriveExecutionCommand({ executionArn })).catch((e) => e);
  assert.instance(refused, sfn.ExecutionNotRedrivable);
  assert.is(refused.$metadata?.httpStatusCode, 400);
  assert.match(refused.message, /Execution is SUCCEEDED and cannot be redriven/);
});

redrive('the AWS CLI: redrive-execution, then describe-execution shows the redrive', async () => {
  const skip = await unavailable('aws', ['--version']);
  if (skip !== null) {
    console.log(`  (AWS CLI test skipped: ${skip})`);
    return;
  }
  const executionArn = await failedExecution('cli');
  const env = clientEnvironment();
  const answered = await run('aws', ['stepfunctions', 'redrive-execution', '--endpoint-url', t.url, '--execution-arn', executionArn], env);
  assert.is(answered.code, 0, answered.stderr);
  // CLI v1 prints timestamps as epoch seconds by default, v2 in ISO 8601.
  const date = answered.json().redriveDate as number | string;
  assert.ok(Number.isFinite(typeof date === 'number' ? date : Date.parse(date)), String(date));
  await t.finished(executionArn);
  const described = await run('aws', ['stepfunctions', 'describe-execution', '--endpoint-url', t.url, '--execution-arn', executionArn], env);
  assert.equal([described.json().status, described.json().redriveCount], ['SUCCEEDED', 1]);
  const refused = await run('aws', ['stepfunctions', 'redrive-execution', '--endpoint-url', t.url, '--execution-arn', executionArn], env);
  assert.is.not(refused.code, 0);
  assert.match(refused.stderr, /ExecutionNotRedrivable/);
});

redrive('boto3: redrive_execution answers a datetime; the refusal is the typed ExecutionNotRedrivable', async () => {
  const skip = await unavailable('python3', ['-c', 'import boto3']);
  if (skip !== null) {
    console.log(`  (boto3 test skipped: ${skip})`);
    return;
  }
  const executionArn = await failedExecution('boto3');
  const code = [
    'import boto3, datetime, json, sys',
    `c = boto3.client("stepfunctions", endpoint_url="${t.url}")`,
    `arn = "${executionArn}"`,
    'answer = c.redrive_execution(executionArn=arn)',
    'import time',
    'for _ in range(200):',
    '    d = c.describe_execution(executionArn=arn)',
    '    if d["status"] != "RUNNING": break',
    '    time.sleep(0.01)',
    'try:',
    '    c.redrive_execution(executionArn=arn)',
    '    refusal = None',
    'except c.exceptions.ExecutionNotRedrivable as e:',
    '    refusal = type(e).__name__',
    'print(json.dumps({"dateIsDatetime": isinstance(answer["redriveDate"], datetime.datetime), "status": d["status"], "redriveCount": d["redriveCount"], "refusal": refusal}))',
  ].join('\n');
  const result = await run('python3', ['-c', code], clientEnvironment());
  assert.is(result.code, 0, result.stderr);
  assert.equal(result.json(), { dateIsDatetime: true, status: 'SUCCEEDED', redriveCount: 1, refusal: 'ExecutionNotRedrivable' });
});

redrive.run();
