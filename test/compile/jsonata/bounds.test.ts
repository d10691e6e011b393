import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../../src/index.js';
import { jsonataValueBound } from '../../../src/compile/jsonata/bounds.js';
import { builtBound } from '../../../src/compile/jsonpath/templates.js';
import { jsonByteLength } from '../../../src/run/limits.js';

/**
 * A JSONata Task's Arguments built from constants and `$states.input` paths have a size
 * bound, so the payload-limit check on the handler's input can add numbers instead of
 * walking it. The bound must never be below what is built, and an input over the limit
 * must still fail.
 */
const bounds = suite('JSONata value bounds');

const table: [string, unknown, { fixed: number; reads: number } | null][] = [
  ['a constant', { a: 1, b: 'x' }, { fixed: '{"a":1,"b":"x"}'.length, reads: 0 }],
  ['the input', '{% $states.input %}', { fixed: 4, reads: 1 }],
  [
    'the input under a key, beside a constant',
    { FunctionName: 'f', Payload: '{% $states.input %}' },
    { fixed: '{"FunctionName":"f","Payload":null}'.length, reads: 1 },
  ],
  [
    'paths of names, nested and in arrays',
    { a: ['{% $states.input.x %}', { b: '{% $states.input.y.z %}' }] },
    { fixed: '{"a":[null,{"b":null}]}'.length, reads: 2 },
  ],
  ['a computed value is unbounded', { a: '{% $states.input.x & "!" %}' }, null],
  ['a function call is unbounded', { a: '{% $string($states.input) %}' }, null],
  ['a filter is unbounded (it is not a plain name step)', { a: '{% $states.input.items[0] %}' }, null],
  ['a singleton-array path is unbounded', { a: '{% $states.input.items[] %}' }, null],
  ['the context is unbounded', { a: '{% $states.context.Execution.Input %}' }, null],
  ['a variable is unbounded', { a: '{% $x %}' }, null],
  ['$states whole is unbounded', { a: '{% $states %}' }, null],
  ['a wildcard is unbounded', { a: '{% $states.input.* %}' }, null],
];

for (const [name, value, expected] of table) {
  bounds(`jsonataValueBound: ${name}`, () => {
    assert.equal(jsonataValueBound(value), expected);
  });
}

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
    assert.ok(size <= builtBound(bound, jsonByteLength(input, Infinity)), `${size} over the bound for ${JSON.stringify(input)}`);
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
