// Unit tests of single states of order.asl.json with TestState, for node:test.
// Run them with `node --test examples/test-state.test.mjs` after `npm run build`.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { testStateOf } from 'statemill';
import { handlers } from './handlers.mjs';

const machine = JSON.parse(await readFile(new URL('./order.asl.json', import.meta.url), 'utf8'));

test('Charge keeps the receipt of a mocked Lambda response and goes on to Approved?', async () => {
  const r = await testStateOf(machine, 'Charge', {
    input: { orderId: 'o-1', amount: 5 },
    mock: { result: { StatusCode: 200, Payload: { approved: true, receipt: 'R-1' } } },
  });
  assert.equal(r.status, 'SUCCEEDED');
  assert.equal(r.nextState, 'Approved?');
  assert.deepEqual(r.output.payment, { approved: true, receipt: 'R-1' });
  assert.deepEqual(r.inspectionData.afterParameters, { FunctionName: 'charge', Payload: { orderId: 'o-1', amount: 5 } });
});

test('Charge is retried while the payment provider is unavailable: 2 s, then 4 s', async () => {
  const unavailable = { error: 'Payments.Unavailable', cause: 'no answer' };
  for (const [retrierRetryCount, seconds] of [[0, 2], [1, 4]]) {
    const r = await testStateOf(machine, 'Charge', { mock: { errorOutput: unavailable }, stateConfiguration: { retrierRetryCount } });
    assert.equal(r.status, 'RETRIABLE');
    assert.equal(r.inspectionData.errorDetails.retryBackoffIntervalSeconds, seconds);
  }
  const exhausted = await testStateOf(machine, 'Charge', { mock: { errorOutput: unavailable }, stateConfiguration: { retrierRetryCount: 3 } });
  assert.equal(exhausted.status, 'FAILED');
});

test('Charge without a mock runs the charge handler', async () => {
  const r = await testStateOf(machine, 'Charge', { input: { orderId: 'o-2', amount: 5000 }, handlers });
  assert.deepEqual(r.output.payment, { approved: false, receipt: 'R-o-2' });
});

test('Approved? sends a declined payment to Declined', async () => {
  const r = await testStateOf(machine, 'Approved?', { input: { payment: { approved: false } } });
  assert.equal(r.nextState, 'Declined');
});
