import * as assert from 'uvu/assert';
import { ServiceError } from '../../src/service/errors.js';

/**
 * The ServiceError that `call` is refused with: a promise, or a function for a call that may
 * throw before it returns one. A call that is not refused, or refused otherwise, fails the test.
 */
export async function refusal(call: Promise<unknown> | (() => unknown)): Promise<ServiceError> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (thrown) {
    assert.instance(thrown, ServiceError);
    return thrown as ServiceError;
  }
  return assert.unreachable('expected a ServiceError') as never;
}
