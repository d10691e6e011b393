import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';
import * as fc from 'fast-check';
import { builtBound, compileTemplate, templateBound } from '../../src/compile/templates.js';
import { payloadBound } from '../../src/run/limits.js';
import { fuzzOptions } from '../reliability/support.js';

/**
 * The payload-limit checks skip walking a value when a size bound proves it fits. These
 * tests pin the bounds of templates and show that values built to pass the limit through
 * every bounded route (Parameters, ResultSelector, ItemSelector, Parallel branches) still
 * fail with States.DataLimitExceeded, and values just under it still pass.
 */
const bounds = suite('payload bounds');

const boundTable: [string, unknown, boolean, { fixed: number; reads: number } | null][] = [
  ['constants only', { a: 1, b: 'x' }, false, { fixed: '{"a":1,"b":"x"}'.length, reads: 0 }],
  ['one input path', { 'a.$': '$.x' }, false, { fixed: '{"a":null}'.length, reads: 1 }],
  ['the whole input twice', { 'a.$': '$', 'b.$': '$' }, false, { fixed: '{"a":null,"b":null}'.length, reads: 2 }],
  ['nested', { outer: { 'a.$': '$.x', list: [1, { 'b.$': '$.y' }] } }, false, { fixed: '{"outer":{"a":null,"list":[1,{"b":null}]}}'.length, reads: 2 }],
  ['an intrinsic call is unbounded', { 'a.$': 'States.Format(\'{}\', $.x)' }, false, null],
  ['a context path is unbounded', { 'a.$': '$$.Execution.Input' }, false, null],
  ['a variable is unbounded', { 'a.$': '$total' }, false, null],
  ['a deep scan can repeat values', { 'a.$': '$..x' }, false, null],
  ['a union can repeat values', { 'a.$': '$.x[0,0,0]' }, false, null],
  ['the Map item outside an ItemSelector is unbounded', { 'a.$': '$$.Map.Item.Value' }, false, null],
  ['the Map item in an ItemSelector is a read', { 'a.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' }, true, { fixed: '{"a":null,"i":null}'.length + 24, reads: 1 }],
  ['non-ASCII keys count in UTF-8 bytes', { 'é.$': '$' }, false, { fixed: Buffer.byteLength('{"é":null}'), reads: 1 }],
];

for (const [name, template, inSelector, expected] of boundTable) {
  bounds(`templateBound: ${name}`, () => {
    assert.equal(templateBound(template, inSelector), expected);
  });
}

bounds('builtBound: fixed plus reads times the document bound; constants need no document', () => {
  assert.is(builtBound({ fixed: 10, reads: 2 }, 100), 210);
  assert.is(builtBound({ fixed: 10, reads: 0 }, Infinity), 10);
  assert.is(builtBound({ fixed: 10, reads: 1 }, Infinity), Infinity);
});

const LIMIT = 10_000;
const echo = (input: unknown) => input;
const handlers = { echo, big: () => ({ x: 'x'.repeat(LIMIT * 0.6) }) };

function run(definition: unknown, input: unknown) {
  return compile(definition, { handlers, clock: virtualClock(0), limits: { payloadBytes: LIMIT } }).execute(input);
}
const single = (state: Record<string, unknown>) => ({ StartAt: 'S', States: { S: { ...state, End: true } } });
const half = { s: 'y'.repeat(LIMIT * 0.6) };
const small = { s: 'y'.repeat(LIMIT * 0.2) };

const limitTable: [string, unknown, unknown, string | undefined][] = [
  ['Parameters copying the input twice: over', single({ Type: 'Task', Resource: 'echo', Parameters: { 'a.$': '$', 'b.$': '$' } }), half, 'States.DataLimitExceeded'],
  ['Parameters copying the input twice: under', single({ Type: 'Task', Resource: 'echo', Parameters: { 'a.$': '$', 'b.$': '$' } }), small, undefined],
  [
    'ResultSelector copying the result twice: over',
    single({ Type: 'Task', Resource: 'big', ResultSelector: { 'a.$': '$.x', 'b.$': '$.x' } }),
    {},
    'States.DataLimitExceeded',
  ],
  [
    'ResultSelector output added to a large input: over',
    single({ Type: 'Task', Resource: 'big', ResultSelector: { 'a.$': '$.x' }, ResultPath: '$.r' }),
    half,
    'States.DataLimitExceeded',
  ],
  [
    'ItemSelector copying the item twice into a Task input: over',
    single({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'a.$': '$$.Map.Item.Value', 'b.$': '$$.Map.Item.Value' },
      ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', Parameters: { 'v.$': '$' }, End: true } } },
    }),
    { items: [half] },
    'States.DataLimitExceeded',
  ],
  [
    'ItemSelector copying the item twice: under',
    single({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'a.$': '$$.Map.Item.Value', 'b.$': '$$.Map.Item.Value' },
      ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', Parameters: { 'v.$': '$' }, End: true } } },
      ResultPath: null,
    }),
    { items: [small] },
    undefined,
  ],
  [
    'Parallel branch doubling its input: over',
    single({
      Type: 'Parallel',
      ResultPath: null,
      Branches: [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', Parameters: { 'a.$': '$', 'b.$': '$' }, End: true } } }],
    }),
    half,
    'States.DataLimitExceeded',
  ],
];

for (const [name, definition, input, error] of limitTable) {
  bounds(`payload limit: ${name}`, async () => {
    const result = await run(definition, input);
    assert.is(result.error, error, result.cause ?? '');
    assert.is(result.status, error === undefined ? 'SUCCEEDED' : 'FAILED');
  });
}

/** Every definite path into a value: `$`, `$['k']…`, `$[i]…`. */
function pathsInto(value: unknown, at = '$', found: string[] = []): string[] {
  found.push(at);
  if (Array.isArray(value)) value.forEach((item, i) => pathsInto(item, `${at}[${i}]`, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pathsInto(item, `${at}['${key.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`, found);
  }
  return found;
}

const anyText = fc.string({ unit: 'binary', maxLength: 12 });
const jsonDocument = fc.dictionary(
  anyText,
  fc.jsonValue({ maxDepth: 3 }).chain((v) => fc.oneof(fc.constant(v), anyText, fc.constant([v, '😀\u0001"']))),
  { maxKeys: 5 },
);

bounds('property: what a template builds never exceeds its bound over the document bound', () => {
  fc.assert(
    fc.property(jsonDocument, fc.array(fc.tuple(anyText, fc.nat(), fc.boolean()), { maxLength: 5 }), fc.nat(400), (document, picks, limit) => {
      const paths = pathsInto(document);
      const template: Record<string, unknown> = {};
      picks.forEach(([key, index, nested], i) => {
        const entry = { [`${key}${i}.$`]: paths[index % paths.length]! };
        template[`k${i}`] = nested ? { inner: entry, constant: key } : entry;
      });
      const bound = templateBound(template);
      if (bound === null) return true;
      const built = compileTemplate(template)(document, {} as never);
      const size = Buffer.byteLength(JSON.stringify(built), 'utf8');
      const documentBound = payloadBound(document, limit);
      // Past the limit the document's bound is only "over the limit"; below it, it bounds the document.
      return documentBound > limit || builtBound(bound, documentBound) >= size;
    }),
    fuzzOptions(500),
  );
});

bounds('payloadBound: an object of leaves (counted without the walk) gets the walk\'s bound; past the limit, its exact size', () => {
  // 2 braces + per key 6 × length + 4, + 6 × length + 2 per string, 24 per number or literal.
  assert.is(payloadBound({ a: 'xy', b: 1, c: null }, 1000), 2 + (10 + 14) + (10 + 24) + (10 + 24));
  assert.is(payloadBound({ a: { b: 1 } }, 1000), 2 + 10 + 2 + 10 + 24);
  assert.is(payloadBound({ a: 'x'.repeat(100) }, 50), Buffer.byteLength(JSON.stringify({ a: 'x'.repeat(100) })));
});

bounds('payloadBound: never below the JSON size, and past the limit exactly when the JSON is, at any nesting (recursive walk and stack walk)', () => {
  const deep = (n: number): unknown => (n === 0 ? 'leaf' : { d: [deep(n - 1)] });
  const values = [[], {}, [1, 'ab', [null]], { a: [{ b: [] }, 'é"\\'], c: true }, deep(5), deep(40), Array.from({ length: 500 }, (_, i) => ({ i, s: 'x'.repeat(i % 7) }))];
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.constantFrom(...values)), fc.integer({ min: 0, max: 4000 }), (value, limit) => {
      const exact = Buffer.byteLength(JSON.stringify(value), 'utf8');
      assert.ok(payloadBound(value, 1e12) >= exact);
      const bound = payloadBound(value, limit);
      assert.is(bound > limit, exact > limit, `limit ${limit}, exact ${exact}, bound ${bound}`);
    }),
    { numRuns: 500 },
  );
});

bounds.run();
