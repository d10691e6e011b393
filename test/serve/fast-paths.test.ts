import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { startEndpoint, type TestEndpoint } from './endpoint.js';

/**
 * The shortcuts StartSyncExecution takes over HTTP answer as the long way does: a body read
 * in several chunks, a machine found by its own ARN (and not by a look-alike from another
 * region or account), inputs cleared of the nesting limit by counting brackets.
 */
const fast = suite('serve: fast paths answer as the long way');

let t: TestEndpoint;
let machineArn = '';
const PASS = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });

fast.before(async () => {
  t = await startEndpoint({ virtualClock: true });
  const created = await call('CreateStateMachine', {
    name: 'fast',
    definition: PASS,
    roleArn: 'arn:aws:iam::123456789012:role/r',
    type: 'EXPRESS',
    publish: true,
  });
  assert.is(created.status, 200);
  machineArn = created.json.stateMachineArn;
});
fast.after(() => t.close());

async function call(operation: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** POSTs the body in parts, each its own write a few milliseconds apart (so its own chunk at the server). */
function postInParts(operation: string, parts: Buffer[]): Promise<{ status: number; json: any }> {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      t.url,
      { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-length': length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    let i = 0;
    const next = (): void => {
      if (i === parts.length) {
        req.end();
        return;
      }
      req.write(parts[i++]);
      setTimeout(next, 5);
    };
    next();
  });
}

fast('a body that arrives in several chunks, one splitting a multi-byte character, is read whole', async () => {
  const input = JSON.stringify({ text: 'prix: 9,99 € — ok 😀', n: 1 });
  const body = Buffer.from(JSON.stringify({ stateMachineArn: machineArn, input }));
  const euro = body.indexOf(Buffer.from('€'));
  const parts = [body.subarray(0, 10), body.subarray(10, euro + 1), body.subarray(euro + 1, euro + 2), body.subarray(euro + 2)];
  const answer = await postInParts('StartSyncExecution', parts);
  assert.is(answer.status, 200);
  assert.is(answer.json.status, 'SUCCEEDED');
  assert.is(answer.json.output, input);
});

const lookAlikes: [string, (arn: string) => string][] = [
  ['another region', (arn) => arn.replace(':us-east-1:', ':eu-west-1:')],
  ['another account', (arn) => arn.replace(':123456789012:', ':210987654321:')],
  ['another partition', (arn) => arn.replace('arn:aws:', 'arn:aws-cn:')],
  ['a trailing colon', (arn) => `${arn}:`],
];
for (const [why, lookAlike] of lookAlikes) {
  fast(`a machine ARN of ${why} is StateMachineDoesNotExist`, async () => {
    const arn = lookAlike(machineArn);
    const answer = await call('StartSyncExecution', { stateMachineArn: arn });
    assert.is(answer.status, 400);
    assert.equal(answer.json, { __type: 'com.amazonaws.sfn#StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${arn}'` });
  });
}

fast('the machine ARN and its version ARN both start executions of the machine', async () => {
  for (const [arn, answered] of [
    [machineArn, machineArn],
    [`${machineArn}:1`, `${machineArn}:1`],
  ]) {
    const answer = await call('StartSyncExecution', { stateMachineArn: arn, input: '{"a":1}' });
    assert.is(answer.status, 200);
    assert.is(answer.json.stateMachineArn, answered);
    assert.is(answer.json.output, '{"a":1}');
  }
});

fast('a machine kept in a store is not found by the ARN of its first region once the store is served in another', async () => {
  const store = join(mkdtempSync(join(tmpdir(), 'statemill-fast-')), 'store.db');
  const first = await startEndpoint({ store });
  const arn = (
    await first.client.send(new CreateStateMachineCommand({ name: 'moved', definition: PASS, roleArn: 'arn:aws:iam::123456789012:role/r', type: 'EXPRESS' }))
  ).stateMachineArn!;
  await first.close();
  const second = await startEndpoint({ store, region: 'eu-west-1' });
  try {
    const response = await fetch(second.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartSyncExecution' },
      body: JSON.stringify({ stateMachineArn: arn }),
    });
    assert.is(response.status, 400);
    assert.equal(await response.json(), { __type: 'com.amazonaws.sfn#StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${arn}'` });
  } finally {
    await second.close();
  }
});

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const inputs: [string, string, string | null][] = [
  ['1,001 objects side by side (more brackets than the nesting limit, 2 deep)', JSON.stringify(Array.from({ length: 1001 }, () => ({}))), null],
  ['1,001 arrays and strings full of brackets, 3 deep', JSON.stringify(Array.from({ length: 1001 }, () => ['{[{['])), null],
  ['nested 1,000 deep (the limit)', nested(1000), null],
  ['nested 1,001 deep', nested(1001), 'Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)'],
  [
    'nested 1,001 deep behind 2,000 brackets in a string',
    `["${'{'.repeat(2000)}",${nested(1000)}]`,
    'Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)',
  ],
];
for (const [why, input, refusal] of inputs) {
  fast(`input ${why}: ${refusal === null ? 'runs' : 'InvalidExecutionInput'}`, async () => {
    const answer = await call('StartSyncExecution', { stateMachineArn: machineArn, input });
    if (refusal === null) {
      assert.is(answer.status, 200);
      assert.is(answer.json.status, 'SUCCEEDED');
      assert.is(answer.json.output, input);
    } else {
      assert.is(answer.status, 400);
      assert.equal(answer.json, { __type: 'com.amazonaws.sfn#InvalidExecutionInput', message: `Invalid State Machine Execution Input: '${refusal}'` });
    }
  });
}

fast.run();
