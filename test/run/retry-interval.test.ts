import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * A retry runs its attempt as the interval ends (Execution.sleepThen): whatever that attempt
 * does — answer, fail again until the retrier gives up, fail into a Catch, go asynchronous,
 * or find its sibling branch failed meanwhile — ends the state as it would after a separate wait.
 */
const retries = suite('the attempt after a retry interval');

const busy = () => Object.assign(new Error('try later'), { name: 'Busy' });

interface Case {
  name: string;
  /** What attempt n (1-based) does. */
  attempt: (n: number) => unknown;
  catches?: boolean;
  expected: { status: string; output?: unknown; error?: string; cause?: string };
  attempts: number;
}

const cases: Case[] = [
  {
    name: 'the second attempt answers',
    attempt: (n) => (n === 1 ? Promise.reject(busy()) : { n }),
    expected: { status: 'SUCCEEDED', output: { n: 2 } },
    attempts: 2,
  },
  {
    name: 'the second attempt answers synchronously after a synchronous failure',
    attempt: (n) => {
      if (n === 1) throw busy();
      return { n };
    },
    expected: { status: 'SUCCEEDED', output: { n: 2 } },
    attempts: 2,
  },
  {
    name: 'every attempt fails synchronously: the retrier gives up after MaxAttempts',
    attempt: () => {
      throw busy();
    },
    expected: { status: 'FAILED', error: 'Busy', cause: 'try later' },
    attempts: 3,
  },
  {
    name: 'every attempt fails, the last into a Catch',
    attempt: () => {
      throw busy();
    },
    catches: true,
    expected: { status: 'SUCCEEDED', output: { caught: 'Busy' } },
    attempts: 3,
  },
  {
    name: 'the retried attempt goes asynchronous and answers',
    attempt: (n) => {
      if (n === 1) throw busy();
      return Promise.resolve({ n });
    },
    expected: { status: 'SUCCEEDED', output: { n: 2 } },
    attempts: 2,
  },
];

for (const c of cases) {
  retries(c.name, async () => {
    const seen: number[] = [];
    const call = (_input: unknown, ctx: { attempt: number }) => {
      seen.push(ctx.attempt);
      return c.attempt(ctx.attempt);
    };
    const task: Record<string, unknown> = {
      Type: 'Task',
      Resource: 'call',
      Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 1 }],
      End: true,
    };
    if (c.catches) {
      task.Catch = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }];
    }
    const states: Record<string, unknown> = { Call: task };
    if (c.catches) states.Caught = { Type: 'Pass', Parameters: { 'caught.$': '$.error.Error' }, End: true };
    const definition = { StartAt: 'Call', States: states };
    const clock = virtualClock(0);
    const result = await compile(definition, { handlers: { call }, clock }).execute({});
    assert.is(result.status, c.expected.status);
    if ('output' in c.expected) assert.equal(result.output, c.expected.output);
    if ('error' in c.expected) assert.equal([result.error, result.cause], [c.expected.error, c.expected.cause]);
    assert.equal(
      seen,
      Array.from({ length: c.attempts }, (_, i) => i + 1),
    );
    // Two intervals of 2 s for three attempts, one for two: the clock moved by them.
    assert.is(result.stopDate.getTime() - result.startDate.getTime(), 2000 * (c.attempts - 1));
  });
}

retries('a branch whose sibling failed during its interval is not attempted again', async () => {
  let attempts = 0;
  const definition = {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        End: true,
        Branches: [
          {
            StartAt: 'Retried',
            States: { Retried: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 5 }], End: true } },
          },
          { StartAt: 'Late', States: { Late: { Type: 'Wait', Seconds: 1, Next: 'Fails' }, Fails: { Type: 'Fail', Error: 'Sibling', Cause: 'gone' } } },
        ],
      },
    },
  };
  const flaky = () => {
    attempts++;
    throw busy();
  };
  const result = await compile(definition, { handlers: { flaky }, clock: virtualClock(0) }).execute({});
  assert.equal([result.status, result.error], ['FAILED', 'Sibling']);
  assert.is(attempts, 1);
});

retries.run();
