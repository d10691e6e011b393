/** webhook-normalize written by hand: the same handlers, with the normalisers as plain code. */
import { createHash } from 'node:crypto';
import { workflowErrorOutcome } from '../support/outcome.js';
import type { Outcome } from '../types.js';
import { enrich, publish, verifySignature, type Verification } from './handlers.js';

interface Delivery {
  provider: string;
  headers: Record<string, string>;
  rawBody: string;
  receivedAt: string;
  simulation: { enrichmentFailures: number };
}

interface NormalizedEvent {
  source: string;
  eventType: string;
  eventId: string;
  occurredAt: string;
  subject: string;
  actor: string;
  summary: string;
  url: string;
  dedupeKey: string;
}

const ENRICH_MAX_RETRIES = 3;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function normalize(provider: string, verification: Verification, body: any): NormalizedEvent | null {
  if (provider === 'github' && verification.topic === 'push') {
    return {
      source: 'github',
      eventType: `github.${verification.topic}`,
      eventId: verification.deliveryId!,
      occurredAt: body.head_commit.timestamp,
      subject: body.repository.full_name,
      actor: body.sender.login,
      summary: `${body.pusher.name} pushed ${body.commits.length} commits to ${body.ref}`,
      url: body.compare,
      dedupeKey: sha256Hex(`github:${verification.deliveryId}`),
    };
  }
  if (provider === 'stripe' && typeof body.type === 'string' && body.type.startsWith('payment_intent.')) {
    const intent = body.data.object;
    return {
      source: 'stripe',
      eventType: `stripe.${body.type}`,
      eventId: body.id,
      occurredAt: verification.signedAt!,
      subject: intent.customer,
      actor: 'stripe',
      summary: `${body.type} for ${intent.amount} ${intent.currency}`,
      url: `https://dashboard.stripe.com/payments/${intent.id}`,
      dedupeKey: sha256Hex(`stripe:${body.id}`),
    };
  }
  if (provider === 'shopify' && verification.topic === 'orders/create') {
    return {
      source: 'shopify',
      eventType: `shopify.${verification.topic}`,
      eventId: verification.deliveryId!,
      occurredAt: body.created_at,
      subject: body.email,
      actor: `${body.customer.first_name} ${body.customer.last_name}`,
      summary: `order ${body.name} with ${body.line_items.length} line items totalling ${body.total_price} ${body.currency}`,
      url: body.order_status_url,
      dedupeKey: sha256Hex(`shopify:${verification.deliveryId}`),
    };
  }
  return null;
}

function enrichWithRetry(input: Parameters<typeof enrich>[0]): ReturnType<typeof enrich> {
  for (let attempt = 1; ; attempt++) {
    try {
      return enrich(input, { attempt });
    } catch (error) {
      if ((error as Error).name !== 'Enrichment.Unavailable' || attempt > ENRICH_MAX_RETRIES) throw error;
    }
  }
}

export function runWebhookNormalize(input: unknown): Outcome {
  const delivery = input as Delivery;
  try {
    const verification = verifySignature({ provider: delivery.provider, headers: delivery.headers, rawBody: delivery.rawBody });
    const normalized = normalize(delivery.provider, verification, JSON.parse(delivery.rawBody));
    if (normalized === null) {
      return { status: 'FAILED', error: 'Webhook.UnsupportedEvent', cause: 'No normaliser for this provider and event type' };
    }
    const found = enrichWithRetry({
      eventId: normalized.eventId,
      source: normalized.source,
      subject: normalized.subject,
      unavailableAttempts: delivery.simulation.enrichmentFailures,
    });
    const enrichment = { accountId: found.account.id, plan: found.account.plan, region: found.account.region, tags: found.tags };
    const published = publish({ Source: 'statemill.webhooks', DetailType: normalized.eventType, Detail: { ...normalized, ...enrichment } });
    return {
      status: 'SUCCEEDED',
      output: {
        eventId: normalized.eventId,
        eventType: normalized.eventType,
        dedupeKey: normalized.dedupeKey,
        accountId: enrichment.accountId,
        entryId: published.entryId,
      },
    };
  } catch (error) {
    return workflowErrorOutcome(error);
  }
}
