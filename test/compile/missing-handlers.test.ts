import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { statesByName } from '../../src/compile/handlers.js';
import { compile, DefinitionError, mockHandlers } from '../../src/index.js';

/** compile() lists every problem at once: Tasks without handlers beside the definition's own problems. */
const missing = suite('compile: missing handlers');

function problemsOf(definition: unknown, handlers = {}): string[][] {
  try {
    compile(definition, { handlers });
  } catch (error) {
    assert.instance(error, DefinitionError);
    return (error as DefinitionError).problems.map((p) => [p.code, p.pointer]);
  }
  assert.unreachable('expected a DefinitionError');
  return [];
}

missing('a Task without a handler is reported with the definition problems, not after they are fixed', () => {
  const definition = {
    StartAt: 'Charge',
    States: {
      Charge: { Type: 'Task', Resource: 'charge', Next: 'Shipp' },
      Ship: { Type: 'Task', Resource: 'ship', End: true },
    },
  };
  const problems = problemsOf(definition, { ship: () => 1 });
  assert.ok(
    problems.some(([code, pointer]) => code === 'ERR_ASL_UNKNOWN_STATE' && pointer === '/States/Charge/Next'),
    JSON.stringify(problems),
  );
  assert.ok(
    problems.some(([code, pointer]) => code === 'ERR_ASL_NO_HANDLER' && pointer === '/States/Charge/Resource'),
    JSON.stringify(problems),
  );
  assert.not.ok(
    problems.some(([, pointer]) => pointer === '/States/Ship/Resource'),
    'ship has a handler',
  );
});

missing('Tasks nested in Parallel branches and Map processors are found; lambda:invoke is left to run time', () => {
  const definition = {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Left', States: { Left: { Type: 'Task', Resource: 'left', End: true } } }],
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Item',
          States: { Item: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } },
        },
        Next: 'Nowhere',
      },
    },
  };
  const problems = problemsOf(definition);
  assert.ok(
    problems.some(([code, pointer]) => code === 'ERR_ASL_NO_HANDLER' && pointer === '/States/Fan/Branches/0/States/Left/Resource'),
    JSON.stringify(problems),
  );
  assert.not.ok(
    problems.some(([, pointer]) => pointer.endsWith('/Item/Resource')),
    JSON.stringify(problems),
  );
});

missing('a Resource the definition check already refused is not reported twice', () => {
  const definition = {
    StartAt: 'Run',
    States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Next: 'Gone' } },
  };
  const problems = problemsOf(definition);
  assert.is(problems.filter(([, pointer]) => pointer === '/States/Run/Resource').length, 1, JSON.stringify(problems));
});

missing('a definition that contains itself is walked once: statesByName ends, mocks do not hang', () => {
  const cyclic: Record<string, any> = { StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [] } } };
  cyclic.States.P.Branches.push(cyclic);
  assert.equal([...statesByName(cyclic).keys()], ['P']);
  const config = { StateMachines: { M: { TestCases: { T: {} } } }, MockedResponses: {} };
  assert.type(mockHandlers(cyclic, config, { testCase: 'T' }), 'object');
});

for (const [given, kind] of [
  [1, 'a number'],
  ['charge.js#handler', 'a string'],
  [null, 'null'],
  [{ fn: () => 1 }, 'an object'],
] as const) {
  missing(`a handler given as ${kind} is named as such, not reported missing (ERR_ASL_NO_HANDLER still)`, () => {
    const definition = { StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: 'charge', End: true } } };
    try {
      compile(definition, { handlers: { charge: given as never } });
      assert.unreachable('compiled');
    } catch (error) {
      const [problem] = (error as DefinitionError).problems;
      assert.equal([problem!.code, problem!.pointer], ['ERR_ASL_NO_HANDLER', '/States/Charge/Resource']);
      assert.ok(problem!.message.includes(`whose handler is ${kind}, not a function`), problem!.message);
    }
  });
}

missing.run();
