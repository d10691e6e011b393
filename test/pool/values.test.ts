/**
 * Values beyond JSON crossing the pool's threads. In-process, handlers see the caller's own
 * values; through the pool they see copies of the same type and contents, in memory of
 * their own (README, "Values beyond JSON").
 */
import { isDeepStrictEqual } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../src/compile/machine.js';
import { createPool, PoolError, PoolErrorCodes, PoolFaults, type Pool } from '../../src/pool/index.js';
import { handlers } from './fixtures/handlers.js';

const handlersUrl = new URL('./fixtures/handlers.ts', import.meta.url);

function task(resource: string): Record<string, unknown> {
  return { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: resource, End: true } } };
}

const values = suite<{ pool: Pool }>('values beyond JSON');

values.before((context) => {
  context.pool = createPool({ threads: 2, batch: 16 });
  for (const name of ['echo', 'inspect', 'views', 'sharedOutput']) context.pool.register(name, { definition: task(name), handlers: handlersUrl });
});

values.after(async (context) => {
  await context.pool.close();
});

function larger(): ArrayBuffer {
  const buffer = new ArrayBuffer(32);
  new Uint8Array(buffer).forEach((_, i, bytes) => (bytes[i] = i + 1));
  return buffer;
}

function shared(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(16);
  new Uint8Array(buffer).set([9, 8, 7, 6, 5, 4, 3, 2]);
  return buffer;
}

/** Values that arrive as themselves: same type, same contents (checked both ways: input to the worker, output back). */
const carried: [string, unknown][] = [
  ['Float64Array', new Float64Array([1.5, -2.25, Number.MAX_VALUE])],
  ['Float32Array', new Float32Array([0.5, -3])],
  ['Int32Array', new Int32Array([7, -7, 2 ** 31 - 1])],
  ['Uint8Array', new Uint8Array([0, 1, 255])],
  ['Uint8ClampedArray', new Uint8ClampedArray([255, 0])],
  ['BigInt64Array', new BigInt64Array([-5n, 2n ** 62n])],
  ['Int16Array over part of a larger buffer (byteOffset 2)', new Int16Array(larger(), 2, 3)],
  ['DataView over part of a larger buffer', new DataView(larger(), 4, 8)],
  ['Uint8Array over a SharedArrayBuffer (arrives over memory of its own)', new Uint8Array(shared(), 2, 4)],
  ['Buffer', Buffer.from('bytes of a Buffer')],
  ['ArrayBuffer', larger()],
  ['empty Float64Array', new Float64Array(0)],
  ['Date', new Date(1_700_000_000_123)],
  [
    'Map',
    new Map<unknown, unknown>([
      ['a', 1],
      [2, { b: [3] }],
    ]),
  ],
  ['Set', new Set(['a', 1, 'b'])],
  ['BigInt', 2n ** 60n],
  ['negative BigInt', -(2n ** 63n)],
  ['BigInt wider than 64 bits', -(2n ** 100n) + 7n],
  ['undefined inside an array', [1, undefined, 3]],
  ['a property holding undefined', { a: undefined, b: 1 }],
  ['NaN and infinities', [NaN, Infinity, -Infinity]],
  ['RegExp', /a+b/gi],
  ['Error', new TypeError('typed')],
  ['typed arrays deep inside objects', { deep: [{ samples: new Float32Array([1, 2]) }, new Int32Array([3])] }],
];

for (const [what, value] of carried) {
  values(`carried intact both ways: ${what}`, async ({ pool }) => {
    // An array at the top level: the output travels whole, not as a patch over the input.
    const result = await pool.execute('echo', [value]);
    assert.is(result.status, 'SUCCEEDED', result.cause ?? '');
    const [back] = result.output as unknown[];
    assert.ok(isDeepStrictEqual(back, value), `${what}: ${String(back)}`);
    if (ArrayBuffer.isView(back)) assert.is(back.buffer.byteLength, back.byteLength, 'a view owns its memory');
  });
}

values("in-process, a handler gets the caller's own value (the rule the pool copies: same type, same contents)", async () => {
  const machine = compile(task('echo'), { handlers });
  for (const [what, value] of carried) {
    const result = await machine.execute([value]);
    assert.is((result.output as unknown[])[0], value, what);
  }
});

values('-0 arrives as 0, as in JSON text', async ({ pool }) => {
  const result = await pool.execute('echo', [-0]);
  assert.ok(Object.is((result.output as number[])[0], 0));
});

values('a class instance arrives as a plain object of its own enumerable properties, as JSON.stringify sees it', async ({ pool }) => {
  class Point {
    x = 1;
    y = 2;
    get sum(): number {
      return this.x + this.y;
    }
  }
  const result = await pool.execute('echo', [new Point()]);
  const back = (result.output as unknown[])[0];
  assert.is(Object.getPrototypeOf(back), Object.prototype);
  assert.equal(back, { x: 1, y: 2 });
});

values('typed arrays in a batch reach their handler as themselves, never as memory holding other executions', async ({ pool }) => {
  const views = [
    () => new Float64Array([1.25, 2.5]),
    () => new Float32Array([0.5]),
    () => new Int32Array([-1, 2, -3]),
    () => new DataView(larger(), 3, 5),
    () => new Uint16Array(larger(), 6, 4),
  ];
  const inputs = Array.from({ length: 40 }, (_, i) => ({ secret: `secret-of-execution-${i}`, value: views[i % views.length]!() }));
  const results = await Promise.all(inputs.map((input) => pool.execute('inspect', input)));
  for (const [i, result] of results.entries()) {
    const sent = inputs[i]!.value;
    const seen = result.output as { type: string; bytes: number[]; memory: string };
    assert.not.match(seen.memory, /secret/, `execution ${i}`);
    assert.is(seen.memory.length, sent.byteLength, `execution ${i}: the view's memory is its own`);
    assert.is(seen.type, sent.constructor.name, `execution ${i}`);
    assert.equal(seen.bytes, Array.from(new Uint8Array(sent.buffer, sent.byteOffset, sent.byteLength)), `execution ${i}`);
  }
});

values('typed arrays in outputs come back as themselves, each in memory of its own', async ({ pool }) => {
  const results = await Promise.all(Array.from({ length: 20 }, (_, n) => pool.execute('views', { n })));
  for (const [n, result] of results.entries()) {
    const output = result.output as { f64: Float64Array; i32: Int32Array; bytes: Buffer; view: DataView; note: string };
    assert.instance(output.f64, Float64Array);
    assert.equal(Array.from(output.f64), [n + 0.5, n + 0.5]);
    assert.instance(output.i32, Int32Array);
    assert.equal(Array.from(output.i32), [n, -n]);
    assert.ok(Buffer.isBuffer(output.bytes));
    assert.is(output.bytes.toString(), `bytes-${n}`);
    assert.instance(output.view, DataView);
    assert.is(output.view.byteLength, 4);
    for (const view of [output.f64, output.i32, output.bytes, output.view]) {
      assert.is(view.buffer.byteLength, view.byteLength, `execution ${n}: memory of its own`);
    }
    assert.is(output.note, `secret-${n}`);
  }
});

values('a SharedArrayBuffer is refused at execute: shared memory cannot be shared through the pool', async ({ pool }) => {
  try {
    await pool.execute('echo', { memory: shared() });
    assert.unreachable('accepted');
  } catch (error) {
    assert.instance(error, PoolError);
    assert.is((error as PoolError).code, PoolErrorCodes.INPUT_NOT_ENCODABLE);
    assert.match((error as PoolError).message, /SharedArrayBuffer/);
  }
  assert.equal((await pool.execute('echo', { after: [1] })).output, { after: [1] });
});

values('an output holding a SharedArrayBuffer fails with Pool.OutputNotEncodable', async ({ pool }) => {
  const result = await pool.execute('sharedOutput', {});
  assert.is(result.status, 'FAILED');
  assert.is(result.error, PoolFaults.OutputNotEncodable);
  assert.match(result.cause ?? '', /SharedArrayBuffer/);
});

values.run();
