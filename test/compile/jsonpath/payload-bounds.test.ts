import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../../src/index.js';
import * as fc from 'fast-check';
import { builtBound, compileTemplate, templateBound } from '../../../src/compile/jsonpath/templates.js';
import { jsonByteLength, payloadBound, textBound } from '../../../src/run/limits.js';
import { VariableRead, VariableScope } from '../../../src/run/variables.js';
import { fuzzOptions } from '../../reliability/support.js';

/**
 * The payload-limit checks skip walking a value when a size bound proves it fits. These
 * tests pin the bounds of templates and show that values built to pass the limit through
 * every bounded route (Parameters, ResultSelector, ItemSelector, Parallel branches) still
 * fail with States.DataLimitExceeded, and values just under it still pass.
 */
const bounds = suite('payload bounds');

const boundTable: [string, unknown, boolean, { fixed: number; reads: number; variables: string[] } | null][] = [
  ['constants only', { a: 1, b: 'x' }, false, { fixed: '{"a":1,"b":"x"}'.length, reads: 0, variables: [] }],
  ['one input path', { 'a.$': '$.x' }, false, { fixed: '{"a":null}'.length, reads: 1, variables: [] }],
  ['the whole input twice', { 'a.$': '$', 'b.$': '$' }, false, { fixed: '{"a":null,"b":null}'.length, reads: 2, variables: [] }],
  [
    'nested',
    { outer: { 'a.$': '$.x', list: [1, { 'b.$': '$.y' }] } },
    false,
    { fixed: '{"outer":{"a":null,"list":[1,{"b":null}]}}'.length, reads: 2, variables: [] },
  ],
  ['an intrinsic call is unbounded', { 'a.$': "States.Format('{}', $.x)" }, false, null],
  ['a context path is unbounded', { 'a.$': '$$.Execution.Input' }, false, null],
  [
    'variables and definite paths under them: one read each, bounded by the size their scope keeps',
    { 'a.$': '$total', 'b.$': '$order.lines[0].sku', 'c.$': '$total' },
    false,
    { fixed: '{"a":null,"b":null,"c":null}'.length, reads: 0, variables: ['total', 'order', 'total'] },
  ],
  ['a deep scan of a variable is unbounded', { 'a.$': '$order..sku' }, false, null],
  ['a deep scan can repeat values', { 'a.$': '$..x' }, false, null],
  ['a union can repeat values', { 'a.$': '$.x[0,0,0]' }, false, null],
  ['the Map item outside an ItemSelector is unbounded', { 'a.$': '$$.Map.Item.Value' }, false, null],
  [
    'the Map item in an ItemSelector is a read',
    { 'a.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' },
    true,
    { fixed: '{"a":null,"i":null}'.length + 24, reads: 1, variables: [] },
  ],
  ['non-ASCII keys count in UTF-8 bytes', { 'é.$': '$' }, false, { fixed: Buffer.byteLength('{"é":null}'), reads: 1, variables: [] }],
];

for (const [name, template, inSelector, expected] of boundTable) {
  bounds(`templateBound: ${name}`, () => {
    const bound = templateBound(template, inSelector);
    assert.equal(bound === null ? null : { fixed: bound.fixed, reads: bound.reads, variables: bound.variables.map((read) => read.name) }, expected);
  });
}

bounds('builtBound: fixed plus reads times the document bound plus the sizes kept for the variables read; constants need no document', () => {
  assert.is(builtBound({ fixed: 10, reads: 2, variables: [] }, 100, null), 210);
  assert.is(builtBound({ fixed: 10, reads: 0, variables: [] }, Infinity, null), 10);
  assert.is(builtBound({ fixed: 10, reads: 1, variables: [] }, Infinity, null), Infinity);
  const outer = new VariableScope(null);
  outer.set('a', 'x', 30);
  const inner = new VariableScope(outer);
  inner.set('b', 1, 1);
  const reads = ['a', 'b', 'a'].map((name) => new VariableRead(name));
  assert.is(builtBound({ fixed: 10, reads: 1, variables: reads }, 100, inner), 10 + 100 + 30 + 1 + 30);
  // A variable no scope holds has no size: no bound.
  assert.is(builtBound({ fixed: 10, reads: 0, variables: [new VariableRead('c')] }, 100, inner), Infinity);
});

const LIMIT = 10_000;
const echo = (input: unknown) => input;
const handlers = {
  echo,
  later: async (input: unknown) => input,
  fail: () => {
    throw Object.assign(new Error('m'.repeat(LIMIT * 0.3)), { name: 'Boom' });
  },
  big: () => ({ x: 'x'.repeat(LIMIT * 0.6) }),
};

function run(definition: unknown, input: unknown) {
  return compile(definition, { handlers, clock: virtualClock(0), limits: { payloadBytes: LIMIT } }).execute(input);
}
const single = (state: Record<string, unknown>) => ({ StartAt: 'S', States: { S: { ...state, End: true } } });
const half = { s: 'y'.repeat(LIMIT * 0.6) };
const small = { s: 'y'.repeat(LIMIT * 0.2) };
const third = { s: 'y'.repeat(LIMIT * 0.35) };
/** A Parallel whose branch i runs `branches[i](i)` alone: their outputs' bounds add up to the result's. */
type Branch = (i: number) => Record<string, unknown>;
const parallelOf = (branches: Branch[], fields: Record<string, unknown>) =>
  single({ Type: 'Parallel', ...fields, Branches: branches.map((branch, i) => ({ StartAt: `B${i}`, States: { [`B${i}`]: { ...branch(i), End: true } } })) });
const passBranch: Branch = () => ({ Type: 'Pass' });
const laterBranch: Branch = () => ({ Type: 'Task', Resource: 'later' });
/** A failing Task whose Catch puts the error beside the input, in a Parallel of its own (so the branch's last state grows it). */
const caughtBranch: Branch = (i) => ({
  Type: 'Parallel',
  OutputPath: '$[0]',
  Branches: [
    {
      StartAt: `F${i}`,
      States: {
        [`F${i}`]: { Type: 'Task', Resource: 'fail', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `Done${i}` }], End: true },
        [`Done${i}`]: { Type: 'Succeed' },
      },
    },
  ],
});

/** An ItemSelector giving each iteration its item twice. */
const doubled = { 'a.$': '$$.Map.Item.Value', 'b.$': '$$.Map.Item.Value' };
/** A Map over `$.items` whose iteration is `state` alone. */
const mapOf = (state: Record<string, unknown>, fields: Record<string, unknown>) =>
  single({ Type: 'Map', ItemsPath: '$.items', ...fields, ItemProcessor: { StartAt: 'I', States: { I: { ...state, End: true } } } });

const limitTable: [string, unknown, unknown, string | undefined][] = [
  [
    'Parameters copying the input twice: over',
    single({ Type: 'Task', Resource: 'echo', Parameters: { 'a.$': '$', 'b.$': '$' } }),
    half,
    'States.DataLimitExceeded',
  ],
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
  ['Pass Parameters copying the input twice: over', single({ Type: 'Pass', Parameters: { 'a.$': '$', 'b.$': '$' } }), half, 'States.DataLimitExceeded'],
  ['Pass Parameters copying the input twice: under', single({ Type: 'Pass', Parameters: { 'a.$': '$', 'b.$': '$' } }), small, undefined],
  [
    'Pass Parameters after InputPath, beside the input: over',
    single({ Type: 'Pass', InputPath: '$.s', Parameters: { 'a.$': '$' }, ResultPath: '$.copy' }),
    half,
    'States.DataLimitExceeded',
  ],
  ['Pass Result beside the input: over', single({ Type: 'Pass', Result: { r: 'z'.repeat(LIMIT * 0.5) }, ResultPath: '$.r' }), half, 'States.DataLimitExceeded'],
  ['Pass Result beside the input: under', single({ Type: 'Pass', Result: { r: 'z'.repeat(LIMIT * 0.5) }, ResultPath: '$.r' }), small, undefined],
  [
    'Parallel result beside its input: over',
    single({ Type: 'Parallel', ResultPath: '$.outputs', Branches: [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', End: true } } }] }),
    half,
    'States.DataLimitExceeded',
  ],
  [
    'Parallel result beside its input: under',
    single({ Type: 'Parallel', ResultPath: '$.outputs', Branches: [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', End: true } } }] }),
    small,
    undefined,
  ],
  [
    'Parallel ResultSelector copying its result twice: over',
    single({
      Type: 'Parallel',
      ResultSelector: { 'a.$': '$[0]', 'b.$': '$[0]' },
      Branches: [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'big', End: true } } }],
    }),
    small,
    'States.DataLimitExceeded',
  ],
  // The branches' output bounds, added, stand for the Parallel's result: each route must still refuse an output over the limit.
  ['Parallel of two branches beside its input: over', parallelOf([passBranch, passBranch], { ResultPath: '$.r' }), third, 'States.DataLimitExceeded'],
  ['Parallel of two branches beside its input: under', parallelOf([passBranch, passBranch], { ResultPath: '$.r' }), small, undefined],
  ['Parallel of three branches: over', parallelOf([passBranch, passBranch, passBranch], {}), third, 'States.DataLimitExceeded'],
  ['Parallel of three branches: under', parallelOf([passBranch, passBranch, passBranch], {}), small, undefined],
  ['Parallel of asynchronous branches beside its input: over', parallelOf([laterBranch, passBranch], { ResultPath: '$.r' }), third, 'States.DataLimitExceeded'],
  ['Parallel of asynchronous branches beside its input: under', parallelOf([laterBranch, laterBranch], { ResultPath: '$.r' }), small, undefined],
  [
    'Parallel ResultSelector copying two branches twice: over',
    parallelOf([passBranch, passBranch], { ResultSelector: { 'a.$': '$', 'b.$': '$[0]' } }),
    third,
    'States.DataLimitExceeded',
  ],
  ['Parallel ResultSelector copying one branch: under', parallelOf([passBranch, passBranch], { ResultSelector: { 'a.$': '$[0]' } }), third, undefined],
  ['Parallel of branches whose Catch adds the error: over', parallelOf([caughtBranch, caughtBranch], { ResultPath: '$.r' }), small, 'States.DataLimitExceeded'],
  ['Parallel of a branch whose Catch adds the error: under', parallelOf([caughtBranch], { ResultPath: '$.r' }), small, undefined],
  // A Map's iterations that end synchronously hand their outputs' bounds, added, to its result check; a ResultPath `$` bounds the output by the result alone.
  ['Map of iterations returning large results: over', mapOf({ Type: 'Task', Resource: 'big' }, {}), { items: [1, 2] }, 'States.DataLimitExceeded'],
  ['Map of iterations returning large results: under', mapOf({ Type: 'Task', Resource: 'big' }, {}), { items: [1] }, undefined],
  [
    'Map of iterations whose selected results are beside their inputs: over',
    mapOf({ Type: 'Task', Resource: 'big', ResultSelector: { 'a.$': '$.x' }, ResultPath: '$.r' }, {}),
    { items: [{}, {}] },
    'States.DataLimitExceeded',
  ],
  [
    'Map of iterations passing on their items doubled: over',
    mapOf({ Type: 'Pass' }, { ItemSelector: doubled }),
    { items: [third, small] },
    'States.DataLimitExceeded',
  ],
  ['Map of iterations passing on their items doubled: under', mapOf({ Type: 'Pass' }, { ItemSelector: doubled }), { items: [small, small] }, undefined],
  [
    'Map of tolerated failures whose error outputs add up: over',
    mapOf({ Type: 'Task', Resource: 'fail' }, { ToleratedFailurePercentage: 100 }),
    { items: [1, 2, 3, 4] },
    'States.DataLimitExceeded',
  ],
  [
    'Map of asynchronous iterations returning their items doubled: over',
    mapOf({ Type: 'Task', Resource: 'later' }, { ItemSelector: doubled }),
    { items: [third, small] },
    'States.DataLimitExceeded',
  ],
  ['Map of asynchronous iterations: under', mapOf({ Type: 'Task', Resource: 'later' }, {}), { items: [small, small] }, undefined],
  ['Task result replacing a large input: under', single({ Type: 'Task', Resource: 'big' }), half, undefined],
  [
    'Task result replacing a large input, then copied twice: over',
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'big', Next: 'P' }, P: { Type: 'Pass', Parameters: { 'a.$': '$', 'b.$': '$' }, End: true } } },
    small,
    'States.DataLimitExceeded',
  ],
  [
    'Task result selected by OutputPath, then copied twice: over',
    {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'big', OutputPath: '$.x', Next: 'P' }, P: { Type: 'Pass', Parameters: { 'a.$': '$', 'b.$': '$' }, End: true } },
    },
    small,
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
      return documentBound > limit || builtBound(bound, documentBound, null) >= size;
    }),
    fuzzOptions(500),
  );
});

bounds('payloadBound: the longest numbers JavaScript writes (25 characters) are within the bound', () => {
  for (const n of [-0.0000013239486199772232, -1.2345678901234567e-123, -123456789012345680000]) {
    const written = JSON.stringify(n).length;
    assert.ok(payloadBound(n, 1000) >= written, `${n}: bound ${payloadBound(n, 1000)} < ${written}`);
    assert.ok(payloadBound([n], 1000) >= written + 2);
    assert.ok(payloadBound({ n }, 1000) >= written + 6);
  }
});

// Texts whose value takes more bytes written again than the text has characters: numbers
// written out, lone surrogates escaped, characters taking 3 UTF-8 bytes.
const growingTexts: [string, string][] = [
  ['a number written out (1e20 → 21 digits)', '1e20'],
  ['numbers in an array', '[1e20,9e20,1e9,1e21]'],
  ['a lone surrogate in a string (1 unit → \\ud800)', '"\ud800"'],
  ['an escaped lone surrogate', '"\\udbff"'],
  ['3-byte characters', '"€€€"'],
  ['an emoji (2 units → 4 bytes)', '{"😀":"😀"}'],
  ['escapes that shrink', '"\\u00e9\\/\\n"'],
  ['white space and a repeated key', '{ "a" : 1 , "a" : [ 1e5 ] }'],
];

for (const [name, text] of growingTexts) {
  bounds(`textBound: ${name}`, () => {
    const written = jsonByteLength(JSON.parse(text), Infinity);
    assert.ok(written <= textBound(text), `${written} bytes written > bound ${textBound(text)}`);
  });
}

bounds('textBound: every number token of up to 5 characters is written in at most 6 bytes per character', () => {
  const alphabet = '0123456789-+.eE';
  let checked = 0;
  const visit = (token: string): void => {
    if (token.length > 0) {
      let value: unknown;
      try {
        value = JSON.parse(token);
      } catch {
        value = undefined;
      }
      if (value !== undefined) {
        checked++;
        assert.ok(jsonByteLength(value, Infinity) <= textBound(token), token);
      }
    }
    if (token.length < 5) for (const c of alphabet) visit(token + c);
  };
  visit('');
  assert.ok(checked > 10_000);
});

bounds('textBound: any JSON text bounds the size of its value written again', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
      const text = JSON.stringify(value, null, spaced ? 1 : undefined);
      return jsonByteLength(JSON.parse(text), Infinity) <= textBound(text);
    }),
    fuzzOptions(500),
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const text = JSON.stringify(s);
      return jsonByteLength(JSON.parse(text), Infinity) <= textBound(text);
    }),
    fuzzOptions(500),
  );
});

// run() with the input's text skips the walk only when the text proves the input fits:
// around the limit the outcome is the same as without it.
const limitCases: [string, string, number][] = [
  ['a text within the bound', '{"a":"xyz"}', 66],
  ['a short text whose value is over the limit (1e20 written out)', '[1e20,1e20]', 43],
  ['the same value just within the limit', '[1e20,1e20]', 45],
  ['a lone surrogate over the limit', '"\ud800\ud800"', 13],
  ['a lone surrogate just within the limit', '"\ud800\ud800"', 14],
  ['white space over the bound, value within the limit', '[   1   ]', 3],
  ['value one byte over the limit', '"abcd"', 5],
];

for (const [name, text, limit] of limitCases) {
  bounds(`run() with inputText agrees with run() without it: ${name}`, () => {
    const machine = compile({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, { clock: virtualClock(), limits: { payloadBytes: limit } });
    const value = JSON.parse(text);
    const without = machine.run(value) as { status: string; error: string | null };
    const withText = machine.run(value, { inputText: text }) as { status: string; error: string | null };
    assert.is(withText.status, without.status);
    assert.is(withText.error, without.error);
    assert.is(without.status, jsonByteLength(value, Infinity) <= limit ? 'SUCCEEDED' : 'FAILED');
  });
}

bounds("payloadBound: an object of leaves (counted without the walk) gets the walk's bound; past the limit, its exact size", () => {
  // 2 braces + per key 6 × length + 4, + 6 × length + 2 per string, 25 per number or literal.
  assert.is(payloadBound({ a: 'xy', b: 1, c: null }, 1000), 2 + (10 + 14) + (10 + 25) + (10 + 25));
  assert.is(payloadBound({ a: { b: 1 } }, 1000), 2 + 10 + 2 + 10 + 25);
  assert.is(payloadBound({ a: 'x'.repeat(100) }, 50), Buffer.byteLength(JSON.stringify({ a: 'x'.repeat(100) })));
});

bounds('payloadBound: never below the JSON size, and past the limit exactly when the JSON is, at any nesting (recursive walk and stack walk)', () => {
  const deep = (n: number): unknown => (n === 0 ? 'leaf' : { d: [deep(n - 1)] });
  const values = [
    [],
    {},
    [1, 'ab', [null]],
    { a: [{ b: [] }, 'é"\\'], c: true },
    deep(5),
    deep(40),
    Array.from({ length: 500 }, (_, i) => ({ i, s: 'x'.repeat(i % 7) })),
  ];
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
