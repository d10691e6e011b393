import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Handlers } from '../../src/index.js';
import type { HistoryLevel, RecordedHistory } from '../../src/run/history.js';
import type { ExecutionResult } from '../../src/run/result.js';

/** Execution history: AWS's event types, ids, previousEventId links and details, and Express logging levels. */
const history = suite('history');

/** A machine on a virtual clock recording at `level` ('none': without the option). */
function machine(definition: unknown, handlers: Handlers = {}, level: HistoryLevel | 'none' = 'ALL') {
  return compile(definition, { handlers, clock: virtualClock(0), ...(level === 'none' ? {} : { history: level }) });
}
function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
function types(r: ExecutionResult): string[] {
  return r.history!.map((e) => e.type);
}
/** [id, previousEventId, type] of every event. */
function links(r: ExecutionResult): [number, number, string][] {
  return r.history!.map((e) => [e.id, e.previousEventId, e.type]);
}
function eventOf(r: ExecutionResult, type: string, nth = 0): Record<string, any> {
  const found = r.history!.filter((e) => e.type === type)[nth];
  assert.ok(found, `no ${type} event #${nth}`);
  return found as Record<string, any>;
}
/** The "event id #N" a cause cites. */
function citedEventId(cause: string | null | undefined): number {
  const m = /entered at the event id #(\d+)/.exec(cause ?? '');
  assert.ok(m, `cause cites no event id: ${cause}`);
  return Number(m[1]);
}

/** A state after which the execution fails with States.Runtime, citing its own entered event id. */
const failsCitingItsEventId = { Type: 'Map', ItemsPath: '$.missing', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true };

history(
  'Pass, Choice and Succeed: entered/exited pairs numbered from ExecutionStarted = 1, each following the last; the first state links to 0 as AWS records it',
  async () => {
    const r = await machine({
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Result: { go: true }, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'S' }], Default: 'S' },
        S: { Type: 'Succeed' },
      },
    }).execute({ a: 1 });
    assert.is(r.status, 'SUCCEEDED');
    assert.equal(links(r), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'ChoiceStateEntered'],
      [5, 4, 'ChoiceStateExited'],
      [6, 5, 'SucceedStateEntered'],
      [7, 6, 'SucceedStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
    const started = eventOf(r, 'ExecutionStarted');
    assert.equal(started.executionStartedEventDetails, {
      input: '{"a":1}',
      inputDetails: { truncated: false },
      roleArn: 'arn:aws:iam::123456789012:role/statemill',
    });
    assert.equal(eventOf(r, 'PassStateEntered').stateEnteredEventDetails, { name: 'P', input: '{"a":1}', inputDetails: { truncated: false } });
    assert.equal(eventOf(r, 'PassStateExited').stateExitedEventDetails, { name: 'P', output: '{"go":true}', outputDetails: { truncated: false } });
    assert.equal(eventOf(r, 'ExecutionSucceeded').executionSucceededEventDetails, { output: '{"go":true}', outputDetails: { truncated: false } });
    for (const e of r.history!) assert.instance(e.timestamp, Date);
    assert.equal(Object.keys(r.history![1]!), ['id', 'previousEventId', 'timestamp', 'type', 'stateEnteredEventDetails']);
  },
);

history('a Task that succeeds: Scheduled (resource split as AWS does), Started, Succeeded', async () => {
  for (const handlerIsAsync of [false, true]) {
    const double = (x: number) => x * 2;
    const r = await machine(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'double', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      { double: handlerIsAsync ? async (x: number) => double(x) : double },
    ).execute(21);
    assert.is(r.output, 42);
    assert.equal(types(r), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    assert.equal(eventOf(r, 'TaskScheduled').taskScheduledEventDetails, {
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: '{"FunctionName":"double","Payload":21}',
    });
    assert.equal(eventOf(r, 'TaskStarted').taskStartedEventDetails, { resourceType: 'lambda', resource: 'invoke' });
    const succeeded = eventOf(r, 'TaskSucceeded').taskSucceededEventDetails;
    assert.is(JSON.parse(succeeded.output).Payload, 42);
    assert.is(eventOf(r, 'TaskStateExited').stateExitedEventDetails.output, '42');
  }
});

history('a handler named by a plain Resource and a direct Lambda ARN', async () => {
  const plain = await machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'ship', End: true } } }, { ship: () => 'ok' }).execute({});
  assert.equal(eventOf(plain, 'TaskScheduled').taskScheduledEventDetails, { resourceType: 'handler', resource: 'ship', region: 'us-east-1', parameters: '{}' });
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:fail';
  const lambda = await machine(
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: arn, End: true } } },
    {
      [arn]: () => {
        throw named('Oops', 'broken');
      },
    },
  ).execute({ k: 1 });
  assert.equal(types(lambda), [
    'ExecutionStarted',
    'TaskStateEntered',
    'LambdaFunctionScheduled',
    'LambdaFunctionStarted',
    'LambdaFunctionFailed',
    'ExecutionFailed',
  ]);
  assert.equal(eventOf(lambda, 'LambdaFunctionScheduled').lambdaFunctionScheduledEventDetails, {
    resource: arn,
    input: '{"k":1}',
    inputDetails: { truncated: false },
  });
  assert.equal(eventOf(lambda, 'LambdaFunctionFailed').lambdaFunctionFailedEventDetails, { error: 'Oops', cause: 'broken' });
});

history('a Task failing, retried, then caught: Failed/Scheduled/Started per retry; ids match the engine numbering', async () => {
  for (const handlerIsAsync of [false, true]) {
    const fail = () => {
      throw named('Boom', 'went wrong');
    };
    const r = await machine(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'flaky',
            Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2, IntervalSeconds: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'After' }],
            Next: 'After',
          },
          After: failsCitingItsEventId,
        },
      },
      { flaky: handlerIsAsync ? async () => fail() : fail },
    ).execute({});
    assert.equal(links(r), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'TaskScheduled'],
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskFailed'],
      [6, 5, 'TaskScheduled'],
      [7, 6, 'TaskStarted'],
      [8, 7, 'TaskFailed'],
      [9, 8, 'TaskScheduled'],
      [10, 9, 'TaskStarted'],
      [11, 10, 'TaskFailed'],
      [12, 11, 'TaskStateExited'],
      [13, 12, 'MapStateEntered'],
      [14, 13, 'ExecutionFailed'],
    ]);
    assert.equal(eventOf(r, 'TaskFailed').taskFailedEventDetails, { resourceType: 'handler', resource: 'flaky', error: 'Boom', cause: 'went wrong' });
    // Retries wait IntervalSeconds × BackoffRate^n of the execution's clock.
    assert.is(eventOf(r, 'TaskScheduled', 1).timestamp.getTime() - eventOf(r, 'TaskFailed', 0).timestamp.getTime(), 1000);
    assert.is(eventOf(r, 'TaskScheduled', 2).timestamp.getTime() - eventOf(r, 'TaskFailed', 1).timestamp.getTime(), 2000);
    assert.equal(JSON.parse(eventOf(r, 'TaskStateExited').stateExitedEventDetails.output), { error: { Error: 'Boom', Cause: 'went wrong' } });
    assert.is(citedEventId(r.cause), eventOf(r, 'MapStateEntered').id);
    assert.equal(eventOf(r, 'ExecutionFailed').executionFailedEventDetails, { error: r.error, cause: r.cause });
  }
});

history("Task events' details keep AWS's member order, and their timestamps follow the clock across events", async () => {
  let calls = 0;
  const r = await machine(
    {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'flaky', TimeoutSeconds: 30, Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 2 }], End: true },
      },
    },
    {
      flaky: () => {
        if (calls++ === 0) throw named('Boom', 'once');
        return 'ok';
      },
    },
  ).execute({});
  assert.is(r.status, 'SUCCEEDED');
  const details = (type: string, key: string) => JSON.stringify(eventOf(r, type)[key]);
  assert.is(
    details('TaskScheduled', 'taskScheduledEventDetails'),
    '{"resourceType":"handler","resource":"flaky","region":"us-east-1","parameters":"{}","timeoutInSeconds":30}',
  );
  assert.is(details('TaskFailed', 'taskFailedEventDetails'), '{"resourceType":"handler","resource":"flaky","error":"Boom","cause":"once"}');
  assert.is(
    details('TaskSucceeded', 'taskSucceededEventDetails'),
    '{"resourceType":"handler","resource":"flaky","output":"\\"ok\\"","outputDetails":{"truncated":false}}',
  );
  assert.equal(
    r.history!.map((e) => e.timestamp.getTime()),
    [0, 0, 0, 0, 0, 2000, 2000, 2000, 2000, 2000],
  );
});

history('a task timeout is TaskTimedOut with States.Timeout', async () => {
  const r = await machine(
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'slow', TimeoutSeconds: 5, End: true } } },
    {
      slow: () => new Promise(() => {}),
    },
  ).execute({});
  assert.is(r.status, 'FAILED');
  assert.equal(types(r), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskTimedOut', 'ExecutionFailed']);
  assert.equal(eventOf(r, 'TaskTimedOut').taskTimedOutEventDetails, { resourceType: 'handler', resource: 'slow', error: 'States.Timeout' });
});

history('a Fail state: FailStateEntered then ExecutionFailed with its error and cause', async () => {
  const r = await machine({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Order.Rejected', Cause: 'no stock' } } }).execute({ id: 7 });
  assert.equal(links(r), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'FailStateEntered'],
    [3, 2, 'ExecutionFailed'],
  ]);
  assert.equal(eventOf(r, 'FailStateEntered').stateEnteredEventDetails, { name: 'F', input: '{"id":7}', inputDetails: { truncated: false } });
  assert.equal(eventOf(r, 'ExecutionFailed').executionFailedEventDetails, { error: 'Order.Rejected', cause: 'no stock' });
});

const mapDefinition = {
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: 'double', End: true } } },
      ResultPath: '$.doubled',
      Next: 'After',
    },
    After: failsCitingItsEventId,
  },
};

history('a Map: Started with its length, each iteration Started/Succeeded around its states, linked by previousEventId', async () => {
  for (const handlerIsAsync of [false, true]) {
    const double = (x: number) => x * 2;
    const r = await machine(mapDefinition, { double: handlerIsAsync ? async (x: number) => double(x) : double }).execute({ items: [1, 2] });
    // Asynchronous iterations interleave; the events are the same.
    assert.equal(
      types(r)
        .filter((t) => t.startsWith('Map'))
        .sort(),
      [
        'MapStateEntered',
        'MapStateStarted',
        'MapIterationStarted',
        'MapIterationStarted',
        'MapIterationSucceeded',
        'MapIterationSucceeded',
        'MapStateSucceeded',
        'MapStateExited',
        'MapStateEntered',
      ].sort(),
    );
    assert.equal(eventOf(r, 'MapStateStarted').mapStateStartedEventDetails, { length: 2 });
    for (const index of [0, 1]) {
      const started = eventOf(r, 'MapIterationStarted', index);
      assert.equal(started.mapIterationStartedEventDetails, { name: 'M', index });
      const entered = r.history!.find((e) => e.type === 'TaskStateEntered' && e.previousEventId === started.id);
      assert.ok(entered, `iteration ${index}'s first state follows its MapIterationStarted`);
      const exited = r.history!.find((e) => e.type === 'TaskStateExited' && JSON.parse((e as any).stateExitedEventDetails.output) === 2 * (index + 1))!;
      const succeeded = r.history!.find((e) => e.type === 'MapIterationSucceeded' && (e as any).mapIterationSucceededEventDetails.index === index)!;
      assert.is(succeeded.previousEventId, exited.id);
    }
    assert.equal(JSON.parse(eventOf(r, 'MapStateExited').stateExitedEventDetails.output).doubled, [2, 4]);
    assert.is(citedEventId(r.cause), eventOf(r, 'MapStateEntered', 1).id);
    const ids = r.history!.map((e) => e.id);
    assert.equal(
      ids,
      ids.map((_, i) => i + 1),
    );
  }
});

history('a synchronous Map records its events in AWS order', async () => {
  const r = await machine(mapDefinition, { double: (x: number) => x * 2 }).execute({ items: [1, 2] });
  assert.equal(types(r), [
    'ExecutionStarted',
    'MapStateEntered',
    'MapStateStarted',
    'MapIterationStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSucceeded',
    'TaskStateExited',
    'MapIterationSucceeded',
    'MapIterationStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSucceeded',
    'TaskStateExited',
    'MapIterationSucceeded',
    'MapStateSucceeded',
    'MapStateExited',
    'MapStateEntered',
    'ExecutionFailed',
  ]);
});

history('a failing Map iteration: MapIterationFailed, TaskStateAborted for its Task, then MapStateFailed', async () => {
  const r = await machine(mapDefinition, {
    double: (x: number) => {
      if (x === 2) throw named('Odd.Error', 'two');
      return x;
    },
  }).execute({ items: [1, 2, 3] });
  assert.is(r.error, 'Odd.Error');
  assert.equal(types(r).slice(-5), ['TaskFailed', 'MapIterationFailed', 'TaskStateAborted', 'MapStateFailed', 'ExecutionFailed']);
  assert.equal(eventOf(r, 'MapIterationFailed').mapIterationFailedEventDetails, { name: 'M', index: 1 });
});

history('a Parallel: Started, each branch following it, Succeeded following Started, Exited the event before Succeeded', async () => {
  const r = await machine(
    {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Task', Resource: 'b', End: true } } },
          ],
          End: true,
        },
      },
    },
    { b: async () => 'b' },
  ).execute({});
  assert.equal(r.output, ['a', 'b']);
  assert.equal(links(r), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'ParallelStateEntered'],
    [3, 2, 'ParallelStateStarted'],
    [4, 3, 'PassStateEntered'],
    [5, 4, 'PassStateExited'],
    [6, 3, 'TaskStateEntered'],
    [7, 6, 'TaskScheduled'],
    [8, 7, 'TaskStarted'],
    [9, 8, 'TaskSucceeded'],
    [10, 9, 'TaskStateExited'],
    [11, 3, 'ParallelStateSucceeded'],
    [12, 10, 'ParallelStateExited'],
    [13, 12, 'ExecutionSucceeded'],
  ]);
});

history('a failing Parallel branch: ParallelStateFailed before ExecutionFailed', async () => {
  const r = await machine({
    StartAt: 'Par',
    States: { Par: { Type: 'Parallel', Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } }], End: true } },
  }).execute({});
  assert.equal(types(r), ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed']);
});

const retriedThenFailed = {
  StartAt: 'P',
  States: {
    P: { Type: 'Pass', Next: 'T' },
    T: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1 }], Catch: [{ ErrorEquals: ['Boom'], Next: 'F' }], Next: 'F' },
    F: { Type: 'Fail', Error: 'Gave.Up', Cause: 'after a retry' },
  },
};
const flaky: Handlers = {
  flaky: () => {
    throw named('Boom', 'bad');
  },
};

history('levels filter as Express logging does, keeping the ids of the full history', async () => {
  const all = await machine(retriedThenFailed, flaky, 'ALL').execute({});
  const idsOf = (r: ExecutionResult) => r.history!.map((e) => [e.id, e.type]);
  const expected: Record<string, [number, string][]> = {
    ERROR: [
      [7, 'TaskFailed'],
      [10, 'TaskFailed'],
      [12, 'FailStateEntered'],
      [13, 'ExecutionFailed'],
    ],
    FATAL: [[13, 'ExecutionFailed']],
  };
  assert.equal(
    idsOf(all).filter(([id]) => [7, 10, 12, 13].includes(id as number)),
    expected.ERROR,
  );
  for (const level of ['ERROR', 'FATAL'] as const) {
    const r = await machine(retriedThenFailed, flaky, level).execute({});
    assert.equal(idsOf(r), expected[level], level);
    const kept = r.history!.map((e) => e.id);
    assert.equal(
      r.history,
      all.history!.filter((e) => kept.includes(e.id)).map((e, i) => ({ ...e, timestamp: r.history![i]!.timestamp })),
    );
  }
  const succeeded = await machine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}, 'ERROR').execute({});
  assert.equal(succeeded.history, []);
});

history('OFF, like no option, records nothing: history is undefined but the field is always there', async () => {
  for (const level of ['OFF', 'none'] as const) {
    const r = await machine(retriedThenFailed, flaky, level).execute({});
    assert.is(r.status, 'FAILED');
    assert.ok('history' in r);
    assert.is(r.history, undefined);
  }
});

history('an aborted execution ends with ExecutionAborted and records nothing after it', async () => {
  let finish: (value: unknown) => void = () => {};
  const controller = new AbortController();
  const m = compile(
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'wait', Next: 'P' }, P: { Type: 'Pass', End: true } } },
    {
      history: 'ALL',
      handlers: {
        wait: () =>
          new Promise((resolve) => {
            finish = resolve;
            setImmediate(() => controller.abort());
          }),
      },
    },
  );
  const r = await m.execute({}, { signal: controller.signal });
  assert.is(r.status, 'ABORTED');
  finish('late');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(types(r), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'ExecutionAborted']);
  assert.equal(eventOf(r, 'ExecutionAborted').executionAbortedEventDetails.error, 'States.Aborted');
});

history('an execution over its TimeoutSeconds ends with ExecutionTimedOut', async () => {
  const r = await machine({ TimeoutSeconds: 2, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } }).execute({});
  assert.is(r.status, 'TIMED_OUT');
  assert.equal(types(r), ['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
  assert.is(eventOf(r, 'ExecutionTimedOut').executionTimedOutEventDetails.error, 'States.Timeout');
});

history('each execution of a machine has its own history', async () => {
  const m = machine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const [a, b] = await Promise.all([m.execute({ n: 1 }), m.execute({ n: 2 })]);
  assert.is(a.history!.length, 4);
  assert.is(b.history!.length, 4);
  assert.is(eventOf(b, 'PassStateEntered').stateEnteredEventDetails.input, '{"n":2}');
});

history('execute({ onHistory }) sees the events while the execution runs, as the result ends with them', async () => {
  let release: (v: unknown) => void = () => {};
  const m = machine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'wait', End: true } } }, { wait: () => new Promise((r) => (release = r)) });
  const seen: RecordedHistory[] = [];
  const pending = m.execute({}, { onHistory: (history) => void seen.push(history) });
  assert.is(seen.length, 1);
  assert.equal(
    seen[0]!.events().map((e) => e.type),
    ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted'],
  );
  release('done');
  const r = await pending;
  assert.equal(seen[0]!.events(), r.history);
  assert.is(r.history, r.history, 'the events are built once');
  let called = false;
  await machine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}, 'none').execute({}, { onHistory: () => (called = true) });
  assert.is(called, false, 'no history recorded, no call');
});

history('payload texts are the values as they were when each event happened, though a handler changes its input later', async () => {
  const r = await machine(
    {
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Next: 'T' },
        T: { Type: 'Task', Resource: 'change', Next: 'Q' },
        Q: { Type: 'Pass', End: true },
      },
    },
    {
      change: (input: Record<string, unknown>) => {
        input.changed = 'by the handler';
        return new Promise((resolve) =>
          setImmediate(() => {
            input.later = true;
            resolve(input);
          }),
        );
      },
    },
  ).execute({ a: 1 });
  assert.is(r.status, 'SUCCEEDED');
  assert.is(eventOf(r, 'ExecutionStarted').executionStartedEventDetails.input, '{"a":1}');
  assert.is(eventOf(r, 'PassStateEntered').stateEnteredEventDetails.input, '{"a":1}');
  assert.is(eventOf(r, 'PassStateExited').stateExitedEventDetails.output, '{"a":1}');
  assert.is(eventOf(r, 'TaskStateEntered').stateEnteredEventDetails.input, '{"a":1}');
  assert.is(eventOf(r, 'TaskScheduled').taskScheduledEventDetails.parameters, '{"a":1}');
  assert.is(eventOf(r, 'TaskSucceeded').taskSucceededEventDetails.output, '{"a":1,"changed":"by the handler","later":true}');
  assert.is(eventOf(r, 'PassStateEntered', 1).stateEnteredEventDetails.input, '{"a":1,"changed":"by the handler","later":true}');
  assert.is(eventOf(r, 'ExecutionSucceeded').executionSucceededEventDetails.output, '{"a":1,"changed":"by the handler","later":true}');
});

history('ERROR keeps a Fail state entered with its input as JSON text, the state before it kept none', async () => {
  const r = await machine({ StartAt: 'P', States: { P: { Type: 'Pass', Next: 'F' }, F: { Type: 'Fail', Error: 'Bad', Cause: 'bad' } } }, {}, 'ERROR').execute({
    a: 1,
  });
  assert.equal(types(r), ['FailStateEntered', 'ExecutionFailed']);
  assert.is(eventOf(r, 'FailStateEntered').stateEnteredEventDetails.input, '{"a":1}');
});

history.run();
