import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPool, PoolError, PoolErrorCodes, type LoadOptions, type Pool } from '../../src/pool/index.js';

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

// Each refused before any thread runs: a thread would run -1 or NaN executions as none, 1.5 as
// two, "5" by coercion, and a duration of NaN or "100" as none.
const badOptions: [options: Record<string, unknown>, option: string, problem: string][] = [
  [{ seed: -1 }, 'seed', 'must be a whole number, not -1'],
  [{ seed: 1.5 }, 'seed', 'must be a whole number, not 1.5'],
  [{ seed: Number.NaN }, 'seed', 'must be a whole number, not NaN'],
  [{ seed: '7' }, 'seed', 'must be a whole number, not "7"'],
  [{ seed: 2 ** 32 }, 'seed', 'must be at most 4294967295, not 4294967296'],
  [{ executionsPerThread: -1 }, 'executionsPerThread', 'must be a positive integer or Infinity, not -1'],
  [{ executionsPerThread: 0 }, 'executionsPerThread', 'must be a positive integer or Infinity, not 0'],
  [{ executionsPerThread: 1.5 }, 'executionsPerThread', 'must be a positive integer or Infinity, not 1.5'],
  [{ executionsPerThread: Number.NaN }, 'executionsPerThread', 'must be a positive integer or Infinity, not NaN'],
  [{ executionsPerThread: '5' }, 'executionsPerThread', 'must be a positive integer or Infinity, not "5"'],
  [{ executionsPerThread: 2 ** 53 }, 'executionsPerThread', 'must be at most 9007199254740991, not 9007199254740992'],
  [{ durationMs: -1 }, 'durationMs', 'must be a positive number of milliseconds up to 2147483647 (or Infinity), not -1'],
  [{ durationMs: 0 }, 'durationMs', 'must be a positive number of milliseconds up to 2147483647 (or Infinity), not 0'],
  [{ durationMs: Number.NaN }, 'durationMs', 'must be a positive number of milliseconds up to 2147483647 (or Infinity), not NaN'],
  [{ durationMs: '100' }, 'durationMs', 'must be a positive number of milliseconds up to 2147483647 (or Infinity), not "100"'],
  [{ durationMs: 2 ** 31 }, 'durationMs', 'must be a positive number of milliseconds up to 2147483647 (or Infinity), not 2147483648'],
  [{ concurrency: 0 }, 'concurrency', 'must be a positive integer, not 0'],
  [{ concurrency: 2.5 }, 'concurrency', 'must be a positive integer, not 2.5'],
  [{ concurrency: '4' }, 'concurrency', 'must be a positive integer, not "4"'],
  [{ executionPerThread: 5 }, 'executionPerThread', "is not an option (did you mean 'executionsPerThread'?)"],
];
for (const [options, option, problem] of badOptions) {
  const value = Object.values(options)[0];
  load(`load refuses ${option}: ${typeof value === 'string' ? `'${value}'` : String(value)}`, async ({ pool }) => {
    const error = await pool.load('double', { generator: generatorUrl, durationMs: 50, ...options } as LoadOptions).catch((e: unknown) => e);
    assert.instance(error, PoolError);
    assert.is((error as PoolError).code, PoolErrorCodes.INVALID_OPTION);
    assert.ok((error as PoolError).message.startsWith(`option '${option}' ${problem}`), (error as PoolError).message);
  });
}

load('load takes Infinity for the bound it is not given, and a fractional duration', async ({ pool }) => {
  assert.is((await pool.load('double', { generator: generatorUrl, executionsPerThread: 3, durationMs: Infinity })).executions, 3 * pool.threads);
  assert.ok((await pool.load('double', { generator: generatorUrl, executionsPerThread: Infinity, durationMs: 20.5 })).executions > 0);
});

load('load takes the seeds from 0 to 2^32 - 1', async ({ pool }) => {
  for (const seed of [0, 2 ** 32 - 1])
    assert.is((await pool.load('double', { generator: generatorUrl, executionsPerThread: 2, seed })).executions, 2 * pool.threads);
});

load.run();
