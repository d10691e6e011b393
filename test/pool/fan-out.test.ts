import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { planFanOut, type MapFanOutResult } from '../../src/pool/fan-out-plan.js';
import { compile } from '../../src/compile/machine.js';
import { createPool, PoolError, PoolErrorCodes, PoolFaults, type Pool } from '../../src/pool/index.js';
import { handlers } from './fixtures/fan-out-handlers.js';

const handlersUrl = new URL('./fixtures/fan-out-handlers.ts', import.meta.url);

/** Runs `$.fanOut` through the fixture hook, else the Map itself; the Map's processor is what fans out. */
function parent(resource: string): Record<string, unknown> {
  return {
    StartAt: 'Route',
    States: {
      Route: { Type: 'Choice', Choices: [{ Variable: '$.inputs', IsPresent: true, Next: 'FanOut' }], Default: 'Each' },
      FanOut: { Type: 'Task', Resource: 'fanOutHere', End: true },
      Each: {
        Type: 'Map',
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: resource, End: true } } },
        End: true,
      },
    },
  };
}

interface Interval {
  index: number;
  start: number;
  end: number;
}

/** Most intervals that overlap at any instant. */
function maxOverlap(intervals: Interval[]): number {
  const edges = intervals.flatMap((i) => [
    [i.start, 1],
    [i.end, -1],
  ]);
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step!));
  return most;
}

/** A Map over `$.items` whose iterations say which thread ran them. */
function spreadMap(tolerance: Record<string, unknown>): Record<string, unknown> {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ...tolerance,
        ItemProcessor: { StartAt: 'Where', States: { Where: { Type: 'Task', Resource: 'whereAmI', End: true } } },
        End: true,
      },
    },
  };
}

/** A Map whose iterations read the execution's context and an outer variable. */
const contextMap = {
  StartAt: 'Remember',
  States: {
    Remember: { Type: 'Pass', Assign: { greeting: 'hello' }, Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Look',
        States: {
          Look: {
            Type: 'Pass',
            Parameters: {
              'n.$': '$.n',
              'execution.$': '$$.Execution.Name',
              'input.$': '$$.Execution.Input.tag',
              'index.$': '$$.Map.Item.Index',
              'greeting.$': '$greeting',
            },
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

/** A Map named with a slash (escaped in its pointer), inside a Parallel branch, with the older Iterator field. */
const nestedMap = {
  StartAt: 'Fork',
  States: {
    Fork: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'a/b',
          States: {
            'a/b': { Type: 'Map', Iterator: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, End: true },
          },
        },
      ],
      End: true,
    },
  },
};

const tolerances: Record<string, Record<string, unknown>> = {
  'spread map': {},
  'spread map tolerating one': { ToleratedFailureCount: 1 },
};

const fanOut = suite<{ pool: Pool }>('Map fan-out');

fanOut.before((context) => {
  context.pool = createPool({ threads: 2 });
  // Registered first: key 1, which the fixture hook names.
  context.pool.register('double map', { definition: parent('double'), handlers: handlersUrl });
  context.pool.register('interval map', { definition: parent('interval'), handlers: handlersUrl });
  for (const [id, tolerance] of Object.entries(tolerances)) {
    context.pool.register(id, { definition: spreadMap(tolerance), handlers: handlersUrl, mapFanOut: true });
  }
  context.pool.register('context map', { definition: contextMap, handlers: handlersUrl, mapFanOut: true });
  context.pool.register('nested map', { definition: nestedMap, handlers: handlersUrl });
  context.pool.register('double', { definition: { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: 'double', End: true } } }, handlers: handlersUrl });
  context.pool.register('busy map', { definition: mapOf('busyUntilExecution'), handlers: handlersUrl });
  context.pool.register('mark', {
    definition: { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: 'markThread', End: true } } },
    handlers: handlersUrl,
  });
});

fanOut.after(async (context) => {
  await context.pool.close();
});

/** What the Map's execution passes its iterations (see machine.iterations()). */
const iterationParent = { executionName: 'exec', executionInput: {}, executionStartMs: 0, remainingMs: 300_000, variables: [] };

function request(inputs: unknown[], maxConcurrency = 0, toleratedFailures = -1) {
  return { state: '/States/Each', inputs, maxConcurrency, toleratedFailures, parent: iterationParent };
}

fanOut('outputs come back in item order', async ({ pool }) => {
  const inputs = Array.from({ length: 500 }, (_, n) => ({ n }));
  const result = await pool.runMap('double map', request(inputs));
  assert.equal(
    result.outputs,
    inputs.map(({ n }) => ({ n: 2 * n })),
  );
  assert.equal(result.failures, []);
  assert.is(result.stopped, false);
});

fanOut('an empty Map returns at once', async ({ pool }) => {
  assert.equal(await pool.runMap('double map', request([])), { outputs: [], failures: [], stopped: false, events: 0 });
});

for (const maxConcurrency of [1, 2, 3]) {
  fanOut(`MaxConcurrency ${maxConcurrency} holds across the pool`, async ({ pool }) => {
    const inputs = Array.from({ length: 8 }, (_, index) => ({ index, ms: 15 }));
    const result = await pool.runMap('interval map', request(inputs, maxConcurrency));
    const intervals = result.outputs as Interval[];
    assert.equal(
      intervals.map((i) => i.index),
      inputs.map((i) => i.index),
    );
    assert.ok(maxOverlap(intervals) <= maxConcurrency, `${maxOverlap(intervals)} iterations overlapped`);
  });
}

fanOut('with no tolerated failures, the first failure stops the Map', async ({ pool }) => {
  const inputs = Array.from({ length: 64 }, (_, index) => ({ index, ms: 1, fail: index === 5 }));
  const result = await pool.runMap('interval map', request(inputs, 1));
  assert.is(result.stopped, true);
  assert.equal(result.failures, [{ index: 5, error: 'Item.Failed', cause: 'item 5 failed' }]);
  assert.equal(
    result.outputs.slice(0, 5).map((o) => (o as Interval).index),
    [0, 1, 2, 3, 4],
  );
  assert.ok(result.outputs.slice(6).includes(undefined), 'items after the failure still all ran');
});

fanOut('failures within the tolerance leave the others running, reported in item order', async ({ pool }) => {
  const failing = new Set([3, 40, 41]);
  const inputs = Array.from({ length: 50 }, (_, index) => ({ index, ms: 1, fail: failing.has(index) }));
  const result = await pool.runMap('interval map', request(inputs, 0, 3));
  assert.is(result.stopped, false);
  assert.equal(
    result.failures.map((f) => f.index),
    [3, 40, 41],
  );
  result.outputs.forEach((output, index) => {
    if (failing.has(index)) assert.is(output, undefined);
    else assert.is((output as Interval).index, index);
  });
});

fanOut('past the tolerance, the Map stops', async ({ pool }) => {
  const inputs = Array.from({ length: 50 }, (_, index) => ({ index, ms: 1, fail: index % 10 === 0 }));
  const result = await pool.runMap('interval map', request(inputs, 0, 2));
  assert.is(result.stopped, true);
  assert.ok(result.failures.length > 2);
});

fanOut('a Map running inside a worker fans out through the main thread and back', async ({ pool }) => {
  const inputs = Array.from({ length: 100 }, (_, n) => ({ n }));
  const result = await pool.execute('double map', { inputs });
  assert.is(result.status, 'SUCCEEDED');
  const output = result.output as MapFanOutResult;
  assert.equal(
    output.outputs,
    inputs.map(({ n }) => ({ n: 2 * n })),
  );
  assert.is(output.stopped, false);
});

fanOut('a Map in an execution that opted in spreads over every thread; its result equals the in-process one', async ({ pool }) => {
  const items = Array.from({ length: 200 }, (_, n) => ({ n }));
  const result = await pool.execute('spread map', { items });
  assert.is(result.status, 'SUCCEEDED');
  const outputs = result.output as { n: number; thread: number }[];
  assert.equal(
    outputs.map((o) => o.n),
    items.map((i) => i.n),
  );
  assert.is(new Set(outputs.map((o) => o.thread)).size, 2);
});

fanOut('fanned-out iterations see the execution and the outer variables as in-process', async ({ pool }) => {
  const input = { tag: 't-1', items: Array.from({ length: 60 }, (_, n) => ({ n })) };
  const result = await pool.execute('context map', input, { name: 'run-7' });
  const local = await compile(contextMap, { handlers }).execute(input, { name: 'run-7' });
  assert.is(result.status, 'SUCCEEDED', result.cause ?? '');
  assert.equal(result.output, local.output);
  assert.equal((result.output as unknown[])[42], { n: 42, execution: 'run-7', input: 't-1', index: 42, greeting: 'hello' });
});

fanOut('a long fan-out lets other executions on its threads run between its blocks', async ({ pool }) => {
  // About a second of iterations on each thread, until the execution has run on it. The
  // execution is sent after the fan-out's tasks, so it waits on its thread behind one of them.
  const items = Array.from({ length: 10_000 }, (_, n) => ({ n }));
  const settled: string[] = [];
  const map = pool.runMap('busy map', request(items)).then((result) => {
    settled.push('map');
    return result;
  });
  const execution = pool.execute('mark', {}).then((result) => {
    settled.push('execution');
    return result;
  });
  const [mapResult, executionResult] = await Promise.all([map, execution]);
  assert.is(executionResult.status, 'SUCCEEDED');
  const outputs = mapResult.outputs as { n: number; afterExecution: boolean }[];
  assert.equal(
    outputs.map((o) => o.n),
    items.map((i) => i.n),
  );
  // Iterations of the fan-out's task ran after the execution on its thread: it ran between their blocks.
  assert.ok(
    outputs.some((o) => o.afterExecution),
    'no iteration ran after the execution: it waited for the fan-out to end',
  );
  assert.equal(settled, ['execution', 'map']);
});

const failingRuns: [string, string, number[], Record<string, unknown>][] = [
  ['the first failure fails the Map with its error', 'spread map', [7], { status: 'FAILED', error: 'Item.Failed', cause: 'item 7 failed' }],
  ['a tolerated failure leaves its error in its slot', 'spread map tolerating one', [7], { status: 'SUCCEEDED', error: undefined, cause: undefined }],
  [
    'past the tolerance the Map fails',
    'spread map tolerating one',
    [7, 30],
    { status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold', cause: undefined },
  ],
];
for (const [what, id, failing, expected] of failingRuns) {
  fanOut(`fanned-out Map: ${what}`, async ({ pool }) => {
    const items = Array.from({ length: 40 }, (_, n) => ({ n, fail: failing.includes(n) }));
    const result = await pool.execute(id, { items });
    const local = await compile(spreadMap(tolerances[id]!), { handlers }).execute({ items });
    assert.equal([result.status, result.error, result.cause], [local.status, local.error, local.cause]);
    assert.is(result.status, expected.status);
    assert.is(result.error, expected.error);
    if (expected.cause !== undefined) assert.is(result.cause, expected.cause);
    if (result.status === 'SUCCEEDED') {
      const outputs = result.output as Record<string, unknown>[];
      assert.equal(outputs[7], { Error: 'Item.Failed', Cause: 'item 7 failed' });
      assert.is(outputs[8]!.n, 8);
    }
  });
}

fanOut('runMap finds a nested Map by its pointer, escaped tokens included', async ({ pool }) => {
  const result = await pool.runMap('nested map', { ...request([{ n: 1 }, { n: 2 }]), state: '/States/Fork/Branches/0/States/a~1b' });
  assert.equal(result.outputs, [{ n: 1 }, { n: 2 }]);
  assert.equal(result.failures, []);
});

const refusals: [string, () => Record<string, unknown>, string][] = [
  ['a pointer to a state that is not a Map', () => ({ ...request([{ n: 1 }]), state: '/States/FanOut' }), PoolErrorCodes.INVALID_OPTION],
  ['a pointer to no state', () => ({ ...request([{ n: 1 }]), state: '/States/Missing' }), PoolErrorCodes.INVALID_OPTION],
  ['a pointer into a prototype', () => ({ ...request([{ n: 1 }]), state: '/__proto__/constructor' }), PoolErrorCodes.INVALID_OPTION],
  ["a pointer to an inherited property's name", () => ({ ...request([{ n: 1 }]), state: '/States/constructor' }), PoolErrorCodes.INVALID_OPTION],
  ['an item that cannot be encoded', () => request([{ n: 1 }, { f: () => 1 }]), PoolErrorCodes.INPUT_NOT_ENCODABLE],
];
for (const [what, make, code] of refusals) {
  fanOut(`runMap refuses ${what}`, async ({ pool }) => {
    const error = await pool.runMap('double map', make() as never).catch((e: PoolError) => e);
    assert.instance(error, PoolError);
    assert.is((error as PoolError).code, code);
  });
}

fanOut.run();

const faulty = suite<{ pool: Pool }>('Map fan-out faults');

/** A Map over its input whose iterations run `resource`. */
function mapOf(resource: string): Record<string, unknown> {
  return {
    StartAt: 'Each',
    States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: resource, End: true } } }, End: true } },
  };
}

faulty.before((context) => {
  context.pool = createPool({ threads: 2 });
  context.pool.register('exit map', { definition: mapOf('exitIf'), handlers: handlersUrl });
  context.pool.register('function map', { definition: mapOf('functionIf'), handlers: handlersUrl });
  context.pool.register('broken map', { definition: mapOf('double'), handlers: new URL('./fixtures/broken-handlers.ts', import.meta.url) });
});

faulty.after(async (context) => {
  await context.pool.close();
});

faulty('an iteration whose output cannot be sent back fails alone with Pool.OutputNotEncodable', async ({ pool }) => {
  const inputs = Array.from({ length: 40 }, (_, n) => ({ n, bad: n === 7 }));
  const result = await pool.runMap('function map', request(inputs, 0, 1));
  assert.is(result.stopped, false);
  assert.equal(
    result.failures.map((f) => [f.index, f.error]),
    [[7, PoolFaults.OutputNotEncodable]],
  );
  assert.match(result.failures[0]!.cause ?? '', /function/);
  result.outputs.forEach((output, n) => assert.equal(output, n === 7 ? undefined : { n }));
});

faulty('a thread lost during a fan-out fails only the items its task had claimed; another task runs the rest', async ({ pool }) => {
  const inputs = Array.from({ length: 400 }, (_, n) => ({ n, exit: n === 150 }));
  const result = await pool.runMap('exit map', request(inputs, 0, inputs.length));
  assert.is(result.stopped, false);
  const failed = new Set(result.failures.map((f) => f.index));
  assert.ok(failed.has(150));
  assert.ok(failed.size < inputs.length / 2, `${failed.size} items failed`);
  for (const failure of result.failures) {
    assert.is(failure.error, PoolFaults.WorkerExited);
    assert.match(failure.cause ?? '', /exited with code 3/);
  }
  result.outputs.forEach((output, n) => {
    if (failed.has(n)) assert.is(output, undefined);
    else assert.is((output as { n: number }).n, n, `item ${n}`);
  });
  const after = await pool.runMap('exit map', request(inputs.slice(0, 100).map(({ n }) => ({ n }))));
  assert.equal(after.failures, []);
});

faulty('with no tolerated failures, a thread lost during a fan-out stops it', async ({ pool }) => {
  const inputs = Array.from({ length: 400 }, (_, n) => ({ n, exit: n === 150 }));
  const result = await pool.runMap('exit map', request(inputs));
  assert.is(result.stopped, true);
  assert.ok(result.failures.some((f) => f.index === 150 && f.error === PoolFaults.WorkerExited));
});

faulty('a fan-out whose workflow does not load in the workers fails every item with the load error', async ({ pool }) => {
  const result = await pool.runMap('broken map', request(Array.from({ length: 20 }, (_, n) => ({ n }))));
  assert.is(result.stopped, true);
  assert.is(result.failures.length, 20);
  assert.ok(result.failures.every((f) => f.error === PoolErrorCodes.WORKFLOW_LOAD));
  assert.match(result.failures[0]!.cause ?? '', /does not export an object named 'handlers'/);
});

faulty.run();

const plans = suite('planFanOut');

const planCases: [count: number, threads: number, maxConcurrency: number, concurrencies: number[]][] = [
  [1000, 2, 0, [0, 0]],
  [1000, 4, 0, [0, 0, 0, 0]],
  [10, 2, 1, [1]],
  [100, 2, 10, [5, 5]],
  [100, 2, 3, [2, 1]],
  [100, 4, 40, [10, 10, 10, 10]],
  [100, 4, 6, [2, 2, 1, 1]],
  [3, 4, 0, [0, 0, 0]],
  [0, 2, 0, [0]],
];
for (const [count, threads, maxConcurrency, concurrencies] of planCases) {
  plans(`${count} items on ${threads} threads with MaxConcurrency ${maxConcurrency}`, () => {
    const plan = planFanOut(count, threads, maxConcurrency);
    assert.equal(plan.concurrencies, concurrencies);
    if (maxConcurrency > 0)
      assert.is(
        plan.concurrencies.reduce((a, b) => a + b, 0),
        maxConcurrency,
        'MaxConcurrency holds, and is used in full',
      );
    // Blocks small enough that the last one any thread runs is short, never empty.
    assert.ok(plan.blockSize >= 1);
    if (count >= threads * 64) assert.ok(Math.ceil(count / plan.blockSize) >= threads * 32, `blocks of ${plan.blockSize} items`);
    else assert.is(plan.blockSize, 1);
  });
}

plans.run();
