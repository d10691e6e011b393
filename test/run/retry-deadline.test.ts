import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * What ends a retry interval early under the virtual clock: the execution's deadline passing
 * during it (States.Timeout at the deadline, not at the interval's end) and a stop. Either
 * way the attempt after the interval never runs.
 */
const interval = suite('a retry interval cut short');

const busy = () => Object.assign(new Error('try later'), { name: 'Busy' });

function retrying(timeoutSeconds: number | undefined, intervalSeconds: number) {
  return {
    StartAt: 'Call',
    ...(timeoutSeconds === undefined ? {} : { TimeoutSeconds: timeoutSeconds }),
    States: {
      Call: {
        Type: 'Task',
        Resource: 'call',
        Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: intervalSeconds, MaxAttempts: 3, BackoffRate: 2 }],
        End: true,
      },
    },
  };
}

/** A machine whose task fails every time, counting its attempts. */
function failingMachine(timeoutSeconds: number | undefined, intervalSeconds: number) {
  const attempts: number[] = [];
  const machine = compile(retrying(timeoutSeconds, intervalSeconds), {
    clock: virtualClock(0),
    handlers: {
      call: (_input: unknown, ctx: { attempt: number }) => {
        attempts.push(ctx.attempt);
        throw busy();
      },
    },
  });
  return { machine, attempts };
}

const deadlines = [
  // Intervals of 10 s then 20 s: the deadline passes during the first, or during the second.
  { name: 'during the first interval', timeoutSeconds: 5, attempts: [1] },
  { name: 'during the second interval', timeoutSeconds: 25, attempts: [1, 2] },
  // At the deadline itself the execution still runs (it times out once its time is past the deadline).
  { name: 'at the end of the first interval', timeoutSeconds: 10, attempts: [1, 2] },
];

for (const c of deadlines) {
  interval(`the deadline passes ${c.name}: TIMED_OUT at the deadline`, async () => {
    const { machine, attempts } = failingMachine(c.timeoutSeconds, 10);
    const r = await machine.execute({});
    assert.equal([r.status, r.error], ['TIMED_OUT', 'States.Timeout']);
    assert.is(r.stopDate.getTime() - r.startDate.getTime(), c.timeoutSeconds * 1000);
    assert.equal(attempts, c.attempts);
  });
}

interval('the execution limit (no TimeoutSeconds) also ends an interval at the limit', async () => {
  const attempts: number[] = [];
  const machine = compile(retrying(undefined, 100), {
    clock: virtualClock(0),
    limits: { executionMs: 30_000 },
    handlers: {
      call: (_input: unknown, ctx: { attempt: number }) => {
        attempts.push(ctx.attempt);
        throw busy();
      },
    },
  });
  const r = await machine.execute({});
  assert.equal([r.status, r.error], ['TIMED_OUT', 'States.Timeout']);
  assert.is(r.stopDate.getTime() - r.startDate.getTime(), 30_000);
  assert.equal(attempts, [1]);
});

interval('all retries within the deadline: the retrier gives up and the task error fails the execution', async () => {
  const { machine, attempts } = failingMachine(71, 10);
  const r = await machine.execute({});
  assert.equal([r.status, r.error], ['FAILED', 'Busy']);
  // Intervals of 10, 20 and 40 s.
  assert.is(r.stopDate.getTime() - r.startDate.getTime(), 70_000);
  assert.equal(attempts, [1, 2, 3, 4]);
});

interval('a stop during the interval: ABORTED then, and no attempt after it', async () => {
  const { machine, attempts } = failingMachine(undefined, 10);
  const controller = new AbortController();
  const pending = machine.execute({}, { signal: controller.signal });
  controller.abort();
  const r = await pending;
  assert.equal([r.status, r.error], ['ABORTED', 'States.Aborted']);
  assert.is(r.stopDate.getTime() - r.startDate.getTime(), 0);
  // The interval's end would have been the next attempt: give it every chance to run.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(attempts, [1]);
});

interval.run();
