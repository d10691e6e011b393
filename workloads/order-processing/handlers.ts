/**
 * Handlers of the order-processing workload, written as Lambda functions that the
 * definition calls through `arn:aws:states:::lambda:invoke`. Money is in integer cents.
 */
import { createHash } from 'node:crypto';
import { workflowError } from '../support/errors.js';
import { hashString } from '../support/random.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';
export const CHECK_PAYMENT = FUNCTION_ARN + 'order-check-payment';
export const RESERVE_STOCK = FUNCTION_ARN + 'order-reserve-stock';
export const PRICE_LINE = FUNCTION_ARN + 'order-price-line';
export const SUMMARIZE = FUNCTION_ARN + 'order-summarize';

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  orderId: string;
  placedAt: string;
  customer: { id: string; email: string; tier: string; country: string };
  currency: string;
  items: OrderItem[];
  payment: { method: string; token: string; amountCents: number };
  shipping: { warehouse: string; method: string; address: Record<string, string> };
}

export interface PricedLine {
  line: number;
  sku: string;
  quantity: number;
  reserved: number;
  backordered: number;
  reservationId: string;
  lineTotalCents: number;
  taxCents: number;
}

const TAX_RATE_PERCENT: Readonly<Record<string, number>> = { US: 7, CA: 13, GB: 20, DE: 19 };

/** Authorises the payment; declines test tokens that ask for it and risky orders. */
export function checkPayment(order: Order): { authorizationId: string; riskScore: number } {
  let expected = 0;
  for (const item of order.items) expected += item.quantity * item.unitPriceCents;
  if (expected !== order.payment.amountCents) {
    throw workflowError('Payment.Declined', `Amount ${order.payment.amountCents} does not match the order total ${expected}`);
  }
  if (order.payment.token.startsWith('tok_chargeDeclined')) {
    throw workflowError('Payment.Declined', `Card declined for order ${order.orderId}: insufficient funds`);
  }
  const digest = createHash('sha256').update(order.payment.token).update(order.orderId).digest();
  const riskScore = (digest[0]! % 60) + (order.customer.tier === 'gold' ? 0 : 20) + (expected > 200_000 ? 15 : 0);
  if (riskScore > 90) throw workflowError('Payment.Declined', `Order ${order.orderId} declined by fraud screening (risk ${riskScore})`);
  return { authorizationId: `auth_${digest.toString('hex', 1, 9)}`, riskScore };
}

/** Reserves stock in the shipping warehouse; what is not on hand is backordered. */
export function reserveStock(input: { orderId: string; warehouse: string; line: number; item: OrderItem }): {
  reservationId: string;
  reserved: number;
  backordered: number;
} {
  const onHand = hashString(input.warehouse + '/' + input.item.sku) % 40;
  const reserved = Math.min(onHand, input.item.quantity);
  return {
    reservationId: `res_${input.orderId}_${input.line}`,
    reserved,
    backordered: input.item.quantity - reserved,
  };
}

export function priceLine(input: {
  orderId: string;
  warehouse: string;
  line: number;
  item: OrderItem;
  reservation: { reservationId: string; reserved: number; backordered: number };
}): PricedLine {
  const lineTotalCents = input.item.quantity * input.item.unitPriceCents;
  const country = input.warehouse.slice(0, 2).toUpperCase();
  const taxCents = Math.round((lineTotalCents * (TAX_RATE_PERCENT[country] ?? 0)) / 100);
  return {
    line: input.line,
    sku: input.item.sku,
    quantity: input.item.quantity,
    reserved: input.reservation.reserved,
    backordered: input.reservation.backordered,
    reservationId: input.reservation.reservationId,
    lineTotalCents,
    taxCents,
  };
}

export function summarize(input: {
  orderId: string;
  customer: Order['customer'];
  currency: string;
  authorization: { authorizationId: string; riskScore: number };
  lines: PricedLine[];
  placedAt: string;
}): Record<string, unknown> {
  let subtotalCents = 0;
  let taxCents = 0;
  let backorderedUnits = 0;
  for (const line of input.lines) {
    subtotalCents += line.lineTotalCents;
    taxCents += line.taxCents;
    backorderedUnits += line.backordered;
  }
  const shipDays = backorderedUnits > 0 ? 10 : input.customer.tier === 'gold' ? 1 : 3;
  const estimatedShipDate = new Date(Date.parse(input.placedAt) + shipDays * 86_400_000).toISOString().slice(0, 10);
  return {
    orderId: input.orderId,
    status: backorderedUnits > 0 ? 'PARTIALLY_BACKORDERED' : 'CONFIRMED',
    customerId: input.customer.id,
    currency: input.currency,
    subtotalCents,
    taxCents,
    totalCents: subtotalCents + taxCents,
    lineCount: input.lines.length,
    backorderedUnits,
    authorizationId: input.authorization.authorizationId,
    estimatedShipDate,
  };
}

export const handlers = {
  [CHECK_PAYMENT]: checkPayment,
  [RESERVE_STOCK]: reserveStock,
  [PRICE_LINE]: priceLine,
  [SUMMARIZE]: summarize,
};
