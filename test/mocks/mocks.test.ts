import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, OptionError, virtualClock, type Handlers } from '../../src/index.js';
import { MockConfigError, mockHandlers, planTestCase } from '../../src/mocks/index.js';

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
  assert.equal(
    results.map((r) => r.output),
    ['ok', 'ok', 'ok'],
  );
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

mocks('an unmocked state without a handler, sharing a mocked Resource or with its own, compiles and fails only when reached', async () => {
  for (const resource of ['r', 'elsewhere']) {
    const definition = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'r', Next: 'Pick' },
        Pick: { Type: 'Choice', Choices: [{ Variable: '$$.Execution.Input.go', BooleanEquals: true, Next: 'U' }], Default: 'Done' },
        U: { Type: 'Task', Resource: resource, End: true },
        Done: { Type: 'Succeed' },
      },
    };
    const machine = compile(definition, { handlers: mockHandlers(definition, sequence, { testCase: 'T' }), clock: virtualClock(0) });
    const skipped = await machine.execute({ go: false });
    assert.is(skipped.status, 'SUCCEEDED', resource);
    const reached = await machine.execute({ go: true });
    assert.equal([reached.status, reached.error], ['FAILED', 'States.Runtime'], resource);
    assert.ok(reached.cause?.includes("state 'U'") && reached.cause.includes("test case 'T'"), reached.cause ?? '');
  }
});

mocks('every fault of a test case is reported at once: responses, invocation keys, states', () => {
  const definition = {
    StartAt: 'A',
    States: { A: { Type: 'Task', Resource: 'r', Next: 'B' }, B: { Type: 'Task', Resource: 'r', Next: 'P' }, P: { Type: 'Pass', End: true } },
  };
  const config = {
    StateMachines: { M: { TestCases: { T: { A: 'Missing', B: 'Broken', P: 'Fine', Ghost: 'Fine' } } } },
    MockedResponses: { Broken: { x: { Return: 1 }, '1': { Throw: { Error: 'E' } } }, Fine: { '0': { Return: 1 } } },
  };
  try {
    mockHandlers(definition, config, { testCase: 'T' });
    assert.unreachable('expected a MockConfigError');
  } catch (error) {
    assert.instance(error, MockConfigError);
    assert.equal(
      (error as MockConfigError).problems.map((p) => [p.code, p.pointer]),
      [
        ['ERR_MOCK_UNKNOWN_RESPONSE', '/StateMachines/M/TestCases/T/A'],
        ['ERR_MOCK_RESPONSE', '/MockedResponses/Broken/1/Throw'],
        ['ERR_MOCK_INVOCATIONS', '/MockedResponses/Broken/x'],
        ['ERR_MOCK_NOT_A_TASK', '/StateMachines/M/TestCases/T/P'],
        ['ERR_MOCK_UNKNOWN_STATE', '/StateMachines/M/TestCases/T/Ghost'],
      ],
    );
    assert.is((error as MockConfigError).code, 'ERR_MOCK_UNKNOWN_RESPONSE');
  }
});

/** Invocation 0 throws, the retry (invocation 1) returns: a run that needs its own count to succeed. */
const failOnce = {
  definition: {
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'r', Retry: [{ ErrorEquals: ['Again'], IntervalSeconds: 1, MaxAttempts: 1 }], End: true } },
  },
  config: {
    StateMachines: { M: { TestCases: { T: { T: 'FailOnce' } } } },
    MockedResponses: { FailOnce: { '0': { Throw: { Error: 'Again', Cause: 'retry me' } }, '1': { Return: 'ok' } } },
  },
  testCase: 'T',
};

mocks('executions with the same name running at once keep separate counts', async () => {
  const machine = compileMocked(failOnce);
  const results = await Promise.all([1, 2, 3].map(() => machine.execute({}, { name: 'same-name' })));
  assert.equal(
    results.map((r) => [r.status, r.output]),
    [
      ['SUCCEEDED', 'ok'],
      ['SUCCEEDED', 'ok'],
      ['SUCCEEDED', 'ok'],
    ],
  );
});

mocks('counts are never forgotten while an execution runs, with more than 1,024 executions in flight', async () => {
  const machine = compileMocked(failOnce);
  const results = await Promise.all(Array.from({ length: 1100 }, () => machine.execute({})));
  const statuses = results.map((r) => `${r.status} ${r.output ?? r.cause}`);
  assert.equal([...new Set(statuses)], ['SUCCEEDED ok']);
});

/** mockHandlers() and planTestCase() options misused: an OptionError naming the option, not a TypeError or "no test case 'undefined'". */
const optionMistakes: Array<{ what: string; call: () => unknown; option: string }> = [
  { what: 'mockHandlers() without options', call: () => (mockHandlers as Function)(failOnce.definition, failOnce.config), option: 'options' },
  { what: 'mockHandlers() options that are a string', call: () => mockHandlers(failOnce.definition, failOnce.config, 'T' as never), option: 'options' },
  { what: 'mockHandlers() without testCase', call: () => mockHandlers(failOnce.definition, failOnce.config, {} as never), option: 'testCase' },
  {
    what: 'mockHandlers() with testcase misspelt',
    call: () => mockHandlers(failOnce.definition, failOnce.config, { testcase: 'T' } as never),
    option: 'testcase',
  },
  {
    what: 'mockHandlers() with a testCase that is not a string',
    call: () => mockHandlers(failOnce.definition, failOnce.config, { testCase: 1 as never }),
    option: 'testCase',
  },
  {
    what: 'mockHandlers() with handlers that are a function',
    call: () => mockHandlers(failOnce.definition, failOnce.config, { testCase: 'T', handlers: (() => 1) as never }),
    option: 'handlers',
  },
  { what: 'planTestCase() without a test case', call: () => (planTestCase as Function)(failOnce.config), option: 'testCase' },
  { what: 'planTestCase() with a state machine that is not a string', call: () => planTestCase(failOnce.config, 'T', 5 as never), option: 'stateMachine' },
];

for (const { what, call, option } of optionMistakes) {
  mocks(`${what} throws an OptionError naming '${option}'`, () => {
    try {
      call();
    } catch (error) {
      assert.instance(error, OptionError);
      assert.is((error as OptionError).code, 'ERR_INVALID_OPTION');
      assert.is((error as OptionError).option, option);
      return;
    }
    assert.unreachable('no error');
  });
}

mocks.run();
