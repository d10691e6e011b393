/**
 * Handlers of the webhook-normalize workload: signature verification as each provider
 * specifies it (HMAC-SHA256 over the raw body), a customer-directory lookup that is
 * sometimes unavailable, and publication to an event bus.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../support/canonical-json.js';
import { workflowError } from '../support/errors.js';
import { SeededRandom } from '../support/random.js';
import type { HandlerContext } from '../types.js';
import { SIGNING_SECRETS } from './secrets.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';
export const VERIFY_SIGNATURE = FUNCTION_ARN + 'webhook-verify-signature';
export const ENRICH = FUNCTION_ARN + 'webhook-enrich';
export const PUBLISH = FUNCTION_ARN + 'webhook-publish';

export interface Verification {
  verified: true;
  /** The event type from the provider's headers (GitHub, Shopify); null for Stripe, whose body says it. */
  topic: string | null;
  deliveryId: string | null;
  /** When the provider signed the request (Stripe's `t=`), ISO 8601; null for the others. */
  signedAt: string | null;
}

type Headers = Readonly<Record<string, string>>;

function sameDigest(expected: Buffer, presented: string, encoding: 'hex' | 'base64'): boolean {
  const given = Buffer.from(presented, encoding);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function invalidSignature(provider: string): Error {
  return workflowError('Webhook.InvalidSignature', `The ${provider} signature does not match the request body`);
}

function hmac(provider: string, text: string): Buffer {
  return createHmac('sha256', SIGNING_SECRETS[provider]!).update(text).digest();
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC of the body>`. */
function verifyGitHub(headers: Headers, rawBody: string): Verification {
  const header = headers['x-hub-signature-256'] ?? '';
  if (!header.startsWith('sha256=') || !sameDigest(hmac('github', rawBody), header.slice(7), 'hex')) throw invalidSignature('github');
  return { verified: true, topic: headers['x-github-event'] ?? null, deliveryId: headers['x-github-delivery'] ?? null, signedAt: null };
}

/** Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC of "t.body">`. */
function verifyStripe(headers: Headers, rawBody: string): Verification {
  let timestamp = '';
  const candidates: string[] = [];
  for (const part of (headers['stripe-signature'] ?? '').split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    if (key === 't') timestamp = part.slice(eq + 1);
    else if (key === 'v1') candidates.push(part.slice(eq + 1));
  }
  if (timestamp === '' || candidates.length === 0) throw invalidSignature('stripe');
  const expected = hmac('stripe', `${timestamp}.${rawBody}`);
  if (!candidates.some((candidate) => sameDigest(expected, candidate, 'hex'))) throw invalidSignature('stripe');
  return { verified: true, topic: null, deliveryId: null, signedAt: new Date(Number(timestamp) * 1000).toISOString() };
}

/** Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC of the body>`. */
function verifyShopify(headers: Headers, rawBody: string): Verification {
  const header = headers['x-shopify-hmac-sha256'] ?? '';
  if (!sameDigest(hmac('shopify', rawBody), header, 'base64')) throw invalidSignature('shopify');
  return {
    verified: true,
    topic: headers['x-shopify-topic'] ?? null,
    deliveryId: headers['x-shopify-webhook-id'] ?? null,
    signedAt: null,
  };
}

export function verifySignature(input: { provider: string; headers: Headers; rawBody: string }): Verification {
  switch (input.provider) {
    case 'github':
      return verifyGitHub(input.headers, input.rawBody);
    case 'stripe':
      return verifyStripe(input.headers, input.rawBody);
    case 'shopify':
      return verifyShopify(input.headers, input.rawBody);
    default:
      throw workflowError('Webhook.UnknownProvider', `No signing secret for provider '${input.provider}'`);
  }
}

interface Account {
  id: string;
  plan: string;
  region: string;
}

/** The simulated customer directory: 512 accounts, found by a hash of the subject. */
const DIRECTORY: readonly Account[] = (() => {
  const random = new SeededRandom(0x0d1ec7);
  const plans = ['free', 'team', 'business', 'enterprise'];
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
  return Array.from({ length: 512 }, (_, i) => ({
    id: `acct_${i.toString(36).padStart(3, '0')}${random.token(9)}`,
    plan: random.pick(plans),
    region: random.pick(regions),
  }));
})();

export function enrich(
  input: { eventId: string; source: string; subject: string; unavailableAttempts: number },
  ctx: HandlerContext,
): { account: Account; tags: string[] } {
  if (ctx.attempt <= input.unavailableAttempts) {
    throw workflowError('Enrichment.Unavailable', `Customer directory did not answer (attempt ${ctx.attempt})`);
  }
  const digest = createHash('sha1').update(input.source).update('\0').update(input.subject).digest();
  const account = DIRECTORY[digest.readUInt32BE(0) % DIRECTORY.length]!;
  const tags = [input.source, `plan:${account.plan}`, `region:${account.region}`];
  if (account.plan === 'enterprise') tags.push('priority');
  return { account, tags };
}

export function publish(input: { Source: string; DetailType: string; Detail: Record<string, unknown> }): {
  entryId: string;
  eventBusName: string;
} {
  const hex = createHash('sha256').update(input.Source).update(input.DetailType).update(canonicalJson(input.Detail)).digest('hex');
  const entryId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return { entryId, eventBusName: 'default' };
}

export const handlers = {
  [VERIFY_SIGNATURE]: verifySignature,
  [ENRICH]: enrich,
  [PUBLISH]: publish,
};
