import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * An execution's main line gets a variable scope only when some state of the machine assigns
 * (allocation, issue 20). Without one, every read of a variable and every built-in must
 * behave as with an empty scope: each definition here runs as it is and with an Assign added
 * to a state that runs after it, and both must answer alike.
 */
const scope = suite('main-line variable scope');

const start = Date.UTC(2026, 0, 1);

/** `definition` with an Assign of `later` added to its state `Last`, which runs after everything the test reads. */
function withAssign(definition: { States: Record<string, object> }): object {
  const last = definition.States.Last!;
  return { ...definition, States: { ...definition.States, Last: { ...last, Assign: { later: 1 } } } };
}

const cases: { name: string; definition: { StartAt: string; QueryLanguage?: string; States: Record<string, object> }; input: unknown }[] = [
  {
    name: 'JSONata: a built-in that a variable of its name would hide',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Last',
      States: { Last: { Type: 'Pass', Output: '{% {"upper": $uppercase($states.input.s), "n": $count($states.input.list)} %}', End: true } },
    },
    input: { s: 'abc', list: [1, 2, 3] },
  },
  {
    name: 'JSONata: a Parallel whose branch reads the variables around it',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Last',
      States: {
        Last: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $states.input.s %}', End: true } } }],
          End: true,
        },
      },
    },
    input: { s: 'x' },
  },
  {
    name: 'JSONPath: a Map whose iterations read the Map item and the context object',
    definition: {
      StartAt: 'Last',
      States: {
        Last: {
          Type: 'Map',
          ItemsPath: '$.list',
          ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' },
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    input: { list: ['a', 'b'] },
  },
];

for (const c of cases) {
  scope(`${c.name}: the same answer with and without an Assign in the machine`, async () => {
    const without = await compile(c.definition, { clock: virtualClock(start) }).execute(c.input);
    const withOne = await compile(withAssign(c.definition), { clock: virtualClock(start) }).execute(c.input);
    assert.is(without.status, 'SUCCEEDED', `${without.error}: ${without.cause}`);
    assert.equal(without.output, withOne.output);
  });
}

scope('an Assign at the top level is read by the next state', async () => {
  const r = await compile(
    {
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { greeting: 'hello' }, Next: 'Read' },
        Read: { Type: 'Pass', Parameters: { 'said.$': '$greeting' }, End: true },
      },
    },
    { clock: virtualClock(start) },
  ).execute({});
  assert.equal(r.output, { said: 'hello' });
});

scope.run();
