import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from '../../src/index.js';
import { orderProcessing } from '../../workloads/order-processing/workload.js';
import { differences, output, runBoth } from './check-workload.js';

test('the definition is valid and calls its functions through lambda:invoke with Payload.$', () => {
  assert.equal(validate(orderProcessing.definition), []);
  const check = (orderProcessing.definition.States as Record<string, any>).CheckPayment;
  assert.is(check.Resource, 'arn:aws:states:::lambda:invoke');
  assert.is(check.Parameters['Payload.$'], '$');
});

test('statemill and the baseline agree on confirmed orders', async () => {
  const compared = await runBoth(orderProcessing, { declineRate: 0 }, 10);
  assert.equal(differences(compared), []);
  for (const c of compared) {
    const summary = output(c.engine);
    assert.ok(['CONFIRMED', 'PARTIALLY_BACKORDERED'].includes(summary.status));
    assert.is(summary.lineCount, c.input.items.length);
    assert.is(summary.subtotalCents, c.input.payment.amountCents);
  }
});

test('a declined card is caught and the order rejected', async () => {
  const compared = await runBoth(orderProcessing, { declineRate: 1 }, 5);
  assert.equal(differences(compared), []);
  for (const c of compared) {
    assert.is(c.engine.status, 'SUCCEEDED');
    assert.is(output(c.engine).status, 'REJECTED');
    assert.is(output(c.engine).reason, 'Payment.Declined');
  }
});

test('one-item orders work (the smallest Map)', async () => {
  const compared = await runBoth(orderProcessing, { maxItems: 1, declineRate: 0 }, 3);
  assert.equal(differences(compared), []);
  for (const c of compared) assert.is(output(c.engine).lineCount, 1);
});

test('the JSONata twin is valid and agrees with the baseline on confirmed, declined and one-item orders', async () => {
  assert.equal(validate(orderProcessing.jsonataDefinition!), []);
  assert.is(orderProcessing.jsonataDefinition!.QueryLanguage, 'JSONata');
  for (const options of [{ declineRate: 0 }, { declineRate: 1 }, { maxItems: 1, declineRate: 0 }] as Record<string, number>[]) {
    const compared = await runBoth(orderProcessing, options, 8, 11, true);
    assert.equal(differences(compared), [], JSON.stringify(options));
  }
});

test.run();
