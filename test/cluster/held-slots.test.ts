/** The hang watchdog's shared view of the batches a runner thread holds (runner-protocol.ts HeldSlots). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HeldSlots, type HeldBatch } from '../../src/cluster/runner-protocol.js';

const client = '0b6f1f52-5d7e-4b4e-9c1a-2f1d0c9e8a77';
const batch = (serial: number, timeLimitMs: number): HeldBatch => ({ jobId: `${client}-b${serial}`, serial, client, count: 256, timeLimitMs });

test('a held batch reads back whole on the other side of the shared memory, and is gone once released', () => {
  const buffer = HeldSlots.allocate(3);
  const runner = new HeldSlots(buffer);
  const watchdog = new HeldSlots(buffer);
  assert.equal(watchdog.held(), []);
  assert.is(watchdog.longestTimeLimitMs(), -1, 'nothing held');
  const first = runner.hold(batch(0, 1_000));
  const second = runner.hold(batch(1, 31_536_000_000));
  assert.equal(watchdog.held(), [batch(0, 1_000), batch(1, 31_536_000_000)]);
  assert.is(watchdog.longestTimeLimitMs(), 31_536_000_000, 'a year of Standard workflow time does not fit 32 bits and still reads back');
  runner.release(second);
  assert.equal(watchdog.held(), [batch(0, 1_000)]);
  assert.is(watchdog.longestTimeLimitMs(), 1_000);
  runner.release(first);
  assert.equal(watchdog.held(), []);
});

test('a released slot is used again, and ids outside ASCII survive', () => {
  const slots = new HeldSlots(HeldSlots.allocate(1));
  slots.release(slots.hold(batch(0, 5)));
  const named: HeldBatch = { jobId: 'job-é-✓', serial: 7, client: 'client-ü', count: 1, timeLimitMs: 5 };
  slots.hold(named);
  assert.equal(slots.held(), [named]);
});

test('more batches than slots at once is an error naming the slots', () => {
  const slots = new HeldSlots(HeldSlots.allocate(2));
  slots.hold(batch(0, 5));
  slots.hold(batch(1, 5));
  assert.throws(() => slots.hold(batch(2, 5)), /more than 2 batches at once/);
});

test('ids too long for a slot are an error naming the job, and leave the slot free', () => {
  const slots = new HeldSlots(HeldSlots.allocate(1));
  const long: HeldBatch = { ...batch(0, 5), jobId: 'j'.repeat(300) };
  assert.throws(() => slots.hold(long), /cannot hold job 'j+' of client .*more than 224 bytes/);
  assert.equal(slots.held(), []);
  slots.hold(batch(1, 5));
  assert.is(slots.held().length, 1);
});

test.run();
