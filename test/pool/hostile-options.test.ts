import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPool, PoolError, PoolErrorCodes, type Pool } from '../../src/index.js';
import { ClusterError, ClusterErrorCodes, createCluster, createClusterWorker } from '../../src/cluster/index.js';
import { redisMissing, startRedis } from '../cluster/support.js';

/**
 * Options of createPool, register and execute, and of createCluster and its workers, from
 * careless code: refused at the call with the pool's (or cluster's) INVALID_OPTION code,
 * naming the option, never a TypeError or RangeError later.
 */
const options = suite('hostile pool and cluster options');

const handlersUrl = new URL('./fixtures/handlers.ts', import.meta.url);
const definition = { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: 'double', End: true } } };

function refusedWith(thrown: unknown, code: string, named: string): void {
  assert.ok(thrown instanceof PoolError || thrown instanceof ClusterError, `a ${(thrown as Error)?.constructor?.name}: ${String(thrown)}`);
  assert.is((thrown as PoolError).code, code);
  assert.ok((thrown as Error).message.includes(named), (thrown as Error).message);
}

const poolCases: [label: string, options: unknown, named: string][] = [
  ['null', null, "'options'"],
  ['a number', 42, "'options'"],
  ['an array', [2], "'options'"],
  ['threads 0', { threads: 0 }, "'threads'"],
  ['threads -1', { threads: -1 }, "'threads'"],
  ['threads 1e9', { threads: 1e9 }, "'threads'"],
  ['threads "2"', { threads: '2' }, "'threads'"],
  ['batch 0', { batch: 0 }, "'batch'"],
  ['maxQueue -1', { maxQueue: -1 }, "'maxQueue'"],
  ['a misspelt key', { thread: 2 }, "did you mean 'threads'"],
  ['mapFanOut "yes"', { threads: 1, mapFanOut: 'yes' }, "'mapFanOut'"],
  ['mapFanOutMinItems -5', { threads: 1, mapFanOutMinItems: -5 }, "'mapFanOutMinItems'"],
  ['resourceLimits 5', { threads: 1, resourceLimits: 5 }, "'resourceLimits'"],
  // These two were taken before, and Node ran the threads without the limit asked for.
  [
    'a resource limit given as text',
    { threads: 1, resourceLimits: { maxOldGenerationSizeMb: '64' } },
    "'resourceLimits.maxOldGenerationSizeMb' must be a positive number of MB",
  ],
  ['a misspelt resource limit', { threads: 1, resourceLimits: { maxOldGenerationSizeMB: 64 } }, "did you mean 'resourceLimits.maxOldGenerationSizeMb'"],
  ['hangTimeoutMs "5"', { threads: 1, hangTimeoutMs: '5' }, "'hangTimeoutMs'"],
];

for (const [label, given, named] of poolCases) {
  options(`createPool refuses ${label}`, () => {
    assert.throws(
      () => createPool(given as never),
      (thrown: unknown) => (refusedWith(thrown, PoolErrorCodes.INVALID_OPTION, named), true),
    );
  });
}

const registerCases: [label: string, registration: unknown, named: string][] = [
  ['a misspelt key', { definition, handlers: handlersUrl, handler: handlersUrl }, "'handler'"],
  ['options that are a number', { definition, handlers: handlersUrl, options: 5 }, "'options'"],
  ['a misspelt workflow option', { definition, handlers: handlersUrl, options: { clocks: 'virtual' } }, "did you mean 'options.clock'"],
  ['limits that are null', { definition, handlers: handlersUrl, options: { limits: null } }, "'options.limits'"],
  ['a hang timeout given as text', { definition, handlers: handlersUrl, hangTimeoutMs: '5' }, 'hangTimeoutMs'],
];

const executeCases: [label: string, options: unknown, named: string][] = [
  ['null options', null, "'options'"],
  ['a signal (a pooled execution cannot be aborted)', { signal: AbortSignal.abort() }, "'signal'"],
  ['a misspelt key', { nmae: 'x' }, "did you mean 'name'"],
  // These two ran as if false before: the input taken as a value, the output not as text.
  ["inputJson given as 'yes'", { inputJson: 'yes' }, "'inputJson' must be true or false, not string"],
  ['outputJson given as 1', { outputJson: 1 }, "'outputJson' must be true or false, not number"],
];

const lifecycle = suite<{ pool: Pool }>('hostile pool calls');

lifecycle.before((context) => {
  context.pool = createPool({ threads: 1, batch: 4 });
  context.pool.register('double', { definition, handlers: handlersUrl });
});

lifecycle.after(async (context) => {
  await context.pool.close();
});

for (const [label, registration, named] of registerCases) {
  lifecycle(`register refuses ${label}`, ({ pool }) => {
    assert.throws(
      () => pool.register(`w-${label}`, registration as never),
      (thrown: unknown) => (refusedWith(thrown, PoolErrorCodes.INVALID_OPTION, named), true),
    );
  });
}

for (const [label, given, named] of executeCases) {
  lifecycle(`execute rejects ${label} and runs nothing`, async ({ pool }) => {
    const before = pool.metrics().started;
    try {
      await pool.execute('double', { n: 1 }, given as never);
      assert.unreachable('execute accepted it');
    } catch (thrown) {
      refusedWith(thrown, PoolErrorCodes.INVALID_OPTION, named);
    }
    assert.is(pool.metrics().started, before);
  });
}

const connection = 'redis://127.0.0.1:1';
const clusterCases: [label: string, create: () => unknown, named: string][] = [
  ['a misspelt key', () => createCluster({ connection, batchh: 5 } as never), "did you mean 'batch'"],
  ['a close timeout given as text', () => createCluster({ connection, closeTimeoutMs: '5' } as never), "'closeTimeoutMs'"],
  ['a number for a prefix', () => createCluster({ connection, prefix: 5 } as never), "'prefix'"],
  ['a worker with 1e9 threads', () => createClusterWorker({ connection, threads: 1e9 }), "'threads'"],
  ['a worker whose pool has batch 0', () => createClusterWorker({ connection, pool: { batch: 0 } }), "'pool.batch'"],
  ['a worker with a misspelt key', () => createClusterWorker({ connection, concurency: 1 } as never), "did you mean 'concurrency'"],
  // These four were taken before: Infinity made close() give up after 1 ms (a timer's overflow),
  // a negative lock went to BullMQ, and BullMQ's own refusals carried no code.
  ['a close timeout of Infinity', () => createCluster({ connection, closeTimeoutMs: Infinity }), 'closeTimeoutMs must be at most 2147483647'],
  ['a worker with a negative lock duration', () => createClusterWorker({ connection, lockDurationMs: -5 }), "'lockDurationMs'"],
  ['a worker with a stalled interval of 0', () => createClusterWorker({ connection, stalledIntervalMs: 0 }), "'stalledIntervalMs'"],
  ['a worker with a max stalled count of -1', () => createClusterWorker({ connection, maxStalledCount: -1 }), "'maxStalledCount'"],
];

for (const [label, create, named] of clusterCases) {
  options(`the cluster refuses ${label} before connecting`, () => {
    assert.throws(create, (thrown: unknown) => (refusedWith(thrown, ClusterErrorCodes.INVALID_OPTION, named), true));
  });
}

options('cluster execute rejects options it does not take (a signal, a misspelt name, null) before queueing anything', async () => {
  const missing = redisMissing();
  if (missing !== null) return console.log(missing);
  const redis = await startRedis();
  const cluster = createCluster({ connection: redis.url, prefix: 'hostile-options', closeTimeoutMs: 1000 });
  try {
    await cluster.register('double', { definition, handlers: handlersUrl });
    for (const [given, named] of [
      [null, "'options'"],
      [{ signal: AbortSignal.abort() }, "'signal'"],
      [{ nmae: 'x' }, "did you mean 'name'"],
    ] as const) {
      try {
        await cluster.execute('double', { n: 1 }, given as never);
        assert.unreachable('execute accepted it');
      } catch (thrown) {
        refusedWith(thrown, ClusterErrorCodes.INVALID_OPTION, named);
      }
    }
    assert.is(cluster.metrics().submitted, 0);
  } finally {
    await cluster.close();
    await redis.destroy();
  }
});

options.run();
lifecycle.run();
