import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchNames, STATUSES, StatusCodes } from '../../src/pool/protocol.js';

const names = suite('batch names');

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

names('every execution of a batch gets its own UUID v4, the same on both threads', () => {
  const base = randomUUID();
  const main = new BatchNames(base);
  const worker = new BatchNames(base);
  const seen = new Set<string>();
  for (let i = 0; i < 70_000; i++) {
    const name = main.of(i);
    assert.match(name, uuidV4);
    assert.is(worker.of(i), name);
    seen.add(name);
  }
  assert.is(seen.size, 70_000);
});

names('a name is the base with its last 32 bits XORed with the index, in any order of asking', () => {
  const base = randomUUID();
  const tail = Number.parseInt(base.slice(28), 16);
  const batch = new BatchNames(base);
  for (const i of [0, 255, 256, 1, 65_535, 300, 65_536, 2]) {
    assert.is(batch.of(i), base.slice(0, 28) + ((tail ^ i) >>> 0).toString(16).padStart(8, '0'));
  }
});

names('batches made from different bases share no names', () => {
  const a = new BatchNames(randomUUID());
  const b = new BatchNames(randomUUID());
  const fromA = new Set(Array.from({ length: 1000 }, (_, i) => a.of(i)));
  for (let i = 0; i < 1000; i++) assert.not.ok(fromA.has(b.of(i)));
});

names.run();

const statuses = suite('status codes');

statuses('each status has a code that maps back to it', () => {
  for (const status of ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const) assert.is(STATUSES[StatusCodes[status]], status);
});

statuses.run();
