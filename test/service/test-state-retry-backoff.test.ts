import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testState } from '../../src/service/test-state/index.js';

/**
 * TestState's retryBackoffIntervalSeconds for a mocked error at retrierRetryCount n:
 * IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, in whole seconds (AWS's model
 * types it as an integer, and its recordings show whole seconds). A backoff past the 32-bit
 * integer the model's Java type holds is reported as its largest value, 2,147,483,647.
 */
const cases: { interval: number; rate: number; n: number; maxDelay?: number; attempts?: number; seconds: number }[] = [
  { interval: 1, rate: 2, n: 4, seconds: 16 },
  { interval: 1, rate: 1.5, n: 1, seconds: 1 },
  { interval: 3, rate: 2.5, n: 1, seconds: 7 },
  { interval: 1, rate: 1.5, n: 3, seconds: 3 },
  { interval: 2, rate: 2, n: 5, maxDelay: 10, seconds: 10 },
  { interval: 5, rate: 1, n: 2, seconds: 5 },
  { interval: 99999999, rate: 2, n: 5, attempts: 99999999, seconds: 2_147_483_647 },
  { interval: 1, rate: 2, n: 1100, attempts: 99999999, seconds: 2_147_483_647 },
];

for (const c of cases) {
  test(`retry backoff: ${c.interval}s × ${c.rate}^${c.n}${c.maxDelay === undefined ? '' : ` capped at ${c.maxDelay}s`} is ${c.seconds}s`, async () => {
    const retrier: Record<string, unknown> = { ErrorEquals: ['Flaky'], IntervalSeconds: c.interval, BackoffRate: c.rate, MaxAttempts: c.attempts ?? 10 };
    if (c.maxDelay !== undefined) retrier.MaxDelaySeconds = c.maxDelay;
    const response = await testState({
      definition: JSON.stringify({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, Retry: [retrier], End: true }),
      mock: { errorOutput: { error: 'Flaky', cause: 'try again' } },
      stateConfiguration: { retrierRetryCount: c.n },
      inspectionLevel: 'DEBUG',
    });
    assert.is(response.status, 'RETRIABLE');
    assert.equal(response.inspectionData?.errorDetails, { retryIndex: 0, retryBackoffIntervalSeconds: c.seconds });
  });
}

test.run();
