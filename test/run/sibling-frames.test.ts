import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * Parallel branches and Map iterations that finish synchronously hand their frame to the next
 * sibling (run/branches.ts, run/iterations.ts). Every thread must still see its own context
 * object while it runs — state name, entered time, retry count, Map item — also when siblings
 * go asynchronous in between, catch errors, or record a history, and the outputs and their
 * payload-limit checks must be those of a fresh frame.
 */
const siblings = suite('sibling threads sharing a frame');

interface Seen {
  state: unknown;
  index: unknown;
  value: unknown;
  retry: unknown;
  afterAwait?: { state: unknown; index: unknown };
}

/** A handler that records what its context shows during the call (and, when asynchronous, after an await). */
function recorder(seen: Seen[], asyncWhen: (input: { i?: number; state?: string }) => boolean = () => false) {
  return (input: { i?: number; state?: string }, ctx: { context: Record<string, any> }) => {
    const c = ctx.context;
    const entry: Seen = { state: c.State.Name, index: c.Map?.Item.Index, value: c.Map?.Item.Value, retry: c.State.RetryCount };
    seen.push(entry);
    if (!asyncWhen(input)) return { saw: c.State.Name, i: input.i ?? null };
    return Promise.resolve().then(() => {
      const later = ctx.context;
      entry.afterAwait = { state: later.State.Name, index: later.Map?.Item.Index };
      return { saw: later.State.Name, i: input.i ?? null };
    });
  };
}

const parallel = (branches: Record<string, unknown>[]) => ({
  StartAt: 'Fan',
  States: { Fan: { Type: 'Parallel', Branches: branches, End: true } },
});
const taskBranch = (name: string, extra: Record<string, unknown> = {}) => ({
  StartAt: `${name}Pass`,
  States: {
    [`${name}Pass`]: { Type: 'Pass', Parameters: { 'from.$': '$$.State.Name' }, ResultPath: '$.pass', Next: name },
    [name]: { Type: 'Task', Resource: 'record', Parameters: { 'state.$': '$$.State.Name', 'pass.$': '$.pass.from' }, End: true, ...extra },
  },
});

siblings('each Parallel branch sees its own states, synchronous or not, caught or not', async () => {
  const seen: Seen[] = [];
  const fail = () => {
    throw Object.assign(new Error('no'), { name: 'Custom.Failure' });
  };
  const definition = parallel([
    taskBranch('A'),
    {
      StartAt: 'B',
      States: {
        B: { Type: 'Task', Resource: 'fail', Catch: [{ ErrorEquals: ['Custom.Failure'], ResultPath: '$.error', Next: 'BCaught' }], End: true },
        BCaught: { Type: 'Pass', Parameters: { 'state.$': '$$.State.Name', 'error.$': '$.error.Error' }, End: true },
      },
    },
    taskBranch('C'),
    taskBranch('D'),
  ]);
  for (const asyncIn of [[], ['C'], ['A', 'C', 'D']]) {
    seen.length = 0;
    const handlers = { fail, record: recorder(seen, (input) => asyncIn.includes(input.state!)) };
    const result = await compile(definition, { handlers, clock: virtualClock(0) }).execute({});
    assert.is(result.status, 'SUCCEEDED', `async in ${asyncIn}`);
    assert.equal(
      result.output,
      [
        { saw: 'A', i: null },
        { state: 'BCaught', error: 'Custom.Failure' },
        { saw: 'C', i: null },
        { saw: 'D', i: null },
      ],
      `async in ${asyncIn}`,
    );
    assert.equal(
      seen.map((s) => [s.state, s.retry]),
      [
        ['A', 0],
        ['C', 0],
        ['D', 0],
      ],
    );
    for (const entry of seen) if (entry.afterAwait !== undefined) assert.is(entry.afterAwait.state, entry.state, `${entry.state} after its await`);
  }
});

siblings('a branch after one that retried starts with no retries of its own', async () => {
  let calls = 0;
  const seen: Seen[] = [];
  const record = recorder(seen);
  const flaky = () => {
    if (++calls === 1) throw Object.assign(new Error('busy'), { name: 'Busy' });
    return 'ok';
  };
  const definition = parallel([
    { StartAt: 'R', States: { R: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1 }], End: true } } },
    taskBranch('S'),
  ]);
  const result = await compile(definition, { handlers: { flaky, record }, clock: virtualClock(0) }).execute({});
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(
    seen.map((s) => [s.state, s.retry]),
    [['S', 0]],
  );
});

siblings('each Map iteration sees its own item, also next to iterations still waiting', async () => {
  const items = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ i }));
  const definition = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: { 'i.$': '$$.Map.Item.Value.i', 'index.$': '$$.Map.Item.Index' },
        ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'record', End: true } } },
        End: true,
      },
    },
  };
  for (const asyncItems of [[], [1, 4], [0, 2, 3, 6]]) {
    // A recorded history gives every iteration a fresh frame: what it sees is the reference.
    const runs = [];
    for (const history of ['OFF', 'ALL'] as const) {
      const seen: Seen[] = [];
      const record = recorder(seen, (input) => asyncItems.includes(input.i!));
      const result = await compile(definition, { handlers: { record }, clock: virtualClock(0), history }).execute({ items });
      assert.is(result.status, 'SUCCEEDED');
      assert.equal(
        result.output,
        items.map(({ i }) => ({ saw: 'Work', i })),
      );
      assert.equal(
        seen.map((s) => s.index),
        items.map((_, i) => i),
        `async items ${asyncItems}`,
      );
      for (const s of seen) if (s.afterAwait !== undefined) assert.equal(s.afterAwait, { state: 'Work', index: s.index }, `item ${s.index} after its await`);
      runs.push(seen);
    }
    assert.equal(runs[0], runs[1], `async items ${asyncItems}: as with a frame per iteration`);
  }
});

siblings('a recorded history names each branch and iteration as before', async () => {
  const definition = parallel([taskBranch('A'), taskBranch('B')]);
  const result = await compile(definition, { handlers: { record: recorder([]) }, clock: virtualClock(0), history: 'ALL' }).execute({});
  const entered = result.history!.filter((e) => e.type === 'TaskStateEntered').map((e) => [e.id, e.previousEventId, (e as any).stateEnteredEventDetails.name]);
  assert.is(entered.length, 2);
  assert.equal(
    entered.map((e) => e[2]),
    ['A', 'B'],
  );
  // Each branch's first event follows ParallelStateStarted, not the other branch's last event.
  const passEntered = result.history!.filter((e) => e.type === 'PassStateEntered');
  assert.is(passEntered[0]!.previousEventId, passEntered[1]!.previousEventId);
});

siblings('a later branch over the payload limit still fails: the shared frame keeps no size bound of the one before', async () => {
  const big = 'x'.repeat(200);
  const definition = parallel([
    { StartAt: 'Small', States: { Small: { Type: 'Task', Resource: 'small', End: true } } },
    { StartAt: 'Big', States: { Big: { Type: 'Task', Resource: 'big', End: true } } },
  ]);
  const machine = compile(definition, {
    handlers: { small: () => 'ok', big: () => ({ big }) },
    clock: virtualClock(0),
    limits: { payloadBytes: 150 },
  });
  const result = await machine.execute({});
  assert.is(result.status, 'FAILED');
  assert.is(result.error, 'States.DataLimitExceeded');
});

siblings("a handler's thenable in a branch or an iteration is awaited: its value is the thread's output, between synchronous siblings", async () => {
  // Callers of the run loop tell its pending runs by `instanceof Promise`: a thenable must have become one there.
  const thenable = (value: unknown) => ({
    then(resolve: (v: unknown) => void) {
      resolve(value);
    },
  });
  const handlers = {
    sync: (input: { i: number }) => ({ sync: input.i }),
    thenable: (input: { i: number }) => thenable({ later: input.i }),
  };
  const task = (resource: string, i: number) => ({
    StartAt: `T${i}`,
    States: { [`T${i}`]: { Type: 'Task', Resource: resource, Parameters: { i }, End: true } },
  });
  const fan = await compile(parallel([task('sync', 0), task('thenable', 1), task('sync', 2)]), { handlers, clock: virtualClock(0) }).execute({});
  assert.equal(fan.output, [{ sync: 0 }, { later: 1 }, { sync: 2 }]);
  const map = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemSelector: { 'i.$': '$$.Map.Item.Value' },
        ItemProcessor: {
          StartAt: 'Pick',
          States: {
            Pick: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericEquals: 1, Next: 'Later' }], Default: 'Now' },
            Later: { Type: 'Task', Resource: 'thenable', End: true },
            Now: { Type: 'Task', Resource: 'sync', End: true },
          },
        },
        End: true,
      },
    },
  };
  for (const concurrency of [0, 1]) {
    const machine = compile({ ...map, States: { Each: { ...map.States.Each, MaxConcurrency: concurrency } } }, { handlers, clock: virtualClock(0) });
    const result = await machine.execute([0, 1, 2]);
    assert.equal(result.output, [{ sync: 0 }, { later: 1 }, { sync: 2 }], `MaxConcurrency ${concurrency}`);
  }
});

siblings.run();
