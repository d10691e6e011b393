import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from '../../src/index.js';
import { verifySignature } from '../../workloads/webhook-normalize/handlers.js';
import { webhookNormalize } from '../../workloads/webhook-normalize/workload.js';
import { differences, output, runBoth } from './check-workload.js';

test('the definition is valid', () => {
  assert.equal(validate(webhookNormalize.definition), []);
});

test('statemill and the baseline agree on every provider', async () => {
  const compared = await runBoth(webhookNormalize, { invalidSignatureRate: 0, enrichmentFailureRate: 0, unsupportedRate: 0 }, 12);
  assert.equal(differences(compared), []);
  const providers = new Set(compared.map((c) => c.input.provider));
  assert.equal([...providers].sort(), ['github', 'shopify', 'stripe']);
  for (const c of compared) {
    assert.is(c.engine.status, 'SUCCEEDED');
    assert.is(output(c.engine).eventType.startsWith(`${c.input.provider}.`), true);
    assert.match(output(c.engine).dedupeKey, /^[0-9a-f]{64}$/);
  }
});

test('a forged signature fails the execution with Webhook.InvalidSignature', async () => {
  const compared = await runBoth(webhookNormalize, { invalidSignatureRate: 1 }, 6);
  assert.equal(differences(compared), []);
  for (const c of compared) {
    assert.is(c.engine.status, 'FAILED');
    assert.is(c.engine.status === 'FAILED' && c.engine.error, 'Webhook.InvalidSignature');
  }
});

test('an unavailable directory is retried, and fails after the retries run out', async () => {
  const compared = await runBoth(webhookNormalize, { invalidSignatureRate: 0, unsupportedRate: 0, enrichmentFailureRate: 1 }, 4);
  assert.equal(differences(compared), []);
  for (const c of compared) {
    assert.is(c.input.simulation.enrichmentFailures, 4);
    assert.is(c.engine.status === 'FAILED' && c.engine.error, 'Enrichment.Unavailable');
  }
  const recovered = await runBoth(webhookNormalize, { invalidSignatureRate: 0, unsupportedRate: 0, enrichmentFailureRate: 0.6 }, 16);
  assert.equal(differences(recovered), []);
  const retriedAndSucceeded = recovered.filter((c) => c.input.simulation.enrichmentFailures > 0 && c.engine.status === 'SUCCEEDED');
  assert.ok(retriedAndSucceeded.length > 0, 'some deliveries succeed after a retry');
});

test('a GitHub ping has no normaliser: Webhook.UnsupportedEvent', async () => {
  const compared = await runBoth(webhookNormalize, { invalidSignatureRate: 0, unsupportedRate: 1 }, 9);
  assert.equal(differences(compared), []);
  const pings = compared.filter((c) => c.input.provider === 'github');
  assert.ok(pings.length > 0);
  for (const c of pings) assert.is(c.engine.status === 'FAILED' && c.engine.error, 'Webhook.UnsupportedEvent');
});

test('verification rejects a body changed after signing', () => {
  const input = webhookNormalize.generateInput(3, 0, { invalidSignatureRate: 0 }) as { provider: string; headers: Record<string, string>; rawBody: string };
  verifySignature(input);
  const tampered = { ...input, rawBody: input.rawBody.replace(/.$/, ' }') };
  assert.throws(
    () => verifySignature(tampered),
    (error: Error) => error.name === 'Webhook.InvalidSignature',
  );
});

test('the JSONata twin is valid and gives the same outcomes, failures included', async () => {
  assert.equal(validate(webhookNormalize.jsonataDefinition!), []);
  assert.is(webhookNormalize.jsonataDefinition!.QueryLanguage, 'JSONata');
  const compared = await runBoth(webhookNormalize, { invalidSignatureRate: 0.15, unsupportedRate: 0.3, enrichmentFailureRate: 0.4 }, 30, 11, true);
  assert.equal(differences(compared), []);
  const ends = new Set(compared.map((c) => (c.engine.status === 'FAILED' ? c.engine.error : c.engine.status)));
  for (const end of ['SUCCEEDED', 'Webhook.InvalidSignature', 'Webhook.UnsupportedEvent']) assert.ok(ends.has(end), end);
});

test('inputs are deterministic per (seed, index)', () => {
  assert.equal(webhookNormalize.generateInput(5, 7), webhookNormalize.generateInput(5, 7));
  assert.not.equal(webhookNormalize.generateInput(5, 7), webhookNormalize.generateInput(5, 8));
});

test.run();
