import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, DefinitionError, virtualClock, type Handlers } from '../../src/index.js';
import { MockConfigError, mockHandlers } from '../../src/mocks/index.js';

/** Step Functions Local mock configurations: runs from a table, then every configuration fault by code and pointer. */
const mocks = suite('mocks');

interface RunCase {
  name: string;
  definition: unknown;
  config: unknown;
  testCase: string;
  stateMachine?: string;
  handlers?: keyof typeof handlerSets;
  input: unknown;
  expected: { status: string; output?: unknown; error?: string; cause?: string; causeIncludes?: string };
}

interface ErrorCase {
  name: string;
  config: unknown;
  testCase: string;
  stateMachine?: string;
  code: string;
  pointer: string;
}

const handlerSets = {
  echo: { echo: (input: unknown) => ({ echoed: input }) } satisfies Handlers,
};

const read = (file: string) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
const runCases: RunCase[] = read('./mock-runs.json');
const errorCases: ErrorCase[] = read('./mock-config-errors.json');

function compileMocked(c: Pick<RunCase, 'definition' | 'config' | 'testCase' | 'stateMachine' | 'handlers'>) {
  const handlers = mockHandlers(c.definition, c.config, {
    testCase: c.testCase,
    stateMachine: c.stateMachine,
    handlers: c.handlers === undefined ? undefined : handlerSets[c.handlers],
  });
  return compile(c.definition, { handlers, clock: virtualClock(0) });
}

for (const c of runCases) {
  mocks(c.name, async () => {
    const result = await compileMocked(c).execute(c.input);
    assert.is(result.status, c.expected.status, `${result.error}: ${result.cause}`);
    if ('output' in c.expected) assert.equal(result.output, c.expected.output);
    if (c.expected.error !== undefined) assert.is(result.error, c.expected.error);
    if (c.expected.cause !== undefined) assert.is(result.cause, c.expected.cause);
    if (c.expected.causeIncludes !== undefined) assert.ok(result.cause?.includes(c.expected.causeIncludes), String(result.cause));
  });
}

const errorDefinition = {
  StartAt: 'Call',
  States: { Call: { Type: 'Task', Resource: 'r', Next: 'Done' }, Done: { Type: 'Succeed' } },
};

for (const c of errorCases) {
  mocks(`config fault: ${c.name}`, () => {
    try {
      mockHandlers(errorDefinition, c.config, { testCase: c.testCase, stateMachine: c.stateMachine });
      assert.unreachable('expected a MockConfigError');
    } catch (error) {
      assert.instance(error, MockConfigError);
      assert.equal([(error as MockConfigError).code, (error as MockConfigError).pointer], [c.code, c.pointer]);
    }
  });
}

const oneTask = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'r', End: true } } };
const sequence = {
  StateMachines: { M: { TestCases: { T: { T: 'Seq' } } } },
  MockedResponses: { Seq: { '0': { Return: 'first' }, '1': { Return: 'second' } } },
};

mocks('each execution counts invocations from 0 again', async () => {
  const machine = compileMocked({ definition: oneTask, config: sequence, testCase: 'T' });
  const outputs = [];
  for (let i = 0; i < 3; i++) outputs.push((await machine.execute({})).output);
  assert.equal(outputs, ['first', 'first', 'first']);
});

mocks('concurrent executions keep separate counts', async () => {
  const definition = {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'r', Retry: [{ ErrorEquals: ['Again'], IntervalSeconds: 1 }], End: true } },
  };
  const config = {
    StateMachines: { M: { TestCases: { T: { T: 'FailOnce' } } } },
    MockedResponses: { FailOnce: { '0': { Throw: { Error: 'Again', Cause: 'retry me' } }, '1': { Return: 'ok' } } },
  };
  const machine = compileMocked({ definition, config, testCase: 'T' });
  const results = await Promise.all([machine.execute({}), machine.execute({}), machine.execute({})]);
  assert.equal(results.map((r) => r.output), ['ok', 'ok', 'ok']);
});

mocks('each invocation gets its own copy of the mocked value', async () => {
  const definition = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'r', End: true } } },
        End: true,
      },
    },
  };
  const config = { StateMachines: { M: { TestCases: { T: { T: 'Same' } } } }, MockedResponses: { Same: { '0-1': { Return: { n: 1 } } } } };
  const output = (await compileMocked({ definition, config, testCase: 'T' }).execute([1, 2])).output as object[];
  assert.equal(output, [{ n: 1 }, { n: 1 }]);
  assert.is.not(output[0], output[1]);
});

mocks('the base handlers stay available under their own keys', () => {
  const own = { other: () => 1 };
  const handlers = mockHandlers(oneTask, sequence, { testCase: 'T', handlers: own });
  assert.is(handlers.other, own.other);
  assert.type(handlers.r, 'function');
});

mocks('a Resource key such as __proto__ becomes an own handler, never the prototype', () => {
  const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: '__proto__', End: true } } };
  const handlers = mockHandlers(definition, sequence, { testCase: 'T' });
  assert.is(Object.getPrototypeOf(handlers), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(handlers, '__proto__'));
});

mocks('an unmocked state sharing a mocked Resource and without a handler is ERR_ASL_NO_HANDLER at its Resource', () => {
  const definition = {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'r', Next: 'U' }, U: { Type: 'Task', Resource: 'r', End: true } },
  };
  try {
    mockHandlers(definition, sequence, { testCase: 'T' });
    assert.unreachable('expected a DefinitionError');
  } catch (error) {
    assert.instance(error, DefinitionError);
    assert.equal((error as DefinitionError).problems.map((p) => [p.code, p.pointer]), [['ERR_ASL_NO_HANDLER', '/States/U/Resource']]);
  }
});

mocks('an unmocked state with a Resource of its own and no handler is left to compile() to report', () => {
  const definition = {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'r', Next: 'U' }, U: { Type: 'Task', Resource: 'elsewhere', End: true } },
  };
  const handlers = mockHandlers(definition, sequence, { testCase: 'T' });
  try {
    compile(definition, { handlers });
    assert.unreachable('expected a DefinitionError');
  } catch (error) {
    assert.instance(error, DefinitionError);
    assert.equal((error as DefinitionError).problems.map((p) => [p.code, p.pointer]), [['ERR_ASL_NO_HANDLER', '/States/U/Resource']]);
  }
});

mocks.run();
