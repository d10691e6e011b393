import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Handlers } from '../../src/index.js';
import { cyclePointer } from '../../src/run/cycles.js';

/**
 * What an embedding caller passes in code and what handlers answer, beyond well-formed JSON:
 * each settles once, as what AWS would make of it or with an error that says what and where.
 */
const hostile = suite('hostile values in code');

const task = (extra: Record<string, unknown> = {}) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', End: true, ...extra } } });
const machine = (definition: unknown, handlers: Handlers) => compile(definition, { handlers, clock: virtualClock(0) });

function cyclic(): Record<string, unknown> {
  const inner: Record<string, unknown> = { n: 1 };
  const outer = { 'a/b': { 'c~d': inner } };
  inner.back = outer;
  return outer;
}

function chain(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let at = root;
  for (let i = 0; i < depth; i++) at = (at.a = {}) as Record<string, unknown>;
  at.self = root;
  return root;
}

/** A value every level of which holds the next one twice: 2^40 paths, 41 objects. */
function shared(levels: number): unknown {
  let value: unknown = 'x'.repeat(300_000);
  for (let i = 0; i < levels; i++) value = [value, value];
  return value;
}

const inputs: [label: string, input: () => unknown, error: string, cause: RegExp][] = [
  [
    'a cycle',
    cyclic,
    'States.Runtime',
    /^The execution input is not JSON: the value at \/a~1b\/c~0d\/back refers to an object that contains it \(a cycle\)\.$/,
  ],
  [
    'an array holding itself',
    () => {
      const a: unknown[] = [1];
      a.push(a);
      return a;
    },
    'States.Runtime',
    /the value at \/1 refers to an object that contains it/,
  ],
  ['a cycle 100,000 levels down', () => chain(100_000), 'States.Runtime', /not JSON: the value at \/a\/a\/.*….*a\/self refers/],
  ['a value over the limit that shares (no cycle)', () => shared(40), 'States.DataLimitExceeded', /exceeds the maximum of 262144 bytes/],
];

for (const [label, input, error, cause] of inputs) {
  hostile(`an execution input that is ${label} fails as ${error}, saying where`, async () => {
    const r = await machine(task(), { h: (x: unknown) => x }).execute(input());
    assert.is(r.status, 'FAILED');
    assert.is(r.error, error);
    assert.match(r.cause!, cause);
  });
}

const results: [label: string, handler: () => unknown, error: string, cause: RegExp][] = [
  [
    'a cycle',
    cyclic,
    'States.Runtime',
    /^The state\/task 'T' returned a result that is not JSON: the value at \/a~1b\/c~0d\/back refers to an object that contains it \(a cycle\)\.$/,
  ],
  ['a promise of a cycle', async () => cyclic(), 'States.Runtime', /returned a result that is not JSON: the value at \/a~1b\/c~0d\/back refers/],
  [
    'an object whose getter throws',
    () => ({
      get broken() {
        throw new Error('getter says no');
      },
    }),
    'States.Runtime',
    /^The state\/task 'T' returned a result that could not be read: getter says no$/,
  ],
  ['a value over the limit that shares (no cycle)', () => shared(40), 'States.DataLimitExceeded', /returned a result with a size exceeding/],
];

for (const [label, handler, error, cause] of results) {
  hostile(`a handler result that is ${label} fails the task as ${error}, saying where`, async () => {
    const r = await machine(task(), { h: handler }).execute({});
    assert.is(r.status, 'FAILED');
    assert.is(r.error, error);
    assert.match(r.cause!, cause);
  });
}

/** A handler that returns nothing answers null, as a Lambda function's runtime sends `null`. */
const nothing: [label: string, definition: unknown, handler: () => unknown, output: unknown][] = [
  ['as the output', task(), () => undefined, null],
  ['under a ResultPath', task({ ResultPath: '$.r' }), () => undefined, { in: 1, r: null }],
  ['from a promise, under a ResultPath', task({ ResultPath: '$.r' }), async () => undefined, { in: 1, r: null }],
  ['with TimeoutSeconds', task({ ResultPath: '$.r', TimeoutSeconds: 5 }), () => undefined, { in: 1, r: null }],
  ['from a promise with TimeoutSeconds', task({ ResultPath: '$.r', TimeoutSeconds: 5 }), async () => undefined, { in: 1, r: null }],
  [
    'through lambda:invoke (the Payload)',
    {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'h', 'Payload.$': '$' },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    },
    () => undefined,
    null,
  ],
];

for (const [label, definition, handler, output] of nothing) {
  hostile(`a handler that returns nothing answers null ${label}`, async () => {
    const r = await machine(definition, { h: handler }).execute({ in: 1 });
    assert.is(r.status, 'SUCCEEDED', String(r.cause));
    assert.equal(r.output, output);
  });
}

hostile('cyclePointer finds no cycle in shared values and reads nothing twice', () => {
  assert.is(cyclePointer(shared(60)), null);
  assert.is(cyclePointer({ a: [1, { b: null }], c: 'x' }), null);
  assert.is(cyclePointer('text'), null);
});

hostile.run();
