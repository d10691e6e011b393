import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DefinitionError, ProblemCodes } from '../../src/asl/problems.js';
import { compile } from '../../src/compile/machine.js';
import { virtualClock } from '../../src/run/clock.js';
import type { ExecutionResult } from '../../src/run/result.js';
import { createPool, PoolError, PoolErrorCodes, type Pool } from '../../src/pool/index.js';
import { handlers } from './fixtures/handlers.js';

const handlersUrl = new URL('./fixtures/handlers.ts', import.meta.url);

/** Workflows whose pooled results must equal their in-process results, input for input. */
const workflows: Record<string, { definition: Record<string, unknown>; virtual?: boolean; input(i: number): unknown }> = {
  'task then pass': {
    definition: {
      StartAt: 'Double',
      States: {
        Double: { Type: 'Task', Resource: 'double', ResultPath: '$.doubled', Next: 'Shape' },
        Shape: { Type: 'Pass', Parameters: { 'original.$': '$.n', 'twice.$': '$.doubled.n', 'name.$': '$$.Execution.Name' }, End: true },
      },
    },
    input: (i) => ({ n: i, note: 'x'.repeat(i % 7), nested: { list: [i, { deep: true }], flag: i % 2 === 0 } }),
  },
  'choice, succeed and fail': {
    definition: {
      StartAt: 'Even',
      States: {
        Even: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1000, Next: 'Big' }], Default: 'Check' },
        Check: { Type: 'Task', Resource: 'fail', Catch: [{ ErrorEquals: ['Custom.Failure'], ResultPath: '$.caught', Next: 'Caught' }], End: true },
        Caught: { Type: 'Succeed' },
        Big: { Type: 'Fail', Error: 'Too.Big', Cause: 'n is over 1000' },
      },
    },
    input: (i) => ({ n: i % 3 === 0 ? 5000 + i : i, reason: `reason ${i}` }),
  },
  'async handler': {
    definition: { StartAt: 'Later', States: { Later: { Type: 'Task', Resource: 'later', End: true } } },
    input: (i) => ({ n: i }),
  },
  'retry on a virtual clock': {
    definition: {
      StartAt: 'Flaky',
      States: { Flaky: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Service.Busy'], IntervalSeconds: 30, MaxAttempts: 2 }], End: true } },
    },
    virtual: true,
    input: (i) => ({ n: i }),
  },
  'result paths over an input of objects (outputs travel as patches)': {
    definition: {
      StartAt: 'Double',
      States: {
        Double: { Type: 'Task', Resource: 'double', ResultPath: '$.doubled', Next: 'Stamp' },
        Stamp: { Type: 'Pass', Result: { fixed: true }, ResultPath: '$.nested', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    },
    input: (i) => ({ n: i, nested: { list: [i] }, tags: ['a', `t${i}`], ...(i % 3 === 0 ? { extra: { at: i } } : {}) }),
  },
  'a handler that changes its input in place': {
    definition: { StartAt: 'Mutate', States: { Mutate: { Type: 'Task', Resource: 'mutate', ResultPath: '$.result', End: true } } },
    input: (i) => ({ gone: i, list: [i], kept: { i }, n: i }),
  },
  'uncaught handler error': {
    definition: { StartAt: 'Reject', States: { Reject: { Type: 'Task', Resource: 'reject', End: true } } },
    input: (i) => ({ n: i }),
  },
};

/** What must match between a pooled and an in-process result (the dates differ by nature). */
function comparable(result: ExecutionResult): Record<string, unknown> {
  return {
    status: result.status,
    output: result.output,
    error: result.error,
    cause: result.cause,
    name: result.name,
    // Express ARNs end in a UUID of each execution's own.
    executionArn: result.executionArn.slice(0, result.executionArn.lastIndexOf(':')),
    stateMachineArn: result.stateMachineArn,
    input: result.input,
  };
}

const api = suite<{ pool: Pool }>('pool API');

api.before((context) => {
  context.pool = createPool({ threads: 2, batch: 16 });
  for (const [id, workflow] of Object.entries(workflows)) {
    context.pool.register(id, { definition: workflow.definition, handlers: handlersUrl, options: { clock: workflow.virtual ? 'virtual' : 'real' } });
  }
});

api.after(async (context) => {
  await context.pool.close();
});

for (const [id, workflow] of Object.entries(workflows)) {
  api(`batched results equal in-process results: ${id}`, async ({ pool }) => {
    const machine = compile(workflow.definition, { handlers, clock: workflow.virtual ? virtualClock() : undefined });
    const count = 100;
    const inputs = Array.from({ length: count }, (_, i) => workflow.input(i));
    const pooled = await Promise.all(inputs.map((input, i) => pool.execute(id, input, { name: `run-${i}` })));
    const local = await Promise.all(inputs.map((input, i) => machine.execute(input, { name: `run-${i}` })));
    for (let i = 0; i < count; i++) assert.equal(comparable(pooled[i]!), comparable(local[i]!), `execution ${i}`);
    assert.ok(pooled.every((r) => r.startDate instanceof Date && r.stopDate >= r.startDate));
  });
}

api('executions of two workflows submitted together are batched apart and all settle', async ({ pool }) => {
  const pending: Promise<ExecutionResult>[] = [];
  for (let i = 0; i < 40; i++) {
    pending.push(pool.execute('task then pass', { n: i }, { name: `a-${i}` }));
    pending.push(pool.execute('async handler', { n: i }, { name: `b-${i}` }));
  }
  const results = await Promise.all(pending);
  for (let i = 0; i < 40; i++) {
    assert.equal(results[2 * i]!.output, { original: i, twice: 2 * i, name: `a-${i}` });
    assert.equal(results[2 * i + 1]!.output, { n: i + 1 });
  }
});

api('a lone execution is sent without waiting for a batch to fill', async ({ pool }) => {
  const result = await pool.execute('async handler', { n: 41 });
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { n: 42 });
  assert.match(result.name, /^[0-9a-f-]{36}$/);
});

api('an execution name is used as given', async ({ pool }) => {
  const result = await pool.execute('task then pass', { n: 1 }, { name: 'chosen-name' });
  assert.is(result.name, 'chosen-name');
  assert.match(result.executionArn, /^arn:aws:states:us-east-1:123456789012:express:statemill:chosen-name:[0-9a-f-]{36}$/);
  assert.equal(result.output, { original: 1, twice: 2, name: 'chosen-name' });
});

api('an Express ARN ends in its own UUID, the one $$.Execution.Id shows in the worker, named or not, and distinct per execution', async ({ pool }) => {
  pool.register('execution id', {
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id' }, End: true } } },
    handlers: handlersUrl,
  });
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.execute('execution id', {}, i % 2 === 0 ? { name: 'same-name' } : undefined)));
  for (const result of results) {
    assert.match(
      result.executionArn,
      /^arn:aws:states:us-east-1:123456789012:express:statemill:[0-9a-z-]+:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.is((result.output as { id: string }).id, result.executionArn);
  }
  assert.is(new Set(results.map((r) => r.executionArn)).size, results.length);
});

api('an invalid execution name is refused at execute with ERR_POOL_INVALID_OPTION', async ({ pool }) => {
  for (const name of ['', 'has space', 'a:b', 'x'.repeat(81), 42, {}]) {
    try {
      await pool.execute('task then pass', { n: 1 }, { name: name as string });
      assert.unreachable(String(name));
    } catch (e) {
      assert.is((e as PoolError).code, PoolErrorCodes.INVALID_OPTION, String(name));
    }
  }
});

api('an input that cannot be encoded is refused at execute; the rest of its batch still runs', async ({ pool }) => {
  const cyclic: Record<string, unknown> = { n: 1 };
  cyclic.self = cyclic;
  const refused = [{ n: 1, f: () => 1 }, { n: 1, s: Symbol('s') }, cyclic, { n: 1, memory: new SharedArrayBuffer(8) }];
  const good = Array.from({ length: 6 }, (_, i) => ({ n: i }));
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < good.length; i++) {
    calls.push(pool.execute('task then pass', good[i], { name: `good-${i}` }));
    if (i < refused.length)
      calls.push(
        pool.execute('task then pass', refused[i]).then(
          () => 'resolved',
          (error: PoolError) => error.code,
        ),
      );
  }
  const settled = await Promise.all(calls);
  const codes = settled.filter((s) => typeof s === 'string');
  assert.equal(
    codes,
    refused.map(() => PoolErrorCodes.INPUT_NOT_ENCODABLE),
  );
  const results = settled.filter((s) => typeof s !== 'string') as ExecutionResult[];
  assert.equal(
    results.map((r) => r.output),
    good.map((g, i) => ({ original: g.n, twice: 2 * g.n, name: `good-${i}` })),
  );
});

api('an output keeps the values its input passed through, as in-process, as the input was at submission', async ({ pool }) => {
  const definition = { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: 'double', ResultPath: '$.doubled', End: true } } };
  pool.register('keeps input', { definition, handlers: handlersUrl });
  const nested = { list: [1, { deep: true }] };
  const input: Record<string, unknown> = { n: 1, nested, tag: 'a' };
  const pending = pool.execute('keeps input', input, { name: 'kept' });
  input.tag = 'changed after submission';
  delete input.n;
  const pooled = await pending;
  assert.equal(pooled.output, { n: 1, nested: { list: [1, { deep: true }] }, tag: 'a', doubled: { n: 2 } });
  const local = await compile(definition, { handlers }).execute({ n: 1, nested, tag: 'a' });
  assert.is((local.output as Record<string, unknown>).nested, nested);
  assert.is((pooled.output as Record<string, unknown>).nested, nested);
});

api('register validates the definition on the main thread', ({ pool }) => {
  try {
    pool.register('bad', { definition: { StartAt: 'Nowhere', States: { A: { Type: 'Pass', End: true } } }, handlers: handlersUrl });
    assert.unreachable('register accepted a bad definition');
  } catch (error) {
    assert.instance(error, DefinitionError);
    assert.ok((error as DefinitionError).problems.some((p) => p.code === ProblemCodes.UNKNOWN_STATE));
  }
});

const refusals: [string, (pool: Pool) => unknown, string][] = [
  [
    'a second registration under the same id',
    (pool) => pool.register('task then pass', { definition: workflows['task then pass']!.definition, handlers: handlersUrl }),
    PoolErrorCodes.DUPLICATE_WORKFLOW,
  ],
  [
    'a relative handlers path',
    (pool) => pool.register('relative', { definition: workflows['async handler']!.definition, handlers: './handlers.js' }),
    PoolErrorCodes.INVALID_OPTION,
  ],
  [
    'an unknown clock',
    (pool) => pool.register('clock', { definition: workflows['async handler']!.definition, handlers: handlersUrl, options: { clock: 'sundial' as 'real' } }),
    PoolErrorCodes.INVALID_OPTION,
  ],
  [
    'a limit that is not a positive number',
    (pool) => pool.register('limits', { definition: workflows['async handler']!.definition, handlers: handlersUrl, options: { limits: { payloadBytes: -1 } } }),
    PoolErrorCodes.INVALID_OPTION,
  ],
  ['an empty id', (pool) => pool.register('', { definition: workflows['async handler']!.definition, handlers: handlersUrl }), PoolErrorCodes.INVALID_OPTION],
  [
    'a state machine name AWS would refuse (it failed in every worker before)',
    (pool) => pool.register('named', { definition: workflows['async handler']!.definition, handlers: handlersUrl, options: { stateMachineName: 'a b' } }),
    PoolErrorCodes.INVALID_OPTION,
  ],
];
for (const [what, call, code] of refusals) {
  api(`register refuses ${what}`, ({ pool }) => {
    try {
      call(pool);
      assert.unreachable('accepted');
    } catch (error) {
      assert.instance(error, PoolError);
      assert.is((error as PoolError).code, code);
    }
  });
}

api('execute refuses an unknown workflow', async ({ pool }) => {
  const error = await pool.execute('nope', {}).catch((e: PoolError) => e);
  assert.is((error as PoolError).code, PoolErrorCodes.UNKNOWN_WORKFLOW);
});

api('a handlers module without handlers fails its executions with ERR_POOL_WORKFLOW_LOAD', async ({ pool }) => {
  pool.register('no handlers', { definition: workflows['async handler']!.definition, handlers: new URL('./fixtures/broken-handlers.ts', import.meta.url) });
  const errors = await Promise.all([1, 2, 3].map((n) => pool.execute('no handlers', { n }).catch((e: PoolError) => e)));
  for (const error of errors) assert.is((error as PoolError).code, PoolErrorCodes.WORKFLOW_LOAD);
});

api('a Resource with no handler fails with ERR_POOL_WORKFLOW_LOAD carrying the definition problems', async ({ pool }) => {
  pool.register('missing handler', {
    definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'no-such-handler', End: true } } },
    handlers: fileURLToPath(handlersUrl),
  });
  const error = (await pool.execute('missing handler', {}).catch((e: unknown) => e)) as PoolError & { problems: { code: string }[] };
  assert.is(error.code, PoolErrorCodes.WORKFLOW_LOAD);
  assert.ok(error.problems.some((p) => p.code === ProblemCodes.NO_HANDLER));
});

// Before, register() demanded a handlers module even of a workflow that calls none.
api('a workflow whose states call no handler registers without handlers and runs as in-process', async ({ pool }) => {
  const definition = {
    StartAt: 'Shape',
    States: {
      Shape: { Type: 'Pass', Parameters: { 'n.$': '$.n', 'name.$': '$$.Execution.Name' }, Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: 60, Next: 'Size' },
      Size: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 2, Next: 'Big' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
      Big: { Type: 'Fail', Error: 'Too.Big', Cause: 'n is over 2' },
    },
  };
  pool.register('no handlers needed', { definition, options: { clock: 'virtual' } });
  const machine = compile(definition, { clock: virtualClock() });
  for (const n of [1, 5]) {
    const input = { n };
    assert.equal(comparable(await pool.execute('no handlers needed', input, { name: `n-${n}` })), comparable(await machine.execute(input, { name: `n-${n}` })));
  }
});

api(
  'a workflow with a Task registered without handlers is refused at register, as compile() refuses it: ERR_ASL_NO_HANDLER at its Resource',
  async ({ pool }) => {
    const definition = { StartAt: 'Prepare', States: { Prepare: { Type: 'Pass', Next: 'Call' }, Call: { Type: 'Task', Resource: 'double', End: true } } };
    try {
      pool.register('needs a handler', { definition });
      assert.unreachable('register accepted a Task without handlers');
    } catch (error) {
      assert.instance(error, DefinitionError);
      assert.equal(
        (error as DefinitionError).problems.map((p) => [p.code, p.pointer]),
        [[ProblemCodes.NO_HANDLER, '/States/Call/Resource']],
      );
    }
    const error = await pool.execute('needs a handler', {}).catch((e: PoolError) => e);
    assert.is((error as PoolError).code, PoolErrorCodes.UNKNOWN_WORKFLOW, 'nothing was registered');
  },
);

api('a batch whose results outgrow its reply area (4 MiB) still settles every execution with its result', async ({ pool }) => {
  pool.register('large outputs', {
    definition: { StartAt: 'Big', States: { Big: { Type: 'Task', Resource: 'big', End: true } } },
    handlers: handlersUrl,
    options: { limits: { payloadBytes: Infinity } },
  });
  const results = await Promise.all(Array.from({ length: 16 }, (_, n) => pool.execute('large outputs', { bytes: 1_100_000 + n })));
  for (const [n, result] of results.entries()) {
    assert.is(result.status, 'SUCCEEDED', `${n}: ${result.cause}`);
    assert.is((result.output as { blob: string }).blob.length, 1_100_000 + n);
  }
});

api('metrics count what happened', async ({ pool }) => {
  const before = pool.metrics();
  await Promise.all([pool.execute('choice, succeed and fail', { n: 3000 }), pool.execute('choice, succeed and fail', { n: 1, reason: 'r' })]);
  const after = pool.metrics();
  assert.is(after.submitted - before.submitted, 2);
  assert.is(after.started - before.started, 2);
  assert.is(after.failed - before.failed, 1);
  assert.is(after.succeeded - before.succeeded, 1);
  assert.is(after.latency.count - before.latency.count, 2);
  assert.is(after.queueDepth, 0);
  assert.is(after.executionsInFlight, 0);
  assert.is(after.workers.length, 2);
  for (const worker of after.workers) assert.ok(worker.utilization >= 0 && worker.utilization <= 1);
});

api.run();

const pressure = suite<{ pool: Pool }>('backpressure');

pressure.before((context) => {
  context.pool = createPool({ threads: 1, maxQueue: 5 });
  context.pool.register('later', { definition: workflows['async handler']!.definition, handlers: handlersUrl });
});

pressure.after(async (context) => {
  await context.pool.close();
});

pressure('past maxQueue waiting executions, execute rejects at once; drain follows', async ({ pool }) => {
  const drained = new Promise<void>((resolve) => pool.once('drain', resolve));
  const calls = Array.from({ length: 20 }, (_, n) =>
    pool.execute('later', { n }).then(
      (r) => r.output,
      (e: PoolError) => e.code,
    ),
  );
  assert.is(pool.queueSize, 5);
  assert.ok(pool.needsDrain);
  const settled = await Promise.all(calls);
  assert.equal(
    settled.slice(0, 5),
    [1, 2, 3, 4, 5].map((n) => ({ n })),
  );
  assert.equal(settled.slice(5), Array(15).fill(PoolErrorCodes.QUEUE_FULL));
  await drained;
  assert.not.ok(pool.needsDrain);
  assert.is(pool.metrics().rejected, 15);
});

pressure('the queue never holds more than maxQueue however fast callers submit', async ({ pool }) => {
  let accepted = 0;
  let refused = 0;
  let deepest = 0;
  const pending: Promise<unknown>[] = [];
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 100; i++) {
      pending.push(
        pool.execute('later', { n: i }).then(
          () => accepted++,
          () => refused++,
        ),
      );
      deepest = Math.max(deepest, pool.queueSize);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
  assert.ok(deepest <= 5, `queue reached ${deepest}`);
  assert.is(accepted + refused, 2000);
  assert.ok(accepted >= 5 && refused > 0);
});

pressure('a caller that waits for drain is never refused', async ({ pool }) => {
  const outputs: unknown[] = [];
  for (let n = 0; n < 30; n++) {
    outputs.push(pool.execute('later', { n }).then((r) => r.output));
    if (pool.needsDrain) await new Promise((resolve) => pool.once('drain', resolve));
  }
  assert.equal(
    await Promise.all(outputs),
    Array.from({ length: 30 }, (_, n) => ({ n: n + 1 })),
  );
});

pressure.run();

const batching = suite('batching');

batching('while every task slot is busy, executions submitted over several ticks wait in one open batch', async () => {
  const pool = createPool({ threads: 1, batchesPerWorker: 1, batch: 64 });
  // The first execution keeps the only slot busy until released, however slow the machine.
  const channel = new BroadcastChannel('pool-batching-first');
  try {
    pool.register('interval', { definition: { StartAt: 'Wait', States: { Wait: { Type: 'Task', Resource: 'interval', End: true } } }, handlers: handlersUrl });
    pool.register('held', { definition: { StartAt: 'Hold', States: { Hold: { Type: 'Task', Resource: 'held', End: true } } }, handlers: handlersUrl });
    let backstop: NodeJS.Timeout | undefined;
    const started = new Promise<void>((resolve, reject) => {
      channel.onmessage = (event) => (event as MessageEvent).data === 'started' && resolve();
      backstop = setTimeout(() => reject(new Error('the held execution did not start within 60 s')), 60_000);
    });
    const first = pool.execute('held', { channel: 'pool-batching-first', index: 0 });
    await started.finally(() => clearTimeout(backstop));
    const later: Promise<ExecutionResult>[] = [];
    for (let index = 1; index <= 5; index++) {
      later.push(pool.execute('interval', { ms: 1, index }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    channel.postMessage('release');
    const results = await Promise.all([first, ...later]);
    assert.ok(results.every((r) => r.status === 'SUCCEEDED'));
    // The names of one batch's unnamed executions come from one UUID (protocol.ts, BatchNames).
    const prefixes = new Set(results.slice(1).map((r) => r.name.slice(0, 28)));
    assert.is(prefixes.size, 1);
    assert.is.not(results[0]!.name.slice(0, 28), [...prefixes][0]);
  } finally {
    channel.postMessage('release');
    channel.close();
    await pool.close();
  }
});

batching('a burst to an idle pool starts at once in a quarter batch; the rest waits in batches up to the batch size', async () => {
  const pool = createPool({ threads: 1, batchesPerWorker: 1, batch: 8 });
  try {
    pool.register('double', { definition: { StartAt: 'D', States: { D: { Type: 'Task', Resource: 'double', End: true } } }, handlers: handlersUrl });
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => pool.execute('double', { n })));
    assert.equal(
      results.map((r) => r.output),
      Array.from({ length: 20 }, (_, n) => ({ n: 2 * n })),
    );
    const batches = new Map<string, number>();
    for (const r of results) batches.set(r.name.slice(0, 28), (batches.get(r.name.slice(0, 28)) ?? 0) + 1);
    assert.equal([...batches.values()], [2, 8, 8, 2]);
    assert.is(new Set(results.map((r) => r.name)).size, 20);
  } finally {
    await pool.close();
  }
});

batching('by default each worker has three batches in flight, so the next starts while a result travels', async () => {
  const pool = createPool({ threads: 1, batch: 8 });
  try {
    pool.register('interval', { definition: { StartAt: 'Wait', States: { Wait: { Type: 'Task', Resource: 'interval', End: true } } }, handlers: handlersUrl });
    // A burst to an idle pool goes out in quarter batches (2) while a batch may be sent at once.
    const pending = Array.from({ length: 20 }, (_, index) => pool.execute('interval', { ms: 20, index }));
    assert.is(pool.metrics().executionsInFlight, 6);
    assert.is(pool.queueSize, 14);
    assert.ok((await Promise.all(pending)).every((r) => r.status === 'SUCCEEDED'));
  } finally {
    await pool.close();
  }
});

batching('a burst to an idle pool of two threads goes out in batches for both', async () => {
  const pool = createPool({ threads: 2, batchesPerWorker: 1, batch: 64 });
  try {
    pool.register('interval', { definition: { StartAt: 'Wait', States: { Wait: { Type: 'Task', Resource: 'interval', End: true } } }, handlers: handlersUrl });
    await Promise.all([pool.execute('interval', { ms: 1, index: -1 }), pool.execute('interval', { ms: 1, index: -2 })]);
    const results = await Promise.all(Array.from({ length: 32 }, (_, index) => pool.execute('interval', { ms: 50, index })));
    const batches = new Set(results.map((r) => r.name.slice(0, 28)));
    assert.ok(batches.size >= 2, `${batches.size} batch`);
  } finally {
    await pool.close();
  }
});

batching('batches go out in the order they were started, full or not, so a trickle is not starved by a flood', async () => {
  const pool = createPool({ threads: 1, batchesPerWorker: 1, batch: 4 });
  try {
    const definition = { StartAt: 'Wait', States: { Wait: { Type: 'Task', Resource: 'interval', End: true } } };
    for (const id of ['slow', 'flood', 'trickle']) pool.register(id, { definition, handlers: handlersUrl });
    const slow = pool.execute('slow', { ms: 100, index: -1 });
    const early = Array.from({ length: 8 }, (_, index) => pool.execute('flood', { ms: 10, index }));
    const trickle = pool.execute('trickle', { ms: 10, index: 100 });
    const late = Array.from({ length: 8 }, (_, index) => pool.execute('flood', { ms: 10, index: 8 + index }));
    const started = async (p: Promise<ExecutionResult>) => ((await p).output as { start: number }).start;
    const [trickleStart, ...earlyStarts] = await Promise.all([started(trickle), ...early.map(started)]);
    const lateStarts = await Promise.all(late.map(started));
    await slow;
    assert.ok(earlyStarts.every((start) => start <= trickleStart!));
    assert.ok(lateStarts.every((start) => start >= trickleStart!));
  } finally {
    await pool.close();
  }
});

batching.run();

const closing = suite('close');

closing('close drains everything submitted, then refuses new work; a second close is the same promise', async () => {
  const pool = createPool({ threads: 1, batch: 4 });
  pool.register('later', { definition: workflows['async handler']!.definition, handlers: handlersUrl });
  const results = Array.from({ length: 50 }, (_, n) => pool.execute('later', { n }));
  const first = pool.close();
  const second = pool.close();
  assert.is(first, second);
  const refused = await pool.execute('later', { n: 0 }).catch((e: PoolError) => e.code);
  assert.is(refused, PoolErrorCodes.CLOSED);
  assert.throws(
    () => pool.register('again', { definition: workflows['async handler']!.definition, handlers: handlersUrl }),
    (e: PoolError) => e.code === PoolErrorCodes.CLOSED,
  );
  assert.is(
    await pool
      .runMap('later', {
        state: '/States/Later',
        inputs: [],
        maxConcurrency: 0,
        toleratedFailures: -1,
        parent: { executionName: 'x', executionInput: {}, executionStartMs: 0, remainingMs: 1000, variables: [] },
      })
      .catch((e: PoolError) => e.code),
    PoolErrorCodes.CLOSED,
  );
  const outputs = (await Promise.all(results)).map((r) => r.output);
  assert.equal(
    outputs,
    Array.from({ length: 50 }, (_, n) => ({ n: n + 1 })),
  );
  await first;
  assert.is(await pool.execute('later', {}).catch((e: PoolError) => e.code), PoolErrorCodes.CLOSED);
});

closing('close while a thread dies under one batch: the batches queued behind it on that thread run on its replacement', async () => {
  // Three one-execution batches go to the one thread at once; the first ends the thread
  // before the others start, and nothing else is queued, so the pool must not count itself
  // idle (and stop its threads) before it has sent the two back out.
  const pool = createPool({ threads: 1, batch: 1 });
  const definition = {
    StartAt: 'Which',
    States: {
      Which: { Type: 'Choice', Choices: [{ Variable: '$.exit', IsPresent: true, Next: 'Exit' }], Default: 'Double' },
      Exit: { Type: 'Task', Resource: 'exit', End: true },
      Double: { Type: 'Task', Resource: 'double', End: true },
    },
  };
  pool.register('exit or double', { definition, handlers: handlersUrl });
  // Loaded first, so the thread takes each task as it comes rather than all three while it loads.
  await pool.execute('exit or double', { n: 0 });
  const pending = [pool.execute('exit or double', { exit: true }), pool.execute('exit or double', { n: 1 }), pool.execute('exit or double', { n: 2 })];
  assert.is(pool.metrics().executionsInFlight, 3);
  const closed = pool.close();
  const [exited, ...others] = await Promise.all(pending);
  await closed;
  assert.is(exited!.error, 'Pool.WorkerExited');
  assert.equal(
    others.map((r) => [r.status, r.output, r.cause]),
    [
      ['SUCCEEDED', { n: 2 }, undefined],
      ['SUCCEEDED', { n: 4 }, undefined],
    ],
  );
});

closing.run();
