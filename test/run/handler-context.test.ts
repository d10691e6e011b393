import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type TaskContext } from '../../src/index.js';

/**
 * The context a handler gets is its own call's: a handler that keeps it and reads it after a
 * later call (a retry, another state) sees the values of the call it was given for.
 */
const context = suite('handler context');

const retried = (extra: Record<string, unknown>) => ({
  StartAt: 'T',
  States: {
    T: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1, MaxAttempts: 2 }], End: true, ...extra },
  },
});

const cases: { name: string; extra: Record<string, unknown> }[] = [
  { name: 'no limits', extra: {} },
  { name: 'TimeoutSeconds', extra: { TimeoutSeconds: 30 } },
  { name: 'HeartbeatSeconds', extra: { TimeoutSeconds: 30, HeartbeatSeconds: 10 } },
];

for (const { name, extra } of cases) {
  context(`${name}: a context kept from the first attempt keeps its attempt and signal after the retry`, async () => {
    const kept: TaskContext[] = [];
    const seen: { attempt: number; signal: AbortSignal; keys: string[] }[] = [];
    const flaky = (_input: unknown, ctx: TaskContext) => {
      kept.push(ctx);
      seen.push({ attempt: ctx.attempt, signal: ctx.signal, keys: Object.keys({ ...ctx }) });
      if (ctx.attempt === 1) throw Object.assign(new Error('try again'), { name: 'Busy' });
      return 'done';
    };
    const r = await compile(retried(extra), { handlers: { flaky }, clock: virtualClock(0) }).execute({});
    assert.is(r.status, 'SUCCEEDED');
    assert.is(kept.length, 2);
    assert.is.not(kept[0], kept[1]);
    for (let i = 0; i < 2; i++) {
      assert.is(kept[i]!.attempt, i + 1);
      assert.is(kept[i]!.attempt, seen[i]!.attempt);
      assert.is(kept[i]!.signal, seen[i]!.signal);
      // The attempt stays an own property, as a spread of the context shows it.
      assert.ok(seen[i]!.keys.includes('attempt'));
      assert.is(typeof kept[i]!.heartbeat, 'function');
      kept[i]!.heartbeat();
    }
    assert.is((kept[0]!.context.State as { RetryCount: number }).RetryCount, 1, 'context is read from the frame when read');
  });
}

context('a call with a deadline has its own signal; one without shares the execution signal', async () => {
  const signals: AbortSignal[] = [];
  const keep = (_input: unknown, ctx: TaskContext) => {
    signals.push(ctx.signal);
    return null;
  };
  const definition = {
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Resource: 'keep', Next: 'B' },
      B: { Type: 'Task', Resource: 'keep', Next: 'C' },
      C: { Type: 'Task', Resource: 'keep', TimeoutSeconds: 5, Next: 'D' },
      D: { Type: 'Task', Resource: 'keep', TimeoutSeconds: 5, End: true },
    },
  };
  const r = await compile(definition, { handlers: { keep }, clock: virtualClock(0) }).execute({});
  assert.is(r.status, 'SUCCEEDED');
  assert.is(signals[0], signals[1]);
  assert.is.not(signals[1], signals[2]);
  assert.is.not(signals[2], signals[3]);
  assert.ok(signals.every((s) => s.aborted === false || s === signals[0]));
});

context('the context of each call is a new object, so what a handler writes on one stays on it', async () => {
  const contexts: Record<string, unknown>[] = [];
  const mark = (_input: unknown, ctx: TaskContext) => {
    const own = ctx as unknown as Record<string, unknown>;
    assert.is(own.mark, undefined);
    own.mark = contexts.length;
    contexts.push(own);
    return null;
  };
  const definition = { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'mark', Next: 'B' }, B: { Type: 'Task', Resource: 'mark', End: true } } };
  const r = await compile(definition, { handlers: { mark }, clock: virtualClock(0) }).execute({});
  assert.is(r.status, 'SUCCEEDED');
  assert.equal(
    contexts.map((c) => c.mark),
    [0, 1],
  );
});

context.run();
