import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { differenceBetween, outcomeOf } from '../../bench/outcome.js';

test('equal JSON values have no difference, whatever the key order', () => {
  assert.is(differenceBetween({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }), null);
  assert.is(differenceBetween({ a: undefined, b: 1 }, { b: 1 }), null);
});

test('a difference names its path', () => {
  assert.is(differenceBetween({ a: { b: [1, 2] } }, { a: { b: [1, 3] } }), '/a/b/1: expected 2, got 3');
  assert.is(differenceBetween([1, 2], [1]), '/: expected 2 items, got 1');
  assert.is(differenceBetween({ a: 1 }, { a: 1, z: 2 }), '/z: expected nothing, got 2');
  assert.is(differenceBetween({ a: [] }, { a: {} }), '/a: expected [], got {}');
});

test('results of any status become outcomes', () => {
  assert.equal(outcomeOf({ status: 'SUCCEEDED', output: { x: 1 }, error: undefined }), { status: 'SUCCEEDED', output: { x: 1 } });
  assert.equal(outcomeOf({ status: 'FAILED', error: 'E', cause: 'c' }), { status: 'FAILED', error: 'E', cause: 'c' });
  assert.equal(outcomeOf({ status: 'TIMED_OUT', error: 'States.Timeout' }), { status: 'FAILED', error: 'States.Timeout', cause: null });
});

test.run();
