import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type Handlers } from '../../src/index.js';
import { withFreshStore } from '../support/stores.js';

/**
 * A redrive of a Parallel or an inline Map reruns only the branches and iterations that failed
 * or were aborted: those that finished keep their outputs and are not run again; a branch runs
 * again from the state it stood in, with its input and its own variables.
 */
const threads = suite('RedriveExecution: Parallel and inline Map');

const ROLE = 'arn:aws:iam::123456789012:role/r';

/** Counts calls per key; `fails(key, call)` says whether that call throws. */
function recorder(fails: (key: string, call: number) => boolean, async: boolean) {
  const calls: Record<string, number> = {};
  const seen: unknown[] = [];
  const handler = (key: string) => (input: unknown) => {
    const call = (calls[key] = (calls[key] ?? 0) + 1);
    seen.push(input);
    const failing = fails(key, call);
    const result = { key, call };
    if (!async) {
      if (failing) throw Object.assign(new Error(`${key} failed`), { name: 'Flaky' });
      return result;
    }
    return Promise.resolve().then(() => {
      if (failing) throw Object.assign(new Error(`${key} failed`), { name: 'Flaky' });
      return result;
    });
  };
  return { calls, seen, handler };
}

async function runAndRedrive(handlers: Handlers, definition: unknown, input: unknown, redrives: number) {
  const service = createService({ handlers, clock: virtualClock(Date.UTC(2026, 0, 1)) });
  const { stateMachineArn } = await service.createStateMachine({ name: 'm', definition: JSON.stringify(definition), roleArn: ROLE });
  const { executionArn } = await service.startExecution({ stateMachineArn, input: JSON.stringify(input) });
  const statuses = [(await service.waitForExecution({ executionArn })).status];
  let last = await service.describeExecution({ executionArn });
  for (let i = 0; i < redrives; i++) {
    await service.redriveExecution({ executionArn });
    last = await service.waitForExecution({ executionArn });
    statuses.push(last.status);
  }
  const events = (await service.getExecutionHistory({ executionArn })).events;
  return { statuses, last, events };
}

const parallel = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'a', End: true } } },
        {
          StartAt: 'B1',
          States: {
            B1: { Type: 'Task', Resource: 'b1', ResultPath: '$.b1', Assign: { 'fromB1.$': '$.key' }, Next: 'B2' },
            B2: { Type: 'Task', Resource: 'b2', Parameters: { 'seen.$': '$fromB1', 'order.$': '$.order' }, End: true },
          },
        },
        { StartAt: 'C', States: { C: { Type: 'Task', Resource: 'c', End: true } } },
      ],
      Next: 'After',
    },
    After: { Type: 'Pass', End: true },
  },
};

for (const async of [false, true]) {
  const how = async ? 'asynchronous' : 'synchronous';
  threads(`Parallel (${how} handlers): only the failed branch runs again, from its failed state, with its variables`, async () => {
    const r = recorder((key, call) => key === 'b2' && call === 1, async);
    const { statuses, last, events } = await runAndRedrive(
      { a: r.handler('a'), b1: r.handler('b1'), b2: r.handler('b2'), c: r.handler('c') },
      parallel,
      { order: 9 },
      1,
    );
    assert.equal(statuses, ['FAILED', 'SUCCEEDED']);
    assert.equal(JSON.parse(last.output!), [
      { key: 'a', call: 1 },
      { key: 'b2', call: 2 },
      { key: 'c', call: 1 },
    ]);
    assert.equal(r.calls, { a: 1, b1: 1, b2: 2, c: 1 });
    assert.equal(
      r.seen.filter((s) => (s as { seen?: string }).seen !== undefined),
      [
        { seen: 'b1', order: 9 },
        { seen: 'b1', order: 9 },
      ],
    );
    const after = events.slice(events.findIndex((e) => e.type === 'ExecutionRedriven')).map((e) => e.type);
    const task = ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'];
    // Synchronous branches run in order: C had not started when B failed, and runs now too.
    assert.equal(after, [
      'ExecutionRedriven',
      'ParallelStateEntered',
      'ParallelStateStarted',
      ...task,
      ...(async ? [] : task),
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });
}

threads('Parallel: a branch never started (a sibling failed first, synchronously) runs from its start on the redrive', async () => {
  const r = recorder((key, call) => key === 'a' && call === 1, false);
  const { statuses, last } = await runAndRedrive({ a: r.handler('a'), b1: r.handler('b1'), b2: r.handler('b2'), c: r.handler('c') }, parallel, { order: 1 }, 1);
  assert.equal(statuses, ['FAILED', 'SUCCEEDED']);
  assert.equal(r.calls, { a: 2, b1: 1, b2: 1, c: 1 });
  assert.is((JSON.parse(last.output!) as unknown[]).length, 3);
});

const map = (extra: Record<string, unknown> = {}) => ({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: 'work', End: true } },
      },
      End: true,
      ...extra,
    },
  },
});

threads('inline Map: only the failed iterations run again; those not started yet start on the redrive', async () => {
  const calls: Record<number, number> = {};
  const work = (item: number) => {
    calls[item] = (calls[item] ?? 0) + 1;
    if ((item === 2 || item === 4) && calls[item] === 1) throw Object.assign(new Error(`item ${item}`), { name: 'Flaky' });
    return item * 10;
  };
  const { statuses, last } = await runAndRedrive({ work }, map(), { items: [1, 2, 3, 4] }, 2);
  assert.equal(statuses, ['FAILED', 'FAILED', 'SUCCEEDED']);
  assert.equal(JSON.parse(last.output!), [10, 20, 30, 40]);
  assert.equal(calls, { 1: 1, 2: 2, 3: 1, 4: 2 });
});

threads('inline Map with MaxConcurrency and asynchronous work: finished iterations keep their outputs', async () => {
  const calls: Record<number, number> = {};
  const work = async (item: number) => {
    calls[item] = (calls[item] ?? 0) + 1;
    await Promise.resolve();
    if (item === 3 && calls[item] === 1) throw Object.assign(new Error('item 3'), { name: 'Flaky' });
    return item;
  };
  const { statuses, last } = await runAndRedrive({ work }, map({ MaxConcurrency: 2 }), { items: [1, 2, 3, 4, 5] }, 1);
  assert.equal(statuses, ['FAILED', 'SUCCEEDED']);
  assert.equal(JSON.parse(last.output!), [1, 2, 3, 4, 5]);
  assert.equal([calls[1], calls[2], calls[3]], [1, 1, 2]);
});

threads('inline Map: a failure it tolerated is run again on a redrive of an execution that failed later', async () => {
  const calls: Record<string, number> = {};
  const count = (key: string) => (calls[key] = (calls[key] ?? 0) + 1);
  const handlers = {
    work: (item: number) => {
      if (item === 2 && count('2') === 1) throw Object.assign(new Error('item 2'), { name: 'Flaky' });
      if (item !== 2) count(String(item));
      return item;
    },
  };
  const definition = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ToleratedFailureCount: 1,
        ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'work', End: true } } },
        Next: 'Check',
      },
      Check: {
        Type: 'Choice',
        Choices: [{ Variable: '$[1]', IsNumeric: true, Next: 'Done' }],
        Default: 'Incomplete',
      },
      Incomplete: { Type: 'Fail', Error: 'Incomplete' },
      Done: { Type: 'Succeed' },
    },
  };
  const { statuses } = await runAndRedrive(handlers, definition, { items: [1, 2, 3] }, 1);
  // The Fail state is where it stood: the redrive runs it again, not the Map.
  assert.equal(statuses, ['FAILED', 'FAILED']);
  assert.equal(calls, { 1: 1, 2: 1, 3: 1 });
});

threads('JSONata Parallel and Map: the same — only what failed runs again, Output over all the outputs', async () => {
  const calls: Record<string, number> = {};
  const work = (input: { key: string }) => {
    calls[input.key] = (calls[input.key] ?? 0) + 1;
    if ((input.key === 'p2' || input.key === 'm3') && calls[input.key] === 1) throw Object.assign(new Error(input.key), { name: 'Flaky' });
    return input.key;
  };
  const task = (key: string) => ({ Type: 'Task', Resource: 'work', Arguments: { key }, End: true });
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'P1', States: { P1: task('p1') } },
          { StartAt: 'P2', States: { P2: task('p2') } },
        ],
        Output: '{% {"parallel": $states.result} %}',
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        Items: '{% ["m1", "m2", "m3"] %}',
        ItemProcessor: { StartAt: 'M', States: { M: { Type: 'Task', Resource: 'work', Arguments: { key: '{% $states.input %}' }, End: true } } },
        Output: '{% $merge([$states.input, {"map": $states.result}]) %}',
        End: true,
      },
    },
  };
  const { statuses, last } = await runAndRedrive({ work }, definition, {}, 2);
  assert.equal(statuses, ['FAILED', 'FAILED', 'SUCCEEDED']);
  assert.equal(JSON.parse(last.output!), { parallel: ['p1', 'p2'], map: ['m1', 'm2', 'm3'] });
  assert.equal(calls, { p1: 1, p2: 2, m1: 1, m2: 1, m3: 2 });
});

threads('with a store: a Parallel that failed before a restart reruns only its failed branch after it', async () => {
  await withFreshStore(async (store) => {
    const r = recorder((key, call) => key === 'b2' && call === 1, false);
    const handlers = { a: r.handler('a'), b1: r.handler('b1'), b2: r.handler('b2'), c: r.handler('c') };
    const first = store.open({ handlers, clock: virtualClock(Date.UTC(2026, 0, 1)) });
    const { stateMachineArn } = await first.createStateMachine({ name: 'm', definition: JSON.stringify(parallel), roleArn: ROLE });
    const { executionArn } = await first.startExecution({ stateMachineArn, input: '{"order":3}' });
    assert.is((await first.waitForExecution({ executionArn })).status, 'FAILED');
    await store.closeAll();
    const second = store.open({ handlers, clock: virtualClock(Date.UTC(2026, 0, 2)) });
    await second.redriveExecution({ executionArn });
    const done = await second.waitForExecution({ executionArn });
    assert.is(done.status, 'SUCCEEDED');
    assert.equal(r.calls, { a: 1, b1: 1, b2: 2, c: 1 });
    assert.equal(JSON.parse(done.output!)[1], { key: 'b2', call: 2 });
  });
});

/** A Distributed Map over items 1–3 whose child for item 2 fails once (`calls` counts each item's runs), started and run to its end. */
async function distributedMapFailingOnce(): Promise<{ service: ReturnType<typeof createService>; executionArn: string; calls: Record<number, number> }> {
  const calls: Record<number, number> = {};
  const work = (item: number) => {
    calls[item] = (calls[item] ?? 0) + 1;
    if (item === 2 && calls[item] === 1) throw Object.assign(new Error('item 2'), { name: 'Flaky' });
    return item;
  };
  const service = createService({ handlers: { work }, clock: virtualClock(Date.UTC(2026, 0, 1)) });
  const distributed = map({
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: 'work', End: true } },
    },
  });
  const { stateMachineArn } = await service.createStateMachine({ name: 'd', definition: JSON.stringify(distributed), roleArn: ROLE });
  const { executionArn } = await service.startExecution({ stateMachineArn, input: JSON.stringify({ items: [1, 2, 3] }) });
  await service.waitForExecution({ executionArn });
  return { service, executionArn, calls };
}

threads('a Distributed Map: its map run runs again (same ARN, redriveCount 1), only the unsuccessful children started anew', async () => {
  const { service, executionArn, calls } = await distributedMapFailingOnce();
  assert.is((await service.describeExecution({ executionArn })).status, 'FAILED');
  const [failedRun] = (await service.listMapRuns({ executionArn })).mapRuns;
  assert.is((await service.describeMapRun({ mapRunArn: failedRun!.mapRunArn })).status, 'FAILED');
  const { redriveDate } = await service.redriveExecution({ executionArn });
  const done = await service.waitForExecution({ executionArn });
  assert.is(done.status, 'SUCCEEDED');
  assert.equal(JSON.parse(done.output!), [1, 2, 3]);
  assert.equal(calls, { 1: 1, 2: 2, 3: 1 });
  const runs = (await service.listMapRuns({ executionArn })).mapRuns;
  assert.equal(
    runs.map((r) => r.mapRunArn),
    [failedRun!.mapRunArn],
  );
  const described = await service.describeMapRun({ mapRunArn: failedRun!.mapRunArn });
  assert.equal([described.status, described.redriveCount, described.redriveDate], ['SUCCEEDED', 1, redriveDate]);
  assert.equal([described.executionCounts.succeeded, described.executionCounts.failed], [3, 0]);
  const children = (await service.listExecutions({ mapRunArn: failedRun!.mapRunArn })).executions;
  assert.ok(children.every((c) => c.status === 'SUCCEEDED'));
});

threads('a Distributed Map whose map run is no longer kept runs again whole, in a new map run', async () => {
  const { service, executionArn, calls } = await distributedMapFailingOnce();
  // As if the map run had been dropped: the registry no longer has it.
  const registry = (service as unknown as { registry: { mapRuns: Map<string, unknown> } }).registry;
  registry.mapRuns.clear();
  await service.redriveExecution({ executionArn });
  const done = await service.waitForExecution({ executionArn });
  assert.is(done.status, 'SUCCEEDED');
  assert.equal(calls, { 1: 2, 2: 2, 3: 1 });
});

threads('ListExecutions of a map run with redriveFilter REDRIVEN lists none (its children are not redriven on their own)', async () => {
  const service = createService({ handlers: { work: (item: number) => item }, clock: virtualClock(Date.UTC(2026, 0, 1)) });
  const distributed = map({
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: 'work', End: true } },
    },
  });
  const { stateMachineArn } = await service.createStateMachine({ name: 'd', definition: JSON.stringify(distributed), roleArn: ROLE });
  const { executionArn } = await service.startExecution({ stateMachineArn, input: JSON.stringify({ items: [1, 2] }) });
  await service.waitForExecution({ executionArn });
  const [run] = (await service.listMapRuns({ executionArn })).mapRuns;
  const count = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') =>
    (await service.listExecutions({ mapRunArn: run!.mapRunArn, redriveFilter })).executions.length;
  assert.equal([await count(), await count('NOT_REDRIVEN'), await count('REDRIVEN')], [2, 2, 0]);
});

threads('with a store: a redriven Parallel whose rerun branch parks in a Wait resumes after a restart, the finished branch not run again', async () => {
  await withFreshStore(async (store) => {
    const calls = { a: 0, b: 0 };
    const handlers = {
      a: () => ++calls.a,
      b: () => {
        if (++calls.b === 1) throw Object.assign(new Error('b'), { name: 'Flaky' });
        return 'b';
      },
    };
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'a', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Task', Resource: 'b', Next: 'Nap' }, Nap: { Type: 'Wait', Seconds: 3600, End: true } } },
          ],
          End: true,
        },
      },
    };
    const first = store.open({ handlers });
    const { stateMachineArn } = await first.createStateMachine({ name: 'm', definition: JSON.stringify(definition), roleArn: ROLE });
    const { executionArn } = await first.startExecution({ stateMachineArn });
    assert.is((await first.waitForExecution({ executionArn })).status, 'FAILED');
    await first.redriveExecution({ executionArn });
    assert.is((await first.describeExecution({ executionArn })).status, 'RUNNING');
    await store.closeAll();
    const second = store.open({ handlers, clock: virtualClock(Date.now()) });
    const done = await second.waitForExecution({ executionArn });
    assert.equal([done.status, JSON.parse(done.output!), done.redriveCount], ['SUCCEEDED', [1, 'b'], 1]);
    assert.equal(calls, { a: 1, b: 2 });
  });
});

threads('with a store: a Distributed Map that failed before a restart redrives its map run after it', async () => {
  await withFreshStore(async (store) => {
    const calls: Record<number, number> = {};
    const work = (item: number) => {
      calls[item] = (calls[item] ?? 0) + 1;
      if (item === 1 && calls[item] === 1) throw Object.assign(new Error('item 1'), { name: 'Flaky' });
      return item * 2;
    };
    const distributed = map({
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: 'work', End: true } },
      },
    });
    const first = store.open({ handlers: { work }, clock: virtualClock(Date.UTC(2026, 0, 1)) });
    const { stateMachineArn } = await first.createStateMachine({ name: 'd', definition: JSON.stringify(distributed), roleArn: ROLE });
    const { executionArn } = await first.startExecution({ stateMachineArn, input: JSON.stringify({ items: [0, 1] }) });
    assert.is((await first.waitForExecution({ executionArn })).status, 'FAILED');
    await store.closeAll();
    const second = store.open({ handlers: { work }, clock: virtualClock(Date.UTC(2026, 0, 2)) });
    await second.redriveExecution({ executionArn });
    const done = await second.waitForExecution({ executionArn });
    assert.equal([done.status, JSON.parse(done.output!)], ['SUCCEEDED', [0, 2]]);
    assert.equal(calls, { 0: 1, 1: 2 });
    const runs = (await second.listMapRuns({ executionArn })).mapRuns;
    assert.is(runs.length, 1);
    assert.is((await second.describeMapRun({ mapRunArn: runs[0]!.mapRunArn })).redriveCount, 1);
  });
});

threads.run();
