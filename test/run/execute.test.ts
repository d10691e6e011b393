import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, DefinitionError, type Handlers } from '../../src/index.js';

/** Execution semantics beyond the AWS-recorded cases: tasks, retries, timeouts, limits, fan-out. */
const execute = suite('execute');

function machine(definition: unknown, handlers: Handlers = {}, limits = {}) {
  return compile(definition, { handlers, clock: virtualClock(0), limits });
}
const task = (resource: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: resource, End: true, ...extra } },
});
function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

execute('a sync handler keeps the run synchronous and its value is the output', async () => {
  const m = machine(task('double'), { double: (x: number) => x * 2 });
  const r = await m.execute(21);
  assert.is(r.status, 'SUCCEEDED');
  assert.is(r.output, 42);
});

execute('an async handler is awaited', async () => {
  const m = machine(task('later'), { later: async (x: { a: number }) => ({ b: x.a + 1 }) });
  assert.equal((await m.execute({ a: 1 })).output, { b: 2 });
});

execute('a handler error names the ASL error and its message is the cause', async () => {
  const m = machine(task('boom'), {
    boom: () => {
      throw named('Custom.Error', 'went wrong');
    },
  });
  const r = await m.execute({});
  assert.is(r.status, 'FAILED');
  assert.is(r.error, 'Custom.Error');
  assert.is(r.cause, 'went wrong');
});

execute('a thrown non-Error becomes States.TaskFailed', async () => {
  const m = machine(task('odd'), {
    odd: () => {
      throw 42;
    },
  });
  const r = await m.execute({});
  assert.is(r.error, 'States.TaskFailed');
  assert.match(r.cause!, /42/);
});

execute('a Resource without a handler is a definition problem with a pointer', () => {
  try {
    machine(task('missing'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DefinitionError);
    assert.equal(
      (e as DefinitionError).problems.map((p) => [p.code, p.pointer]),
      [['ERR_ASL_NO_HANDLER', '/States/T/Resource']],
    );
  }
});

execute('handler look-up never reaches the prototype of the handlers object', () => {
  for (const resource of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.throws(
      () => machine(task(resource), {}),
      (e: unknown) => e instanceof DefinitionError,
    );
  }
});

execute('Retry: backoff intervals under the virtual clock, then success', async () => {
  let calls = 0;
  const clock = virtualClock(0);
  const seen: number[] = [];
  const m = compile(task('flaky', { Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3 }] }), {
    clock,
    handlers: {
      flaky: (_: unknown, ctx) => {
        seen.push(clock.now());
        if (++calls < 4) throw named('Transient', 'try again');
        return { attempt: ctx.attempt };
      },
    },
  });
  const r = await m.execute({});
  assert.is(r.status, 'SUCCEEDED');
  assert.equal(r.output, { attempt: 4 });
  assert.equal(
    seen.map((t) => t - seen[0]!),
    [0, 2000, 8000, 26000],
  );
});

execute('Retry: MaxAttempts 0 never retries; MaxDelaySeconds caps the interval', async () => {
  let calls = 0;
  const m = machine(task('f', { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }] }), {
    f: () => {
      calls++;
      throw named('X', 'x');
    },
  });
  assert.is((await m.execute({})).error, 'X');
  assert.is(calls, 1);

  const clock = virtualClock(0);
  const at: number[] = [];
  const capped = compile(task('g', { Retry: [{ ErrorEquals: ['X'], IntervalSeconds: 10, BackoffRate: 10, MaxAttempts: 3, MaxDelaySeconds: 15 }] }), {
    clock,
    handlers: {
      g: () => {
        at.push(clock.now());
        throw named('X', 'x');
      },
    },
  });
  assert.is((await capped.execute({})).error, 'X');
  assert.equal(
    at.map((t) => t - at[0]!),
    [0, 10000, 25000, 40000],
  );
});

execute('Retry: each retrier counts its own attempts; an exhausted first match goes to Catch', async () => {
  // The spec's example: errors A, B, C, B with retriers [A,B] (2 attempts) and [C] wait 1 s, 2 s, 5 s, then catch.
  const errors = ['A', 'B', 'C', 'B'];
  let i = 0;
  const clock = virtualClock(0);
  const at: number[] = [];
  const def = {
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'f',
        Retry: [
          { ErrorEquals: ['A', 'B'], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 2 },
          { ErrorEquals: ['C'], MaxAttempts: 1, IntervalSeconds: 5 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    },
  };
  const m = compile(def, {
    clock,
    handlers: {
      f: () => {
        at.push(clock.now());
        throw named(errors[i++]!, 'c');
      },
    },
  });
  const r = await m.execute({});
  assert.equal(r.output, { Error: 'B', Cause: 'c' });
  assert.equal(at, [0, 1000, 3000, 8000]);
});

execute('Catch routes to its Next with the error output at ResultPath', async () => {
  const def = {
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'f',
        Catch: [
          { ErrorEquals: ['Nope'], Next: 'Other' },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Handled' },
        ],
        Next: 'Done',
      },
      Other: { Type: 'Fail', Error: 'Wrong' },
      Handled: { Type: 'Pass', End: true },
      Done: { Type: 'Succeed' },
    },
  };
  const m = machine(def, {
    f: () => {
      throw named('Bad', 'very bad');
    },
  });
  const r = await m.execute({ keep: 1 });
  assert.equal(r.output, { keep: 1, err: { Error: 'Bad', Cause: 'very bad' } });
});

execute('States.Runtime is neither retried nor caught by States.ALL', async () => {
  const def = {
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'f',
        InputPath: '$.missing',
        Retry: [{ ErrorEquals: ['States.ALL'] }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }],
        End: true,
      },
      C: { Type: 'Pass', End: true },
    },
  };
  let calls = 0;
  const r = await machine(def, { f: () => calls++ }).execute({});
  assert.is(r.error, 'States.Runtime');
  assert.is(calls, 0);
});

execute('TimeoutSeconds fails a slow async task with States.Timeout, and aborts its signal', async () => {
  const clock = virtualClock(0);
  let aborted = false;
  const m = compile(task('slow', { TimeoutSeconds: 5 }), {
    clock,
    handlers: {
      slow: (_: unknown, ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
        return clock.sleep(60_000).then(() => 'late');
      },
    },
  });
  const r = await m.execute({});
  assert.is(r.status, 'FAILED');
  assert.is(r.error, 'States.Timeout');
  assert.ok(aborted);
});

execute('HeartbeatSeconds: a task that stops heartbeating fails with States.Timeout', async () => {
  const clock = virtualClock(0);
  const silent = compile(task('h', { TimeoutSeconds: 100, HeartbeatSeconds: 3 }), {
    clock,
    handlers: { h: () => clock.sleep(10_000).then(() => 'done') },
  });
  assert.is((await silent.execute({})).error, 'States.Timeout');

  const clock2 = virtualClock(0);
  const chatty = compile(task('h', { TimeoutSeconds: 100, HeartbeatSeconds: 3 }), {
    clock: clock2,
    handlers: {
      h: async (_: unknown, ctx) => {
        for (let i = 0; i < 5; i++) {
          await clock2.sleep(2000);
          ctx.heartbeat();
        }
        return 'done';
      },
    },
  });
  const r = await chatty.execute({});
  assert.is(r.status, 'SUCCEEDED');
  assert.is(r.output, 'done');
});

execute('the execution times out as TIMED_OUT after its limit', async () => {
  const def = { StartAt: 'W', TimeoutSeconds: 10, States: { W: { Type: 'Wait', Seconds: 60, End: true } } };
  const r = await machine(def).execute({});
  assert.is(r.status, 'TIMED_OUT');
  assert.is(r.error, 'States.Timeout');
});

execute('an endless synchronous loop still times out', async () => {
  const def = {
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'Again' },
      Again: { Type: 'Choice', Choices: [{ Variable: '$.loop', BooleanEquals: true, Next: 'A' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  };
  const r = await compile(def, { limits: { executionMs: 200 } }).execute({ loop: true });
  assert.is(r.status, 'TIMED_OUT');
  // The virtual clock skips waits, not computation: the loop runs until its limit passes in real time.
  const virtual = await machine(def, {}, { executionMs: 200 }).execute({ loop: true });
  assert.equal([virtual.status, virtual.error], ['TIMED_OUT', 'States.Timeout']);
  assert.is(virtual.stopDate.getTime() - virtual.startDate.getTime(), 200);
});

// A day-long Wait under the virtual clock: Express executions end at five minutes, Standard ones may run a year.
const executionTimeLimits: [
  label: string,
  options: { workflowType?: 'EXPRESS' | 'STANDARD'; limits?: { executionMs: number } },
  status: string,
  ranMs: number,
][] = [
  ['EXPRESS by default: five minutes', {}, 'TIMED_OUT', 300_000],
  ['STANDARD: a year', { workflowType: 'STANDARD' }, 'SUCCEEDED', 86_400_000],
  ['STANDARD with limits.executionMs: the given limit', { workflowType: 'STANDARD', limits: { executionMs: 600_000 } }, 'TIMED_OUT', 600_000],
];
for (const [label, options, status, ranMs] of executionTimeLimits) {
  execute(`the execution time limit, ${label}`, async () => {
    const def = { StartAt: 'Day', States: { Day: { Type: 'Wait', Seconds: 86_400, End: true } } };
    const r = await compile(def, { clock: virtualClock(), ...options }).execute({});
    assert.is(r.status, status);
    assert.is(r.stopDate.getTime() - r.startDate.getTime(), ranMs);
  });
}

execute('under the virtual clock a long loop that ends is not timed out when it yields', async () => {
  // 30,000 transitions: the run yields to the event loop every 8,192.
  const def = {
    StartAt: 'Inc',
    States: {
      Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'More' },
      More: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 15_000, Next: 'Inc' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  };
  const r = await machine(def).execute({ n: 0 });
  assert.equal([r.status, r.output], ['SUCCEEDED', { n: 15_000 }]);
});

execute('under the virtual clock a handler doing real I/O is not timed out by the clock jumping ahead', async () => {
  // A clock jumping ahead would time it out at once, whatever the limit; 30 s of real time is far beyond 20 ms of I/O, however loaded the machine.
  const def = task('io', { TimeoutSeconds: 30 });
  const io = () => new Promise((resolve) => setTimeout(() => resolve('read'), 20));
  const r = await machine(def, { io }).execute({});
  assert.equal([r.status, r.output], ['SUCCEEDED', 'read']);
});

execute('under the virtual clock a handler that never answers times out after its limit in real time', async () => {
  const def = task('hang', { TimeoutSeconds: 1 });
  const started = performance.now();
  const r = await machine(def, { hang: () => new Promise(() => {}) }).execute({});
  const elapsed = performance.now() - started;
  assert.equal([r.status, r.error], ['FAILED', 'States.Timeout']);
  assert.ok(elapsed >= 990, `timed out after ${elapsed} ms`);
});

execute('under the virtual clock a hung task times out before its execution does, and its Catch carries on', async () => {
  const def = {
    StartAt: 'T',
    // Far beyond the task's limit in real time too: a stalled machine expires both at once otherwise.
    TimeoutSeconds: 30,
    States: {
      T: { Type: 'Task', Resource: 'hang', TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'After' }], End: true },
      After: { Type: 'Pass', Parameters: { 'caught.$': '$.error.Error' }, End: true },
    },
  };
  const r = await machine(def, { hang: () => new Promise(() => {}) }).execute({});
  assert.equal([r.status, r.output], ['SUCCEEDED', { caught: 'States.Timeout' }]);
  assert.is(r.stopDate.getTime(), 1000);
});

execute('under the virtual clock a task limit too long to ever expire does not make the clock jump to the execution limit', async () => {
  const def = task('hang', { TimeoutSecondsPath: '$.seconds' });
  const started = performance.now();
  const m = machine(def, { hang: () => new Promise(() => {}) }, { executionMs: 200 });
  const r = await m.execute({ seconds: 1e308 });
  assert.is(r.status, 'TIMED_OUT');
  assert.ok(performance.now() - started >= 190, 'timed out before its limit had passed in real time');
  assert.is(r.stopDate.getTime(), 200);
});

execute('under the virtual clock a wait longer than the limit jumps to the limit', async () => {
  const def = { StartAt: 'W', TimeoutSeconds: 10, States: { W: { Type: 'Wait', Seconds: 3600, End: true } } };
  const started = performance.now();
  const r = await machine(def).execute({});
  // Waiting for the limit in real time would take 10 s.
  assert.ok(performance.now() - started < 5000, 'the execution waited for its limit in real time');
  assert.is(r.status, 'TIMED_OUT');
  assert.is(r.stopDate.getTime() - r.startDate.getTime(), 10_000);
});

execute('under the virtual clock time limits do not keep the process alive once executions end', async () => {
  const index = new URL('../../src/index.ts', import.meta.url).href;
  const script = `
    import { compile, virtualClock } from ${JSON.stringify(index)};
    const def = { StartAt: 'T', TimeoutSeconds: 60, States: { T: { Type: 'Task', Resource: 'io', TimeoutSeconds: 30, End: true } } };
    const io = () => new Promise((resolve) => setTimeout(() => resolve('read'), 10));
    const r = await compile(def, { clock: virtualClock(0), handlers: { io } }).execute({});
    console.log(r.status);
  `;
  const started = performance.now();
  const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script]);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('close', (exitCode) => resolve({ stdout: out, code: exitCode }));
  });
  assert.equal([stdout.trim(), code], ['SUCCEEDED', 0]);
  assert.ok(performance.now() - started < 20_000, 'the process waited for the 30 s task limit');
});

execute('aborting the signal settles the execution as ABORTED', async () => {
  const controller = new AbortController();
  const def = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } };
  const pending = compile(def).execute({}, { signal: controller.signal });
  controller.abort();
  assert.is((await pending).status, 'ABORTED');
});

execute('a task result over the payload limit fails with States.DataLimitExceeded', async () => {
  const m = machine(task('big'), { big: () => 'x'.repeat(300_000) });
  const r = await m.execute({});
  assert.is(r.error, 'States.DataLimitExceeded');
  const relaxed = machine(task('big'), { big: () => 'x'.repeat(300_000) }, { payloadBytes: 1_000_000 });
  assert.is((await relaxed.execute({})).status, 'SUCCEEDED');
});

execute('execute does not mutate its input', async () => {
  const def = {
    StartAt: 'P',
    States: { P: { Type: 'Pass', Result: 1, ResultPath: '$.a.b', Next: 'Q' }, Q: { Type: 'Pass', Result: 2, ResultPath: '$.c', End: true } },
  };
  const input = { a: { x: 1 } };
  const r = await machine(def).execute(input);
  assert.equal(r.output, { a: { x: 1, b: 1 }, c: 2 });
  assert.equal(input, { a: { x: 1 } });
});

execute('Parallel runs branches on the same input and returns outputs in order', async () => {
  const clock = virtualClock(0);
  const def = {
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: 'slow', End: true } } },
          { StartAt: 'Fast', States: { Fast: { Type: 'Task', Resource: 'fast', End: true } } },
        ],
      },
    },
  };
  const m = compile(def, { clock, handlers: { slow: (x: number) => clock.sleep(5000).then(() => x + 1), fast: (x: number) => x + 2 } });
  const r = await m.execute(1);
  assert.equal(r.output, [2, 3]);
  assert.is(clock.now(), 5000);
});

execute('a failing Parallel branch fails the state and abandons the others', async () => {
  const clock = virtualClock(0);
  let laterStates = 0;
  const def = {
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, Next: 'After' }, After: { Type: 'Task', Resource: 'count', End: true } } },
          { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'BranchBroke', Cause: 'no' } } },
        ],
      },
    },
  };
  const r = await compile(def, { clock, handlers: { count: () => laterStates++ } }).execute({});
  assert.is(r.error, 'BranchBroke');
  await clock.sleep(20_000);
  assert.is(laterStates, 0);
});

const mapDef = (extra: Record<string, unknown>) => ({
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      End: true,
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'work', End: true } } },
      ...extra,
    },
  },
});

execute('Map: results in item order, MaxConcurrency bounds in-flight iterations', async () => {
  const clock = virtualClock(0);
  let inFlight = 0;
  let peak = 0;
  const work = async (x: number) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await clock.sleep((10 - x) * 100);
    inFlight--;
    return x * 10;
  };
  const m = compile(mapDef({ MaxConcurrency: 3 }), { clock, handlers: { work } });
  const r = await m.execute({ items: [1, 2, 3, 4, 5, 6, 7] });
  assert.equal(r.output, [10, 20, 30, 40, 50, 60, 70]);
  assert.is(peak, 3);

  peak = 0;
  const unbounded = compile(mapDef({ MaxConcurrency: 0 }), { clock, handlers: { work } });
  await unbounded.execute({ items: Array.from({ length: 100 }, (_, i) => i % 10) });
  assert.is(peak, 100);
});

execute('Map: ItemSelector sees $$.Map.Item.Index and Value', async () => {
  const m = machine(mapDef({ ItemSelector: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value', 'all.$': '$.tag' } }), { work: (x: unknown) => x });
  const r = await m.execute({ items: ['a', 'b'], tag: 't' });
  assert.equal(r.output, [
    { i: 0, v: 'a', all: 't' },
    { i: 1, v: 'b', all: 't' },
  ]);
});

execute('Map: tolerated failures keep going; beyond them States.ExceedToleratedFailureThreshold', async () => {
  const work = (x: number) => {
    if (x < 0) throw named('Bad', 'negative');
    return x;
  };
  const tolerant = machine(mapDef({ ToleratedFailureCount: 1 }), { work });
  const ok = await tolerant.execute({ items: [1, -1, 2] });
  assert.is(ok.status, 'SUCCEEDED');
  assert.equal(ok.output, [1, { Error: 'Bad', Cause: 'negative' }, 2]);
  const r = await tolerant.execute({ items: [1, -1, -2] });
  assert.is(r.error, 'States.ExceedToleratedFailureThreshold');
  const strict = await machine(mapDef({}), { work }).execute({ items: [1, -1, 2] });
  assert.is(strict.error, 'Bad');
});

execute('Map: ItemBatcher groups items with BatchInput', async () => {
  const m = machine(mapDef({ ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'job.$': '$.job' } } }), { work: (b: unknown) => b });
  const r = await m.execute({ items: [1, 2, 3], job: 'j' });
  assert.equal(r.output, [
    { BatchInput: { job: 'j' }, Items: [1, 2] },
    { BatchInput: { job: 'j' }, Items: [3] },
  ]);
});

// Before, a path-given limit above AWS's 256 KiB made batches of that size.
execute('Map: an ItemBatcher MaxInputBytesPerBatchPath above 262144 (256 KiB) fails the execution with States.Runtime', async () => {
  const m = machine(mapDef({ ItemBatcher: { MaxInputBytesPerBatchPath: '$.bytes' } }), { work: (b: unknown) => b });
  const atLimit = await m.execute({ items: [1, 2], bytes: 262_144 });
  assert.equal(atLimit.output, [{ Items: [1, 2] }]);
  const over = await m.execute({ items: [1, 2], bytes: 262_145 });
  assert.is(over.status, 'FAILED');
  assert.is(over.error, 'States.Runtime');
  assert.match(over.cause ?? '', /MaxInputBytesPerBatch must be at most 262144/);
});

execute('lambda:invoke resolves FunctionName by name or ARN and wraps the Payload', async () => {
  const def = {
    StartAt: 'L',
    States: { L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': '$.fn', 'Payload.$': '$.p' }, End: true } },
  };
  const m = machine(def, { greet: (e: { who: string }) => `hi ${e.who}` });
  for (const fn of ['greet', 'arn:aws:lambda:us-east-1:123456789012:function:greet', 'arn:aws:lambda:us-east-1:123456789012:function:greet:live']) {
    const r = await m.execute({ fn, p: { who: 'ann' } });
    assert.is(r.status, 'SUCCEEDED', fn);
    const out = r.output as Record<string, unknown>;
    assert.is(out.Payload, 'hi ann');
    assert.is(out.StatusCode, 200);
    assert.is(out.ExecutedVersion, '$LATEST');
  }
  const missing = await m.execute({ fn: 'nobody', p: {} });
  assert.is(missing.error, 'Lambda.ResourceNotFoundException');
});

// The cause AWS records for a FunctionName naming no function (LocalStack's AWS-validated
// test_task_service_lambda.py test_no_such_function, 2025-11-25): the function's ARN in the
// machine's region and account, $LATEST unless qualified, and a request id.
const missingFunctions: { fn: string; region?: string; accountId?: string; arn: string }[] = [
  { fn: 'no_such_fn', arn: 'arn:aws:lambda:us-east-1:123456789012:function:no_such_fn:$LATEST' },
  { fn: 'no_such_fn', region: 'eu-west-1', accountId: '111122223333', arn: 'arn:aws:lambda:eu-west-1:111122223333:function:no_such_fn:$LATEST' },
  { fn: 'no_such_fn:live', arn: 'arn:aws:lambda:us-east-1:123456789012:function:no_such_fn:live' },
  { fn: 'arn:aws:lambda:us-west-2:444455556666:function:gone', arn: 'arn:aws:lambda:us-west-2:444455556666:function:gone:$LATEST' },
  { fn: 'arn:aws:lambda:us-west-2:444455556666:function:gone:7', arn: 'arn:aws:lambda:us-west-2:444455556666:function:gone:7' },
];
for (const c of missingFunctions) {
  execute(`lambda:invoke of a missing function ${c.fn}${c.region ? ` (machine in ${c.region})` : ''}: the cause names ${c.arn}`, async () => {
    const def = {
      StartAt: 'L',
      States: { L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: c.fn }, End: true } },
    };
    const r = await compile(def, { clock: virtualClock(0), region: c.region, accountId: c.accountId }).execute({});
    assert.is(r.error, 'Lambda.ResourceNotFoundException');
    const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
    const text = `Function not found: ${c.arn} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: UUID; Proxy: null)`;
    assert.match(r.cause!, new RegExp('^' + text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('UUID', uuid) + '$'));
  });
}

execute('Map: a mapExecutor (the pool) may run the iterations; its outcomes are judged like local ones', async () => {
  const seen: unknown[] = [];
  const fanned = compile(mapDef({}), {
    clock: virtualClock(0),
    handlers: {
      work: () => {
        throw new Error('ran locally');
      },
    },
    mapExecutor: (request) => {
      seen.push([request.state, request.inputs, request.toleratedFailures]);
      return Promise.resolve({ outputs: request.inputs.map((x) => (x as number) * 10), failures: [], stopped: false });
    },
  });
  const ok = await fanned.execute({ items: [1, 2] });
  assert.equal(ok.output, [10, 20]);
  assert.equal(seen, [['/States/M', [1, 2], -1]]);

  const failing = compile(mapDef({}), {
    handlers: { work: (x: unknown) => x },
    mapExecutor: () => Promise.resolve({ outputs: [1, undefined], failures: [{ index: 1, error: 'Bad', cause: 'no' }], stopped: true }),
  });
  const r = await failing.execute({ items: [1, 2] });
  assert.equal([r.error, r.cause], ['Bad', 'no']);

  const declined = compile(mapDef({}), { handlers: { work: (x: number) => x + 1 }, mapExecutor: () => null });
  assert.equal((await declined.execute({ items: [1, 2] })).output, [2, 3]);
});

execute('run(): the result itself when the execution ends without waiting, a promise when it waits; the same result as execute()', async () => {
  const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', End: true } } };
  const sync = compile(definition, { handlers: { h: (x: { n: number }) => ({ n: x.n + 1 }) } });
  const direct = sync.run({ n: 1 }, { name: 'first' });
  assert.not.ok(direct instanceof Promise);
  const awaited = await sync.execute({ n: 1 }, { name: 'first' });
  // Each Express execution's ARN ends in a UUID of its own.
  const same = (r: object) => ({ ...r, startDate: 0, stopDate: 0, executionArn: (r as { executionArn: string }).executionArn.slice(0, -37) });
  assert.equal(same(direct), same(awaited));

  const failing = compile({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } }).run({});
  assert.not.ok(failing instanceof Promise);
  assert.equal([(failing as { status: string }).status, (failing as { error: string }).error], ['FAILED', 'E']);

  const waiting = compile({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, End: true } } }, { clock: virtualClock(0) }).run({ a: 1 });
  assert.ok(waiting instanceof Promise);
  assert.equal((await waiting).output, { a: 1 });

  const asyncHandler = compile(definition, { handlers: { h: async (x: { n: number }) => ({ n: x.n * 2 }) } }).run({ n: 4 });
  assert.ok(asyncHandler instanceof Promise);
  assert.equal((await asyncHandler).output, { n: 8 });
});

execute.run();
