import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, createService, ServiceError, virtualClock, type TestStateRequest } from '../../src/index.js';
import { encodeResponse } from '../../src/serve/protocol.js';

type TestStateMock = NonNullable<TestStateRequest['mock']>;

/**
 * The defects the hostile-input properties found, each as the plain case it shrank to.
 */
const regressions = suite('hostile: regressions');

const ROLE = 'arn:aws:iam::123456789012:role/r';

regressions('a synchronous loop whose every transition measures a large payload still lets an abort in within a few transitions', async () => {
  // Found by the mutated-definitions search: a Pass looping on itself with ResultPath grows
  // its output a little each time, and each transition then measures the whole output. The
  // run yielded to the event loop only every 10,000 transitions, which took seconds here:
  // aborts, timers and an HTTP server sharing the thread waited that long.
  let calls = 0;
  const machine = compile(
    {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: 'work', Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1e9, Next: 'Done' }], Default: 'Work' },
        Done: { Type: 'Succeed' },
      },
    },
    {
      handlers: {
        work: (input: { n: number; rows: unknown[] }) => {
          calls++;
          return { n: input.n + 1, rows: input.rows };
        },
      },
      clock: virtualClock(0),
    },
  );
  // Over the payload limit by its cheap bound, under it by its exact size: every result is measured exactly.
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ i }));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 0);
  const result = await machine.execute({ n: 0, rows }, { signal: controller.signal });
  assert.is(result.status, 'ABORTED');
  assert.ok(calls < 1000, `the abort waited for ${calls} calls`);
});

/** An answer whose `then` is a getter that throws: `await` in a Lambda runtime rejects with what it throws. */
function throwingThen(): object {
  return Object.defineProperty({}, 'then', {
    get() {
      throw Object.assign(new Error('then says no'), { name: 'Answer.Unreadable' });
    },
  });
}

for (const [label, extra] of [
  ['', {}],
  [' under TimeoutSeconds', { TimeoutSeconds: 5 }],
  [' behind a promise', {}],
] as const) {
  regressions(`a handler answer whose then getter throws fails the task with what it threw${label}, not as an internal error`, async () => {
    // Found by the executions property (the pool's and in-process): the run loop read
    // `then` to see whether the answer was a promise, and the getter's error escaped as
    // States.Runtime "Internal error: then says no", past the state's Catch.
    const machine = compile(
      {
        StartAt: 'Act',
        States: {
          Act: { Type: 'Task', Resource: 'act', ...extra, Catch: [{ ErrorEquals: ['Answer.Unreadable'], Next: 'Caught' }], End: true },
          Caught: { Type: 'Pass', End: true },
        },
      },
      { handlers: { act: () => (label === ' behind a promise' ? Promise.resolve().then(throwingThen) : throwingThen()) }, clock: virtualClock(0) },
    );
    const result = await machine.execute({ in: 1 });
    assert.is(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);
    assert.equal(result.output, { Error: 'Answer.Unreadable', Cause: 'then says no' });
  });
}

regressions('TestState: a handler answer whose then getter throws fails the state with what it threw, not as an internal error', async () => {
  const service = createService({ clock: virtualClock(0), handlers: { act: throwingThen } });
  try {
    const answer = await service.testState({ definition: JSON.stringify({ Type: 'Task', Resource: 'act', End: true }), roleArn: ROLE, input: '{}' });
    assert.is(answer.status, 'FAILED');
    assert.is(answer.error, 'Answer.Unreadable');
    assert.is(answer.cause, 'then says no');
  } finally {
    await service.close();
  }
});

const taskState = JSON.stringify({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true });

for (const [label, mock, expected] of [
  ['alone', { errorOutput: null }, 'ValidationException'],
  ['beside a result', { errorOutput: null, result: '{"Payload":1}', fieldValidationMode: 'NONE' }, 'SUCCEEDED'],
  ['with a null result beside an error', { result: null, errorOutput: { error: 'E', cause: 'c' } }, 'FAILED'],
] as const) {
  regressions(`TestState: a mock's errorOutput or result sent as null is absent (${label}), not a TypeError`, async () => {
    // Found by the TestState search: checkMock tested the mock's members against undefined
    // only, and read null.error: a TypeError, which the endpoint answers as a 500.
    const service = createService({ clock: virtualClock(0) });
    try {
      const request = { definition: taskState, roleArn: ROLE, input: '{}', mock: mock as unknown as TestStateMock };
      let outcome: string;
      try {
        outcome = (await service.testState(request)).status!;
      } catch (error) {
        assert.instance(error, ServiceError, String(error));
        outcome = (error as ServiceError).name;
      }
      assert.is(outcome, expected);
    } finally {
      await service.close();
    }
  });
}

/** How many timers keep the event loop alive. */
const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
const never = () => new Promise(() => {});
const fail = () => {
  throw Object.assign(new Error('no'), { name: 'Failed' });
};
const limited = (resource: string) => ({ Type: 'Task', Resource: resource, TimeoutSeconds: 1000, HeartbeatSeconds: 500, End: true });

for (const [label, definition, stop] of [
  ['an aborted execution', { StartAt: 'T', States: { T: limited('never') } }, true],
  [
    'a Parallel whose other branch failed',
    {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'T', States: { T: limited('never') } },
            { StartAt: 'F', States: { F: { Type: 'Task', Resource: 'fail', End: true } } },
          ],
          End: true,
        },
      },
    },
    false,
  ],
  [
    'a Map whose other iteration failed',
    {
      StartAt: 'M',
      States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'T', States: { T: { ...limited('never'), Resource: 'byItem' } } }, End: true } },
    },
    false,
  ],
] as const) {
  regressions(`the TimeoutSeconds and HeartbeatSeconds timers of a task that never answers end with ${label}`, async () => {
    // Found by the executions property on the real clock: the task's limits stayed armed
    // after its execution had settled, holding the process open for HeartbeatSeconds.
    const before = liveTimers();
    const controller = new AbortController();
    const machine = compile(definition, { handlers: { never, fail, byItem: (item: number) => (item === 2 ? fail() : never()) } });
    if (stop) setTimeout(() => controller.abort(), 5);
    const result = await machine.execute([1, 2, 3], { signal: controller.signal });
    assert.is(result.status, stop ? 'ABORTED' : 'FAILED');
    await new Promise((resolve) => setImmediate(resolve));
    // At most as many as before: a timer of an earlier test may have ended meanwhile.
    assert.ok(liveTimers() <= before, `${liveTimers()} timers live, ${before} before`);
  });
}

regressions('the endpoint writes a member named __proto__ inside an answer, as JSON.stringify does', () => {
  // Found by serve/encode-response.test.ts's generated outputs (an unseeded property) during
  // this work: toWire() copied members by assignment, and assigning "__proto__" sets the
  // copy's prototype, so the member vanished from the answer.
  const output = JSON.parse('{"outer":{"__proto__":{"kept":1},"other":2},"list":[{"__proto__":0}]}') as Record<string, unknown>;
  assert.is(encodeResponse(output), JSON.stringify(output));
});

regressions.run();
