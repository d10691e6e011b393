import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExecutionResult } from '../../src/run/result.js';
import { createPool, PoolFaults, type Pool } from '../../src/pool/index.js';

const handlersUrl = new URL('./fixtures/handlers.ts', import.meta.url);

function task(resource: string): Record<string, unknown> {
  return { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: resource, End: true } } };
}

/** Registers one single-Task workflow per handler, named after the handler. */
function registerAll(pool: Pool, names: string[], extra: { hangTimeoutMs?: number; payloadBytes?: number } = {}): void {
  for (const name of names) {
    pool.register(name, {
      definition: task(name),
      handlers: handlersUrl,
      hangTimeoutMs: extra.hangTimeoutMs,
      options: extra.payloadBytes === undefined ? {} : { limits: { payloadBytes: extra.payloadBytes } },
    });
  }
}

/** Waits for `promise`, failing after `ms` (the timer also keeps the process alive while idle workers do their thing). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const faults = suite<{ pool: Pool }>('worker faults');

faults.before((context) => {
  context.pool = createPool({ threads: 2, batch: 8 });
  registerAll(context.pool, ['double', 'exit', 'crash', 'strayRejection', 'fn', 'symbol', 'strayLater']);
  registerAll(context.pool, ['spin'], { hangTimeoutMs: 300 });
  context.pool.register('cycle', { definition: task('cycle'), handlers: handlersUrl, options: { limits: { payloadBytes: Infinity } } });
  context.pool.register('big', { definition: task('big'), handlers: handlersUrl, options: { limits: { payloadBytes: 1000 } } });
  context.pool.register('fn kept', {
    definition: { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: 'fn', ResultPath: '$.made', End: true } } },
    handlers: handlersUrl,
  });
});

faults.after(async (context) => {
  await context.pool.close();
});

const threadFaults: [string, string, RegExp][] = [
  ['exit', PoolFaults.WorkerExited, /exited with code 3/],
  ['crash', PoolFaults.WorkerCrashed, /thrown from a timer/],
  ['strayRejection', PoolFaults.WorkerCrashed, /nobody awaits this/],
  ['spin', PoolFaults.WorkerHung, /no progress for 300 ms/],
];

for (const [handler, fault, cause] of threadFaults) {
  faults(`a handler that does '${handler}' fails its execution with ${fault}; the pool carries on`, async ({ pool }) => {
    const result = await pool.execute(handler, {});
    assert.is(result.status, 'FAILED');
    assert.is(result.error, fault);
    assert.match(result.cause ?? '', cause);
    assert.is(result.output, undefined);
    const after = await pool.execute('double', { n: 21 });
    assert.equal(after.output, { n: 42 });
  });
}

faults('an output that cannot be encoded fails only its own execution', async ({ pool }) => {
  const [fn, neighbour, symbol, cycle] = await Promise.all([
    pool.execute('fn', {}),
    pool.execute('double', { n: 2 }),
    pool.execute('symbol', {}),
    pool.execute('cycle', {}),
  ]);
  for (const result of [fn!, symbol!, cycle!]) {
    assert.is(result.status, 'FAILED');
    assert.is(result.error, PoolFaults.OutputNotEncodable);
  }
  assert.match(fn!.cause ?? '', /function/);
  assert.match(cycle!.cause ?? '', /cycle/);
  assert.equal(neighbour!.output, { n: 4 });
});

faults('an output sent as a patch over its input that cannot be encoded fails with Pool.OutputNotEncodable', async ({ pool }) => {
  const [bad, good] = await Promise.all([pool.execute('fn kept', { kept: { a: 1 } }), pool.execute('double', { n: 3 })]);
  assert.is(bad!.status, 'FAILED');
  assert.is(bad!.error, PoolFaults.OutputNotEncodable);
  assert.match(bad!.cause ?? '', /function/);
  assert.equal(good!.output, { n: 6 });
});

faults('an output over the payload limit fails as States.DataLimitExceeded', async ({ pool }) => {
  const result = await pool.execute('big', { bytes: 2000 });
  assert.is(result.status, 'FAILED');
  assert.is(result.error, 'States.DataLimitExceeded');
  const small = await pool.execute('big', { bytes: 10 });
  assert.is(small.status, 'SUCCEEDED');
});

faults('a stray error on an idle worker is reported as a workerError and the pool carries on', async ({ pool }) => {
  const reported = new Promise<unknown>((resolve) => pool.once('workerError', resolve));
  const before = pool.metrics().workerErrors;
  const result = await pool.execute('strayLater', { n: 1 });
  assert.equal(result.output, { n: 1 });
  const error = (await within(reported, 5000, 'workerError')) as Error;
  assert.match(error.message, /rejected after the execution ended/);
  assert.is(pool.metrics().workerErrors, before + 1);
  assert.equal((await pool.execute('double', { n: 1 })).output, { n: 2 });
});

faults.run();

const single = suite<{ pool: Pool }>('one thread with a 64 MB heap, one execution per batch');

single.before((context) => {
  context.pool = createPool({ threads: 1, batch: 1, batchesPerWorker: 2, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  context.pool.register('spinIf', { definition: task('spinIf'), handlers: handlersUrl, hangTimeoutMs: 300 });
  registerAll(context.pool, ['double', 'exit', 'hog']);
  registerAll(context.pool, ['interval'], { hangTimeoutMs: 300 });
});

single.after(async (context) => {
  await context.pool.close();
});

single('a batch queued behind a hung one on the same thread runs again instead of failing', async ({ pool }) => {
  // Warm up first, so the hung batch blocks the thread before the queued one can start.
  assert.equal((await pool.execute('spinIf', { n: 0 })).output, { n: 0 });
  const [hung, queued] = await Promise.all([pool.execute('spinIf', { n: 1, spin: true }), pool.execute('spinIf', { n: 2 })]);
  assert.is(hung!.error, PoolFaults.WorkerHung);
  assert.match(hung!.cause ?? '', /made no progress/);
  assert.is(queued!.status, 'SUCCEEDED');
  assert.equal(queued!.output, { n: 2 });
});

single('a hang is blamed on the execution that hung, not on one waiting beside it on the same thread', async ({ pool }) => {
  const waiting = pool.execute('interval', { ms: 5000, index: 0 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const [bystander, culprit] = await Promise.all([waiting, pool.execute('spinIf', { n: 1, spin: true })]);
  assert.is(culprit!.error, PoolFaults.WorkerHung);
  assert.match(culprit!.cause ?? '', /^The worker thread running this execution made no progress for 300 ms/);
  assert.is(bystander!.error, PoolFaults.WorkerHung);
  assert.match(bystander!.cause ?? '', /because other work on it made no progress for 300 ms/);
});

single('a handler that runs its thread out of memory fails with Pool.WorkerCrashed', async ({ pool }) => {
  const result = await pool.execute('hog', {});
  assert.is(result.error, PoolFaults.WorkerCrashed);
  assert.match(result.cause ?? '', /memory/);
  assert.equal((await pool.execute('double', { n: 4 })).output, { n: 8 });
});

single('close during a load with a fault settles every submitted execution exactly once, then stops', async ({ pool }) => {
  const settled = new Map<number, number>();
  const before = pool.metrics();
  const pending = Array.from({ length: 40 }, (_, i) =>
    pool.execute(i === 17 ? 'exit' : 'double', { n: i }).then((result) => {
      settled.set(i, (settled.get(i) ?? 0) + 1);
      return result;
    }),
  );
  const closed = pool.close();
  const results = await Promise.all(pending);
  await closed;
  assert.is(settled.size, 40);
  assert.ok([...settled.values()].every((times) => times === 1));
  assert.is(results[17]!.error, PoolFaults.WorkerExited);
  for (const [i, result] of results.entries()) if (i !== 17) assert.equal(result.output, { n: 2 * i }, `execution ${i}`);
  const after = pool.metrics();
  assert.is(after.succeeded - before.succeeded + (after.failed - before.failed), 40);
  assert.is(after.faults - before.faults, 1);
});

single.run();

const bystanders = suite<{ pool: Pool }>('one thread, one batch: a dying thread takes only what it was running');

bystanders.before((context) => {
  context.pool = createPool({ threads: 1, batch: 64 });
  registerAll(context.pool, ['exitIf', 'interval', 'crash']);
});

bystanders.after(async (context) => {
  await context.pool.close();
});

type Answer = { n: number; thread: number };

bystanders('an execution that exits its thread fails alone: those before it keep their results, those after it run on the next thread', async ({ pool }) => {
  const before = pool.metrics();
  // 16 executions submitted in one tick to an idle thread travel as one batch.
  const results = await Promise.all(Array.from({ length: 16 }, (_, n) => pool.execute('exitIf', { n, exit: n === 5 })));
  assert.is(results[5]!.error, PoolFaults.WorkerExited);
  for (const [n, result] of results.entries()) {
    if (n === 5) continue;
    assert.is(result.status, 'SUCCEEDED', `execution ${n}: ${result.error}: ${result.cause}`);
    assert.is((result.output as Answer).n, n);
  }
  const threadOf = (n: number) => (results[n]!.output as Answer).thread;
  assert.ok(
    [1, 2, 3, 4].every((n) => threadOf(n) === threadOf(0)),
    'the first five ran on the thread that died',
  );
  assert.ok(
    [7, 8, 9, 10, 11, 12, 13, 14, 15].every((n) => threadOf(n) === threadOf(6)),
    'the rest ran on its replacement',
  );
  assert.is.not(threadOf(6), threadOf(0));
  const after = pool.metrics();
  assert.is(after.faults - before.faults, 1);
  assert.is(after.requeued - before.requeued, 10);
  assert.is(after.succeeded - before.succeeded, 15);
});

bystanders('a batch whose executions exit one after another still settles each exactly once, each exit failing only itself', async ({ pool }) => {
  const settled = new Array<number>(20).fill(0);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, n) =>
      pool.execute('exitIf', { n, exit: n % 5 === 2 }).then((result) => {
        settled[n]!++;
        return result;
      }),
    ),
  );
  assert.ok(settled.every((times) => times === 1));
  for (const [n, result] of results.entries()) {
    if (n % 5 === 2) assert.is(result.error, PoolFaults.WorkerExited, `execution ${n}`);
    else assert.equal(result.output, { n, thread: (result.output as Answer).thread }, `execution ${n}`);
  }
});

bystanders('executions running on a thread that crashes (waiting on a timer) fail with it; the thread is replaced', async ({ pool }) => {
  const waiting = Array.from({ length: 3 }, (_, index) => pool.execute('interval', { ms: 5000, index }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const crash = await pool.execute('crash', {});
  assert.is(crash.error, PoolFaults.WorkerCrashed);
  for (const result of await Promise.all(waiting)) {
    assert.is(result.error, PoolFaults.WorkerCrashed);
    assert.match(result.cause ?? '', /thrown from a timer/);
  }
  assert.is((await pool.execute('exitIf', { n: 1 })).status, 'SUCCEEDED');
});

bystanders.run();
