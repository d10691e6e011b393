import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, realClock, virtualClock, type Clock, type Handlers } from '../../src/index.js';

/**
 * Threads of control that must stop: siblings of a failed Parallel branch or Map iteration,
 * and executions interrupted (abort, TimeoutSeconds) while they run synchronously.
 */
const stopping = suite('stopping');

function fails(name: string): () => never {
  return () => {
    const e = new Error('broke');
    e.name = name;
    throw e;
  };
}

const retrying = (resource: string, intervalSeconds = 1) => ({
  Type: 'Task',
  Resource: resource,
  Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: intervalSeconds, MaxAttempts: 5, BackoffRate: 1 }],
  End: true,
});

/** A Parallel whose first branch runs `sibling` and whose second fails after `failAfter` seconds (0: at once). */
function parallel(sibling: Record<string, unknown>, failAfter: number) {
  const failing =
    failAfter === 0
      ? { StartAt: 'Fail', States: { Fail: { Type: 'Task', Resource: 'fail', End: true } } }
      : { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: failAfter, Next: 'Fail' }, Fail: { Type: 'Task', Resource: 'fail', End: true } } };
  return { StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [sibling, failing] } } };
}

/** Lets the virtual clock run every timer still pending (it advances while nothing else runs). */
async function drain(clock: Clock): Promise<void> {
  await clock.sleep(60_000);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const cases: { name: string; definition: object; expectedCalls: number }[] = [
  {
    name: 'a sibling waiting out a Retry interval when its neighbour fails at once',
    definition: parallel({ StartAt: 'Flaky', States: { Flaky: retrying('flaky') } }, 0),
    expectedCalls: 1,
  },
  {
    name: 'a sibling retrying every 2 s when its neighbour fails after 3 s',
    definition: parallel({ StartAt: 'Flaky', States: { Flaky: retrying('flaky', 2) } }, 3),
    expectedCalls: 2,
  },
  {
    name: 'a sibling in a Wait state',
    definition: parallel(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, Next: 'Flaky' }, Flaky: { Type: 'Task', Resource: 'flaky', End: true } } },
      1,
    ),
    expectedCalls: 0,
  },
  {
    name: 'a sibling whose Catch leads to another Task',
    definition: parallel(
      {
        StartAt: 'Slow',
        States: {
          Slow: { Type: 'Task', Resource: 'slowFail', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Flaky' }], Next: 'Flaky' },
          Flaky: { Type: 'Task', Resource: 'flaky', End: true },
        },
      },
      1,
    ),
    expectedCalls: 0,
  },
  {
    name: 'a nested Map iteration retrying inside a stopped branch',
    definition: parallel(
      {
        StartAt: 'M',
        States: { M: { Type: 'Map', ItemsPath: '$.items', End: true, ItemProcessor: { StartAt: 'Flaky', States: { Flaky: retrying('flaky') } } } },
      },
      0,
    ),
    expectedCalls: 2,
  },
  {
    name: 'a Map iteration retrying when another iteration fails',
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          End: true,
          ItemProcessor: {
            StartAt: 'Pick',
            States: {
              Pick: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 1, Next: 'Fail' }], Default: 'Flaky' },
              Flaky: retrying('flaky'),
              Fail: { Type: 'Task', Resource: 'fail', End: true },
            },
          },
        },
      },
    },
    expectedCalls: 1,
  },
];

for (const { name, definition, expectedCalls } of cases) {
  stopping(`virtual clock: no handler runs in ${name} once the execution failed`, async () => {
    const clock = virtualClock(0);
    let calls = 0;
    const handlers: Handlers = {
      flaky: () => {
        calls++;
        throw new Error('try again');
      },
      fail: fails('Sibling.Failed'),
      slowFail: async () => {
        await clock.sleep(3000);
        throw new Error('late');
      },
    };
    const r = await compile(definition, { clock, handlers }).execute({ items: [0, 1] });
    assert.is(r.status, 'FAILED');
    assert.is(r.error, 'Sibling.Failed');
    const atSettlement = calls;
    await drain(clock);
    assert.is(calls, atSettlement, 'handler calls after the execution settled');
    assert.is(calls, expectedCalls);
  });
}

stopping('real clock: a retry interval of a stopped sibling is cancelled, not slept out', async () => {
  let calls = 0;
  const handlers: Handlers = {
    flaky: () => {
      calls++;
      throw new Error('try again');
    },
    fail: fails('Sibling.Failed'),
  };
  const definition = parallel({ StartAt: 'Flaky', States: { Flaky: retrying('flaky') } }, 0);
  const r = await compile(definition, { clock: realClock, handlers }).execute({});
  assert.is(r.error, 'Sibling.Failed');
  await new Promise((resolve) => setTimeout(resolve, 1300));
  assert.is(calls, 1);
});

stopping('real clock: the execution ending (TimeoutSeconds) cancels every pending retry', async () => {
  let calls = 0;
  const definition = {
    TimeoutSeconds: 1,
    StartAt: 'Flaky',
    States: { Flaky: { ...retrying('flaky'), Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2 }] } },
  };
  const handlers: Handlers = {
    flaky: () => {
      calls++;
      throw new Error('try again');
    },
  };
  const r = await compile(definition, { clock: realClock, handlers }).execute({});
  assert.is(r.status, 'TIMED_OUT');
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.is(calls, 1);
});

/** A clock that moves only when a handler says so: "synchronous work took this long". */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    virtual: true,
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    schedule: () => () => {},
    sleep: () => new Promise(() => {}),
  };
}

const twoTasks = (extra: Record<string, unknown> = {}) => ({
  ...extra,
  StartAt: 'First',
  States: { First: { Type: 'Task', Resource: 'first', Next: 'Last' }, Last: { Type: 'Task', Resource: 'last', End: true } },
});

stopping('an abort during the synchronous part ends the execution as ABORTED (in a middle state and in the last)', async () => {
  for (const aborting of ['first', 'last']) {
    const controller = new AbortController();
    let lastCalls = 0;
    const handlers: Handlers = {
      first: (x: unknown) => {
        if (aborting === 'first') controller.abort('stop now');
        return x;
      },
      last: (x: unknown) => {
        lastCalls++;
        if (aborting === 'last') controller.abort('stop now');
        return x;
      },
    };
    const r = await compile(twoTasks(), { handlers }).execute({}, { signal: controller.signal });
    assert.is(r.status, 'ABORTED', aborting);
    assert.is(r.cause, 'stop now');
    assert.is(lastCalls, aborting === 'first' ? 0 : 1);
  }
});

stopping('synchronous work past the execution TimeoutSeconds or the execution limit is TIMED_OUT', async () => {
  const limits = [
    { name: 'TimeoutSeconds', definition: { TimeoutSeconds: 2 }, limits: {} },
    { name: 'executionMs', definition: {}, limits: { executionMs: 2000 } },
  ];
  for (const limit of limits) {
    for (const slow of ['first', 'last']) {
      const clock = manualClock();
      const handlers: Handlers = {
        first: (x: unknown) => {
          if (slow === 'first') clock.advance(2500);
          return x;
        },
        last: (x: unknown) => {
          if (slow === 'last') clock.advance(2500);
          return x;
        },
      };
      const r = await compile(twoTasks(limit.definition), { clock, handlers, limits: limit.limits }).execute({});
      assert.equal([r.status, r.error], ['TIMED_OUT', 'States.Timeout'], `${limit.name}, slow ${slow}`);
    }
  }
});

stopping('a synchronous handler that returns after its Task TimeoutSeconds fails the attempt with States.Timeout', async () => {
  const clock = manualClock();
  let caught: unknown;
  const definition = {
    StartAt: 'Slow',
    States: {
      Slow: { Type: 'Task', Resource: 'slow', TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Caught' }], End: true },
      Caught: { Type: 'Pass', End: true },
    },
  };
  const shapes: Record<string, () => unknown> = {
    'a value': () => 'late',
    'a resolved promise': () => Promise.resolve('late'),
    'an error': () => {
      throw new Error('late failure');
    },
  };
  for (const [shape, answer] of Object.entries(shapes)) {
    const handlers: Handlers = {
      slow: () => {
        clock.advance(1500);
        return answer();
      },
    };
    const r = await compile(definition, { clock, handlers }).execute({});
    assert.is(r.status, 'SUCCEEDED', shape);
    caught = r.output;
    assert.equal(caught, { Error: 'States.Timeout', Cause: '' }, shape);
  }
  const onTime = await compile(definition, { clock, handlers: { slow: () => 'fine' } }).execute({});
  assert.is(onTime.output, 'fine');
});

stopping('a synchronous handler silent past HeartbeatSeconds fails with States.Timeout; heartbeats keep it alive', async () => {
  const clock = manualClock();
  const definition = { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: 'slow', TimeoutSeconds: 10, HeartbeatSeconds: 1, End: true } } };
  const silent = await compile(definition, { clock, handlers: { slow: () => (clock.advance(1500), 'late') } }).execute({});
  assert.equal([silent.status, silent.error], ['FAILED', 'States.Timeout']);
  const beating: Handlers = {
    slow: (_input, ctx) => {
      for (let i = 0; i < 3; i++) {
        clock.advance(800);
        ctx.heartbeat();
      }
      return 'alive';
    },
  };
  const alive = await compile(definition, { clock, handlers: beating }).execute({});
  assert.equal([alive.status, alive.output], ['SUCCEEDED', 'alive']);
});

/** How long a synchronous handler took → which catcher of [States.HeartbeatTimeout, States.Timeout] takes its late result. */
const lateSyncRows: [label: string, tookMs: number, caughtBy: string | null][] = [
  ['past HeartbeatSeconds only: a heartbeat lapse', 1500, 'heartbeat'],
  ['past TimeoutSeconds: a timeout, which States.HeartbeatTimeout does not match', 11_000, 'timeout'],
  ['within both limits', 500, null],
];
for (const [label, tookMs, caughtBy] of lateSyncRows) {
  stopping(`a synchronous handler's late result ${label}`, async () => {
    const clock = manualClock();
    const definition = {
      StartAt: 'Slow',
      States: {
        Slow: {
          Type: 'Task',
          Resource: 'slow',
          TimeoutSeconds: 10,
          HeartbeatSeconds: 1,
          Catch: [
            { ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.heartbeat', Next: 'Caught' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Caught' },
          ],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const result = await compile(definition, { clock, handlers: { slow: () => (clock.advance(tookMs), 'late') } }).execute({});
    assert.equal(result.output, caughtBy === null ? 'late' : { [caughtBy]: { Error: 'States.Timeout', Cause: '' } });
  });
}

stopping('the state after a slow synchronous handler is entered at the time the handler returned', async () => {
  const clock = manualClock();
  const definition = {
    StartAt: 'Slow',
    States: {
      Slow: { Type: 'Task', Resource: 'slow', ResultPath: null, Next: 'Quick' },
      Quick: { Type: 'Pass', Parameters: { 'entered.$': '$$.State.EnteredTime' }, Next: 'Failing' },
      Failing: { Type: 'Task', Resource: 'failing', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'AfterCatch' }], End: true },
      AfterCatch: { Type: 'Pass', Parameters: { 'first.$': '$.entered', 'second.$': '$$.State.EnteredTime' }, End: true },
    },
  };
  const handlers: Handlers = {
    slow: () => clock.advance(1500),
    failing: () => {
      clock.advance(2000);
      throw new Error('late failure');
    },
  };
  const r = await compile(definition, { clock, handlers }).execute({});
  assert.equal(r.output, { first: new Date(1500).toISOString(), second: new Date(3500).toISOString() });
});

stopping.run();
