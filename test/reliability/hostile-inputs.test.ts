import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, DefinitionError, realClock, virtualClock, type Handlers, type Limits } from '../../src/index.js';
import { compileWildcard } from '../../src/compile/jsonpath/choice-rules.js';
import { jsonByteLength } from '../../src/run/limits.js';
import {
  assertPrototypesUnchanged,
  executeSettled,
  fuzzOptions,
  isPlainJson,
  json,
  nestedArrays,
  nestedObjects,
  prototypeKeys,
  snapshotPrototypes,
} from './support.js';

/**
 * Hostile inputs and definitions: prototype keys everywhere a key or a path segment can go,
 * inputs nested tens of thousands of levels deep, values at and past AWS's size limits, and
 * StringMatches patterns built to make a backtracking matcher explode.
 */
const hostile = suite('hostile inputs');

async function run(definition: unknown, input: unknown, handlers: Handlers = {}, limits: Partial<Limits> = {}) {
  const machine = compile(definition, { handlers, clock: virtualClock(0), limits });
  return executeSettled(machine, input, JSON.stringify(definition).slice(0, 200));
}

const pass = (state: Record<string, unknown>) => ({ StartAt: 'S', States: { S: { Type: 'Pass', End: true, ...state } } });

/** An object whose own keys are the prototype keys, as JSON.parse builds it. */
const pollutingInput = () =>
  json<Record<string, unknown>>(
    '{"__proto__": {"polluted": "proto"}, "constructor": {"prototype": {"polluted": "ctor"}}, "prototype": {"polluted": "prototype"}, "a": {"__proto__": {"polluted": "nested"}}}',
  );

function assertNotPolluted(): void {
  const probe: Record<string, unknown> = {};
  assert.is(probe.polluted, undefined, 'Object.prototype gained a property');
  assert.is(([] as unknown as Record<string, unknown>).polluted, undefined, 'Array.prototype gained a property');
}

/** Every object in a value has Object.prototype or Array.prototype as its prototype. */
function assertPlainOutput(value: unknown): void {
  assert.ok(isPlainJson(value), `not plain JSON: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Prototype keys

hostile('inputs with prototype keys pass through every state type unchanged', async () => {
  const before = snapshotPrototypes();
  const echo: Handlers = { echo: (x: unknown) => x, later: async (x: unknown) => x };
  const definitions = [
    pass({}),
    pass({ Parameters: { 'copy.$': '$' }, OutputPath: '$.copy' }),
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', Next: 'U' }, U: { Type: 'Task', Resource: 'later', End: true } } },
    {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }], OutputPath: '$[0]', End: true } },
    },
    {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }, ResultPath: '$.items', End: true },
      },
    },
    { QueryLanguage: 'JSONata', StartAt: 'J', States: { J: { Type: 'Pass', Output: '{% $states.input %}', End: true } } },
  ];
  for (const definition of definitions) {
    // Spreading copies own keys as data properties, `__proto__` included.
    const input = { ...pollutingInput(), items: [pollutingInput()] };
    assert.ok(Object.prototype.hasOwnProperty.call(input, '__proto__'));
    const result = await run(definition, input, echo);
    assert.is(result.status, 'SUCCEEDED', JSON.stringify(definition));
    assert.is(JSON.stringify(result.output), JSON.stringify(input), JSON.stringify(definition));
    assertPlainOutput(result.output);
  }
  assertNotPolluted();
  assertPrototypesUnchanged(before);
});

hostile('path segments naming prototype keys read only own properties', async () => {
  const cases: [string, unknown, 'SUCCEEDED' | 'FAILED', unknown][] = [
    ['$.__proto__', pollutingInput(), 'SUCCEEDED', { polluted: 'proto' }],
    ["$['__proto__'].polluted", pollutingInput(), 'SUCCEEDED', 'proto'],
    ['$.constructor.prototype', pollutingInput(), 'SUCCEEDED', { polluted: 'ctor' }],
    ['$.__proto__', { a: 1 }, 'FAILED', undefined],
    ['$.constructor', { a: 1 }, 'FAILED', undefined],
    ['$.constructor.prototype', { a: 1 }, 'FAILED', undefined],
    ["$['toString']", { a: 1 }, 'FAILED', undefined],
    ['$.hasOwnProperty', { a: 1 }, 'FAILED', undefined],
    ['$.length', [1, 2, 3], 'FAILED', undefined],
    ['$.a.length', { a: 'text' }, 'FAILED', undefined],
    ['$.a.constructor', { a: [1] }, 'FAILED', undefined],
    ['$$.constructor', {}, 'FAILED', undefined],
    ['$$.Execution.__proto__', {}, 'FAILED', undefined],
    ['$..constructor', { a: { b: 1 } }, 'SUCCEEDED', []],
    ['$..__proto__', { a: { b: 1 } }, 'SUCCEEDED', []],
    ['$.a[?(@.constructor)]', { a: [{ b: 1 }] }, 'SUCCEEDED', []],
  ];
  for (const [path, input, status, output] of cases) {
    for (const definition of [pass({ InputPath: path }), pass({ Parameters: { 'v.$': path }, OutputPath: '$.v' })]) {
      const result = await run(definition, input);
      assert.is(result.status, status, `${path} over ${JSON.stringify(input)}: ${result.cause}`);
      if (status === 'SUCCEEDED') assert.equal(result.output, output, path);
      else assert.is(result.error, 'States.Runtime', path);
    }
  }
  assertNotPolluted();
});

hostile('a Choice rule never finds an inherited property present', async () => {
  const definition = {
    StartAt: 'C',
    States: {
      C: {
        Type: 'Choice',
        Choices: prototypeKeys.map((name) => ({ Variable: `$['${name}']`, IsPresent: true, Next: 'Found' })),
        Default: 'Absent',
      },
      Found: { Type: 'Fail', Error: 'Found' },
      Absent: { Type: 'Succeed' },
    },
  };
  const result = await run(definition, { a: 1 });
  assert.is(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);
});

hostile('Parameters templates with prototype keys build own keys, constant or dynamic', async () => {
  const definition = pass({
    Parameters: json(`{
      "__proto__": { "polluted": "constant" },
      "constructor": { "prototype": { "polluted": "constant" } },
      "nested": { "__proto__.$": "$.value", "prototype.$": "$.value" },
      "list": [{ "__proto__": 1 }],
      "call.$": "States.JsonMerge($.left, $.right, false)",
      "parsed.$": "States.StringToJson($.text)"
    }`),
  });
  const input = {
    value: { polluted: 'dynamic' },
    left: { a: 1 },
    right: json('{"__proto__": {"polluted": "merged"}}'),
    text: '{"__proto__": {"polluted": "parsed"}}',
  };
  const result = await run(definition, input);
  assert.is(result.status, 'SUCCEEDED', result.cause ?? '');
  assert.is(
    JSON.stringify(result.output),
    JSON.stringify(
      json(`{
        "__proto__": { "polluted": "constant" },
        "constructor": { "prototype": { "polluted": "constant" } },
        "nested": { "__proto__": { "polluted": "dynamic" }, "prototype": { "polluted": "dynamic" } },
        "list": [{ "__proto__": 1 }],
        "call": { "a": 1, "__proto__": { "polluted": "merged" } },
        "parsed": { "__proto__": { "polluted": "parsed" } }
      }`),
    ),
  );
  assertPlainOutput(result.output);
  assertNotPolluted();
});

hostile('ResultPath and Catch ResultPath targets naming prototype keys create own keys', async () => {
  const targets = [
    '$.__proto__',
    '$.__proto__.polluted',
    "$['__proto__']['polluted']",
    '$.constructor.prototype.polluted',
    '$.prototype',
    '$.a.__proto__.polluted',
  ];
  for (const target of targets) {
    const result = await run(pass({ Result: 'written', ResultPath: target }), { a: { b: 1 } });
    assert.is(result.status, 'SUCCEEDED', `${target}: ${result.cause}`);
    assertPlainOutput(result.output);
    const text = JSON.stringify(result.output);
    assert.ok(text.includes('"written"'), `${target} → ${text}`);
    const caught = await run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: target, Next: 'D' }],
            End: true,
          },
          D: { Type: 'Succeed' },
        },
      },
      { a: { b: 1 } },
    );
    assert.is(caught.status, 'SUCCEEDED', `${target}: ${caught.cause}`);
    assert.ok(JSON.stringify(caught.output).includes('"Error":"E"'), target);
    assertPlainOutput(caught.output);
  }
  assertNotPolluted();
});

hostile('Assign names that are prototype keys are ordinary variables, in JSONPath and JSONata', async () => {
  const jsonPath = json(`{
    "StartAt": "A",
    "States": {
      "A": { "Type": "Pass", "Assign": { "__proto__": { "polluted": "var" }, "constructor": 2, "prototype": 3, "toString.$": "$.a", "hasOwnProperty": 5 }, "Next": "B" },
      "B": { "Type": "Pass", "Parameters": { "p.$": "$__proto__", "c.$": "$constructor", "pr.$": "$prototype", "t.$": "$toString", "h.$": "$hasOwnProperty", "x.$": "$__proto__.polluted" }, "End": true }
    }
  }`);
  const a = await run(jsonPath, { a: 'A' });
  assert.is(a.status, 'SUCCEEDED', a.cause ?? '');
  assert.equal(a.output, { p: { polluted: 'var' }, c: 2, pr: 3, t: 'A', h: 5, x: 'var' });
  const jsonata = json(`{
    "QueryLanguage": "JSONata",
    "StartAt": "A",
    "States": {
      "A": { "Type": "Pass", "Assign": { "__proto__": { "polluted": "var" }, "constructor": "{% $states.input.a %}", "valueOf": 3 }, "Next": "B" },
      "B": { "Type": "Pass", "Output": { "p": "{% $__proto__ %}", "c": "{% $constructor %}", "v": "{% $valueOf %}" }, "End": true }
    }
  }`);
  const b = await run(jsonata, { a: 'A' });
  assert.is(b.status, 'SUCCEEDED', b.cause ?? '');
  assert.is(JSON.stringify(b.output), JSON.stringify({ p: { polluted: 'var' }, c: 'A', v: 3 }));
  assertNotPolluted();
});

hostile('a variable never assigned, named like an inherited property, is not found', async () => {
  for (const name of prototypeKeys) {
    const viaPath = await run(pass({ Parameters: { 'v.$': `$${name}` } }), {});
    assert.is(viaPath.status, 'FAILED', name);
    assert.is(viaPath.error, 'States.Runtime', name);
    const viaJsonata = await run({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: `{% $${name} %}`, End: true } } }, {});
    assert.is(viaJsonata.status, 'FAILED', name);
    assert.is(viaJsonata.error, 'States.QueryEvaluationError', name);
  }
});

hostile('JSONata reads own prototype keys of the input and never pollutes', async () => {
  const before = snapshotPrototypes();
  const expressions: [string, unknown][] = [
    ['$states.input.__proto__', { polluted: 'proto' }],
    ['$states.input.__proto__.polluted', 'proto'],
    ['$lookup($states.input, "constructor")', { prototype: { polluted: 'ctor' } }],
    ['$keys($states.input)', ['__proto__', 'constructor', 'prototype', 'a']],
    ['$states.input ~> | $ | {"polluted": "transform"} | ~> $keys()', ['__proto__', 'constructor', 'prototype', 'a', 'polluted']],
  ];
  for (const [expression, expected] of expressions) {
    const result = await run(
      { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } } },
      pollutingInput(),
    );
    assert.is(result.status, 'SUCCEEDED', `${expression}: ${result.cause}`);
    assert.is(JSON.stringify(result.output), JSON.stringify(expected), expression);
  }
  for (const expression of [
    '$merge([{}, {"__proto__": {"polluted": 1}}])',
    '{"__proto__": {"polluted": 1}}',
    '$sift($states.input, function($v){true})',
    '$states.input ~> | __proto__ | {"polluted": 1} |',
    '$spread($states.input)',
  ]) {
    const result = await run(
      { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } } },
      pollutingInput(),
    );
    if (result.status === 'SUCCEEDED') assertPlainOutput(result.output);
  }
  assertNotPolluted();
  assertPrototypesUnchanged(before);
});

hostile('a __proto__ key built by JSONata is kept', async () => {
  // AWS evaluates with a Java JSONata in which "__proto__" is an ordinary key. The jsonata
  // library assigns object keys with `obj[key] = value`, so the key would become the object's
  // prototype and vanish. statemill's direct evaluation and its own $merge, $sift, $spread and
  // $keys define the key instead; an object constructor left to the library refuses it.
  const input = json('{"__proto__": {"polluted": 1}}');
  const cases: [string, string][] = [
    ['{"__proto__": {"polluted": 1}}', '{"__proto__":{"polluted":1}}'],
    ['{$string("__proto__"): {"polluted": 1}}', '{"__proto__":{"polluted":1}}'],
    ['$merge([{}, {"__proto__": {"polluted": 1}}])', '{"__proto__":{"polluted":1}}'],
    ['$merge([{}, $states.input])', '{"__proto__":{"polluted":1}}'],
    ['$sift($states.input, function($v){true})', '{"__proto__":{"polluted":1}}'],
    ['$spread($states.input)', '{"__proto__":{"polluted":1}}'],
    ['$keys([$states.input, {"a": 1}])', '["__proto__","a"]'],
    ['$keys($filter([$states.input, {"a": 1}], function($v){true}))', '["__proto__","a"]'],
  ];
  for (const [expression, expected] of cases) {
    const result = await run({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } } }, input);
    assert.is(JSON.stringify(result.output), expected, `${expression}: ${result.cause}`);
    assertPlainOutput(result.output);
  }
  const refused = await run(
    { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: '{% {"__proto__": $map([1], function($v){$v})} %}', End: true } } },
    input,
  );
  assert.equal([refused.status, refused.error], ['FAILED', 'States.QueryEvaluationError']);
  assertNotPolluted();
});

// ---------------------------------------------------------------------------------------------
// Deeply nested inputs

const deepDefinitions: [string, unknown][] = [
  ['Pass', pass({})],
  ['InputPath', pass({ InputPath: '$[0]' })],
  ['deep scan', pass({ InputPath: '$..a' })],
  ['filter', pass({ InputPath: '$[?(@.a)]' })],
  ['ResultPath', pass({ Result: 1, ResultPath: '$.b' })],
  ['Parameters copy', pass({ Parameters: { 'x.$': '$', 'ctx.$': '$$.Execution.Input' } })],
  ['JsonToString', pass({ Parameters: { 'x.$': 'States.JsonToString($)' } })],
  ['Hash', pass({ Parameters: { 'x.$': "States.Hash($, 'SHA-256')" } })],
  ['Format', pass({ Parameters: { 'x.$': "States.Format('{}', $)" } })],
  ['ArrayContains', pass({ Parameters: { 'x.$': 'States.ArrayContains(States.Array($), $)' } })],
  ['ArrayUnique', pass({ Parameters: { 'x.$': 'States.ArrayUnique(States.Array($, $))' } })],
  ['JsonMerge', pass({ Parameters: { 'x.$': 'States.JsonMerge(States.StringToJson(\'{"k": 1}\'), $$.Execution, false)' } })],
  ['Assign', { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { 'v.$': '$' }, Next: 'B' }, B: { Type: 'Pass', Parameters: { 'x.$': '$v' }, End: true } } }],
  [
    'Choice',
    { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a.a', IsPresent: true, Next: 'E' }], Default: 'E' }, E: { Type: 'Succeed' } } },
  ],
  ['Task', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', Next: 'U' }, U: { Type: 'Task', Resource: 'later', End: true } } }],
  [
    'Map',
    {
      StartAt: 'M',
      States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
    },
  ],
  ['Parallel', { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'Q', States: { Q: { Type: 'Pass', End: true } } }], End: true } } }],
  ['JSONata input', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: '{% $states.input %}', End: true } } }],
  ['JSONata string', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: '{% $string($states.input) %}', End: true } } }],
  ['JSONata path', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: '{% $states.input.a.a.a %}', End: true } } }],
];

async function checkDeepInput(input: unknown, limits: Partial<Limits>, label: string): Promise<void> {
  const handlers: Handlers = { echo: (x: unknown) => x, later: async (x: unknown) => x };
  for (const [name, definition] of deepDefinitions) {
    const result = await run(definition, input, handlers, limits);
    // Finishing at all is the point; when it fails, it fails as an execution, with an error name.
    assert.ok(result.status === 'SUCCEEDED' || result.status === 'FAILED', `${label} ${name}: ${result.status}`);
    if (result.status === 'FAILED') assert.type(result.error, 'string', `${label} ${name}`);
  }
}

hostile('inputs nested 20,000 levels deep (within the payload limit) settle in every kind of state', async () => {
  const depth = 20_000;
  await checkDeepInput({ items: [nestedObjects(depth)], a: nestedObjects(depth) }, {}, 'objects');
  await checkDeepInput([nestedArrays(depth * 2)], {}, 'arrays');
});

hostile('inputs nested 100,000 levels deep settle even with no payload limit', async () => {
  const depth = 100_000;
  await checkDeepInput({ items: [nestedArrays(depth)], a: nestedObjects(depth) }, { payloadBytes: Infinity }, 'unlimited');
});

hostile('an input nested 100,000 levels deep is over the default payload limit and fails as AWS fails it', async () => {
  const result = await run(pass({}), nestedObjects(100_000));
  assert.is(result.status, 'FAILED');
  assert.is(result.error, 'States.DataLimitExceeded');
});

hostile('jsonByteLength walks a value nested 200,000 levels deep without recursing', () => {
  const depth = 200_000;
  assert.is(jsonByteLength(nestedArrays(depth, 0), Infinity), depth * 2 + 1);
  assert.is(jsonByteLength(nestedObjects(depth, 'k', 0), Infinity), depth * 6 + 1);
  assert.ok(jsonByteLength(nestedObjects(depth, 'k', 0), 1000) > 1000);
});

hostile('a deeply nested JSON text parsed by States.StringToJson settles', async () => {
  const depth = 50_000;
  const result = await run(pass({ Parameters: { 'x.$': 'States.StringToJson($.text)' } }), { text: '['.repeat(depth) + ']'.repeat(depth) });
  assert.ok(result.status === 'SUCCEEDED' || result.status === 'FAILED', result.status);
});

// ---------------------------------------------------------------------------------------------
// Values that are not JSON, and inputs that cannot be read

hostile('execute settles for inputs no JSON text can hold', async () => {
  const throwingProxy = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('proxy keys');
      },
      get() {
        throw new Error('proxy get');
      },
    },
  );
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const inputs: [string, unknown][] = [
    ['a throwing Proxy', throwingProxy],
    [
      'a throwing getter',
      {
        get a() {
          throw new Error('getter');
        },
      },
    ],
    [
      'a nested throwing getter',
      {
        b: {
          get a() {
            throw new Error('getter');
          },
        },
      },
    ],
    ['a cyclic object', cyclic],
    ['a BigInt', { a: 10n }],
    ['a symbol', { a: Symbol('s') }],
    ['a function', { a: () => 1 }],
    ['NaN and Infinity', { a: NaN, b: Infinity, items: [NaN] }],
    ['undefined inside', { a: undefined, items: [undefined] }],
    ['a sparse array', { items: [, 1] }],
    ['a thenable', { then: (resolve: (v: unknown) => void) => resolve(1) }],
    [
      'a throwing thenable',
      {
        then() {
          throw new Error('then');
        },
      },
    ],
    ['a Date and a Map', { a: new Date(0), b: new Map([[1, 2]]) }],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
  ];
  const handlers: Handlers = { echo: (x: unknown) => x, later: async (x: unknown) => x };
  for (const [label, input] of inputs) {
    for (const [name, definition] of deepDefinitions) {
      for (const limits of [{}, { payloadBytes: Infinity }]) {
        const result = await run(definition, input, handlers, limits);
        assert.ok(result.status === 'SUCCEEDED' || result.status === 'FAILED', `${label} in ${name}: ${result.status}`);
      }
    }
  }
});

hostile('regression: an input whose reading throws fails the execution instead of throwing from execute()', async () => {
  const machine = compile(pass({}), { clock: virtualClock(0) });
  let pending: Promise<unknown> | null = null;
  assert.not.throws(() => {
    pending = machine.execute({
      get a() {
        throw new Error('getter');
      },
    });
  });
  const result = await executeSettled(machine, {
    get a() {
      throw new Error('getter');
    },
  });
  assert.is(result.status, 'FAILED');
  assert.is(result.error, 'States.Runtime');
  await pending;
});

hostile('handlers returning unreadable or non-JSON values settle the execution', async () => {
  const results: unknown[] = [
    {
      get a() {
        throw new Error('getter');
      },
    },
    new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('proxy');
        },
      },
    ),
    { a: 10n },
    { a: Symbol('s') },
    {
      then() {
        throw new Error('then');
      },
    },
    (() => {
      const c: Record<string, unknown> = {};
      c.c = c;
      return c;
    })(),
  ];
  for (const value of results) {
    for (const handler of [() => value, async () => value]) {
      await run({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', End: true } } }, {}, { h: handler });
      await run({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', ResultPath: '$.r', End: true } } }, {}, { h: handler });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// AWS's size limits

const LIMIT = 262_144;

hostile('payload limit: execution input, task result, Pass Result and execution output', async () => {
  // JSON text of a string is its UTF-8 bytes plus two quotes; "é" takes two bytes.
  assert.is((await run(pass({}), 'x'.repeat(LIMIT - 2))).status, 'SUCCEEDED');
  const overInput = await run(pass({}), 'x'.repeat(LIMIT - 1));
  assert.equal([overInput.status, overInput.error], ['FAILED', 'States.DataLimitExceeded']);
  assert.is((await run(pass({}), 'é'.repeat((LIMIT - 2) / 2))).status, 'SUCCEEDED');
  assert.is((await run(pass({}), 'é'.repeat((LIMIT - 2) / 2 + 1))).error, 'States.DataLimitExceeded');

  const big = 'x'.repeat(LIMIT);
  for (const handler of [() => big, async () => big]) {
    const task = await run({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'big', End: true } } }, {}, { big: handler });
    assert.is(task.error, 'States.DataLimitExceeded');
    assert.is(task.cause, "The state/task 'T' returned a result with a size exceeding the maximum number of bytes service limit.");
  }
  const result = await run(pass({ Result: big }), {});
  assert.is(result.error, 'States.DataLimitExceeded');

  const output = await run(pass({ Parameters: { 'a.$': '$.s', 'b.$': '$.s' } }), { s: 'x'.repeat(140_000) });
  assert.equal([output.status, output.error], ['FAILED', 'States.DataLimitExceeded']);
});

hostile('regression: a state output of hundreds of megabytes is measured without scanning it', async () => {
  // 2,500 copies of a 200 KB string: the output used to be scanned character by character
  // before the size check could say no (10+ seconds); its length alone now decides.
  const count = 2500;
  const definition = pass({ Parameters: { 'a.$': `States.Format('${'{}'.repeat(count)}', ${Array(count).fill('$.s').join(', ')})` }, OutputPath: '$.a' });
  const result = await run(definition, { s: 'x'.repeat(200_000) });
  assert.equal([result.status, result.error], ['FAILED', 'States.DataLimitExceeded']);
  assert.ok(jsonByteLength('é'.repeat(LIMIT + 1), LIMIT) > LIMIT);
  assert.ok(jsonByteLength({ a: 'x'.repeat(LIMIT) }, LIMIT) > LIMIT);
  assert.is(jsonByteLength({ a: 'é'.repeat(100) }, LIMIT), 208);
});

hostile('intrinsic limits: ArrayRange 1000 items, Base64 and Hash 10,000 characters', async () => {
  const range = await run(pass({ Parameters: { 'n.$': 'States.ArrayLength(States.ArrayRange(1, $.last, 1))' } }), { last: 1000 });
  assert.equal(range.output, { n: 1000 });
  const overRange = await run(pass({ Parameters: { 'n.$': 'States.ArrayRange(1, $.last, 1)' } }), { last: 1001 });
  assert.equal([overRange.status, overRange.error], ['FAILED', 'States.Runtime']);
  assert.match(overRange.cause!, 'Invalid arguments in States.ArrayRange');
  for (const last of [1e15, 1e308]) {
    const huge = await run(pass({ Parameters: { 'n.$': 'States.ArrayRange(0, $.last, 1)' } }), { last });
    assert.is(huge.error, 'States.Runtime', String(last));
  }
  assert.throws(
    () => compile(pass({ Parameters: { 'n.$': 'States.ArrayRange(1, 1001, 1)' } })),
    (e: unknown) => e instanceof DefinitionError && e.problems[0]!.code === 'ERR_ASL_INTRINSIC_SYNTAX',
  );
  for (const call of ['States.Base64Encode($.s)', 'States.Base64Decode($.s)', "States.Hash($.s, 'SHA-256')"]) {
    const fits = await run(pass({ Parameters: { 'v.$': call } }), { s: 'QUJD'.repeat(2500) });
    assert.is(fits.status, 'SUCCEEDED', call);
    const over = await run(pass({ Parameters: { 'v.$': call } }), { s: 'QUJD'.repeat(2500) + 'Q' });
    assert.equal([over.status, over.error], ['FAILED', 'States.Runtime'], call);
    assert.match(over.cause!, 'Invalid arguments in States.', call);
  }
});

hostile('variable limits: one variable and one Assign hold at most the payload limit', async () => {
  const one = await run(pass({ Assign: { 'v.$': '$.s' } }), { s: 'x'.repeat(200_000) });
  assert.is(one.status, 'SUCCEEDED');
  const tooBig = await run(pass({ Assign: { 'v.$': "States.Format('{}{}', $.s, $.s)" } }), { s: 'x'.repeat(140_000) });
  assert.equal([tooBig.status, tooBig.error], ['FAILED', 'States.DataLimitExceeded']);
  const together = await run(pass({ Assign: { 'a.$': '$.s', 'b.$': '$.s' } }), { s: 'x'.repeat(140_000) });
  assert.equal([together.status, together.error], ['FAILED', 'States.DataLimitExceeded']);
  const jsonata = await run(
    { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Assign: { v: '{% $states.input.s & $states.input.s %}' }, End: true } } },
    { s: 'x'.repeat(140_000) },
  );
  assert.equal([jsonata.status, jsonata.error], ['FAILED', 'States.DataLimitExceeded']);
});

hostile('a Task whose Parameters exceed the payload limit must fail with States.DataLimitExceeded', async () => {
  // AWS refuses a task input (the effective Parameters) over 256 KiB before calling anything.
  const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, ResultPath: null, End: true } } };
  const result = await run(definition, { s: 'x'.repeat(140_000) }, { h: () => 1 });
  assert.equal([result.status, result.error], ['FAILED', 'States.DataLimitExceeded']);
});

hostile('a state output over the payload limit must fail even if a later state shrinks it', async () => {
  // AWS checks every state's output. Here Grow outputs 280 KB and Shrink keeps 140 KB.
  const jsonPath = {
    StartAt: 'Grow',
    States: { Grow: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, Next: 'Shrink' }, Shrink: { Type: 'Pass', OutputPath: '$.a', End: true } },
  };
  const jsonata = {
    QueryLanguage: 'JSONata',
    StartAt: 'Grow',
    States: {
      Grow: { Type: 'Pass', Output: '{% $states.input.s & $states.input.s %}', Next: 'Shrink' },
      Shrink: { Type: 'Pass', Output: '{% $length($states.input) %}', End: true },
    },
  };
  for (const definition of [jsonPath, jsonata]) {
    const result = await run(definition, { s: 'x'.repeat(140_000) });
    assert.equal([result.status, result.error], ['FAILED', 'States.DataLimitExceeded']);
  }
});

// ---------------------------------------------------------------------------------------------
// Time: delays longer than a timer can hold

hostile('regression: a Wait longer than 2^31 ms (about 25 days) waits instead of ending after 1 ms', async () => {
  // Node's setTimeout fires after 1 ms for any delay over 2^31 - 1 ms; AWS allows Waits (and
  // Task timeouts) of 99,999,999 seconds. The real clock now sleeps in timer-sized steps.
  const wait = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 99_999_999, Next: 'P' }, P: { Type: 'Pass', Result: 'waited', End: true } } };
  const machine = compile(wait, { clock: realClock, limits: { executionMs: 200 } });
  const result = await machine.execute({});
  assert.equal([result.status, result.error], ['TIMED_OUT', 'States.Timeout']);
  const task = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'slow', TimeoutSeconds: 99_999_999, End: true } } };
  const slow = compile(task, { clock: realClock, handlers: { slow: () => new Promise((resolve) => setTimeout(() => resolve('done'), 50)) } });
  const finished = await slow.execute({});
  assert.equal([finished.status, finished.output], ['SUCCEEDED', 'done']);
});

hostile('a retry backoff that grows to Infinity waits until the execution times out', async () => {
  const definition = {
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'fail',
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 99_999_999, BackoffRate: 1e308 }],
        End: true,
      },
    },
  };
  let calls = 0;
  const machine = compile(definition, {
    clock: virtualClock(0),
    handlers: {
      fail: () => {
        calls++;
        throw new Error('always');
      },
    },
  });
  const result = await machine.execute({});
  assert.equal([result.status, result.error], ['TIMED_OUT', 'States.Timeout']);
  assert.ok(calls <= 3, `${calls} attempts`);
});

// ---------------------------------------------------------------------------------------------
// StringMatches

/** The textbook dynamic-programming matcher for the same pattern language, as the oracle. */
function referenceMatch(pattern: string, text: string): boolean | null {
  const tokens: (string | null)[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      if (i + 1 === pattern.length) return null;
      tokens.push(pattern[++i]!);
    } else tokens.push(pattern[i] === '*' ? null : pattern[i]!);
  }
  let row = new Array<boolean>(text.length + 1).fill(false);
  row[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(text.length + 1).fill(false);
    for (let j = 0; j <= text.length; j++) {
      if (token === null) next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else next[j] = j > 0 && row[j - 1]! && text[j - 1] === token;
    }
    row = next;
  }
  return row[text.length]!;
}

hostile('StringMatches agrees with a reference matcher on random patterns', () => {
  const alphabet = fc.constantFrom('a', 'b', '*', '\\');
  fc.assert(
    fc.property(fc.string({ unit: alphabet, maxLength: 12 }), fc.string({ unit: fc.constantFrom('a', 'b', '*', '\\'), maxLength: 16 }), (pattern, text) => {
      const matcher = compileWildcard(pattern);
      const expected = referenceMatch(pattern, text);
      if (expected === null) assert.is(matcher, null, pattern);
      else assert.is(matcher!(text), expected, `${JSON.stringify(pattern)} ~ ${JSON.stringify(text)}`);
    }),
    fuzzOptions(3000),
  );
});

hostile('StringMatches gives correct answers on patterns that make backtracking matchers explode', async () => {
  const a = 'a'.repeat(20_000);
  const cases: [string, string, boolean][] = [
    ['*a'.repeat(50) + '*b', a, false],
    ['*a'.repeat(50) + '*', a, true],
    ['a*'.repeat(200) + 'b', a, false],
    ['*' + 'a'.repeat(1000) + 'b*', a, false],
    ['*' + 'a'.repeat(1000) + '*', a, true],
    ['*'.repeat(5000) + 'b', a + 'b', true],
    ['*ab*ab*ab*ab*ab*ab*ab*ab*ab*c', 'ab'.repeat(10_000), false],
    ['\\*'.repeat(100) + '*', '*'.repeat(100) + 'x', true],
  ];
  for (const [pattern, text, expected] of cases) {
    assert.is(compileWildcard(pattern)!(text), expected, pattern.slice(0, 40));
  }
  const definition = {
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: [{ Variable: '$.text', StringMatches: '*a'.repeat(50) + '*b', Next: 'Matched' }], Default: 'Unmatched' },
      Matched: { Type: 'Fail', Error: 'Matched' },
      Unmatched: { Type: 'Succeed' },
    },
  };
  const result = await run(definition, { text: a });
  assert.is(result.status, 'SUCCEEDED');
});

// ---------------------------------------------------------------------------------------------
// What an in-process test cannot survive: run in a child process, killed when it overstays

interface ChildOutcome {
  exitCode: number | null;
  killed: boolean;
  stdout: string;
}

/**
 * Runs `definition` in a child process with an execution limit of `executionMs`; kills it after
 * `killAfterMs`, a backstop for a hung process, generous because a starved machine takes many
 * seconds just to start node and tsx.
 */
function runInChild(definition: unknown, executionMs: number, killAfterMs: number): Promise<ChildOutcome> {
  const script = join(import.meta.dirname, 'fixtures', 'run-definition.ts');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=512', '--import', 'tsx/esm', script, JSON.stringify(definition), '{}', String(executionMs)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, killed, stdout });
    });
  });
}

const jsonataPass = (expression: string) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'S',
  States: { S: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } },
});

hostile('regression: a JSONata regex built to backtrack does not block the process (RE2 matches in linear time)', async () => {
  // A slug check whose nested quantifiers make a backtracking engine try 2^n ways to split the
  // input: with JavaScript's RegExp, 27 characters took about 7 s, each one more doubling it,
  // with the event loop blocked (no timer, abort or TimeoutSeconds could interrupt it).
  const hostileSlug = 'a'.repeat(40) + '!';
  const slug = '/^([a-z0-9]+-?)+$/';
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Choice',
        Choices: [{ Condition: `{% $contains("${hostileSlug}", ${slug}) %}`, Next: 'Valid' }],
        Default: 'Forms',
      },
      Valid: { Type: 'Fail', Error: 'Matched' },
      Forms: {
        Type: 'Pass',
        Output: `{% [$match("${hostileSlug}", ${slug}), $replace("${hostileSlug}", ${slug}, "x"), $split("${hostileSlug}", /(a+)+b/), "${hostileSlug}" ~> ${slug}, $contains("${hostileSlug}", /(a|aa)+$/)] %}`,
        End: true,
      },
    },
  };
  const outcome = await runInChild(definition, 60_000, 90_000);
  assert.is(outcome.killed, false, 'the regex hung the process');
  const result = JSON.parse(outcome.stdout) as { status: string; cause?: string };
  assert.is(result.status, 'SUCCEEDED', result.cause);
});

hostile('JSONata recursion that never ends times out or fails, and does not hang the process', async () => {
  // jsonata evaluates asynchronously and optimises tail calls, so the first loops forever in
  // microtasks, where no timer, abort or execution deadline could run; the second grows until
  // the heap is exhausted. statemill's hooks on every step (compile/jsonata/guard.ts) let the event
  // loop run every few thousand steps and end the evaluation past the deadline, and bound the
  // steps in progress at once.
  for (const expression of ['($f := function($n){ $f($n + 1) }; $f(1))', '($f := function($n){ $f($n) + 1 }; $f(1))']) {
    const outcome = await runInChild(jsonataPass(expression), 1000, 90_000);
    assert.is(outcome.killed, false, `${expression} hung the process`);
    const result = JSON.parse(outcome.stdout) as { status: string; error: string };
    assert.ok(
      (result.status === 'TIMED_OUT' && result.error === 'States.Timeout') || (result.status === 'FAILED' && result.error === 'States.QueryEvaluationError'),
      `${expression}: ${outcome.stdout}`,
    );
  }
  // Deep recursion that ends fails the same way, never with a stack overflow; shallow recursion works.
  const result = await run(jsonataPass('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000000))'), {});
  assert.equal([result.status, result.error], ['FAILED', 'States.QueryEvaluationError'], result.cause ?? '');
  const shallow = await run(jsonataPass('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000))'), {});
  assert.is(shallow.output, 1000);
});

hostile('a JSONata expression building a billion items fails, and does not crash the process', async () => {
  // Three nested maps over [1..1000] build 10^9 items: without a limit the process dies of
  // heap exhaustion (exit 134). The hook after every step counts the items produced.
  const outcome = await runInChild(jsonataPass('($a := [1..1000]; $count($a.($a.($a))))'), 60_000, 90_000);
  assert.is(outcome.exitCode, 0, 'the process crashed');
  const result = JSON.parse(outcome.stdout) as { status: string; error: string };
  assert.equal([result.status, result.error], ['FAILED', 'States.QueryEvaluationError']);
});

hostile.run();
