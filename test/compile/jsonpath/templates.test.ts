import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileTemplate } from '../../../src/compile/jsonpath/templates.js';
import { compile } from '../../../src/index.js';
import { AslError } from '../../../src/run/errors.js';
import { testExecution, testFrame, type TestFrameOptions } from '../../support/frames.js';

/**
 * Payload templates build objects through builders chosen by key count (one to six keys
 * get their own, more keys and `__proto__` the general one), and read `$.a` and `$.a.b`
 * through readers of their own: every builder must give the same keys, in the template's
 * order, with the same values, never touch a prototype, and fail on a missing path as the
 * general path reader does.
 */
const templates = suite('payload templates');

const document = { x: 1, y: 'two', z: [3], w: { four: 4 }, v: null, u: { v: { w: 5 } } };

const cases: [string, Record<string, unknown>, string][] = [
  ['one key', { 'a.$': '$.x' }, '{"a":1}'],
  ['one key whose value is null', { 'a.$': '$.v' }, '{"a":null}'],
  ['one key whose value is an object', { 'a.$': '$.w' }, '{"a":{"four":4}}'],
  ['two keys', { 'a.$': '$.x', b: 'k' }, '{"a":1,"b":"k"}'],
  ['three keys', { 'a.$': '$.x', 'b.$': '$.y', c: { 'd.$': '$.z' } }, '{"a":1,"b":"two","c":{"d":[3]}}'],
  ['four keys', { 'a.$': '$.x', 'b.$': '$.y', 'c.$': '$.z', 'd.$': '$.w' }, '{"a":1,"b":"two","c":[3],"d":{"four":4}}'],
  ['five keys', { 'a.$': '$.x', 'b.$': '$.y', 'c.$': '$.z', 'd.$': '$.w', 'e.$': '$.v' }, '{"a":1,"b":"two","c":[3],"d":{"four":4},"e":null}'],
  ['six keys', { 'a.$': '$.x', 'b.$': '$.y', 'c.$': '$.z', 'd.$': '$.w', 'e.$': '$.v', f: 6 }, '{"a":1,"b":"two","c":[3],"d":{"four":4},"e":null,"f":6}'],
  ['seven keys', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, 'g.$': '$.w.four' }, '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":4}'],
  [
    'member paths of one, two and three names',
    { 'a.$': '$.w', 'b.$': '$.w.four', 'c.$': '$.u.v.w', 'd.$': "$['y']" },
    '{"a":{"four":4},"b":4,"c":5,"d":"two"}',
  ],
  ["a key given twice (plain and .$): the later wins, in the first one's place", { a: 0, b: 2, 'a.$': '$.x' }, '{"a":1,"b":2}'],
  [
    'reads of one to three names among constants',
    { 'a.$': '$.u.v.w', b: null, c: true, 'd.$': '$.x', e: 'k', 'f.$': '$.w.four' },
    '{"a":5,"b":null,"c":true,"d":1,"e":"k","f":4}',
  ],
  ['a constant object among reads is a copy', { 'a.$': '$.x', b: { c: 1 } }, '{"a":1,"b":{"c":1}}'],
  ['a __proto__ key is an own property', { '__proto__.$': '$.w', b: 1 }, '{"__proto__":{"four":4},"b":1}'],
];

const frame = testFrame({
  exec: testExecution({ id: 'id', name: 'name', stateMachineId: 'sm', stateMachineName: 'sm', roleArn: 'role' }),
  stateName: '',
  enteredEventId: 0,
});

for (const [name, template, expected] of cases) {
  templates(`builds ${name}`, () => {
    const built = compileTemplate(template)(document, frame) as Record<string, unknown>;
    assert.is(JSON.stringify(built), expected);
    assert.is(Object.getPrototypeOf(built), Object.prototype);
  });
}

templates('builds a fresh object on every use', () => {
  const build = compileTemplate({ 'a.$': '$.x', b: 'k' });
  const first = build(document, frame);
  assert.is.not(first, build(document, frame));
});

templates('a path that finds nothing fails with States.Runtime naming the path, the field and the input', () => {
  const missing: [string, unknown][] = [
    ['$.q', document],
    ['$.w.q', document],
    ['$.x.q', document],
    ['$.z.length', document],
    ['$.constructor', document],
    ['$.w.toString', document],
    ['$.a', [1, 2]],
    ['$.a', 'text'],
    ['$.a', null],
    ['$.a.b', { a: [1] }],
    ['$.u.v.q', document],
  ];
  for (const [path, doc] of missing) {
    const build = compileTemplate({ 'field.$': path });
    let thrown: unknown;
    try {
      build(doc, frame);
    } catch (error) {
      thrown = error;
    }
    assert.instance(thrown, AslError, path);
    const error = thrown as AslError;
    assert.is(error.error, 'States.Runtime', path);
    assert.ok(
      error.cause!.endsWith(`The JSONPath '${path}' specified for the field 'field.$' could not be found in the input '${JSON.stringify(doc)}'`),
      error.cause!,
    );
  }
});

templates("a state's Parameters may be an array of templates, as AWS takes it (Pass and Task)", async () => {
  let received: unknown;
  const machine = compile(
    {
      StartAt: 'Format',
      States: {
        Format: { Type: 'Pass', Parameters: [{ 'Item.$': '$.Item' }, 'literal', [{ 'id.$': '$.Item.id' }]], Next: 'Send' },
        Send: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:send', Parameters: [{ 'first.$': '$[0]' }], End: true },
      },
    },
    { handlers: { 'arn:aws:lambda:us-east-1:123456789012:function:send': (input: unknown) => ((received = input), 'sent') } },
  );
  const result = await machine.execute({ Item: { id: 7 } });
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(received, [{ first: { Item: { id: 7 } } }]);
  assert.is(result.output, 'sent');
  const pass = await compile({
    StartAt: 'P',
    States: { P: { Type: 'Pass', Parameters: [{ 'Item.$': '$.Item' }, 'literal', [{ 'id.$': '$.Item.id' }]], End: true } },
  }).execute({ Item: { id: 7 } });
  assert.equal(pass.output, [{ Item: { id: 7 } }, 'literal', [{ id: 7 }]]);
});

/**
 * A template whose values all read one member of the input (`$.m.a`, `$.m.b.c`) reads that
 * member once; what it builds and how it fails must not show it.
 */
const shared = { m: { a: 1, b: { c: 'x' }, d: null, e: [1], f: { c: 2 } }, n: { a: 3 } };
const sharedCases: [string, Record<string, unknown>, string][] = [
  ['two values of one member', { 'p.$': '$.m.a', 'q.$': '$.m.d' }, '{"p":1,"q":null}'],
  [
    "values two and three names deep, in the template's order",
    { 'p.$': '$.m.b.c', 'q.$': '$.m.a', 'r.$': '$.m.e', 's.$': '$.m.f.c' },
    '{"p":"x","q":1,"r":[1],"s":2}',
  ],
  ['values of two members (read each time)', { 'p.$': '$.m.a', 'q.$': '$.n.a' }, '{"p":1,"q":3}'],
  ['a constant among them', { 'p.$': '$.m.a', q: 'k', 'r.$': '$.m.b.c' }, '{"p":1,"q":"k","r":"x"}'],
  ['the member itself among them', { 'p.$': '$.m', 'q.$': '$.m.a' }, `{"p":${JSON.stringify(shared.m)},"q":1}`],
];
for (const [name, template, expected] of sharedCases) {
  templates(`one member read once: ${name}`, () => {
    assert.is(JSON.stringify(compileTemplate(template)(shared, frame)), expected);
  });
}

templates('one member read once: a value missing fails as the ordinary builder does, naming its own path', () => {
  const failing: [Record<string, unknown>, unknown, string][] = [
    [{ 'p.$': '$.m.a', 'q.$': '$.m.z' }, shared, '$.m.z'],
    [{ 'p.$': '$.m.z', 'q.$': '$.m.y' }, shared, '$.m.z'],
    [{ 'p.$': '$.m.a', 'q.$': '$.m.b.z' }, shared, '$.m.b.z'],
    [{ 'p.$': '$.m.a', 'q.$': '$.m.a.z' }, shared, '$.m.a.z'],
    [{ 'p.$': '$.m.a', 'q.$': '$.m.e.z' }, shared, '$.m.e.z'],
    [{ 'p.$': '$.q.a', 'q.$': '$.q.b' }, shared, '$.q.a'],
    [{ 'p.$': '$.m.a', 'q.$': '$.m.b' }, { m: [1] }, '$.m.a'],
    [{ 'p.$': '$.m.length', 'q.$': '$.m.length' }, { m: [1] }, '$.m.length'],
    [{ 'p.$': '$.m.a', 'q.$': '$.m.b' }, { m: 'text' }, '$.m.a'],
    [{ 'p.$': '$.m.a', 'q.$': '$.m.b' }, [1], '$.m.a'],
  ];
  for (const [template, doc, path] of failing) {
    let thrown: unknown;
    try {
      compileTemplate(template)(doc, frame);
    } catch (error) {
      thrown = error;
    }
    assert.instance(thrown, AslError, path);
    const error = thrown as AslError;
    assert.is(error.error, 'States.Runtime', path);
    const key = Object.keys(template).find((k) => template[k] === path)!;
    assert.ok(
      error.cause!.endsWith(`The JSONPath '${path}' specified for the field '${key}' could not be found in the input '${JSON.stringify(doc)}'`),
      error.cause!,
    );
  }
});

templates('one member read once: an error a value raises that is not a missing path is not retried', () => {
  let reads = 0;
  const doc = {
    get m() {
      reads++;
      return {
        a: 1,
        get b() {
          throw new Error('unreadable');
        },
      };
    },
  };
  assert.throws(() => compileTemplate({ 'p.$': '$.m.a', 'q.$': '$.m.b' })(doc, frame), /unreadable/);
  assert.is(reads, 1);
});

/**
 * `$$.Map.Item.Value.a` (an ItemSelector's usual value) is read from the frame's item; what
 * it builds and how it fails must be what the context path gives.
 */
const inMap = (value: unknown) => testFrame({ mapItem: { index: 0, value } });

templates("the Map item's member read from the frame: the context path's value", () => {
  const build = compileTemplate({ 'a.$': '$$.Map.Item.Value.a', 'b.$': '$.x', 'c.$': '$$.Map.Item.Value.c' });
  const rows: [unknown, string][] = [
    [{ a: 1, c: 'k' }, '{"a":1,"b":1,"c":"k"}'],
    [{ a: null, c: { d: [2] } }, '{"a":null,"b":1,"c":{"d":[2]}}'],
  ];
  for (const [item, expected] of rows) assert.is(JSON.stringify(build(document, inMap(item))), expected);
});

templates("the Map item's member missing fails as the context path does, naming the path, the field and the input", () => {
  const rows: [string, TestFrameOptions['mapItem'], string?][] = [
    ['a member the item lacks', { index: 0, value: { a: 1 } }],
    ['an array item', { index: 1, value: [1] }],
    ['an array item and a name arrays have', { index: 1, value: [1] }, '$$.Map.Item.Value.length'],
    ['a string item', { index: 0, value: 'text' }],
    ['a null item', { index: 0, value: null }],
    ['no Map iteration', undefined],
  ];
  // Two values and three (an ItemSelector of three member reads has a builder of its own), the missing one in each place.
  const templatesWith = (path: string): Record<string, unknown>[] => [
    { 'field.$': path, 'b.$': '$.x' },
    { 'field.$': path, 'b.$': '$.x', 'c.$': '$.y' },
    { 'a.$': '$.x', 'field.$': path, 'c.$': '$.y' },
    { 'a.$': '$.x', 'b.$': '$.y', 'field.$': path },
  ];
  for (const [name, mapItem, path = '$$.Map.Item.Value.q'] of rows) {
    for (const template of templatesWith(path)) {
      let thrown: unknown;
      try {
        compileTemplate(template)(document, testFrame(mapItem === undefined ? {} : { mapItem }));
      } catch (error) {
        thrown = error;
      }
      assert.instance(thrown, AslError, name);
      const error = thrown as AslError;
      assert.is(error.error, 'States.Runtime', name);
      assert.ok(
        error.cause!.endsWith(`The JSONPath '${path}' specified for the field 'field.$' could not be found in the input '${JSON.stringify(document)}'`),
        error.cause!,
      );
    }
  }
});

templates("three member reads of the Map item and the input: each from its own source, in the template's order", () => {
  const item = { x: 'item x', y: 'item y', q: 'item q' };
  const rows: [Record<string, unknown>, string][] = [
    [{ 'p.$': '$$.Map.Item.Value.x', 'q.$': '$.x', 'r.$': '$$.Map.Item.Value.q' }, '{"p":"item x","q":1,"r":"item q"}'],
    [{ 'p.$': '$.y', 'q.$': '$$.Map.Item.Value.y', 'r.$': '$.x' }, '{"p":"two","q":"item y","r":1}'],
    [{ 'p.$': '$$.Map.Item.Value.q', 'q.$': '$$.Map.Item.Value.x', 'r.$': '$$.Map.Item.Value.y' }, '{"p":"item q","q":"item x","r":"item y"}'],
  ];
  for (const [template, expected] of rows) assert.is(JSON.stringify(compileTemplate(template)(document, inMap(item))), expected);
});

templates("the Map item's member with the context given whole (TestState) is read from that context, not the frame", () => {
  const exec = testExecution();
  exec.suppliedContext = { Map: { Item: { Index: 3, Value: { a: 'given' } } } };
  const frame = testFrame({ exec, mapItem: { index: 0, value: { a: 'frame' } } });
  assert.equal(compileTemplate({ 'a.$': '$$.Map.Item.Value.a', 'b.$': '$.x' })(document, frame), { a: 'given', b: 1 });
  assert.equal(compileTemplate({ 'a.$': '$$.Map.Item.Value.a', 'b.$': '$.x', 'c.$': '$.y' })(document, frame), { a: 'given', b: 1, c: 'two' });
});

templates.run();
