import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { realClock, virtualClock } from '../../src/index.js';
import { setLimit, type LimitTarget } from '../../src/run/clock.js';

/**
 * The real clock's time limits share one timer: order, cancellation, and many cancelled limits.
 * Each test waits for the limit it expects last rather than sleeping a fixed time, so a loaded
 * machine only makes it slower: a limit that never fires fails it after BACKSTOP_MS.
 */
const limits = suite('real-clock-limits');
const scheduleLimit = realClock.scheduleLimit!;
const BACKSTOP_MS = 10_000;

/** Records each limit's name as it fires; `until(name)` settles once `name` has fired. */
function recorder() {
  const fired: string[] = [];
  const waiting = new Map<string, () => void>();
  const record = (name: string) => () => {
    fired.push(name);
    waiting.get(name)?.();
  };
  function until(name: string): Promise<void> {
    if (fired.includes(name)) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const firedNow = new Promise<void>((resolve) => waiting.set(name, resolve));
    const backstop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`limit '${name}' had not fired after ${BACKSTOP_MS} ms; fired: ${JSON.stringify(fired)}`)), BACKSTOP_MS);
    });
    return Promise.race([firedNow, backstop]).finally(() => clearTimeout(timer));
  }
  return { fired, record, until };
}

/**
 * Runs `set` with performance.now() (which the real clock's limits are due from) standing
 * at `instant`: the limits it sets are set at that one instant, so their due order follows
 * from their durations alone, however long the machine takes between statements.
 */
function atInstant(instant: number, set: () => void): void {
  performance.now = () => instant;
  try {
    set();
  } finally {
    delete (performance as { now?: unknown }).now;
  }
}

limits('limits fire in due order, whatever order they were set in', async () => {
  const { fired, record, until } = recorder();
  atInstant(performance.now(), () => {
    scheduleLimit(30, record('30'));
    scheduleLimit(10, record('10'));
    scheduleLimit(20, record('20'));
    scheduleLimit(0, record('0'));
  });
  await until('30');
  assert.equal(fired, ['0', '10', '20', '30']);
});

limits('a cancelled limit never fires, and cancelling twice is harmless', async () => {
  const { fired, record, until } = recorder();
  // Due before the kept one: had it fired, it would have by the time the kept one does.
  const cancel = scheduleLimit(5, record('cancelled'));
  scheduleLimit(15, record('kept'));
  cancel();
  cancel();
  await until('kept');
  assert.equal(fired, ['kept']);
});

limits('an earlier limit set after a later one still fires first', async () => {
  const { fired, record, until } = recorder();
  const start = performance.now();
  atInstant(start, () => scheduleLimit(40, record('late')));
  // The timer is armed for the late limit before the early one comes, 5 ms later in its time.
  await new Promise((resolve) => setImmediate(resolve));
  atInstant(start + 5, () => scheduleLimit(5, record('early')));
  await until('late');
  assert.equal(fired, ['early', 'late']);
});

limits('thousands of cancelled limits leave the live ones intact', async () => {
  const { fired, record, until } = recorder();
  const cancels: (() => void)[] = [];
  for (let i = 0; i < 5000; i++) cancels.push(scheduleLimit(1000 + i, record('cancelled')));
  // Each set no earlier than the one before, for 1 ms longer: due in this order.
  for (let i = 0; i < 5; i++) scheduleLimit(10 + i, record(String(i)));
  for (const cancel of cancels) cancel();
  await until('4');
  assert.equal(fired, ['0', '1', '2', '3', '4']);
});

limits('a limit set from a firing limit fires too', async () => {
  const { fired, record, until } = recorder();
  const second = record('second');
  scheduleLimit(5, () => {
    record('first')();
    scheduleLimit(0, second);
  });
  await until('second');
  assert.equal(fired, ['first', 'second']);
});

limits('a limit set on a target object tells it, in due order with limits on functions; a cancelled one never does', async () => {
  const { fired, record, until } = recorder();
  const target = (name: string): LimitTarget => ({ limitReached: record(name) });
  atInstant(performance.now(), () => {
    realClock.limit!(20, target('target at 20'));
    scheduleLimit(10, record('function at 10'));
    const cancelled = realClock.limit!(5, target('cancelled'));
    setLimit(realClock, 0, target('target at 0'));
    cancelled.cancel();
    cancelled.cancel();
  });
  await until('target at 20');
  assert.equal(fired, ['target at 0', 'function at 10', 'target at 20']);
});

limits('setLimit on a clock without limit() times the target with its scheduleLimit()', async () => {
  const clock = virtualClock(0);
  assert.is(clock.limit, undefined);
  const fired: string[] = [];
  setLimit(clock, 1000, { limitReached: () => fired.push('kept') });
  setLimit(clock, 500, { limitReached: () => fired.push('cancelled') }).cancel();
  // A virtual clock passes limits on its way to a sleep's end.
  await clock.sleep(2000);
  assert.equal(fired, ['kept']);
});

limits.run();
