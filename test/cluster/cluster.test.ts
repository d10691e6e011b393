import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { DefinitionError } from '../../src/asl/problems.js';
import { createCluster, ClusterError, ClusterErrorCodes, ClusterFaults, type Cluster, type ClusterLoadOptions } from '../../src/cluster/index.js';
import { compile } from '../../src/compile/machine.js';
import { virtualClock } from '../../src/run/clock.js';
import type { ExecutionResult } from '../../src/run/result.js';
import { handlers } from './fixtures/handlers.js';
import { clusterSuite, fixtures, startWorker, type RedisServer, type WorkerProcess } from './support.js';

const { test, withRedis } = clusterSuite('cluster', 't');

function client(context: { redis: RedisServer | null; clients: Cluster[]; prefix: string }, options: Record<string, unknown> = {}): Cluster {
  const cluster = createCluster({ connection: context.redis!.url, prefix: context.prefix, ...options });
  context.clients.push(cluster);
  return cluster;
}

async function worker(context: { redis: RedisServer | null; workers: WorkerProcess[]; prefix: string }, args: string[] = []): Promise<WorkerProcess> {
  const started = await startWorker(context.redis!.url, ['--prefix', context.prefix, ...args]);
  context.workers.push(started);
  return started;
}

const workflows: Record<string, { definition: Record<string, unknown>; input(i: number): unknown }> = {
  'task then pass': {
    definition: {
      StartAt: 'Double',
      States: {
        Double: { Type: 'Task', Resource: 'double', ResultPath: '$.doubled', Next: 'Shape' },
        Shape: { Type: 'Pass', Parameters: { 'original.$': '$.n', 'twice.$': '$.doubled.n', 'name.$': '$$.Execution.Name' }, End: true },
      },
    },
    input: (i) => ({ n: i, nested: { list: [i, { deep: true }] } }),
  },
  'choice, catch and fail': {
    definition: {
      StartAt: 'Big?',
      States: {
        'Big?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 40, Next: 'TooBig' }], Default: 'Check' },
        Check: { Type: 'Task', Resource: 'fail', Catch: [{ ErrorEquals: ['Custom.Failure'], ResultPath: '$.caught', Next: 'Caught' }], End: true },
        Caught: { Type: 'Succeed' },
        TooBig: { Type: 'Fail', Error: 'Too.Big', Cause: 'n is over 40' },
      },
    },
    input: (i) => ({ n: i, reason: `reason ${i}` }),
  },
  'retry once': {
    definition: {
      StartAt: 'Flaky',
      States: { Flaky: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Service.Busy'], IntervalSeconds: 1, MaxAttempts: 2 }], End: true } },
    },
    input: (i) => ({ n: i }),
  },
};

/** What a result says, without its dates and generated ARNs. */
function outcome(result: ExecutionResult): unknown {
  return { status: result.status, name: result.name, output: result.output, error: result.error, cause: result.cause };
}

withRedis('results equal in-process results, input for input, over two worker processes', async (context) => {
  await Promise.all([worker(context), worker(context)]);
  const cluster = client(context, { batch: 16 });
  for (const [id, workflow] of Object.entries(workflows)) {
    await cluster.register(id, { definition: workflow.definition, handlers: fixtures.handlers, options: { clock: 'virtual' } });
    const machine = compile(workflow.definition, { handlers, clock: virtualClock() });
    const inputs = Array.from({ length: 60 }, (_, i) => workflow.input(i));
    const remote = await Promise.all(inputs.map((input, i) => cluster.execute(id, input, { name: `e-${i}` })));
    const local = await Promise.all(inputs.map((input, i) => machine.execute(input, { name: `e-${i}` })));
    assert.equal(remote.map(outcome), local.map(outcome), id);
    // Each Express ARN ends in its execution's own UUID; the rest is the same.
    const withoutId = (arn: string) => arn.replace(/:[0-9a-f-]{36}$/, '');
    assert.ok(
      remote.every((result) => /:[0-9a-f-]{36}$/.test(result.executionArn)),
      `${id}: ARNs end in a UUID`,
    );
    assert.equal(
      remote.map((result) => [withoutId(result.executionArn), result.stateMachineArn]),
      local.map((result) => [withoutId(result.executionArn), result.stateMachineArn]),
      `${id}: ARNs`,
    );
    assert.ok(
      remote.every((result, i) => result.input === inputs[i]),
      `${id}: results carry the caller's own input`,
    );
  }
  const metrics = cluster.metrics();
  assert.is(metrics.submitted, 180);
  assert.is(metrics.succeeded + metrics.failed, 180);
  assert.is(metrics.executionsInFlight, 0);
});

withRedis(
  'executions without a name: each gets its own UUID name, and its ARN and $$.Execution.Id end in an id of its own, as in the pool',
  async (context) => {
    await worker(context);
    const cluster = client(context, { batch: 50 });
    const definition = {
      StartAt: 'Who',
      States: { Who: { Type: 'Pass', Parameters: { 'name.$': '$$.Execution.Name', 'id.$': '$$.Execution.Id' }, End: true } },
    };
    await cluster.register('who', { definition, handlers: fixtures.handlers });
    const named = cluster.execute('who', {}, { name: 'chosen' });
    const results = [await named, ...(await Promise.all(Array.from({ length: 120 }, () => cluster.execute('who', {}))))];
    assert.is(results[0]!.name, 'chosen');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const result of results) {
      const output = result.output as { name: string; id: string };
      assert.equal([output.name, output.id], [result.name, result.executionArn]);
      const [name, id] = result.executionArn.split(':').slice(-2);
      assert.is(name, result.name);
      assert.ok(uuid.test(id!) && id !== name, result.executionArn);
      if (result !== results[0]) assert.ok(uuid.test(result.name), result.name);
    }
    assert.is(new Set(results.map((result) => result.name)).size, results.length);
    assert.is(new Set(results.map((result) => result.executionArn)).size, results.length);
  },
);

withRedis('executions submitted in one tick travel as batches of at most `batch`', async (context) => {
  await worker(context);
  const cluster = client(context, { batch: 100 });
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers });
  const results = await Promise.all(Array.from({ length: 250 }, (_, i) => cluster.execute('double', { n: i })));
  assert.ok(results.every((result) => result.status === 'SUCCEEDED'));
  assert.is(cluster.metrics().batches, 3);
});

withRedis(
  'while the workers are busy, the open batch keeps filling across ticks up to `busyBatch`, then the rest goes out after at most 100 ms',
  async (context) => {
    // One thread taking one batch at a time: one unanswered job keeps it busy.
    await worker(context, ['--concurrency', '1']);
    const cluster = client(context, { batch: 4, busyBatch: 12 });
    const log = join(mkdtempSync(join(tmpdir(), 'statemill-busy-')), 'runs.log');
    try {
      await cluster.register('recorded', {
        definition: { StartAt: 'R', States: { R: { Type: 'Task', Resource: 'recorded', End: true } } },
        handlers: fixtures.handlers,
      });
      // A first batch that keeps the worker busy for 400 ms (and lets the client learn the workers' threads).
      const first = Array.from({ length: 4 }, (_, n) => cluster.execute('recorded', { n, ms: 400, log }));
      await sleep(150);
      const later: Promise<ExecutionResult>[] = [];
      for (let tick = 0; tick < 3; tick++) {
        for (let k = 0; k < 5; k++) later.push(cluster.execute('recorded', { n: 4 + tick * 5 + k, ms: 0, log }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const results = await Promise.all([...first, ...later]);
      assert.equal(
        results.map((result) => [result.status, (result.output as { n: number }).n]),
        Array.from({ length: 19 }, (_, n) => ['SUCCEEDED', n]),
      );
      // 4, then 12 of the three ticks' 15 (past `batch` while the first ran), then the 3 left once held 100 ms.
      assert.is(cluster.metrics().batches, 3);
      assert.is(readLines(log).length, 19, 'each handler ran once');
    } finally {
      rmSync(dirname(log), { recursive: true, force: true });
    }
  },
);

withRedis('while the workers are busy, a batch of large inputs still goes out at `batch` executions', async (context) => {
  await worker(context, ['--concurrency', '1']);
  const cluster = client(context, { batch: 2, busyBatch: 8 });
  const log = join(mkdtempSync(join(tmpdir(), 'statemill-busy-')), 'runs.log');
  try {
    await cluster.register('recorded', {
      definition: { StartAt: 'R', States: { R: { Type: 'Task', Resource: 'recorded', End: true } } },
      handlers: fixtures.handlers,
    });
    const first = Array.from({ length: 2 }, (_, n) => cluster.execute('recorded', { n, ms: 400, log }));
    await sleep(150);
    const later: Promise<ExecutionResult>[] = [];
    // Two ticks of two 150 KB inputs: each pair is past 256 KB, so it goes out as it fills.
    for (let tick = 0; tick < 2; tick++) {
      for (let k = 0; k < 2; k++) later.push(cluster.execute('recorded', { n: 2 + tick * 2 + k, ms: 0, log, pad: 'x'.repeat(150_000) }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all([...first, ...later]);
    assert.ok(results.every((result) => result.status === 'SUCCEEDED'));
    assert.is(cluster.metrics().batches, 3);
  } finally {
    rmSync(dirname(log), { recursive: true, force: true });
  }
});

withRedis('a worker killed mid-batch: its batch runs again elsewhere and every execution settles exactly once', async (context) => {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-cluster-'));
  const log = join(dir, 'runs.log');
  try {
    const [doomed] = await Promise.all([worker(context, ['--concurrency', '2']), worker(context, ['--concurrency', '2'])]);
    const cluster = client(context, { batch: 5 });
    const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'recorded', End: true } } };
    await cluster.register('work', { definition, handlers: fixtures.handlers });
    const settled = new Map<string, number>();
    const all = Array.from({ length: 40 }, (_, i) =>
      cluster.execute('work', { n: i, ms: 300, log }, { name: `w-${i}` }).then((result) => {
        settled.set(result.name, (settled.get(result.name) ?? 0) + 1);
        return result;
      }),
    );
    // Kill the first worker once it has started something.
    for (let i = 0; i < 100 && !readLines(log).some((line) => line.startsWith(`${doomed!.pid} `)); i++) await sleep(20);
    await doomed!.kill('SIGKILL');
    const results = await Promise.all(all);
    assert.ok(
      results.every((result) => result.status === 'SUCCEEDED'),
      JSON.stringify(results.filter((r) => r.status !== 'SUCCEEDED').map(outcome)),
    );
    assert.equal([...settled.values()], new Array(40).fill(1));
    const runs = readLines(log);
    const byName = new Map<string, string[]>();
    for (const line of runs) {
      const [pid, name] = line.split(' ');
      byName.set(name!, [...(byName.get(name!) ?? []), pid!]);
    }
    assert.is(byName.size, 40, 'every execution ran');
    const twice = [...byName.entries()].filter(([, pids]) => pids.length > 1);
    assert.ok(twice.length > 0, 'the killed worker had started executions that ran again');
    for (const [name, pids] of twice) assert.ok(pids.includes(String(doomed!.pid)), `${name} ran twice though the killed worker never started it`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

withRedis('Redis restarted mid-load: clients and workers reconnect, nothing lost, nothing settled twice', async (context) => {
  await worker(context, ['--concurrency', '4']);
  const cluster = client(context, { batch: 20, maxQueue: 200 });
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers });
  const total = 3000;
  const settled = new Map<string, number>();
  const pending: Promise<ExecutionResult>[] = [];
  let restarted: Promise<void> | null = null;
  for (let i = 0; i < total; i++) {
    if (i === 1000) restarted = context.redis!.stop().then(() => context.redis!.start());
    while (cluster.needsDrain) await new Promise((resolve) => cluster.once('drain', resolve));
    pending.push(
      cluster.execute('double', { n: i }, { name: `r-${i}` }).then((result) => {
        settled.set(result.name, (settled.get(result.name) ?? 0) + 1);
        return result;
      }),
    );
    if (i % 50 === 0) await sleep(1);
  }
  await restarted;
  const results = await Promise.all(pending);
  assert.is(results.filter((result) => result.status === 'SUCCEEDED').length, total);
  assert.is(settled.size, total);
  assert.ok([...settled.values()].every((count) => count === 1));
  assert.ok(results.every((result, i) => (result.output as { twice: number }).twice === i * 2));
});

withRedis('a worker that joins late takes the work waiting for it', async (context) => {
  const cluster = client(context);
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers });
  const waiting = Promise.all(Array.from({ length: 30 }, (_, i) => cluster.execute('double', { n: i })));
  await sleep(300);
  assert.is(cluster.metrics().succeeded, 0);
  await worker(context);
  const results = await waiting;
  assert.ok(results.every((result) => result.status === 'SUCCEEDED'));
});

withRedis('close() settles what no worker answered as Cluster.ClientClosed, and refuses new work', async (context) => {
  const cluster = client(context, { closeTimeoutMs: 300 });
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers });
  const pending = Array.from({ length: 5 }, (_, i) => cluster.execute('double', { n: i }, { name: `c-${i}` }));
  await cluster.close();
  const results = await Promise.all(pending);
  assert.equal(
    results.map((result) => [result.status, result.error, result.name]),
    results.map((_, i) => ['FAILED', ClusterFaults.ClientClosed, `c-${i}`]),
  );
  await assertRefused(cluster.execute('double', {}), ClusterErrorCodes.CLOSED);
});

withRedis('backpressure: past maxQueue unsettled executions, execute refuses until the drain event', async (context) => {
  const cluster = client(context, { maxQueue: 10 });
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers });
  const accepted = Array.from({ length: 10 }, (_, i) => cluster.execute('double', { n: i }));
  assert.ok(cluster.needsDrain);
  await assertRefused(cluster.execute('double', { n: 10 }), ClusterErrorCodes.QUEUE_FULL);
  const drained = new Promise((resolve) => cluster.once('drain', resolve));
  await worker(context);
  await drained;
  assert.ok((await Promise.all(accepted)).every((result) => result.status === 'SUCCEEDED'));
  assert.is(cluster.metrics().rejected, 1);
});

const mapDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'fail.$': '$$.Map.Item.Value.fail', 'index.$': '$$.Map.Item.Index' },
      ItemProcessor: {
        StartAt: 'Item',
        States: { Item: { Type: 'Task', Resource: 'item', ResultSelector: { 'n.$': '$.n', 'execution.$': '$$.Execution.Name' }, End: true } },
      },
      End: true,
    },
  },
};

function parent(name: string) {
  return { executionName: name, executionInput: {}, executionStartMs: Date.now(), remainingMs: 60_000, variables: [] };
}

withRedis("runMap: a Map's items run in blocks across workers and come back in item order, as in-process", async (context) => {
  await Promise.all([worker(context), worker(context)]);
  const cluster = client(context, { mapBlockSize: 7 });
  await cluster.register('map', { definition: mapDefinition, handlers: fixtures.handlers });
  const items = Array.from({ length: 100 }, (_, n) => ({ n, fail: false }));
  const inputs = items.map((item, index) => ({ n: item.n, fail: false, index }));
  const result = await cluster.runMap('map', { state: '/States/Each', inputs, maxConcurrency: 0, toleratedFailures: -1, parent: parent('mapped') });
  assert.is(result.stopped, false);
  assert.equal(result.failures, []);
  assert.equal(
    result.outputs,
    items.map((item) => ({ n: item.n * 2, execution: 'mapped' })),
  );
  const local = await compile(mapDefinition, { handlers }).execute({ items }, { name: 'mapped' });
  assert.equal(result.outputs, local.output);
});

withRedis('runMap: past the tolerated failures the Map stops and its remaining blocks are skipped', async (context) => {
  await worker(context);
  const cluster = client(context, { mapBlockSize: 5 });
  await cluster.register('map', { definition: mapDefinition, handlers: fixtures.handlers });
  const inputs = Array.from({ length: 200 }, (_, n) => ({ n, fail: n % 2 === 0, index: n }));
  const result = await cluster.runMap('map', { state: '/States/Each', inputs, maxConcurrency: 2, toleratedFailures: 3, parent: parent('stops') });
  assert.is(result.stopped, true);
  assert.ok(result.failures.length > 3 && result.failures.length < 100, `${result.failures.length} failures`);
  assert.ok(result.failures.every((failure) => failure.error === 'Item.Failed' && failure.index % 2 === 0));
});

withRedis('load(): each worker runs one shard on its own pool and the counts add up', async (context) => {
  await Promise.all([worker(context), worker(context)]);
  const cluster = client(context);
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers });
  const result = await cluster.load('double', { generator: fixtures.generator, executionsPerThread: 500, workers: 2 });
  assert.is(result.executions, 1000);
  assert.is(result.succeeded, 1000);
  assert.is(result.latency.count, 1000);
  // Refused at the client, as pool.load refuses them: before, a worker's pool refused a bad seed
  // or concurrency as a failed shard (ERR_CLUSTER_REDIS) and ran 1.5 executions as two.
  const badLoads: [options: Record<string, unknown>, option: string][] = [
    [{ seed: -1 }, 'seed'],
    [{ seed: 2 ** 32 }, 'seed'],
    [{ executionsPerThread: 1.5 }, 'executionsPerThread'],
    [{ executionsPerThread: '5' }, 'executionsPerThread'],
    [{ durationMs: Number.NaN }, 'durationMs'],
    [{ concurrency: 0 }, 'concurrency'],
    [{ workers: 1.5 }, 'workers'],
    [{ worker: 2 }, 'worker'],
  ];
  for (const [options, option] of badLoads) {
    const refusal = await cluster.load('double', { generator: fixtures.generator, executionsPerThread: 1, workers: 2, ...options } as ClusterLoadOptions).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isCode(ClusterErrorCodes.INVALID_OPTION)(refusal), `${JSON.stringify(options)}: ${String(refusal)}`);
    assert.ok((refusal as ClusterError).message.startsWith(`option '${option}' `), (refusal as ClusterError).message);
  }
  // The second shard's seed (seed + 1000) is past 2^32 - 1: wrapped into range, not refused by its worker's pool.
  assert.is((await cluster.load('double', { generator: fixtures.generator, executionsPerThread: 5, workers: 2, seed: 2 ** 32 - 1 })).executions, 10);
});

withRedis('a workflow whose handlers do not load on a worker fails its executions with Cluster.WorkflowLoad', async (context) => {
  await worker(context);
  const cluster = client(context);
  await cluster.register('broken', { definition: workflows['task then pass']!.definition, handlers: '/nowhere/handlers.js' });
  const result = await cluster.execute('broken', { n: 1 });
  assert.is(result.status, 'FAILED');
  assert.is(result.error, ClusterFaults.WorkflowLoad);
  assert.match(result.cause ?? '', /nowhere/);
});

withRedis('a worker started with --handlers uses its own module for every workflow', async (context) => {
  await worker(context, ['--handlers', fixtures.handlers]);
  const cluster = client(context);
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: '/elsewhere/handlers.js' });
  const result = await cluster.execute('double', { n: 4 });
  assert.is(result.status, 'SUCCEEDED');
  assert.equal((result.output as { twice: number }).twice, 8);
});

// Before, register() demanded a handlers module even of a workflow that calls none.
withRedis('a workflow whose states call no handler registers without handlers and runs on a worker as in-process', async (context) => {
  await worker(context);
  const cluster = client(context);
  const definition = {
    StartAt: 'Size',
    States: {
      Size: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 2, Next: 'Big' }], Default: 'Shape' },
      Shape: { Type: 'Pass', Parameters: { 'n.$': '$.n', 'name.$': '$$.Execution.Name' }, End: true },
      Big: { Type: 'Fail', Error: 'Too.Big', Cause: 'n is over 2' },
    },
  };
  await cluster.register('no handlers needed', { definition });
  const machine = compile(definition);
  for (const n of [1, 5]) {
    assert.equal(outcome(await cluster.execute('no handlers needed', { n }, { name: `n-${n}` })), outcome(await machine.execute({ n }, { name: `n-${n}` })));
  }
  assert.throws(
    () => cluster.register('needs a handler', { definition: workflows['task then pass']!.definition }),
    (e: unknown) => e instanceof DefinitionError && e.problems.map((p) => [p.code, p.pointer]).join() === 'ERR_ASL_NO_HANDLER,/States/Double/Resource',
  );
});

withRedis('refusals: unknown and duplicate workflows, bad definitions, inputs msgpack cannot carry, bad options', async (context) => {
  const cluster = client(context);
  await assertRefused(cluster.execute('nothing', {}), ClusterErrorCodes.UNKNOWN_WORKFLOW);
  await cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers });
  assert.throws(
    () => cluster.register('double', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers }),
    isCode(ClusterErrorCodes.DUPLICATE_WORKFLOW),
  );
  assert.throws(
    () => cluster.register('bad', { definition: { StartAt: 'Nowhere', States: {} }, handlers: fixtures.handlers }),
    (e: unknown) => e instanceof DefinitionError,
  );
  assert.throws(
    () => cluster.register('relative', { definition: workflows['task then pass']!.definition, handlers: './handlers.js' }),
    isCode(ClusterErrorCodes.INVALID_OPTION),
  );
  assert.throws(
    () => cluster.register('named', { definition: workflows['task then pass']!.definition, handlers: fixtures.handlers, options: { stateMachineName: 'a b' } }),
    isCode(ClusterErrorCodes.INVALID_OPTION),
  );
  await assertRefused(cluster.execute('double', { f: () => 1 }), ClusterErrorCodes.INPUT_NOT_ENCODABLE);
  await assertRefused(cluster.execute('double', {}, { name: 7 as unknown as string }), ClusterErrorCodes.INVALID_OPTION);
  assert.throws(() => createCluster({ connection: 'http://localhost' }), isCode(ClusterErrorCodes.INVALID_OPTION));
  assert.throws(() => createCluster({ connection: context.redis!.url, batch: 0 }), isCode(ClusterErrorCodes.INVALID_OPTION));
  assert.throws(() => createCluster({ connection: context.redis!.url, batch: 8, busyBatch: 4 }), isCode(ClusterErrorCodes.INVALID_OPTION));
  assert.throws(() => createCluster({ connection: context.redis!.url, busyBatch: 1.5 }), isCode(ClusterErrorCodes.INVALID_OPTION));
});

test.run();

function isCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof ClusterError && error.code === code;
}

async function assertRefused(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isCode(code)(error), `expected ${code}, got ${String(error)}`);
    return;
  }
  assert.unreachable(`expected a refusal with ${code}`);
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
