import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { blockSizeFor, SharedItems } from '../../src/pool/shared-items.js';

const context = {
  executionName: 'run-1',
  executionInput: { tag: 't' },
  executionStartMs: 5,
  remainingMs: Infinity,
  variables: [['greeting', 'hello']] as [string, unknown][],
};

function tenItems(): SharedItems {
  return SharedItems.pack(
    Array.from({ length: 10 }, (_, n) => ({ n, name: `item-${n}` })),
    3,
    context,
  );
}

test('packs items in blocks of consecutive items, each readable on its own', () => {
  const items = tenItems();
  assert.equal([items.count, items.blocks, items.blockSize], [10, 4, 3]);
  assert.equal(
    [0, 1, 2, 3].map((b) => items.sizeOf(b)),
    [3, 3, 3, 1],
  );
  assert.equal(
    [0, 1, 2, 3].map((b) => items.firstOf(b)),
    [0, 3, 6, 9],
  );
  assert.equal(
    items.read(2, 'no-eval'),
    [6, 7, 8].map((n) => ({ n, name: `item-${n}` })),
  );
  assert.equal(items.read(3, 'eval'), [{ n: 9, name: 'item-9' }]);
  assert.equal(items.context('no-eval'), context);
});

test('blocks are claimed in order, once each, and remember which task took them', () => {
  const items = tenItems();
  // A second view on the same memory, as another thread has.
  const elsewhere = new SharedItems(items.buffer);
  assert.equal([items.claim(1), elsewhere.claim(2), items.claim(1)], [0, 1, 2]);
  assert.is(items.claimed, 3);
  assert.equal(items.claimedBy(1), [0, 2]);
  assert.equal(elsewhere.claimedBy(2), [1]);
  assert.equal(items.claimRest(), [3]);
  assert.equal([items.claim(1), elsewhere.claim(2)], [-1, -1]);
  assert.is(items.claimed, 4);
  assert.equal(items.claimRest(), []);
});

test('once stopped, no task claims another block; failures add up across views', () => {
  const items = tenItems();
  const elsewhere = new SharedItems(items.buffer);
  assert.is(items.claim(1), 0);
  assert.equal([items.addFailures(1), elsewhere.addFailures(2)], [1, 3]);
  elsewhere.stop();
  assert.ok(items.stopped);
  assert.is(items.claim(1), -1);
  assert.is(items.claimed, 1);
});

test('tasks in other threads claim every block exactly once between them', async () => {
  const items = SharedItems.pack(
    Array.from({ length: 3000 }, (_, n) => n),
    1,
    context,
  );
  const claimed = await Promise.all(
    [1, 2, 3].map(
      (task) =>
        new Promise<number[]>((resolve, reject) => {
          const worker = new Worker(new URL('./fixtures/claim-worker.mjs', import.meta.url), { workerData: { buffer: items.buffer, task } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  assert.equal(
    claimed.flat().sort((a, b) => a - b),
    Array.from({ length: 3000 }, (_, n) => n),
  );
  // Each thread's own record of what it claimed agrees with the shared one.
  for (const [i, got] of claimed.entries()) assert.equal(items.claimedBy(i + 1), got);
});

test('an item that cannot be encoded is refused when packing', () => {
  assert.throws(() => SharedItems.pack([{ n: 1 }, { f: () => 1 }], 1, context));
});

test('block sizes: about 64 blocks per thread, never empty', () => {
  assert.is(blockSizeFor(0, 2), 1);
  assert.is(blockSizeFor(100, 2), 1);
  assert.is(blockSizeFor(1000, 2), 8);
  assert.is(blockSizeFor(1000, 4), 4);
  assert.is(blockSizeFor(100_000, 2), 782);
});

test.run();
