/** Faults around closing: a client closed mid-load, a worker stopped with SIGTERM, a batch BullMQ fails for good, a runner thread stuck in a handler. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { createCluster, ClusterFaults, type Cluster } from '../../src/cluster/index.js';
import type { ExecutionResult } from '../../src/run/result.js';
import { clusterSuite, fixtures, startWorker, type ClusterTestContext, type WorkerProcess } from './support.js';

const { test, withRedis } = clusterSuite('cluster faults', 'f');

function client(context: ClusterTestContext, options: Record<string, unknown> = {}): Cluster {
  const cluster = createCluster({ connection: context.redis!.url, prefix: context.prefix, ...options });
  context.clients.push(cluster);
  return cluster;
}

async function worker(context: ClusterTestContext, args: string[] = []): Promise<WorkerProcess> {
  const started = await startWorker(context.redis!.url, ['--prefix', context.prefix, ...args]);
  context.workers.push(started);
  return started;
}

const slow = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'recorded', End: true } } };

/** Submits `count` executions of the slow workflow (each `ms` long, logged to `log`), counting settlements per name. */
function submit(cluster: Cluster, count: number, ms: number, log: string, settled: Map<string, number>): Promise<ExecutionResult>[] {
  return Array.from({ length: count }, (_, i) =>
    cluster.execute('slow', { n: i, ms, log }, { name: `s-${i}` }).then((result) => {
      settled.set(result.name, (settled.get(result.name) ?? 0) + 1);
      return result;
    }),
  );
}

withRedis(
  'close() with executions in flight on running workers: the answered ones succeed, the rest settle as Cluster.ClientClosed, each once',
  async (context) => {
    const log = join(context.dir, 'runs.log');
    await worker(context, ['--concurrency', '1']);
    const cluster = client(context, { batch: 4, closeTimeoutMs: 700 });
    await cluster.register('slow', { definition: slow, handlers: fixtures.handlers });
    const settled = new Map<string, number>();
    const pending = submit(cluster, 40, 250, log, settled);
    await waitFor(() => readLines(log).length > 0);
    await cluster.close();
    const results = await Promise.all(pending);
    const kinds = results.map((result) => (result.status === 'SUCCEEDED' ? 'answered' : `${result.status} ${result.error}`));
    assert.ok(kinds.includes('answered'), 'batches answered before the timeout settle with their results');
    assert.ok(kinds.includes(`FAILED ${ClusterFaults.ClientClosed}`), 'what was not answered by then settles as ClientClosed');
    assert.ok(
      kinds.every((kind) => kind === 'answered' || kind === `FAILED ${ClusterFaults.ClientClosed}`),
      kinds.join(', '),
    );
    assert.equal([...settled.values()], new Array(40).fill(1));
    // Every answered execution is the caller's own, in order of submission within its batch.
    for (const [i, result] of results.entries()) if (result.status === 'SUCCEEDED') assert.equal(result.output, { n: i });
  },
);

withRedis('a worker stopped with SIGTERM finishes the batches it holds, then exits 0', async (context) => {
  const log = join(context.dir, 'runs.log');
  const only = await worker(context, ['--concurrency', '2']);
  const cluster = client(context, { batch: 5 });
  await cluster.register('slow', { definition: slow, handlers: fixtures.handlers });
  const settled = new Map<string, number>();
  const pending = submit(cluster, 10, 600, log, settled);
  await waitFor(() => readLines(log).length > 0);
  assert.is(await only.kill('SIGTERM'), 0);
  // No other worker exists: only the stopped one can have answered.
  const results = await Promise.all(pending);
  assert.equal(
    results.map((result) => result.status),
    new Array(10).fill('SUCCEEDED'),
  );
  assert.equal([...settled.values()], new Array(10).fill(1));
  assert.is(readLines(log).length, 10, 'each ran once');
});

withRedis('a batch that stalls more often than --max-stalled-count settles as Cluster.BatchFailed, once', async (context) => {
  const log = join(context.dir, 'runs.log');
  const doomed = await worker(context, ['--max-stalled-count', '0']);
  const cluster = client(context, { batch: 3 });
  await cluster.register('slow', { definition: slow, handlers: fixtures.handlers });
  const settled = new Map<string, number>();
  const pending = submit(cluster, 3, 5_000, log, settled);
  await waitFor(() => readLines(log).length === 3);
  await doomed.kill('SIGKILL');
  // The next worker finds the batch stalled and, allowed no stall, fails it for good.
  await worker(context, ['--max-stalled-count', '0']);
  const results = await Promise.all(pending);
  assert.equal(
    results.map((result) => [result.name, result.status, result.error]),
    results.map((_, i) => [`s-${i}`, 'FAILED', ClusterFaults.BatchFailed]),
  );
  assert.match(results[0]!.cause ?? '', /stalled/);
  assert.equal([...settled.values()], [1, 1, 1]);
  assert.is(readLines(log).length, 3, 'the failed batch did not run again');
  assert.is(cluster.metrics().faults, 3);
});

withRedis(
  'a runner thread stuck in a handler past the time limit is replaced; its batch settles once: the blocking execution TIMED_OUT, the others Cluster.RunnerHung',
  async (context) => {
    await worker(context);
    const cluster = client(context, { batch: 3 });
    const stuck = { TimeoutSeconds: 1, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'busy', End: true } } };
    await cluster.register('stuck', { definition: stuck, handlers: fixtures.handlers });
    await cluster.register('double', {
      definition: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: 'double', End: true } } },
      handlers: fixtures.handlers,
    });
    const settled = new Map<string, number>();
    const pending = [0, 1, 2].map((n) =>
      cluster.execute('stuck', { n, spin: n === 1 }, { name: `x-${n}` }).then((result) => {
        settled.set(result.name, (settled.get(result.name) ?? 0) + 1);
        return result;
      }),
    );
    const results = await within(20_000, Promise.all(pending), 'the stuck batch never settled');
    // x-0 had finished, but its result was in the terminated thread; x-1 blocked it; x-2 never started.
    assert.equal(
      results.map((result) => [result.name, result.status, result.error]),
      [
        ['x-0', 'FAILED', ClusterFaults.RunnerHung],
        ['x-1', 'TIMED_OUT', 'States.Timeout'],
        ['x-2', 'FAILED', ClusterFaults.RunnerHung],
      ],
    );
    assert.is(results[1]!.cause, 'The execution ran longer than its limit of 1 seconds.');
    assert.match(results[0]!.cause ?? '', /made no progress for \d+ ms, past its batch's time limit of 1000 ms/);
    assert.equal(results[0]!.input, { n: 0, spin: false });
    // The worker's only runner thread was replaced: it takes work again.
    const after = await within(20_000, cluster.execute('double', { n: 4 }), 'no runner thread took work after the hang');
    assert.equal([after.status, after.output], ['SUCCEEDED', { n: 8 }]);
    // The dead thread's lock lapses and BullMQ hands the batch out again; that run's answer is dropped.
    await waitFor(() => cluster.metrics().duplicateAnswers === 1);
    assert.equal([...settled.values()], [1, 1, 1]);
    assert.is(cluster.metrics().timedOut, 1);
  },
);

test('regression: close() of a client whose Redis cannot be reached ends after closeTimeoutMs instead of waiting for Redis for ever', async () => {
  // Nothing listens on port 1: ioredis keeps reconnecting and queues every command meanwhile.
  const cluster = createCluster({ connection: 'redis://127.0.0.1:1', closeTimeoutMs: 200 });
  // A registration waits for Redis too (its write is queued): close() does not wait for it past the timeout either.
  void cluster.register('slow', { definition: slow, handlers: fixtures.handlers }).catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    cluster.close().then(() => 'closed'),
    new Promise((resolve) => (timer = setTimeout(resolve, 5000, 'still closing after 5 s'))),
  ]);
  clearTimeout(timer);
  assert.is(outcome, 'closed');
});

test.run();

function within<T>(ms: number, promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
