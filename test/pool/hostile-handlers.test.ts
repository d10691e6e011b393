import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPool, type Pool } from '../../src/index.js';

/**
 * Handlers that answer or fail the way careless code does, run in the pool's threads: each
 * execution settles once, as in-process, and the pool keeps working.
 */
const hostile = suite<{ pool: Pool }>('hostile handlers in the pool');

const handlersUrl = new URL('./fixtures/hostile-handlers.ts', import.meta.url);
const task = (resource: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: resource, End: true, ...extra } },
});
const map = {
  StartAt: 'M',
  States: { M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'item', End: true } } } } },
};

hostile.before((context) => {
  context.pool = createPool({ threads: 2, batch: 16 });
  for (const resource of ['nothing', 'nothingLater', 'cycle', 'unreadable', 'throwString', 'throwNull']) {
    context.pool.register(resource, { definition: task(resource, { ResultPath: '$.r' }), handlers: handlersUrl });
  }
  context.pool.register('map', { definition: map, handlers: handlersUrl });
});

hostile.after(async (context) => {
  await context.pool.close();
});

/** workflow → what its execution settles as: [status, error, output or a pattern of the cause]. */
const cases: [label: string, workflow: string, status: string, error: string | undefined, expected: unknown][] = [
  ['a handler that returns nothing answers null', 'nothing', 'SUCCEEDED', undefined, { in: 1, r: null }],
  ['a promise of nothing answers null', 'nothingLater', 'SUCCEEDED', undefined, { in: 1, r: null }],
  [
    'a result with a cycle fails, naming where',
    'cycle',
    'FAILED',
    'States.Runtime',
    /not JSON: the value at \/children\/0 refers to an object that contains it/,
  ],
  [
    'a result whose getter throws fails, naming the state',
    'unreadable',
    'FAILED',
    'States.Runtime',
    /'T' returned a result that could not be read: getter says no/,
  ],
  ['a thrown string is States.TaskFailed with it as the cause', 'throwString', 'FAILED', 'States.TaskFailed', /^plain words$/],
  ['a thrown null is States.TaskFailed', 'throwNull', 'FAILED', 'States.TaskFailed', /non-Error value: null/],
];

for (const [label, workflow, status, error, expected] of cases) {
  hostile(label, async ({ pool }) => {
    const r = await pool.execute(workflow, { in: 1 });
    assert.is(r.status, status, String(r.cause));
    assert.is(r.error ?? undefined, error);
    if (expected instanceof RegExp) assert.match(r.cause!, expected);
    else assert.equal(r.output, expected);
  });
}

hostile('a Map of 1,000 items whose item 500 throws synchronously fails once, and the pool runs on', async ({ pool }) => {
  const items = Array.from({ length: 1000 }, (_, i) => ({ i }));
  const results = await Promise.all([pool.execute('map', items), pool.execute('map', items.slice(0, 400))]);
  assert.equal(
    results.map((r) => [r.status, r.error]),
    [
      ['FAILED', 'Item.Failed'],
      ['SUCCEEDED', undefined],
    ],
  );
  assert.equal(
    results[1]!.output,
    items.slice(0, 400).map((item) => item.i),
  );
  assert.is(pool.metrics().faults, 0);
});

hostile('a handler that never settles times out at the execution limit, and close() waits for it and settles the rest', async () => {
  const pool = createPool({ threads: 1, batch: 8 });
  pool.register('never', { definition: task('never'), handlers: handlersUrl, options: { limits: { executionMs: 300 } } });
  pool.register('nothing', { definition: task('nothing'), handlers: handlersUrl });
  const pending = [...Array.from({ length: 5 }, () => pool.execute('never', {})), ...Array.from({ length: 50 }, () => pool.execute('nothing', {}))];
  await pool.close();
  const settled = await Promise.all(pending);
  assert.equal(
    settled.map((r) => r.status).reduce<Record<string, number>>((counts, s) => ({ ...counts, [s]: (counts[s] ?? 0) + 1 }), {}),
    { TIMED_OUT: 5, SUCCEEDED: 50 },
  );
});

hostile.run();
