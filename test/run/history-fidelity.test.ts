import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Handlers } from '../../src/index.js';
import type { ExecutionResult } from '../../src/run/result.js';

/**
 * Details of history events as AWS records them (GetExecutionHistory of the AWS-recorded
 * conformance cases): what each case's events must hold, in tables.
 */
const fidelity = suite('history fidelity');

function run(definition: unknown, input: unknown, handlers: Handlers = {}): Promise<ExecutionResult> {
  return compile(definition, { handlers, clock: virtualClock(0), history: 'ALL' }).execute(input);
}

/** Each StateExited: the state's name and its assignedVariables (undefined: the event has none). */
function exits(r: ExecutionResult): [string, unknown][] {
  return r
    .history!.filter((e) => e.type.endsWith('StateExited'))
    .map((e) => {
      const details = (e as Record<string, any>).stateExitedEventDetails;
      if ('assignedVariables' in details) assert.equal(details.assignedVariablesDetails, { truncated: false }, `${details.name}: assignedVariablesDetails`);
      return [details.name, details.assignedVariables];
    });
}

const failing: Handlers = {
  boom: () => {
    const e = new Error('no');
    e.name = 'Boom';
    throw e;
  },
  echo: (input: unknown) => input,
};

const assignCases: { name: string; definition: unknown; input?: unknown; exits: [string, unknown][] }[] = [
  {
    name: 'Pass (JSONPath): each value as JSON text, a state without Assign has none',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: { n: 1 }, Assign: { x: 42, s: 'text', o: { k: [1, null] }, 'fromResult.$': '$.n' }, Next: 'B' },
        B: { Type: 'Pass', End: true },
      },
    },
    exits: [
      ['A', { x: '42', s: '"text"', o: '{"k":[1,null]}', fromResult: '1' }],
      ['B', undefined],
    ],
  },
  {
    name: 'Pass (JSONata): an expression reading the input',
    definition: { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Assign: { sum: '{% $states.input.a + 1 %}' }, End: true } } },
    input: { a: 2 },
    exits: [['A', { sum: '3' }]],
  },
  {
    name: "Choice: the matching rule's Assign",
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$.go', BooleanEquals: true, Assign: { picked: 'rule' }, Next: 'E' }],
          Default: 'E',
          Assign: { picked: 'default' },
        },
        E: { Type: 'Succeed' },
      },
    },
    input: { go: true },
    exits: [
      ['C', { picked: '"rule"' }],
      ['E', undefined],
    ],
  },
  {
    name: "Task: its Assign reads the result; a caught Task shows its catcher's Assign",
    definition: {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'echo', Assign: { 'got.$': '$.v' }, Next: 'F' },
        F: { Type: 'Task', Resource: 'boom', Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'err.$': '$.Error' }, Next: 'D' }], End: true },
        D: { Type: 'Pass', End: true },
      },
    },
    input: { v: [true] },
    exits: [
      ['T', { got: '[true]' }],
      ['F', { err: '"Boom"' }],
      ['D', undefined],
    ],
  },
  {
    // Assign: {} as AWS records test_assign_base BASE_EMPTY: no assignedVariables.
    name: 'Wait with Assign; Assign: {} shows none',
    definition: {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 0, Assign: { waited: true }, Next: 'P' }, P: { Type: 'Pass', Assign: {}, End: true } },
    },
    exits: [
      ['W', { waited: 'true' }],
      ['P', undefined],
    ],
  },
];

for (const c of assignCases) {
  fidelity(`assignedVariables: ${c.name}`, async () => {
    const r = await run(c.definition, c.input ?? {}, failing);
    assert.is(r.status, 'SUCCEEDED', r.cause ?? '');
    assert.equal(exits(r), c.exits);
  });
}

/** [id, previousEventId, type] of every event. */
function links(r: ExecutionResult): [number, number, string][] {
  return r.history!.map((e) => [e.id, e.previousEventId, e.type]);
}

const noItem = { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } };

const linkCases: { name: string; definition: unknown; input: unknown; links: [number, number, string][] }[] = [
  {
    // As AWS records test_map_state: the next MapIterationStarted follows the iteration's last
    // event, MapStateSucceeded the last MapIterationSucceeded, MapStateExited that same event.
    name: 'a Map of two items',
    definition: { StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: 1, ItemProcessor: noItem, End: true } } },
    input: [1, 2],
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'PassStateEntered'],
      [6, 5, 'PassStateExited'],
      [7, 6, 'MapIterationSucceeded'],
      [8, 6, 'MapIterationStarted'],
      [9, 8, 'PassStateEntered'],
      [10, 9, 'PassStateExited'],
      [11, 10, 'MapIterationSucceeded'],
      [12, 11, 'MapStateSucceeded'],
      [13, 11, 'MapStateExited'],
      [14, 13, 'ExecutionSucceeded'],
    ],
  },
  {
    name: 'an empty Map: MapStateSucceeded and MapStateExited both follow MapStateStarted',
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: noItem, Next: 'P' }, P: { Type: 'Pass', End: true } } },
    input: [],
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapStateSucceeded'],
      [5, 3, 'MapStateExited'],
      [6, 5, 'PassStateEntered'],
      [7, 6, 'PassStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ],
  },
  {
    // As AWS records test_map_state_catch: MapStateFailed follows the iteration's last event.
    name: 'a caught failing Map',
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E' } } },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'P' }],
          End: true,
        },
        P: { Type: 'Pass', End: true },
      },
    },
    input: [1],
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'FailStateEntered'],
      [6, 5, 'MapIterationFailed'],
      [7, 5, 'MapStateFailed'],
      [8, 7, 'MapStateExited'],
      [9, 8, 'PassStateEntered'],
      [10, 9, 'PassStateExited'],
      [11, 10, 'ExecutionSucceeded'],
    ],
  },
];

for (const c of linkCases) {
  fidelity(`previousEventId: ${c.name}`, async () => {
    const r = await run(c.definition, c.input);
    assert.is(r.status, 'SUCCEEDED', r.cause ?? '');
    assert.equal(links(r), c.links);
  });
}

const failItem = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } };
const retryOnce = [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }];

// As AWS records test_map_state_retry: an attempt that is retried records no MapStateFailed (a
// retried Parallel's, PARALLEL_CATCH_ERROR_OUTPUT_WITH_RETRY, no ParallelStateFailed); the next
// MapStateStarted follows the attempt's last iteration's last event; the last attempt's failure is recorded.
const retryCases: { name: string; definition: unknown; status: string; links: [number, number, string][] }[] = [
  {
    name: 'a Map retried once, then failing the execution',
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: failItem, Retry: retryOnce, End: true } } },
    status: 'FAILED',
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'FailStateEntered'],
      [6, 5, 'MapIterationFailed'],
      [7, 5, 'MapStateStarted'],
      [8, 7, 'MapIterationStarted'],
      [9, 8, 'FailStateEntered'],
      [10, 9, 'MapIterationFailed'],
      [11, 9, 'MapStateFailed'],
      [12, 11, 'ExecutionFailed'],
    ],
  },
  {
    name: 'a Map retried once, then caught',
    definition: {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemProcessor: failItem, Retry: retryOnce, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'P' }], End: true },
        P: { Type: 'Pass', End: true },
      },
    },
    status: 'SUCCEEDED',
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'FailStateEntered'],
      [6, 5, 'MapIterationFailed'],
      [7, 5, 'MapStateStarted'],
      [8, 7, 'MapIterationStarted'],
      [9, 8, 'FailStateEntered'],
      [10, 9, 'MapIterationFailed'],
      [11, 9, 'MapStateFailed'],
      [12, 11, 'MapStateExited'],
      [13, 12, 'PassStateEntered'],
      [14, 13, 'PassStateExited'],
      [15, 14, 'ExecutionSucceeded'],
    ],
  },
];

for (const c of retryCases) {
  fidelity(`retried attempt: ${c.name}`, async () => {
    const r = await run(c.definition, [1]);
    assert.is(r.status, c.status, r.cause ?? '');
    assert.equal(links(r), c.links);
  });
}

fidelity('retried attempt: a Parallel retried once, then caught, records ParallelStateFailed for the last attempt only', async () => {
  const definition = {
    StartAt: 'P',
    States: {
      P: { Type: 'Parallel', Branches: [failItem], Retry: retryOnce, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Q' }], End: true },
      Q: { Type: 'Pass', End: true },
    },
  };
  const r = await run(definition, {});
  assert.is(r.status, 'SUCCEEDED', r.cause ?? '');
  assert.equal(
    r.history!.map((e) => e.type),
    [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ParallelStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
  );
});

const passBranch = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
const taskBranch = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'boomLater', End: true } } };
const failingLater: Handlers = {
  boomLater: async () => {
    await Promise.resolve();
    const e = new Error('no');
    e.name = 'Boom';
    throw e;
  },
};

// As AWS records test_parallel_state_fail and _catch: ParallelStateFailed follows the failed
// branch's last event; PARALLEL_CATCH_ERROR_OUTPUT_WITH_RETRY: so does a retry's ParallelStateStarted.
// A Task whose error ends its branch records TaskStateAborted after its failure event, which the
// Parallel's next event still follows (PARALLEL_CATCH_ERROR_OUTPUT_WITH_RETRY, and
// SQS_PARALLEL_WAIT_FOR_TASK_TOKEN of test_callback, whose branch events keep their ids).
const parallelFailureCases: { name: string; definition: unknown; status: string; links: [number, number, string][] }[] = [
  {
    name: 'a branch failing at once',
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [passBranch, failItem], End: true } } },
    status: 'FAILED',
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 3, 'FailStateEntered'],
      [7, 6, 'ParallelStateFailed'],
      [8, 7, 'ExecutionFailed'],
    ],
  },
  {
    name: 'a branch failing later (its Task)',
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [passBranch, taskBranch], End: true } } },
    status: 'FAILED',
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 3, 'TaskStateEntered'],
      [7, 6, 'TaskScheduled'],
      [8, 7, 'TaskStarted'],
      [9, 8, 'TaskFailed'],
      [10, 9, 'TaskStateAborted'],
      [11, 9, 'ParallelStateFailed'],
      [12, 11, 'ExecutionFailed'],
    ],
  },
  {
    name: 'retried once, then caught',
    definition: {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [taskBranch], Retry: retryOnce, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Q' }], End: true },
        Q: { Type: 'Pass', End: true },
      },
    },
    status: 'SUCCEEDED',
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'TaskStateEntered'],
      [5, 4, 'TaskScheduled'],
      [6, 5, 'TaskStarted'],
      [7, 6, 'TaskFailed'],
      [8, 7, 'TaskStateAborted'],
      [9, 7, 'ParallelStateStarted'],
      [10, 9, 'TaskStateEntered'],
      [11, 10, 'TaskScheduled'],
      [12, 11, 'TaskStarted'],
      [13, 12, 'TaskFailed'],
      [14, 13, 'TaskStateAborted'],
      [15, 13, 'ParallelStateFailed'],
      [16, 15, 'ParallelStateExited'],
      [17, 16, 'PassStateEntered'],
      [18, 17, 'PassStateExited'],
      [19, 18, 'ExecutionSucceeded'],
    ],
  },
];

// STANDARD runs a top-level Parallel's branches as parkable threads, EXPRESS as plain ones.
for (const workflowType of ['STANDARD', 'EXPRESS'] as const) {
  for (const c of parallelFailureCases) {
    fidelity(`ParallelStateFailed (${workflowType}): ${c.name}`, async () => {
      const r = await compile(c.definition, { handlers: failingLater, clock: virtualClock(0), history: 'ALL', workflowType }).execute({});
      assert.is(r.status, c.status, r.cause ?? '');
      assert.equal(links(r), c.links);
    });
  }
}

// A failed branch aborts its siblings as a failed iteration does the others (test_service_lambda_map_timeout):
// the failed Task's TaskStateAborted, then one for the Task of each branch still running, all linked
// to the failed branch's last event, which ParallelStateFailed follows. A Parallel has no event of
// its own per branch (no MapIterationAborted).
const siblingsRunning: Handlers = {
  hang: () => new Promise(() => {}),
  boomLater: failingLater.boomLater!,
  boomNow: () => {
    const e = new Error('no');
    e.name = 'Boom';
    throw e;
  },
};
for (const [failing, when] of [
  ['boomLater', 'later'],
  ['boomNow', 'at once'],
] as const) {
  for (const workflowType of ['STANDARD', 'EXPRESS'] as const) {
    fidelity(`TaskStateAborted (${workflowType}): a branch's Task fails ${when} while a sibling's Task runs`, async () => {
      const definition = {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'W', States: { W: { Type: 'Task', Resource: 'hang', End: true } } },
              { StartAt: 'T', States: { T: { Type: 'Task', Resource: failing, End: true } } },
              passBranch,
            ],
            End: true,
          },
        },
      };
      const r = await compile(definition, { handlers: siblingsRunning, clock: virtualClock(0), history: 'ALL', workflowType }).execute({});
      assert.is(r.status, 'FAILED');
      const failed: [number, number, string][] =
        failing === 'boomNow'
          ? [[10, 9, 'TaskFailed']]
          : [
              [10, 3, 'PassStateEntered'],
              [11, 10, 'PassStateExited'],
              [12, 9, 'TaskFailed'],
            ];
      const at = failed[failed.length - 1]![0];
      assert.equal(links(r).slice(0, 9 + failed.length), [
        [1, 0, 'ExecutionStarted'],
        [2, 0, 'ParallelStateEntered'],
        [3, 2, 'ParallelStateStarted'],
        [4, 3, 'TaskStateEntered'],
        [5, 4, 'TaskScheduled'],
        [6, 5, 'TaskStarted'],
        [7, 3, 'TaskStateEntered'],
        [8, 7, 'TaskScheduled'],
        [9, 8, 'TaskStarted'],
        ...failed,
      ]);
      assert.equal(links(r).slice(9 + failed.length), [
        [at + 1, at, 'TaskStateAborted'],
        [at + 2, at, 'TaskStateAborted'],
        [at + 3, at, 'ParallelStateFailed'],
        [at + 4, at + 3, 'ExecutionFailed'],
      ]);
    });
  }
}

// As AWS records test_service_lambda_map_timeout (four iterations whose Tasks time out): the failed
// iteration's MapIterationFailed, then TaskStateAborted for its Task; MapIterationAborted and
// TaskStateAborted for each iteration still running; all of them, and MapStateFailed, linked to the
// failed iteration's last event. Here iteration 0's Task fails while the other three wait.
const invokeEach = {
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Invoke',
        States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': '$.fn' }, End: true } },
      },
      End: true,
    },
  },
};
const oneFailsThreeWait: Handlers = { boomLater: failingLater.boomLater!, hang: () => new Promise(() => {}) };

for (const workflowType of ['STANDARD', 'EXPRESS'] as const) {
  fidelity(`MapIterationAborted (${workflowType}): one iteration fails while three run`, async () => {
    const input = [{ fn: 'boomLater' }, { fn: 'hang' }, { fn: 'hang' }, { fn: 'hang' }];
    const r = await compile(invokeEach, { handlers: oneFailsThreeWait, clock: virtualClock(0), history: 'ALL', workflowType }).execute(input);
    assert.is(r.status, 'FAILED');
    const started = [0, 1, 2, 3].flatMap((i): [number, number, string][] => [
      [4 + 4 * i, i === 0 ? 3 : 4 * i, 'MapIterationStarted'],
      [5 + 4 * i, 4 + 4 * i, 'TaskStateEntered'],
      [6 + 4 * i, 5 + 4 * i, 'TaskScheduled'],
      [7 + 4 * i, 6 + 4 * i, 'TaskStarted'],
    ]);
    assert.equal(links(r), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      ...started,
      [20, 7, 'TaskFailed'],
      [21, 20, 'MapIterationFailed'],
      [22, 20, 'TaskStateAborted'],
      [23, 20, 'MapIterationAborted'],
      [24, 20, 'TaskStateAborted'],
      [25, 20, 'MapIterationAborted'],
      [26, 20, 'TaskStateAborted'],
      [27, 20, 'MapIterationAborted'],
      [28, 20, 'TaskStateAborted'],
      [29, 20, 'MapStateFailed'],
      [30, 29, 'ExecutionFailed'],
    ]);
    assert.equal(
      r.history!.filter((e) => e.type === 'MapIterationAborted').map((e) => (e as Record<string, any>).mapIterationAbortedEventDetails),
      [1, 2, 3].map((index) => ({ name: 'M', index })),
    );
  });
}

// As AWS records test_parallel_state, _order, _nested, PARALLEL_STATE_PARAMETERS: ParallelStateExited
// follows the event before ParallelStateSucceeded (the last branch's end), as a Map's StateExited does.
const parallelSuccessCases: { name: string; definition: unknown; input: unknown; exited: [number, number][] }[] = [
  {
    name: 'two branches finishing at once',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [passBranch, { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }], End: true } },
    },
    input: {},
    exited: [[9, 7]],
  },
  {
    name: 'a branch finishing later (its Task)',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [passBranch, { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'later', End: true } } }], End: true } },
    },
    input: {},
    exited: [[12, 10]],
  },
  {
    name: 'nested: the outer follows the inner ParallelStateExited',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'Q', States: { Q: { Type: 'Parallel', Branches: [passBranch], End: true } } }], End: true } },
    },
    input: {},
    exited: [
      [9, 7],
      [11, 9],
    ],
  },
];

for (const workflowType of ['STANDARD', 'EXPRESS'] as const) {
  for (const c of parallelSuccessCases) {
    fidelity(`ParallelStateExited (${workflowType}): ${c.name}`, async () => {
      const handlers: Handlers = { later: async (input: unknown) => input };
      const r = await compile(c.definition, { handlers, clock: virtualClock(0), history: 'ALL', workflowType }).execute(c.input);
      assert.is(r.status, 'SUCCEEDED', r.cause ?? '');
      const exited = r.history!.filter((e) => e.type === 'ParallelStateExited').map((e) => [e.id, e.previousEventId]);
      assert.equal(exited, c.exited);
      const succeeded = r.history!.filter((e) => e.type === 'ParallelStateSucceeded').map((e) => e.id);
      assert.equal(
        succeeded,
        c.exited.map(([id]) => id - 1),
        'ParallelStateSucceeded comes just before',
      );
    });
  }
}

// As AWS records test_map_state_tolerated_failure_count_path / _percentage_path with a bad value:
// MapStateStarted (the items' count), then the execution fails, no MapStateFailed.
const badTolerance: { name: string; setting: Record<string, unknown>; input: unknown; cause: string }[] = [
  { name: 'a negative count', setting: { ToleratedFailureCountPath: '$.t' }, input: { items: [0], t: -1 }, cause: 'ToleratedFailureCount cannot be negative.' },
  {
    name: 'a percentage over 100',
    setting: { ToleratedFailurePercentagePath: '$.t' },
    input: { items: [0, 1], t: 100.1 },
    cause: 'ToleratedFailurePercentage must be between 0 and 100.',
  },
  { name: 'a count that is no number', setting: { ToleratedFailureCountPath: '$.t' }, input: { items: [0], t: 'NoNumber' }, cause: '' },
];

for (const c of badTolerance) {
  fidelity(`Distributed Map failing on its tolerated failures: ${c.name}`, async () => {
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...noItem },
          ...c.setting,
          End: true,
        },
      },
    };
    const r = await run(definition, c.input);
    assert.is(r.status, 'FAILED');
    assert.is(r.error, 'States.Runtime');
    assert.ok(r.cause!.includes(c.cause), r.cause ?? '');
    assert.equal(links(r), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'ExecutionFailed'],
    ]);
    assert.equal((r.history![2] as Record<string, any>).mapStateStartedEventDetails, { length: (c.input as { items: unknown[] }).items.length });
  });
}

/** The cause AWS gives a failed JSONata evaluation of `state`, entered at event `entered`. */
function evaluationCause(state: string, entered: number, rest: string): string {
  return `An error occurred while executing the state '${state}' (entered at the event id #${entered}). ${rest}`;
}

const evaluationCases: { name: string; definition: unknown; input?: unknown; links: [number, number, string][]; details: Record<string, string> | null }[] = [
  {
    // As AWS records test_undefined_reference: linked to the event before the StateEntered.
    name: "a Pass's Assign returning nothing, after another state",
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Assign: { r: '{% $nope %}' }, End: true } },
    },
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'PassStateEntered'],
      [5, 3, 'EvaluationFailed'],
      [6, 5, 'ExecutionFailed'],
    ],
    details: {
      error: 'States.QueryEvaluationError',
      cause: evaluationCause('B', 4, "The JSONata expression '$nope' specified for the field 'Assign/r' returned nothing (undefined)."),
      location: 'Assign/r',
      state: 'B',
    },
  },
  {
    // As AWS records test_wait_timestamp_jsonata: a Wait's follows its StateEntered.
    name: "a Wait's Timestamp that is no ISO-8601 time",
    definition: { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '{% "2016-13-05T21:29:29Z" %}', End: true } } },
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'WaitStateEntered'],
      [3, 2, 'EvaluationFailed'],
      [4, 3, 'ExecutionFailed'],
    ],
    details: {
      error: 'States.QueryEvaluationError',
      cause: evaluationCause('W', 2, 'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-13-05T21:29:29Z'),
      location: 'Timestamp',
      state: 'W',
    },
  },
  {
    // As AWS records test_map_state_items_eval_jsonata_fail: MapStateFailed follows, though no MapStateStarted came.
    name: "a Map's Items that is no array",
    definition: { QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', Items: '{% 1 %}', ItemProcessor: noItem, End: true } } },
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 0, 'EvaluationFailed'],
      [4, 3, 'MapStateFailed'],
      [5, 4, 'ExecutionFailed'],
    ],
    details: {
      error: 'States.QueryEvaluationError',
      cause: evaluationCause(
        'M',
        2,
        "The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1",
      ),
      location: 'Items',
      state: 'M',
    },
  },
  {
    // As AWS records test_map_catch_error: the iteration's state records it, the Map passing the error on records none.
    name: 'a state in a Map iteration',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: { Type: 'Map', Items: '{% [1] %}', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', Output: '{% $nope %}', End: true } } }, End: true },
      },
    },
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'PassStateEntered'],
      [6, 4, 'EvaluationFailed'],
      [7, 6, 'MapIterationFailed'],
      [8, 6, 'MapStateFailed'],
      [9, 8, 'ExecutionFailed'],
    ],
    details: {
      error: 'States.QueryEvaluationError',
      cause: evaluationCause('I', 5, "The JSONata expression '$nope' specified for the field 'Output' returned nothing (undefined)."),
      location: 'Output',
      state: 'I',
    },
  },
  {
    name: 'a JSONPath failure (States.Runtime) records none',
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.missing', ItemProcessor: noItem, End: true } } },
    links: [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'ExecutionFailed'],
    ],
    details: null,
  },
];

for (const c of evaluationCases) {
  fidelity(`EvaluationFailed: ${c.name}`, async () => {
    const r = await run(c.definition, c.input ?? {});
    assert.is(r.status, 'FAILED');
    assert.equal(links(r), c.links);
    const failed = r.history!.find((e) => e.type === 'EvaluationFailed') as Record<string, any> | undefined;
    assert.equal(failed?.evaluationFailedEventDetails ?? null, c.details);
    if (c.details !== null) assert.is(r.cause, c.details.cause, 'the execution fails with the same cause');
  });
}

fidelity.run();
