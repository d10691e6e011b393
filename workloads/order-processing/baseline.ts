/** order-processing written by hand: the same Lambda handlers, called by plain code. */
import { workflowErrorOutcome } from '../support/outcome.js';
import type { Outcome } from '../types.js';
import { checkPayment, priceLine, reserveStock, summarize, type Order, type PricedLine } from './handlers.js';

export function runOrderProcessing(input: unknown): Outcome {
  const order = input as Order;
  try {
    let authorization: ReturnType<typeof checkPayment>;
    try {
      authorization = checkPayment(order);
    } catch (error) {
      if ((error as Error).name !== 'Payment.Declined') throw error;
      return {
        status: 'SUCCEEDED',
        output: { orderId: order.orderId, status: 'REJECTED', reason: (error as Error).name, detail: (error as Error).message },
      };
    }
    const lines: PricedLine[] = new Array(order.items.length);
    for (let line = 0; line < order.items.length; line++) {
      const request = { orderId: order.orderId, warehouse: order.shipping.warehouse, line, item: order.items[line]! };
      const reservation = reserveStock(request);
      lines[line] = priceLine({ ...request, reservation });
    }
    const summary = summarize({
      orderId: order.orderId,
      customer: order.customer,
      currency: order.currency,
      authorization,
      lines,
      placedAt: order.placedAt,
    });
    return { status: 'SUCCEEDED', output: summary };
  } catch (error) {
    return workflowErrorOutcome(error);
  }
}
