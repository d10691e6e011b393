import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchWriter, readBatch } from '../../src/pool/codec.js';
import { applyPatch, InputSnapshot, outputPatch, snapshotOf } from '../../src/pool/output-patch.js';

const patches = suite('output patches');

/**
 * `input` travels to the worker (through msgpack, as in the pool), `make` turns it into the
 * output there, and the output travels back as a patch: the patch, what the main thread
 * rebuilds from it, and the output the worker had.
 */
/** `value` packed and read back as one batch of one value. */
function throughMsgpack(value: unknown): unknown {
  const writer = new BatchWriter();
  writer.add(value);
  return readBatch(writer.finish(), 'no-eval')[0];
}

function roundTrip(
  input: Record<string, unknown>,
  make: (decoded: Record<string, unknown>) => unknown,
): { patch: unknown[] | null; rebuilt: unknown; output: unknown } {
  const decoded = throughMsgpack(input) as Record<string, unknown>;
  const before = new InputSnapshot(decoded);
  const output = make(decoded);
  const patch = outputPatch(before, output);
  const rebuilt = patch === null ? null : applyPatch(throughMsgpack(patch) as unknown[], snapshotOf(input)!);
  return { patch, rebuilt, output };
}

const cases: [string, Record<string, unknown>, (input: Record<string, unknown>) => unknown, unknown[] | null][] = [
  ['a key added after the input keys', { a: 1, b: { deep: [1, 2] } }, (i) => ({ ...i, added: 'x' }), [0, 1, 'added', 'x']],
  ['a key replaced in place', { a: [1], b: 2, c: 3 }, (i) => ({ ...i, b: 20 }), [0, 'b', 20, 2]],
  ['keys in another order', { a: 1, b: 2, c: { z: 1 } }, (i) => ({ c: i.c, a: i.a, d: 4 }), [2, 0, 'd', 4]],
  ['the input itself', { a: 'x', b: null, c: {} }, (i) => i, [0, 1, 2]],
  ['a key dropped', { a: 1, b: [2] }, (i) => ({ b: i.b }), [1]],
  ['an undefined value kept', { a: undefined, b: {} }, (i) => ({ ...i, c: 2 }), [0, 1, 'c', 2]],
];

for (const [what, input, make, expected] of cases) {
  patches(`${what}: the patch names kept values by position and rebuilds the output`, () => {
    const { patch, rebuilt, output } = roundTrip(input, make);
    assert.equal(patch, expected);
    assert.equal(rebuilt, output);
  });
}

const whole: [string, Record<string, unknown>, unknown][] = [
  ['an output that keeps no input value', { a: 1 }, { a: 2, b: 3 }],
  ['an output that keeps only numbers and strings', { a: 1, b: 'two', c: { x: 1 } }, { a: 1, b: 'two', c: { x: 1 } }],
  ['an output that is not an object', { a: 1 }, 'text'],
  ['an array output', { a: 1 }, [1]],
  ['an output of another class', { a: 1 }, new Map([['a', 1]])],
  ['-0 where the input had 0', { a: 0, o: {} }, { a: -0 }],
];

for (const [what, input, output] of whole) {
  patches(`${what} goes whole`, () => {
    assert.is(outputPatch(new InputSnapshot(input), output), null);
  });
}

patches("a handler that changes its input's top level changes the output as in-process", () => {
  const reassigned = roundTrip({ list: [1], other: { kept: true }, n: 1 }, (i) => {
    i.list = [2];
    return { ...i, added: true };
  });
  assert.equal(reassigned.patch, ['list', [2], 1, 2, 'added', true]);
  assert.equal(reassigned.rebuilt, { list: [2], other: { kept: true }, n: 1, added: true });
  const deleted = roundTrip({ gone: 1, list: [1], n: 2 }, (i) => {
    delete i.gone;
    return { ...i };
  });
  assert.equal(deleted.patch, [1, 2]);
  assert.equal(deleted.rebuilt, { list: [1], n: 2 });
});

patches("kept values are the caller's own values, as in-process", () => {
  const nested = { deep: true };
  const { rebuilt } = roundTrip({ keep: nested, n: 1 }, (i) => ({ ...i, n: 2 }));
  assert.is((rebuilt as Record<string, unknown>).keep, nested);
  assert.is((rebuilt as Record<string, unknown>).n, 2);
});

patches('the snapshot keeps the input as submitted: later changes to its top level do not show', () => {
  const payload = { p: 1 };
  const input: Record<string, unknown> = { id: 1, payload };
  const snapshot = snapshotOf(input)!;
  input.id = 2;
  delete input.payload;
  const rebuilt = applyPatch([0, 1, 'extra', true], snapshot);
  assert.equal(rebuilt, { id: 1, payload: { p: 1 }, extra: true });
  assert.is(rebuilt.payload, payload);
});

patches('a __proto__ key is rebuilt as an own key and never reaches a prototype', () => {
  const input = JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') as Record<string, unknown>;
  const { patch, rebuilt } = roundTrip(input, (i) => ({ ...i, m: 2 }));
  assert.equal(patch, [0, 1, 'm', 2]);
  assert.is(Object.getPrototypeOf(rebuilt), Object.prototype);
  assert.ok(Object.hasOwn(rebuilt as object, '__proto__'));
  assert.is((rebuilt as { polluted?: unknown }).polluted, undefined);
  const added = applyPatch(['__proto__', { polluted: true }], snapshotOf({ o: {} })!);
  assert.ok(Object.hasOwn(added, '__proto__'));
  assert.is(({} as { polluted?: unknown }).polluted, undefined);
});

patches('only plain objects holding an object or array are snapshotted', () => {
  assert.ok(snapshotOf({ a: 1, b: { c: 2 } }) !== null);
  assert.ok(snapshotOf({ list: [] }) !== null);
  for (const input of [null, 1, 'x', [{}], new Date(0), new Map(), Object.create(null), new (class Shape {})(), { a: 1, b: 'two', c: null }]) {
    assert.is(snapshotOf(input), null);
  }
});

patches.run();
