import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Handlers } from '../../../src/index.js';

/**
 * A JSONata Task reuses the `$states` scope of an attempt that ended synchronously for its
 * next attempt. Nothing of one attempt may show in another: what an expression returned from
 * `$states` stays as it was, and each attempt reads its own input, context and result.
 */
const reuse = suite('JSONata $states reuse');

function mapOf(task: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', End: true, ...task } } },
        End: true,
        ...extra,
      },
    },
  };
}

const run = (definition: unknown, handlers: Handlers, input: unknown) => compile(definition, { handlers, clock: virtualClock(0) }).execute(input);
const items = { items: [{ n: 1 }, { n: 2 }, { n: 3 }] };
const same = (x: unknown) => x;

const cases: {
  name: string;
  task: Record<string, unknown>;
  handlers?: Handlers;
  extra?: Record<string, unknown>;
  pick?: (output: unknown) => unknown;
  expected: unknown;
}[] = [
  {
    name: 'each iteration reads its own context object',
    task: { Output: '{% $states.context.Map.Item.Index %}' },
    expected: [0, 1, 2],
  },
  {
    name: 'a context object returned whole is not changed by the next iteration',
    task: { Output: '{% $states.context.Map.Item %}' },
    expected: [
      { Index: 0, Value: { n: 1 } },
      { Index: 1, Value: { n: 2 } },
      { Index: 2, Value: { n: 3 } },
    ],
  },
  {
    name: '$states returned whole keeps its attempt input and result',
    task: { Output: '{% $states %}' },
    handlers: { h: (x: { n: number }) => x.n * 10 },
    pick: (output) =>
      (output as { input: unknown; result: unknown; context: { Map: { Item: { Index: number } } } }[]).map((s) => ({
        input: s.input,
        result: s.result,
        index: s.context.Map.Item.Index,
      })),
    expected: [
      { input: { n: 1 }, result: 10, index: 0 },
      { input: { n: 2 }, result: 20, index: 1 },
      { input: { n: 3 }, result: 30, index: 2 },
    ],
  },
  {
    name: 'an attempt without a result does not see the one before',
    task: { Output: '{% [$states.input.n, $states.result] %}' },
    // A handler that returns nothing answers null, as a Lambda function does.
    handlers: { h: (x: { n: number }) => (x.n === 2 ? undefined : x.n) },
    expected: [
      [1, 1],
      [2, null],
      [3, 3],
    ],
  },
  {
    name: 'asynchronous attempts that overlap each keep their scope',
    task: { Output: '{% {"in": $states.input.n, "out": $states.result} %}' },
    handlers: { h: (x: { n: number }) => (x.n === 2 ? Promise.resolve(x.n + 100) : x.n + 100) },
    extra: { MaxConcurrency: 0 },
    expected: [
      { in: 1, out: 101 },
      { in: 2, out: 102 },
      { in: 3, out: 103 },
    ],
  },
];

for (const c of cases) {
  reuse(c.name, async () => {
    const r = await run(mapOf(c.task, c.extra), c.handlers ?? { h: same }, items);
    assert.is(r.status, 'SUCCEEDED', String(r.cause));
    assert.equal(c.pick ? c.pick(r.output) : r.output, c.expected);
  });
}

reuse('a retried attempt reads its own retry count and result after a failed one', async () => {
  let calls = 0;
  const h = () => {
    calls++;
    if (calls === 1) throw Object.assign(new Error('again'), { name: 'Busy' });
    return calls;
  };
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'h',
        Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1 }],
        Output: '{% [$states.context.State.RetryCount, $states.result] %}',
        End: true,
      },
    },
  };
  const r = await run(definition, { h }, {});
  assert.is(r.status, 'SUCCEEDED');
  assert.equal(r.output, [1, 2]);
});

reuse('an execution started from inside a handler of the same state does not disturb the outer attempt', async () => {
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'h', Output: '{% {"in": $states.input.depth, "out": $states.result} %}', End: true } },
  };
  const machine = compile(definition, {
    handlers: {
      h: (x: { depth: number }) => {
        if (x.depth === 0) return 'leaf';
        const inner = machine.run({ depth: x.depth - 1 });
        return (inner as { output: unknown }).output;
      },
    },
    clock: virtualClock(0),
  });
  const r = await machine.execute({ depth: 2 });
  assert.equal(r.output, { in: 2, out: { in: 1, out: { in: 0, out: 'leaf' } } });
});

reuse.run();
