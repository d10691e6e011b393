/**
 * How large a job grows while the workers are busy: an even share of the client's executions
 * in flight per slot the workers have (at most busyBatch), and the slot an answer frees is
 * refilled only after the callbacks of that answer's settlements ran.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { createCluster, type Cluster } from '../../src/cluster/index.js';
import type { ExecutionResult } from '../../src/run/result.js';
import { clusterSuite, fixtures, startWorker, type RedisServer, type WorkerProcess } from './support.js';

const { test, withRedis } = clusterSuite('cluster busy batches', 'busy');

const recorded = { definition: { StartAt: 'R', States: { R: { Type: 'Task', Resource: 'recorded', End: true } } }, handlers: fixtures.handlers };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTick = () => new Promise((resolve) => setImmediate(resolve));

/** A client of `options` and one worker of one thread taking `concurrency` batches at once (its slots: min(concurrency, 2)). */
async function setUp(
  context: { redis: RedisServer | null; workers: WorkerProcess[]; clients: Cluster[]; prefix: string },
  concurrency: number,
  options: object,
) {
  context.workers.push(await startWorker(context.redis!.url, ['--prefix', context.prefix, '--concurrency', String(concurrency)]));
  const cluster = createCluster({ connection: context.redis!.url, prefix: context.prefix, ...options });
  context.clients.push(cluster);
  await cluster.register('recorded', recorded);
  return cluster;
}

function runs(log: string): number {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Waits until `count` handlers have started (each writes a line first); fails after a generous backstop. */
async function untilRuns(log: string, count: number, backstopMs = 60_000): Promise<void> {
  const until = Date.now() + backstopMs;
  while (runs(log) < count) {
    if (Date.now() > until) throw new Error(`${runs(log)} of ${count} handlers had started after ${backstopMs} ms`);
    await sleep(5);
  }
}

withRedis('while the workers are busy, a batch grows to an even share of the executions in flight per slot, not to busyBatch', async (context) => {
  const cluster = await setUp(context, 2, { batch: 2, busyBatch: 100 });
  const log = join(context.dir, 'runs.log');
  const gate = join(context.dir, 'gate');
  // Two jobs of two executions that wait for the gate fill the worker's two slots (and let the client learn them).
  const first = [0, 1].map((n) => cluster.execute('recorded', { n, ms: 0, log, gate }));
  await nextTick();
  first.push(...[2, 3].map((n) => cluster.execute('recorded', { n, ms: 0, log, gate })));
  await untilRuns(log, 4);
  // Twelve more in one tick: with 4 in flight, the first job goes out at 4 of (4 + 4) / 2; the
  // second at 8 of (8 + 8) / 2. Held to busyBatch, all twelve would have waited for one job.
  const later: Promise<ExecutionResult>[] = [];
  for (let n = 4; n < 16; n++) later.push(cluster.execute('recorded', { n, ms: 0, log }));
  writeFileSync(gate, '');
  const results = await Promise.all([...first, ...later]);
  assert.equal(
    results.map((result) => [result.status, (result.output as { n: number }).n]),
    Array.from({ length: 16 }, (_, n) => ['SUCCEEDED', n]),
  );
  assert.is(cluster.metrics().batches, 4);
  assert.is(runs(log), 16, 'each handler ran once');
});

withRedis('an answer frees its slot after its settlements’ callbacks ran: what they submit at once travels as one job', async (context) => {
  const cluster = await setUp(context, 1, { batch: 2, busyBatch: 100 });
  const log = join(context.dir, 'runs.log');
  // One job of two 300 ms executions keeps the worker's one slot; each, once settled, submits three more.
  const submitted: Promise<ExecutionResult>[] = [];
  const first = [0, 1].map((n) =>
    cluster.execute('recorded', { n, ms: 300, log }).then((result) => {
      for (let k = 0; k < 3; k++) submitted.push(cluster.execute('recorded', { n: 2 + n * 3 + k, ms: 0, log }));
      return result;
    }),
  );
  const results = await Promise.all(first);
  results.push(...(await Promise.all(submitted)));
  assert.equal(
    results.map((result) => [result.status, (result.output as { n: number }).n]),
    Array.from({ length: 8 }, (_, n) => ['SUCCEEDED', n]),
  );
  // The six go out together (their own even share of one slot); refilled before them, a job of `batch` went first and the rest waited.
  assert.is(cluster.metrics().batches, 2);
  assert.is(runs(log), 8, 'each handler ran once');
});

test.run();
