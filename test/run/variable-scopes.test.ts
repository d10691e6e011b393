import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';
import { AssignedNames, assignVariables } from '../../src/compile/variables.js';
import { type Frame } from '../../src/run/frame.js';
import { UNSET, VariableLayout, VariableRead, VariableScope } from '../../src/run/variables.js';

/**
 * Variables live in slots: each States block's assigned names get fixed slots at compile
 * time, an Assign writes by index and a read remembers the slot its name has in the layout
 * of each scope it meets. What a definition reads must not depend on that: a scope sees its
 * own variables and those of the blocks around it, whatever the slots, and a scope of
 * another layout (a transferred or supplied one) is read by name.
 */
const scopes = suite('variable scopes');

const cases: { name: string; definition: object; input: unknown; expected: unknown }[] = [
  {
    name: 'a nested Map iteration reads its own, its iteration’s and the execution’s variables, falsy values as they are',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Top',
      States: {
        Top: { Type: 'Pass', Assign: { zero: 0, none: null, no: false, empty: '' }, Next: 'Outer' },
        Outer: {
          Type: 'Map',
          Items: '{% $states.input.rows %}',
          ItemProcessor: {
            StartAt: 'Row',
            States: {
              Row: { Type: 'Pass', Assign: { row: '{% $states.input.name %}' }, Next: 'Inner' },
              Inner: {
                Type: 'Map',
                Items: '{% $states.input.cells %}',
                ItemProcessor: {
                  StartAt: 'Cell',
                  States: {
                    Cell: { Type: 'Pass', Assign: { cell: '{% $states.input %}' }, Next: 'Read' },
                    Read: { Type: 'Pass', Output: '{% [$row, $cell, $zero, $none, $no, $empty] %}', End: true },
                  },
                },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    },
    input: {
      rows: [
        { name: 'a', cells: [1, 2] },
        { name: 'b', cells: [3] },
      ],
    },
    expected: [
      [
        ['a', 1, 0, null, false, ''],
        ['a', 2, 0, null, false, ''],
      ],
      [['b', 3, 0, null, false, '']],
    ],
  },
  {
    name: 'what a Parallel branch assigns stays in it; a sibling and the states after the Parallel do not see it',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Top',
      States: {
        Top: { Type: 'Pass', Assign: { shared: 'top' }, Next: 'Both' },
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Set',
              States: {
                Set: { Type: 'Pass', Assign: { mine: 'first' }, Next: 'Get' },
                Get: { Type: 'Pass', Output: '{% [$shared, $mine] %}', End: true },
              },
            },
            { StartAt: 'Look', States: { Look: { Type: 'Pass', Output: '{% [$shared, $exists($mine)] %}', End: true } } },
          ],
          Next: 'After',
        },
        After: { Type: 'Pass', Output: '{% {"branches": $states.input, "mine": $exists($mine), "shared": $shared} %}', End: true },
      },
    },
    input: {},
    expected: {
      branches: [
        ['top', 'first'],
        ['top', false],
      ],
      mine: false,
      shared: 'top',
    },
  },
  {
    name: 'sibling iterations assigning one name each keep their own value (JSONPath)',
    definition: {
      StartAt: 'Top',
      States: {
        Top: { Type: 'Pass', Assign: { 'label.$': '$.label' }, Next: 'Each' },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Keep',
            States: {
              Keep: { Type: 'Pass', Assign: { 'item.$': '$' }, Next: 'Show' },
              Show: { Type: 'Pass', Parameters: { 'item.$': '$item', 'label.$': '$label' }, End: true },
            },
          },
          End: true,
        },
      },
    },
    input: { label: 'L', items: ['x', 'y'] },
    expected: [
      { item: 'x', label: 'L' },
      { item: 'y', label: 'L' },
    ],
  },
  {
    name: 'an iteration that could assign a name but has not reads the execution’s variable of that name',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Top',
      States: {
        Top: { Type: 'Pass', Assign: { x: 'outer' }, Next: 'Each' },
        Each: {
          Type: 'Map',
          Items: [1, 2],
          ItemProcessor: {
            StartAt: 'Other',
            States: {
              Other: { Type: 'Pass', Assign: { y: '{% $states.input %}' }, Next: 'Pick' },
              Pick: { Type: 'Choice', Choices: [{ Condition: '{% $y > 5 %}', Next: 'SetX' }], Default: 'Read' },
              SetX: { Type: 'Pass', Assign: { x: 'inner' }, Next: 'Read' },
              Read: { Type: 'Pass', Output: '{% [$x, $y] %}', End: true },
            },
          },
          End: true,
        },
      },
    },
    input: {},
    expected: [
      ['outer', 1],
      ['outer', 2],
    ],
  },
  {
    name: 'a variable reassigned in a later state reads its new value, the others theirs',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'One',
      States: {
        One: { Type: 'Pass', Assign: { a: 1, b: 2 }, Next: 'Two' },
        Two: { Type: 'Pass', Assign: { b: '{% $a + $b %}', c: '{% $b %}' }, Next: 'Read' },
        Read: { Type: 'Pass', Output: '{% [$a, $b, $c] %}', End: true },
      },
    },
    input: {},
    expected: [1, 3, 2],
  },
];

for (const c of cases) {
  scopes(c.name, async () => {
    const result = await compile(c.definition, { clock: virtualClock(0) }).execute(c.input);
    assert.is(result.status, 'SUCCEEDED', result.cause ?? '');
    assert.equal(result.output, c.expected);
  });
}

scopes('iterations run elsewhere read outer variables by name whatever their order there', async () => {
  const definition = {
    StartAt: 'Top',
    States: {
      Top: { Type: 'Pass', Assign: { first: 'one', second: 'two' }, Next: 'Each' },
      Each: {
        Type: 'Map',
        // The iterations assign: each has a scope of its own, and reads the outer variables one scope out.
        ItemProcessor: {
          StartAt: 'Show',
          States: { Show: { Type: 'Pass', Parameters: { 'first.$': '$first', 'second.$': '$second' }, Assign: { shown: true }, End: true } },
        },
        End: true,
      },
    },
  };
  const machine = compile(definition, { clock: virtualClock(0) });
  // In-process first: the read sites meet the execution's own layout.
  assert.equal((await machine.execute([0])).output, [{ first: 'one', second: 'two' }]);
  const parent = { executionName: 'x', executionInput: {}, executionStartMs: 0, remainingMs: 1000 };
  const elsewhere = machine.iterations('/States/Each', {
    ...parent,
    variables: [
      ['second', 'B'],
      ['first', 'A'],
    ],
  });
  assert.equal(await elsewhere.run(0, 0), { output: { first: 'A', second: 'B' } });
});

scopes('a scope given a name its layout lacks keeps it beside the others, with its size', () => {
  const scope = new VariableScope(null, new VariableLayout(['a']));
  const a = new VariableRead('a');
  const z = new VariableRead('z');
  scope.set('a', 'x', 3);
  assert.is(z.valueIn(scope), UNSET);
  scope.set('z', false, 5);
  scope.set('a', 'yy', 4);
  assert.equal([a.valueIn(scope), z.valueIn(scope)], ['yy', false]);
  assert.is(scope.bytes, 9);
  assert.equal(scope.own(), [
    ['a', 'yy', 4],
    ['z', false, 5],
  ]);
  const inner = new VariableScope(scope, new VariableLayout(['z']));
  assert.equal([a.valueIn(inner), z.valueIn(inner)], ['yy', false]);
  inner.set('z', 'inner', 0);
  assert.equal([a.valueIn(inner), z.valueIn(inner), z.valueIn(scope)], ['yy', 'inner', false]);
});

scopes('one Assign writes each scope at the slots of that scope’s layout', () => {
  const names = new AssignedNames(['b', 'a']);
  const exec = { limits: { payloadBytes: 1000 }, history: null };
  const first = new VariableScope(null, new VariableLayout(['a', 'b']));
  const second = new VariableScope(null, new VariableLayout(['b']));
  assignVariables({ vars: first, exec } as unknown as Frame, names, [2, 1]);
  assignVariables({ vars: second, exec } as unknown as Frame, names, ['B', 'A']);
  assignVariables({ vars: first, exec } as unknown as Frame, names, [20, 10]);
  assert.equal(first.own(), [
    ['a', 10, 2],
    ['b', 20, 2],
  ]);
  // A string's size is first bounded by 6 bytes per unit and its quotes.
  assert.equal(second.own(), [
    ['b', 'B', 8],
    ['a', 'A', 8],
  ]);
});

scopes.run();
