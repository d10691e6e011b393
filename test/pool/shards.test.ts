import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPool, PoolError, PoolErrorCodes, type Pool } from '../../src/pool/index.js';

const handlersUrl = new URL('./fixtures/handlers.ts', import.meta.url);
const generatorUrl = new URL('./fixtures/generator.ts', import.meta.url);

const load = suite<{ pool: Pool }>('sharded load mode');

load.before((context) => {
  context.pool = createPool({ threads: 2 });
  context.pool.register('double', { definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'double', End: true } } }, handlers: handlersUrl });
  context.pool.register('fail', { definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fail', End: true } } }, handlers: handlersUrl });
});

load.after(async (context) => {
  await context.pool.close();
});

load('each thread runs its share and sends back counts and a histogram', async ({ pool }) => {
  const result = await pool.load('double', { generator: generatorUrl, executionsPerThread: 300, concurrency: 4, generatorOptions: { scale: 2 } });
  assert.is(result.threads, 2);
  assert.is(result.executions, 600);
  assert.is(result.succeeded, 600);
  assert.is(result.failed, 0);
  assert.equal(
    result.perThread.map((t) => t.executions),
    [300, 300],
  );
  assert.is(new Set(result.perThread.map((t) => t.threadId)).size, 2);
  assert.is(result.latency.count, 600);
  assert.ok(result.latency.p50 > 0 && result.latency.p50 <= result.latency.max);
  assert.ok(result.throughput > 0);
});

load('failures are counted, not thrown', async ({ pool }) => {
  const result = await pool.load('fail', { generator: generatorUrl, executionsPerThread: 20 });
  assert.is(result.failed, 40);
  assert.is(result.succeeded, 0);
});

load('a duration bounds the run', async ({ pool }) => {
  const result = await pool.load('double', { generator: generatorUrl, durationMs: 100, concurrency: 2 });
  assert.ok(result.executions > 0);
  for (const thread of result.perThread) assert.ok(thread.elapsedMs >= 100 && thread.elapsedMs < 2000, `${thread.elapsedMs} ms`);
});

const refusals: [string, (pool: Pool) => Promise<unknown>, string][] = [
  ['neither a count nor a duration', (pool) => pool.load('double', { generator: generatorUrl }), PoolErrorCodes.INVALID_OPTION],
  ['a relative generator path', (pool) => pool.load('double', { generator: './generator.ts', executionsPerThread: 1 }), PoolErrorCodes.INVALID_OPTION],
  [
    'a generator module without that export',
    (pool) => pool.load('double', { generator: generatorUrl, generatorExport: 'nothing', executionsPerThread: 1 }),
    PoolErrorCodes.INVALID_OPTION,
  ],
  [
    'a generator that throws',
    (pool) => pool.load('double', { generator: generatorUrl, generatorExport: 'throwingInput', executionsPerThread: 1 }),
    PoolErrorCodes.INVALID_OPTION,
  ],
  ['an unknown workflow', (pool) => pool.load('nope', { generator: generatorUrl, executionsPerThread: 1 }), PoolErrorCodes.UNKNOWN_WORKFLOW],
  [
    'a busy pool',
    (pool) => {
      const busy = pool.execute('double', { n: 1 });
      return pool.load('double', { generator: generatorUrl, executionsPerThread: 1 }).finally(() => busy);
    },
    PoolErrorCodes.INVALID_OPTION,
  ],
];
for (const [what, call, code] of refusals) {
  load(`load refuses ${what}`, async ({ pool }) => {
    const error = await call(pool).catch((e: unknown) => e);
    assert.instance(error, PoolError);
    assert.is((error as PoolError).code, code);
  });
}

// Before, a load whose generator failed in one thread was refused while the other thread still
// ran its share, and the next load found the pool busy.
load('a load failing in its threads leaves the pool idle: the next load runs', async ({ pool }) => {
  const error = await pool.load('double', { generator: generatorUrl, generatorExport: 'throwingInput', executionsPerThread: 1 }).catch((e: unknown) => e);
  assert.instance(error, PoolError);
  assert.is((await pool.load('double', { generator: generatorUrl, executionsPerThread: 1 })).executions, pool.threads);
});

const badSeeds: [seed: unknown, problem: string][] = [
  [-1, 'must be a whole number, not -1'],
  [1.5, 'must be a whole number, not 1.5'],
  [Number.NaN, 'must be a whole number, not NaN'],
  ['7', 'must be a whole number, not "7"'],
  [2 ** 32, 'must be at most 4294967295, not 4294967296'],
];
for (const [seed, problem] of badSeeds) {
  load(`load refuses the seed ${String(seed)}: ${problem}`, async ({ pool }) => {
    const error = await pool.load('double', { generator: generatorUrl, executionsPerThread: 1, seed: seed as number }).catch((e: unknown) => e);
    assert.instance(error, PoolError);
    assert.is((error as PoolError).code, PoolErrorCodes.INVALID_OPTION);
    assert.is((error as PoolError).message, `option 'seed' ${problem}`);
  });
}

load('load takes the seeds from 0 to 2^32 - 1', async ({ pool }) => {
  for (const seed of [0, 2 ** 32 - 1])
    assert.is((await pool.load('double', { generator: generatorUrl, executionsPerThread: 2, seed })).executions, 2 * pool.threads);
});

load.run();
