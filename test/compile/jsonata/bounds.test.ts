import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../../src/index.js';
import { fieldBound, jsonataItemBound, jsonataValueBound, type ExpressionBound } from '../../../src/compile/jsonata/bounds.js';
import { JsonataField, StatesScope, compileExpression } from '../../../src/compile/jsonata/index.js';
import { compileOutcome } from '../../../src/compile/jsonata/state.js';
import { builtBound, type TemplateBound } from '../../../src/compile/jsonpath/templates.js';
import { jsonByteLength } from '../../../src/run/limits.js';
import { isPromiseLike } from '../../../src/run/state.js';
import { testFrame } from '../../support/frames.js';

/**
 * A JSONata Task's Arguments built from constants, `$states.input` paths and variables have
 * a size bound, so the payload-limit check on the handler's input can add numbers instead
 * of walking it. The bound must never be below what is built, and an input over the limit
 * must still fail.
 */
const bounds = suite('JSONata value bounds');

/** A TemplateBound with its variables by name. */
function named(bound: TemplateBound | null): { fixed: number; reads: number; variables: string[] } | null {
  return bound === null ? null : { fixed: bound.fixed, reads: bound.reads, variables: bound.variables.map((read) => read.name) };
}

const table: [string, unknown, { fixed: number; reads: number; variables: string[] } | null][] = [
  ['a constant', { a: 1, b: 'x' }, { fixed: '{"a":1,"b":"x"}'.length, reads: 0, variables: [] }],
  ['the input', '{% $states.input %}', { fixed: 4, reads: 1, variables: [] }],
  [
    'the input under a key, beside a constant',
    { FunctionName: 'f', Payload: '{% $states.input %}' },
    { fixed: '{"FunctionName":"f","Payload":null}'.length, reads: 1, variables: [] },
  ],
  [
    'paths of names, nested and in arrays',
    { a: ['{% $states.input.x %}', { b: '{% $states.input.y.z %}' }] },
    { fixed: '{"a":[null,{"b":null}]}'.length, reads: 2, variables: [] },
  ],
  [
    'variables and paths of names under them, a name once per read',
    { a: '{% $x %}', b: { c: '{% $y.z %}', d: '{% $x.w %}' }, e: '{% $states.input.v %}' },
    { fixed: '{"a":null,"b":{"c":null,"d":null},"e":null}'.length, reads: 1, variables: ['x', 'y', 'x'] },
  ],
  [
    'a variable in an object constructor and a condition',
    "{% {'k': $x, 'c': $states.input.t ? $y : $z} %}",
    { fixed: 2 + 5 + 5 + 4, reads: 0, variables: ['x', 'y', 'z'] },
  ],
  ['a computed value is unbounded', { a: '{% $states.input.x & "!" %}' }, null],
  ['a function call is unbounded', { a: '{% $string($states.input) %}' }, null],
  ['a filter is unbounded (it is not a plain name step)', { a: '{% $states.input.items[0] %}' }, null],
  ['a singleton-array path is unbounded', { a: '{% $states.input.items[] %}' }, null],
  ['the context is unbounded', { a: '{% $states.context.Execution.Input %}' }, null],
  ['a filter on a variable is unbounded', { a: '{% $x[0] %}' }, null],
  ['a string built from a variable is unbounded', { a: "{% $x & '' %}" }, null],
  ['$states whole is unbounded', { a: '{% $states %}' }, null],
  ['$ (the input of the expression) is unbounded', { a: '{% $ %}' }, null],
  ['a wildcard is unbounded', { a: '{% $states.input.* %}' }, null],
];

for (const [name, value, expected] of table) {
  bounds(`jsonataValueBound: ${name}`, () => {
    assert.equal(named(jsonataValueBound(value)), expected);
  });
}

/** The 4 bytes of the `null` standing for an expression in the field's skeleton, counted on top of its value's bound. */
const NULL = 4;

/** `fixed + input × I + result × R`, as a bound of a field (Output, an ItemSelector). */
const outputTable: [string, unknown, ExpressionBound | null, boolean?][] = [
  ['a string literal, as JSON writes it', "{% 'é\"' %}", { fixed: '"é\\""'.length + 1 + NULL, input: 0, result: 0, variables: [] }],
  ['a number literal', '{% 12 %}', { fixed: 25 + NULL, input: 0, result: 0, variables: [] }],
  ['true, false and null', '{% null %}', { fixed: 5 + NULL, input: 0, result: 0, variables: [] }],
  ['the result', '{% $states.result.Payload %}', { fixed: NULL, input: 0, result: 1, variables: [] }],
  [
    '$merge of the input and an object constructor',
    "{% $merge([$states.input, {'auth': {'id': $states.result.Payload.id, 'score': $states.result.Payload.score}}]) %}",
    // [ ] and two commas; { } with "auth": and a comma; { } with "id":, "score": and their commas.
    { fixed: 2 + 2 + (2 + 8) + (2 + 6 + 9) + NULL, input: 1, result: 2, variables: [] },
  ],
  ['an array constructor', "{% [$states.input.a, 'x'] %}", { fixed: 2 + 2 + 3 + NULL, input: 1, result: 0, variables: [] }],
  ['a condition: both branches', "{% $states.input.t ? $states.input.a : 'no' %}", { fixed: 4 + NULL, input: 1, result: 0, variables: [] }],
  [
    'numbers and booleans computed',
    "{% {'n': $states.input.a + 1, 'b': $states.input.a > 1, 'c': $count($states.input.x), 'e': $exists($states.input.y)} %}",
    { fixed: 2 + 4 * 5 + 25 + 5 + 25 + 5 + NULL, input: 0, result: 0, variables: [] },
  ],
  [
    'an Output object with a constant beside expressions',
    { a: '{% $states.input %}', s: 'x' },
    { fixed: '{"a":null,"s":"x"}'.length, input: 1, result: 0, variables: [] },
  ],
  ['the Map item index', '{% $states.context.Map.Item.Index %}', { fixed: 25 + NULL, input: 0, result: 0, variables: [] }],
  ['the Map item, when items come from the input', '{% $states.context.Map.Item.Value.sku %}', { fixed: NULL, input: 1, result: 0, variables: [] }, true],
  ['the Map item, when items come from elsewhere', '{% $states.context.Map.Item.Value %}', null],
  ['a string built by &', "{% $states.input.a & '!' %}", null],
  ['a variable', '{% $x %}', null],
  ['the rest of the context', '{% $states.context.Execution.Input %}', null],
  ['the error output', '{% $states.errorOutput %}', null],
  ['$merge of a variable', '{% $merge([$states.input, $x]) %}', null],
  ['another function', "{% $merge([$states.input, {'k': $string($states.input.a)}]) %}", null],
  ['a filter', '{% $states.input.items[0] %}', null],
];

for (const [name, value, expected, itemInInput] of outputTable) {
  bounds(`fieldBound: ${name}`, () => {
    assert.equal(fieldBound(value, { itemInInput: itemInInput === true, variables: false }), expected);
  });
}

const itemTable: [string, Record<string, unknown>, { fixed: number; reads: number; variables: string[] } | null][] = [
  ['no Items, no ItemSelector: each item is part of the input', {}, { fixed: 0, reads: 1, variables: [] }],
  ['Items a path under the input', { Items: '{% $states.input.items %}' }, { fixed: 0, reads: 1, variables: [] }],
  ['Items computed', { Items: '{% $append($states.input.a, $states.input.b) %}' }, null],
  ['Items written out', { Items: [1, 2] }, null],
  [
    'an ItemSelector of input paths, the item and its index',
    {
      Items: '{% $states.input.items %}',
      ItemSelector: { o: '{% $states.input.id %}', i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}' },
    },
    { fixed: '{"o":null,"i":null,"v":null}'.length + 25, reads: 2, variables: [] },
  ],
  ['an ItemSelector reading the item of computed Items', { Items: '{% [1, 2] %}', ItemSelector: { v: '{% $states.context.Map.Item.Value %}' } }, null],
];

for (const [name, def, expected] of itemTable) {
  bounds(`jsonataItemBound: ${name}`, () => {
    assert.equal(named(jsonataItemBound(def)), expected);
  });
}

bounds('what a bounded expression yields is never longer than its bound (generated inputs and results)', async () => {
  const expressions = [
    '$states.input',
    '$states.input.a',
    '$states.input.items.sku',
    "$merge([$states.input, {'auth': {'id': $states.result.id, 'all': $states.result}}])",
    "$merge([$states.input.items, {'k': 'é\"\\n'}])",
    "[$states.input.items, [$states.result], $states.input.a, 'x', 1.5e300, null]",
    "{'n': $states.input.a + 1, 'b': $states.input.a = 1, 'c': $count($states.input.items), 'i': $states.context.Map.Item.Index}",
    "$states.input.a ? $states.input.items : {'r': $states.result}",
    '$states.context.Map.Item.Value',
  ];
  const compiled = expressions.map((text) => ({
    text,
    bound: fieldBound(`{% ${text} %}`, { itemInInput: true, variables: false })!,
    evaluate: compileExpression(`{% ${text} %}`, new JsonataField('Output', '/Output'), []),
  }));
  for (const c of compiled) assert.ok(c.bound !== null, `${c.text} is bounded`);
  const json = fc.jsonValue({ maxDepth: 3 });
  const input = fc.record({ a: json, items: fc.array(fc.oneof(fc.record({ sku: json }), json), { maxLength: 4 }), x: json }, { requiredKeys: ['items'] });
  await fc.assert(
    fc.asyncProperty(input, json, fc.nat(), async (given, result, pick) => {
      const items = given.items;
      const index = items.length === 0 ? -1 : pick % items.length;
      const frame = testFrame({ mapItem: index < 0 ? undefined : { index, value: items[index] } });
      for (const c of compiled) {
        let value: unknown;
        try {
          const v = c.evaluate(new StatesScope(frame, given, result));
          value = isPromiseLike(v) ? await v : v;
        } catch {
          continue; // an error has no size
        }
        const size = jsonByteLength(value, Infinity);
        const limit = c.bound.fixed + c.bound.input * jsonByteLength(given, Infinity) + c.bound.result * jsonByteLength(result, Infinity);
        assert.ok(size <= limit, `${c.text}: ${size} bytes over its bound ${limit} for input ${JSON.stringify(given)}, result ${JSON.stringify(result)}`);
      }
    }),
    { numRuns: 300, seed: 20261206 },
  );
});

bounds("Output hands the run loop the output's bound beyond the input's, only where the input's is known", () => {
  const owner = { Output: "{% $merge([$states.input, {'r': $states.result}]) %}" };
  const outcome = compileOutcome(owner, '/States/S', []);
  const frame = testFrame();
  frame.valueBound = 100;
  const scope = new StatesScope(frame, { a: 1 }, 'x');
  scope.resultBound = 30;
  assert.equal(outcome(scope, undefined), { a: 1, r: 'x' });
  // [ ] and two commas; { } with "r": and a comma: 11 bytes; the input once, the result once.
  assert.is(frame.valueBound + frame.resultBound, 4 + 7 + NULL + 100 + 30);

  const unknown = testFrame();
  assert.is(unknown.valueBound, Infinity);
  compileOutcome(owner, '/States/S', [])(new StatesScope(unknown, { a: 1 }, 'x'), undefined);
  assert.is(unknown.resultBound, Infinity);

  // A result not measured against the payload limit (a Parallel's) gives no bound.
  const unmeasured = testFrame();
  unmeasured.valueBound = 100;
  compileOutcome(owner, '/States/S', [])(new StatesScope(unmeasured, { a: 1 }, 'x'), undefined);
  assert.is(unmeasured.resultBound, Infinity);

  const unbounded = testFrame();
  unbounded.valueBound = 100;
  compileOutcome({ Output: "{% $states.input.a & '' %}" }, '/States/S', [])(new StatesScope(unbounded, { a: 1 }), undefined);
  assert.is(unbounded.resultBound, Infinity);

  // No Output: the result is the output (a Task's), or the input (a Pass state's).
  const task = testFrame();
  task.valueBound = 100;
  const taskScope = new StatesScope(task, { a: 1 }, { r: 2 });
  taskScope.resultBound = 40;
  compileOutcome({}, '/States/S', [])(taskScope, taskScope.result);
  assert.is(task.valueBound + task.resultBound, 40);
});

const PASS_OUTPUT = "{% $merge([$states.input, {'copy': $states.input}]) %}";

bounds('an output over the payload limit still fails; one whose bound passes the limit but whose size fits still runs', async () => {
  const limit = 4096;
  const machine = compile(
    { QueryLanguage: 'JSONata', StartAt: 'Grow', States: { Grow: { Type: 'Pass', Output: PASS_OUTPUT, End: true } } },
    { clock: virtualClock(0), limits: { payloadBytes: limit } },
  );
  const over = await machine.execute({ pad: 'x'.repeat(limit / 2) });
  assert.is(over.error, 'States.DataLimitExceeded');
  // A string's bound counts 6 bytes per character (the worst escape): this input's bound
  // alone passes the limit, its output (twice the input) does not.
  const fits = await machine.execute({ pad: 'x'.repeat(limit / 3) });
  assert.is(fits.status, 'SUCCEEDED', String(fits.cause));
});

bounds("a Map iteration's input built over the payload limit still fails its first state", async () => {
  const limit = 4096;
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        ItemSelector: { all: '{% $states.input %}', item: '{% $states.context.Map.Item.Value %}' },
        ItemProcessor: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'echo', Output: '{% $states.result.pad %}', End: true } } },
        End: true,
      },
    },
  };
  const machine = compile(definition, {
    handlers: { echo: (x: unknown) => ({ pad: JSON.stringify(x).length }) },
    clock: virtualClock(0),
    limits: { payloadBytes: limit },
  });
  const over = await machine.execute({ items: [{ pad: 'x'.repeat(limit / 2) }] });
  assert.is(over.error, 'States.DataLimitExceeded');
  const fits = await machine.execute({ items: [{ pad: 'x'.repeat(limit / 8) }, 1] });
  assert.is(fits.status, 'SUCCEEDED', String(fits.cause));
});

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:echo';

function lambdaTask(args: unknown) {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'Call',
    States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: args, Output: '{% $states.result.Payload %}', End: true } },
  };
}

bounds("what the Arguments build is never larger than the bound over the input's size", async () => {
  const inputs = [
    { x: 'é'.repeat(10), y: { z: [1, 2, { q: '"' }] } },
    { x: [{ x: 1 }, { x: 2 }], y: [{ z: 'a' }, { z: ['b', 'c'] }] },
    { x: 0, y: { z: null } },
  ];
  const args = { FunctionName: FUNCTION, Payload: { all: '{% $states.input %}', x: '{% $states.input.x %}', z: ['{% $states.input.y.z %}'] } };
  const bound = jsonataValueBound(args)!;
  for (const input of inputs) {
    let built: unknown;
    const r = await compile(lambdaTask(args), {
      handlers: { [FUNCTION]: (event: unknown) => ((built = event), event) },
      clock: virtualClock(0),
    }).execute(input);
    assert.is(r.status, 'SUCCEEDED', String(r.cause));
    const size = jsonByteLength({ FunctionName: FUNCTION, Payload: built }, Infinity);
    assert.ok(size <= builtBound(bound, jsonByteLength(input, Infinity), null), `${size} over the bound for ${JSON.stringify(input)}`);
  }
});

bounds('a handler input over the payload limit still fails, one just under it still runs', async () => {
  const limit = 2048;
  const args = { FunctionName: FUNCTION, Payload: { wrapped: '{% $states.input %}' } };
  // The input fits; wrapped with the function name it does not.
  const over = { pad: 'x'.repeat(limit - 40) };
  const under = { pad: 'x'.repeat(limit - 200) };
  const machine = compile(lambdaTask(args), { handlers: { [FUNCTION]: () => 'ok' }, clock: virtualClock(0), limits: { payloadBytes: limit } });
  const failed = await machine.execute(over);
  assert.is(failed.error, 'States.DataLimitExceeded');
  const ran = await machine.execute(under);
  assert.is(ran.status, 'SUCCEEDED', String(ran.cause));
});

bounds.run();
