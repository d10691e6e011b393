/**
 * Task handlers for order.asl.json. A handlers module exports `handlers`: each key is a Task's
 * Resource, or a Lambda function name for arn:aws:states:::lambda:invoke tasks; each value
 * is (input, ctx) => result, sync or async. The pool and the CLI load handlers from a module
 * like this one.
 */
import { randomUUID } from 'node:crypto';

export const handlers = {
  // lambda:invoke: called with the Payload; statemill wraps the result as Lambda's response.
  charge(order, ctx) {
    if (order.card === 'flaky' && ctx.attempt < 3) {
      // A thrown Error's name is the ASL error (matched by Retry and Catch), its message the cause.
      throw Object.assign(new Error('The payment provider is not answering.'), { name: 'Payments.Unavailable' });
    }
    return { approved: order.amount <= 1000, receipt: `R-${order.orderId}` };
  },

  // Any other Resource: called with the state's effective input; the return value is the result.
  async 'arn:aws:states:::sqs:sendMessage'(request) {
    return { MessageId: randomUUID(), MD5OfMessageBody: String(request.MessageBody.orderId) };
  },
};
