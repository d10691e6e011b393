import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { differenceBetween, markVarying, outcomeOf, VARIES, varyingPaths, type Outcome } from '../../bench/outcome.js';

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

const varyingCases: [label: string, first: Outcome, second: Outcome, paths: string[]][] = [
  ['equal runs', { status: 'SUCCEEDED', output: { a: [1, 2] } }, { status: 'SUCCEEDED', output: { a: [1, 2] } }, []],
  [
    'an id deep in an array',
    { status: 'SUCCEEDED', output: { a: [{ id: 'x', k: 1 }] } },
    { status: 'SUCCEEDED', output: { a: [{ id: 'y', k: 1 }] } },
    ['/output/a/0/id'],
  ],
  ['arrays of other lengths', { status: 'SUCCEEDED', output: { a: [1] } }, { status: 'SUCCEEDED', output: { a: [1, 2] } }, ['/output/a']],
  ['a key only one run has', { status: 'SUCCEEDED', output: { a: 1 } }, { status: 'SUCCEEDED', output: { a: 1, b: 2 } }, ['/output/b']],
  ['a cause naming an execution', { status: 'FAILED', error: 'E', cause: 'run 1' }, { status: 'FAILED', error: 'E', cause: 'run 2' }, ['/cause']],
  ['different statuses: a real difference, nothing marked', { status: 'SUCCEEDED', output: 1 }, { status: 'FAILED', error: 'E', cause: null }, []],
];

for (const [label, first, second, paths] of varyingCases) {
  test(`values that vary between two runs: ${label}`, () => {
    const marked = markVarying(first, second);
    assert.equal(varyingPaths(marked), paths);
    assert.is(differenceBetween(marked, first), null);
    if (first.status === second.status) assert.is(differenceBetween(marked, second), null);
    else assert.is.not(differenceBetween(marked, second), null);
  });
}

test('a varying value matches anything, the values beside it still count', () => {
  assert.is(differenceBetween({ id: VARIES, n: 1 }, { id: { any: 'thing' }, n: 1 }), null);
  assert.is(differenceBetween({ id: VARIES, n: 1 }, { id: 'x', n: 2 }), '/n: expected 1, got 2');
});

test.run();
