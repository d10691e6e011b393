import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * A lambda:invoke Task that reads only its result's Payload shares one response object
 * between its calls (allocation, issue 20): each call's result must still be its own, when
 * iterations follow one another, when an evaluation of the result goes on after the call
 * (the jsonata library evaluates asynchronously), when some calls answer with a promise, and
 * when a handler runs another execution of the same state from inside.
 */
const responses = suite('payload-only responses');

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:echo';
const start = Date.UTC(2026, 0, 1);

/** A Map over `$.items` (JSONPath) whose iterations call the function with the item. */
function jsonPathMap(task: Record<string, unknown>, maxConcurrency = 0) {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: maxConcurrency,
        ItemProcessor: {
          StartAt: 'Call',
          States: {
            Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: FUNCTION, 'Payload.$': '$' }, End: true, ...task },
          },
        },
        End: true,
      },
    },
  };
}

/** The same in JSONata, with `output` as the Task's Output. */
function jsonataMap(output: string) {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        ItemProcessor: {
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Arguments: { FunctionName: FUNCTION, Payload: '{% $states.input %}' },
              Output: output,
              End: true,
            },
          },
        },
        End: true,
      },
    },
  };
}

const items = [{ v: 'a' }, { v: 'b' }, { v: 'c' }, { v: 'd' }];

const cases: { name: string; definition: object; echo: (event: { v: string }) => unknown; expected: unknown }[] = [
  {
    name: 'JSONPath ResultSelector, iterations one after another',
    definition: jsonPathMap({ ResultSelector: { 'got.$': '$.Payload.v' } }),
    echo: (event) => ({ v: event.v }),
    expected: [{ got: 'a' }, { got: 'b' }, { got: 'c' }, { got: 'd' }],
  },
  {
    name: 'JSONPath OutputPath $.Payload: the output is the function’s own value',
    definition: jsonPathMap({ OutputPath: '$.Payload' }),
    echo: (event) => ({ v: event.v }),
    expected: [{ v: 'a' }, { v: 'b' }, { v: 'c' }, { v: 'd' }],
  },
  {
    name: 'JSONPath, every other call answering with a promise',
    definition: jsonPathMap({ ResultSelector: { 'got.$': '$.Payload.v' } }, 4),
    echo: (event) => (event.v === 'b' || event.v === 'd' ? Promise.resolve({ v: event.v }) : { v: event.v }),
    expected: [{ got: 'a' }, { got: 'b' }, { got: 'c' }, { got: 'd' }],
  },
  {
    name: 'JSONata Output evaluated directly',
    definition: jsonataMap('{% {"got": $states.result.Payload.v} %}'),
    echo: (event) => ({ v: event.v }),
    expected: [{ got: 'a' }, { got: 'b' }, { got: 'c' }, { got: 'd' }],
  },
  {
    name: 'JSONata Output evaluated by the library, after the next iteration has called',
    // $map with a function: the jsonata library evaluates it, asynchronously.
    definition: jsonataMap('{% {"got": $map([$states.result.Payload.v], function($x) { $x & "!" })} %}'),
    echo: (event) => ({ v: event.v }),
    expected: [{ got: 'a!' }, { got: 'b!' }, { got: 'c!' }, { got: 'd!' }],
  },
  {
    name: 'JSONata Output evaluated directly for some calls and by the library for others',
    // Comparing an array with an object is left to the jsonata library: the calls answering an array are evaluated asynchronously, after the next call.
    definition: jsonataMap('{% {"got": $states.result.Payload.v, "same": $states.result.Payload.x = {"k": 1}} %}'),
    echo: (event) => ({ v: event.v, x: event.v === 'b' || event.v === 'c' ? [1] : 'plain' }),
    expected: [
      { got: 'a', same: false },
      { got: 'b', same: false },
      { got: 'c', same: false },
      { got: 'd', same: false },
    ],
  },
  {
    name: 'JSONata, every other call answering with a promise',
    definition: jsonataMap('{% {"got": $states.result.Payload.v} %}'),
    echo: (event) => (event.v === 'a' || event.v === 'c' ? Promise.resolve({ v: event.v }) : { v: event.v }),
    expected: [{ got: 'a' }, { got: 'b' }, { got: 'c' }, { got: 'd' }],
  },
];

for (const c of cases) {
  responses(`${c.name}: each call's result is its own, as with the whole envelope (history on)`, async () => {
    const run = (history: 'OFF' | 'ALL') => compile(c.definition, { handlers: { [FUNCTION]: c.echo }, clock: virtualClock(start), history }).execute({ items });
    const reduced = await run('OFF');
    const whole = await run('ALL');
    assert.is(reduced.status, 'SUCCEEDED', `${reduced.error}: ${reduced.cause}`);
    assert.equal(reduced.output, c.expected);
    assert.equal(whole.output, c.expected);
  });

  responses(`${c.name}: executions one after another each get their own results`, async () => {
    const machine = compile(c.definition, { handlers: { [FUNCTION]: c.echo }, clock: virtualClock(start) });
    for (let round = 0; round < 3; round++) {
      const r = await machine.execute({ items });
      assert.equal(r.output, c.expected, `round ${round}`);
    }
  });
}

responses('a handler that runs the same state in another execution from inside gets its own result, and so does its caller', async () => {
  const definition = {
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FUNCTION, 'Payload.$': '$' },
        ResultSelector: { 'got.$': '$.Payload' },
        End: true,
      },
    },
  };
  const inner: unknown[] = [];
  const machine = compile(definition, {
    handlers: {
      [FUNCTION]: (event: { depth: number }) => {
        if (event.depth === 0) inner.push((machine.run({ depth: 1 }) as { output: unknown }).output);
        return { answer: event.depth };
      },
    },
    clock: virtualClock(start),
  });
  const outer = await machine.execute({ depth: 0 });
  assert.equal(inner, [{ got: { answer: 1 } }]);
  assert.equal(outer.output, { got: { answer: 0 } });
});

responses.run();
