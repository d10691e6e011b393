import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { realClock, virtualClock } from '../../src/index.js';
import { setLimit, type LimitTarget } from '../../src/run/clock.js';

/** The real clock's time limits share one timer: order, cancellation, and many cancelled limits. */
const limits = suite('real-clock-limits');
const scheduleLimit = realClock.scheduleLimit!;
const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

limits('limits fire in due order, whatever order they were set in', async () => {
  const fired: number[] = [];
  scheduleLimit(30, () => fired.push(30));
  scheduleLimit(10, () => fired.push(10));
  scheduleLimit(20, () => fired.push(20));
  scheduleLimit(0, () => fired.push(0));
  await after(60);
  assert.equal(fired, [0, 10, 20, 30]);
});

limits('a cancelled limit never fires, and cancelling twice is harmless', async () => {
  const fired: string[] = [];
  const cancel = scheduleLimit(5, () => fired.push('cancelled'));
  scheduleLimit(15, () => fired.push('kept'));
  cancel();
  cancel();
  await after(40);
  assert.equal(fired, ['kept']);
});

limits('an earlier limit set after a later one still fires first', async () => {
  const fired: string[] = [];
  scheduleLimit(40, () => fired.push('late'));
  await after(5);
  scheduleLimit(5, () => fired.push('early'));
  await after(70);
  assert.equal(fired, ['early', 'late']);
});

limits('thousands of cancelled limits leave the live ones intact', async () => {
  const fired: number[] = [];
  const cancels: (() => void)[] = [];
  for (let i = 0; i < 5000; i++) cancels.push(scheduleLimit(1000 + i, () => fired.push(-1)));
  for (let i = 0; i < 5; i++) scheduleLimit(10 + i, () => fired.push(i));
  for (const cancel of cancels) cancel();
  await after(50);
  assert.equal(fired, [0, 1, 2, 3, 4]);
});

limits('a limit set from a firing limit fires too', async () => {
  const fired: string[] = [];
  scheduleLimit(5, () => {
    fired.push('first');
    scheduleLimit(0, () => fired.push('second'));
  });
  await after(40);
  assert.equal(fired, ['first', 'second']);
});

limits('a limit set on a target object tells it, in due order with limits on functions; a cancelled one never does', async () => {
  const fired: string[] = [];
  const target = (name: string): LimitTarget => ({ limitReached: () => fired.push(name) });
  realClock.limit!(20, target('target at 20'));
  scheduleLimit(10, () => fired.push('function at 10'));
  const cancelled = realClock.limit!(5, target('cancelled'));
  setLimit(realClock, 0, target('target at 0'));
  cancelled.cancel();
  cancelled.cancel();
  await after(50);
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
