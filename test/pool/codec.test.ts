import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AreaWriter, BatchWriter, encodeFailure, readBatch, type DecoderEntry } from '../../src/pool/codec.js';
import { ProgressBoard } from '../../src/pool/board.js';
import { Queue } from '../../src/pool/queue.js';

const codec = suite('codec');

const values: unknown[] = [
  {
    orderId: 'o-1',
    items: [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
    ],
    total: 12.5,
  },
  { orderId: 'o-2', items: [{ sku: 'c', qty: 3 }], total: 3 },
  'a string',
  42,
  -0.5,
  null,
  true,
  [1, 'two', { three: 3 }],
  { emptyObject: {}, emptyArray: [], unicode: 'ünïcödé ✓ 🚀', when: new Date(1_700_000_000_000) },
  { large: 2 ** 53, tiny: Number.MIN_VALUE, negative: -(2 ** 40) },
];

for (const decoder of ['eval', 'no-eval'] as DecoderEntry[]) {
  codec(`a batch reads back value for value (${decoder} decoder)`, () => {
    const writer = new BatchWriter();
    for (const value of values) writer.add(value);
    assert.equal(readBatch(writer.finish(), decoder), values);
  });

  codec(`many values of one shape share it (${decoder} decoder)`, () => {
    const writer = new BatchWriter();
    const many = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['x'] }));
    for (const value of many) writer.add(value);
    const bytes = writer.finish();
    assert.equal(readBatch(bytes, decoder), many);
    assert.ok(bytes.length < JSON.stringify(many).length * 0.7, `${bytes.length} bytes`);
  });

  codec(`a __proto__ key never reaches a prototype (${decoder} decoder)`, () => {
    const writer = new BatchWriter();
    for (let i = 0; i < 20; i++) writer.add(JSON.parse('{"__proto__": {"polluted": true}, "n": 1}'));
    for (const value of readBatch(writer.finish(), decoder) as Record<string, unknown>[]) {
      assert.is(Object.getPrototypeOf(value), Object.prototype);
      assert.is((value as { polluted?: unknown }).polluted, undefined);
    }
    assert.is(({} as { polluted?: unknown }).polluted, undefined);
  });
}

codec('an empty batch reads as no values', () => {
  assert.equal(readBatch(new BatchWriter().finish(), 'eval'), []);
});

codec('the finished buffer owns its memory, so it can be transferred', () => {
  const writer = new BatchWriter();
  writer.add({ a: 1 });
  const bytes = writer.finish();
  assert.is(bytes.byteOffset, 0);
  assert.is(bytes.buffer.byteLength, bytes.length);
  assert.is(writer.byteLength, bytes.length);
});

const unencodable: [string, unknown, RegExp][] = [
  ['a function', { f: () => 1 }, /function/],
  ['a symbol', { s: Symbol('s') }, /symbol/],
  ['a SharedArrayBuffer', { s: new SharedArrayBuffer(4) }, /SharedArrayBuffer/],
];
for (const [what, value, reason] of unencodable) {
  codec(`${what} cannot be encoded, and says why`, () => {
    try {
      new BatchWriter().add(value);
      assert.unreachable('encoded');
    } catch (thrown) {
      assert.match(encodeFailure(thrown), reason);
    }
  });
}

codec('typed arrays, wide BigInts, Sets and Buffers read back as themselves, each view in memory of its own', () => {
  const writer = new BatchWriter();
  const sent = [{ f: new Float64Array([1.5]), b: 2n ** 70n, s: new Set([1]) }, Buffer.from('abc'), new Int16Array(new ArrayBuffer(16), 4, 2)];
  for (const value of sent) writer.add(value);
  const read = readBatch(writer.finish(), 'no-eval') as [{ f: Float64Array; b: bigint; s: Set<number> }, Buffer, Int16Array];
  assert.equal(read, sent);
  assert.instance(read[0].f, Float64Array);
  assert.ok(Buffer.isBuffer(read[1]));
  for (const view of [read[0].f, read[1], read[2]]) assert.is(view.buffer.byteLength, view.byteLength);
});

codec('a cycle cannot be encoded, and says why', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  try {
    new BatchWriter().add(cyclic);
    assert.unreachable('encoded');
  } catch (thrown) {
    assert.match(encodeFailure(thrown), /cycle/);
  }
});

codec('values written before a failed one still read back', () => {
  const writer = new BatchWriter();
  writer.add({ a: 1, b: [1] });
  writer.add({ a: 2, b: [2] });
  assert.throws(() => writer.add({ a: 3, f: () => 1 }));
  assert.equal(readBatch(writer.finish(), 'eval'), [
    { a: 1, b: [1] },
    { a: 2, b: [2] },
  ]);
});

codec('an area writer says after each value how many bytes are whole, and stays usable after a value it cannot encode', () => {
  const area = new SharedArrayBuffer(1024);
  const whole: number[] = [];
  const writer = new AreaWriter(area, (bytes) => whole.push(bytes));
  writer.add({ a: 1, b: [1] });
  assert.throws(() => writer.add({ a: 2, f: () => 1 }));
  writer.add({ a: 3, b: [3] });
  writer.add({ a: 4, f: 'shape first seen when the packer failed' });
  const length = writer.finish();
  assert.is(typeof length, 'number');
  assert.is(whole.length, 3);
  assert.is(whole[2], length);
  // What the main thread reads, during the run or after the thread died: the whole values so far.
  assert.equal(readBatch(new Uint8Array(area, 0, whole[1]).slice(), 'no-eval'), [
    { a: 1, b: [1] },
    { a: 3, b: [3] },
  ]);
  assert.equal(readBatch(new Uint8Array(area, 0, length as number).slice(), 'eval'), [
    { a: 1, b: [1] },
    { a: 3, b: [3] },
    { a: 4, f: 'shape first seen when the packer failed' },
  ]);
});

codec('an area writer that outgrows its area continues in memory of its own and returns every value', () => {
  const area = new SharedArrayBuffer(64);
  const whole: number[] = [];
  const writer = new AreaWriter(area, (bytes) => whole.push(bytes));
  const values = Array.from({ length: 10 }, (_, i) => ({ i, text: 'x'.repeat(20) }));
  for (const value of values) writer.add(value);
  const bytes = writer.finish() as Uint8Array;
  assert.instance(bytes, Uint8Array);
  assert.equal(readBatch(bytes, 'no-eval'), values);
  // The area still holds the values that fitted, whole.
  const fitted = readBatch(new Uint8Array(area, 0, whole[whole.length - 1]).slice(), 'no-eval');
  assert.equal(fitted, values.slice(0, fitted.length));
  assert.ok(fitted.length >= 1 && fitted.length < values.length, `${fitted.length} fitted`);
});

codec.run();

const board = suite('progress board');

board('a slot is unstarted until a worker stamps it, and keeps its last progress', () => {
  const main = new ProgressBoard(4);
  const worker = new ProgressBoard(main.buffer);
  assert.is(worker.slots, 4);
  main.clear(2);
  assert.is(main.threadOf(2), 0);
  // The board's own clock (timeOrigin + now): Date.now() is another clock, which may be stepped.
  const before = performance.timeOrigin + performance.now();
  worker.start(2, 7);
  assert.is(main.threadOf(2), 7);
  assert.ok(main.lastProgress(2) >= before);
  worker.touch(2);
  assert.ok(main.lastProgress(2) >= before);
  main.clear(2);
  assert.is(main.threadOf(2), 0);
  assert.is(main.lastProgress(2), 0);
});

board.run();

const queue = suite('queue');

queue('first in, first out, with unshift putting an item first', () => {
  const q = new Queue<number>();
  for (let i = 0; i < 3000; i++) q.push(i);
  const seen: number[] = [];
  for (let i = 0; i < 2000; i++) seen.push(q.shift()!);
  q.unshift(-1);
  assert.is(q.length, 1001);
  assert.is(q.shift(), -1);
  for (let i = 2000; i < 3000; i++) seen.push(q.shift()!);
  assert.equal(
    seen,
    Array.from({ length: 3000 }, (_, i) => i),
  );
  assert.is(q.shift(), undefined);
  q.unshift(5);
  assert.is(q.peek(), 5);
  assert.is(q.length, 1);
  assert.is(q.shift(), 5);
  assert.is(q.peek(), undefined);
});

queue.run();
