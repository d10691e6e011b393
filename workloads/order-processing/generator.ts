/**
 * Inputs of the order-processing workload: one checkout each.
 *
 * Options (all optional):
 * - `maxItems`: most line items in an order (default 8; at least 1)
 * - `declineRate`: share of orders paid with a card that is declined (default 0.05)
 */
import { generatedTime, numberOption, randomFor } from '../support/random.js';
import type { GeneratorOptions } from '../types.js';

const CATALOGUE = [
  ['KB-0142', 'Mechanical keyboard', 8900],
  ['MS-2210', 'Wireless mouse', 2900],
  ['MN-2701', '27" monitor', 31900],
  ['CB-0003', 'USB-C cable 2 m', 1200],
  ['HD-5500', 'Noise-cancelling headphones', 24900],
  ['DK-1000', 'Standing desk', 54900],
  ['LP-0420', 'Laptop stand', 4500],
  ['WC-1080', 'Webcam 1080p', 6900],
  ['CH-7000', 'Office chair', 38900],
  ['LM-0060', 'Desk lamp', 3900],
] as const;

const WAREHOUSES = [
  ['us-east-wh1', 'US'],
  ['us-west-wh2', 'US'],
  ['ca-central-wh1', 'CA'],
  ['gb-south-wh1', 'GB'],
  ['de-west-wh1', 'DE'],
] as const;

export function generateInput(seed: number, index: number, options?: GeneratorOptions): unknown {
  const random = randomFor(seed, index);
  const maxItems = Math.max(1, Math.round(numberOption(options, 'maxItems', 8)));
  const [warehouse, country] = random.pick(WAREHOUSES);
  const itemCount = random.int(1, maxItems);
  const items = [];
  let amountCents = 0;
  for (let i = 0; i < itemCount; i++) {
    const [sku, name, unitPriceCents] = random.pick(CATALOGUE);
    const quantity = random.int(1, 4);
    amountCents += quantity * unitPriceCents;
    items.push({ sku, name, quantity, unitPriceCents });
  }
  const declined = random.chance(numberOption(options, 'declineRate', 0.05));
  const customerId = `cus_${random.token(10)}`;
  return {
    orderId: `ord_${seed}_${index}`,
    placedAt: generatedTime(index),
    channel: random.pick(['web', 'ios', 'android', 'pos']),
    customer: { id: customerId, email: `${customerId.toLowerCase()}@example.com`, tier: random.pick(['gold', 'standard', 'standard']), country },
    currency: country === 'US' ? 'USD' : country === 'CA' ? 'CAD' : country === 'GB' ? 'GBP' : 'EUR',
    items,
    payment: { method: 'card', token: `${declined ? 'tok_chargeDeclined_' : 'tok_'}${random.token(16)}`, amountCents },
    shipping: {
      warehouse,
      method: random.pick(['ground', 'express']),
      address: { line1: `${random.int(1, 400)} Harbour Road`, city: 'Springfield', postcode: `${random.int(10000, 99999)}`, country },
    },
  };
}
