import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../../src/index.js';

/**
 * `$states.context.<field>…` paths to a leaf of the context object are read from the
 * frame without building the object: each must give what the same path gives over the
 * whole object (`$states.context` read in the same state), in and out of a Map
 * iteration, in a state that retries and one that cannot.
 */
const context = suite('JSONata $states.context leaf paths');

const leafPaths = [
  'Execution.Id',
  'Execution.Input',
  'Execution.Input.items',
  'Execution.Name',
  'Execution.RoleArn',
  'Execution.StartTime',
  'Execution.RedriveCount',
  'State.EnteredTime',
  'State.Name',
  'State.RetryCount',
  'StateMachine.Id',
  'StateMachine.Name',
  'Map.Item.Index',
  'Map.Item.Value',
  'Map.Item.Value.tags',
  'Map.Item.Value.tags.name',
  'Map.Item',
];

/**
 * An Output reading every leaf path, and each path again over the whole object held in a
 * variable (which no leaf read serves). Both inside an array constructor, so a field absent
 * where the state runs gives [] on both sides rather than failing the state.
 */
const output: Record<string, string> = {};
leafPaths.forEach((path, i) => {
  output[`leaf${i}`] = `{% [$states.context.${path}] %}`;
  output[`whole${i}`] = `{% [($c := $states.context; $c.${path})] %}`;
});

function check(out: Record<string, unknown>, where: string) {
  leafPaths.forEach((path, i) => {
    assert.equal(out[`leaf${i}`], out[`whole${i}`], `${where}: $states.context.${path}`);
  });
}

for (const workflowType of ['EXPRESS', 'STANDARD'] as const) {
  context(`${workflowType}: in a Map iteration's Pass and Task, and in a Pass outside, the leaf paths agree with the whole object`, async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Outside',
      States: {
        Outside: { Type: 'Pass', Output: { outside: output, items: '{% $states.input.items %}' }, Next: 'Each' },
        Each: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemProcessor: {
            StartAt: 'InPass',
            States: {
              InPass: { Type: 'Pass', Output: { pass: output }, Next: 'InTask' },
              InTask: { Type: 'Task', Resource: 'echo', Output: { pass: '{% $states.input.pass %}', task: output }, End: true },
            },
          },
          Output: { outside: '{% $states.input.outside %}', inside: '{% $states.result %}' },
          End: true,
        },
      },
    };
    const machine = compile(definition, { handlers: { echo: (x: unknown) => x }, clock: virtualClock(), workflowType });
    const input = { items: [{ tags: [{ name: 'a' }, { name: 'b' }] }, { tags: { name: 'c' } }, 7] };
    const result = await machine.execute(input);
    assert.is(result.status, 'SUCCEEDED', String(result.cause));
    const out = result.output as { outside: Record<string, unknown>; inside: { pass: Record<string, unknown>; task: Record<string, unknown> }[] };
    check(out.outside, 'outside');
    assert.is(out.inside.length, 3);
    out.inside.forEach((it, i) => {
      check(it.pass, `item ${i}, Pass`);
      check(it.task, `item ${i}, Task`);
    });
  });
}

context("an ItemSelector sees each item's own $states.context.Map.Item, also when the library evaluates it", async () => {
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        ItemSelector: {
          // $map with a function: evaluated by the jsonata library, asynchronously.
          scaled: '{% $map([$states.context.Map.Item.Index], function($v) { $v * 10 }) %}',
          value: '{% $states.context.Map.Item.Value %}',
          item: '{% $states.context.Map.Item %}',
        },
        ItemProcessor: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  };
  const result = await compile(definition, { clock: virtualClock() }).execute({ items: ['a', 'b', 'c'] });
  assert.is(result.status, 'SUCCEEDED', String(result.cause));
  assert.equal(result.output, [
    { scaled: 0, value: 'a', item: { Index: 0, Value: 'a', Source: 'STATE_DATA' } },
    { scaled: 10, value: 'b', item: { Index: 1, Value: 'b', Source: 'STATE_DATA' } },
    { scaled: 20, value: 'c', item: { Index: 2, Value: 'c', Source: 'STATE_DATA' } },
  ]);
});

context("an ItemSelector evaluated directly item by item sees each item's own context object, read whole", async () => {
  // One `$states` serves the items in turn: what it built for one item must not serve the next.
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        ItemSelector: { index: '{% $states.context.Map.Item.Index %}', whole: '{% $states.context %}', states: '{% $states %}' },
        ItemProcessor: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  };
  const result = await compile(definition, { clock: virtualClock() }).execute({ items: ['a', 'b', 'c'] });
  assert.is(result.status, 'SUCCEEDED', String(result.cause));
  const items = result.output as { index: number; whole: { Map: { Item: unknown } }; states: { context: { Map: { Item: unknown } } } }[];
  items.forEach((item, i) => {
    assert.equal(item.whole.Map.Item, { Index: i, Value: ['a', 'b', 'c'][i], Source: 'STATE_DATA' });
    assert.equal(item.states.context.Map.Item, { Index: i, Value: ['a', 'b', 'c'][i], Source: 'STATE_DATA' });
  });
});

context.run();
