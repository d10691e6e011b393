import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, StandardTasks, virtualClock, type Clock, type Handlers } from '../../src/index.js';
import type { ExecutionResult } from '../../src/run/result.js';

/**
 * A handler that throws synchronously fails its attempt through every Task path the same
 * way: callHandler hands the failure up as a value (run/task-call.ts, TaskFailure) and each
 * layer passes it on, to Retry and Catch, or to the execution's failure when the state has
 * neither. Each case runs a path whose layer would otherwise mistake the failure for a result.
 */
const failure = suite('a handler failure on every Task path');

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const SQS_WAIT = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

function busy(): Error {
  return Object.assign(new Error('try later'), { name: 'Busy' });
}

/** Throws Busy on its first `failures` attempts, then answers `{ ok: attempt }`. */
function flaky(failures: number) {
  return (_input: unknown, ctx: { attempt: number }) => {
    if (ctx.attempt <= failures) throw busy();
    return { ok: ctx.attempt };
  };
}

const retryOnce = [{ ErrorEquals: ['Busy'], IntervalSeconds: 1, MaxAttempts: 1 }];
const catchBusy = [{ ErrorEquals: ['Busy'], Next: 'Caught' }];
const caughtState = { Caught: { Type: 'Pass', End: true } };
const caught = { Error: 'Busy', Cause: 'try later' };

/** A one-Task machine (plus the Catch target when it catches). */
function oneTask(task: Record<string, unknown>, language: 'JSONPath' | 'JSONata' = 'JSONPath') {
  return { QueryLanguage: language, StartAt: 'Call', States: { Call: { Type: 'Task', End: true, ...task }, ...('Catch' in task ? caughtState : {}) } };
}

interface Case {
  readonly name: string;
  readonly definition: unknown;
  readonly handlers: Handlers;
  readonly history?: boolean;
  /** No payload limit: a JSONata lambda:invoke then calls directly whatever its Payload's size. */
  readonly unlimited?: boolean;
  readonly expected: Partial<ExecutionResult>;
}

const asyncJsonata = '{% $sift({"a": 1}, function($v) { $v = 1 }).a %}';

const cases: Case[] = [
  {
    name: 'JSONPath resource, retried once',
    definition: oneTask({ Resource: 'call', Retry: retryOnce }),
    handlers: { call: flaky(1) },
    expected: { status: 'SUCCEEDED', output: { ok: 2 } },
  },
  {
    name: 'JSONPath resource, no Retry or Catch: the execution fails with its error',
    definition: oneTask({ Resource: 'call' }),
    handlers: { call: flaky(1) },
    expected: { status: 'FAILED', error: 'Busy', cause: 'try later' },
  },
  {
    name: 'JSONPath resource, caught after its retry',
    definition: oneTask({ Resource: 'call', Retry: retryOnce, Catch: catchBusy }),
    handlers: { call: flaky(2) },
    expected: { status: 'SUCCEEDED', output: caught },
  },
  {
    name: 'JSONPath resource under TimeoutSeconds, caught',
    definition: oneTask({ Resource: 'call', TimeoutSeconds: 5, Catch: catchBusy }),
    handlers: { call: flaky(1) },
    expected: { status: 'SUCCEEDED', output: caught },
  },
  {
    name: 'lambda:invoke with a FunctionName from a path, retried once',
    definition: oneTask({ Resource: LAMBDA, Parameters: { 'FunctionName.$': '$.fn' }, ResultSelector: { 'answer.$': '$.Payload' }, Retry: retryOnce }),
    handlers: { fn: flaky(1) },
    expected: { status: 'SUCCEEDED', output: { answer: { ok: 2 } } },
  },
  {
    name: 'lambda:invoke with a constant FunctionName and Payload (the direct call), caught',
    definition: oneTask({ Resource: LAMBDA, Parameters: { FunctionName: 'fn', 'Payload.$': '$' }, Catch: catchBusy }),
    handlers: { fn: flaky(1) },
    expected: { status: 'SUCCEEDED', output: caught },
  },
  {
    name: 'JSONPath resource recorded in the history, caught',
    definition: oneTask({ Resource: 'call', Catch: catchBusy }),
    handlers: { call: flaky(1) },
    history: true,
    expected: { status: 'SUCCEEDED', output: caught },
  },
  {
    name: 'JSONata resource with an Output, caught',
    definition: oneTask(
      { Resource: 'call', Output: { result: '{% $states.result %}' }, Catch: [{ ErrorEquals: ['Busy'], Output: '{% $states.errorOutput %}', Next: 'Caught' }] },
      'JSONata',
    ),
    handlers: { call: flaky(1) },
    expected: { status: 'SUCCEEDED', output: caught },
  },
  {
    name: 'JSONata resource, no Retry or Catch: the execution fails with its error',
    definition: oneTask({ Resource: 'call' }, 'JSONata'),
    handlers: { call: flaky(1) },
    expected: { status: 'FAILED', error: 'Busy', cause: 'try later' },
  },
  {
    name: 'JSONata lambda:invoke with a constant FunctionName (the direct call), retried once',
    definition: oneTask(
      { Resource: LAMBDA, Arguments: { FunctionName: 'fn', Payload: '{% $states.input %}' }, Retry: retryOnce, Output: '{% $states.result.Payload %}' },
      'JSONata',
    ),
    handlers: { fn: flaky(1) },
    unlimited: true,
    expected: { status: 'SUCCEEDED', output: { ok: 2 } },
  },
  {
    name: 'JSONata Arguments evaluated asynchronously, caught',
    definition: oneTask({ Resource: 'call', Arguments: { a: asyncJsonata }, Catch: catchBusy }, 'JSONata'),
    handlers: { call: flaky(1) },
    expected: { status: 'SUCCEEDED', output: caught },
  },
  {
    name: 'JSONata TimeoutSeconds evaluated asynchronously, caught',
    definition: oneTask({ Resource: 'call', TimeoutSeconds: `{% 10 + ${asyncJsonata.slice(3, -3)} %}`, Catch: catchBusy }, 'JSONata'),
    handlers: { call: flaky(1) },
    expected: { status: 'SUCCEEDED', output: caught },
  },
  {
    name: 'JSONata direct lambda:invoke whose Payload is evaluated asynchronously, caught',
    definition: oneTask({ Resource: LAMBDA, Arguments: { FunctionName: 'fn', Payload: asyncJsonata }, Catch: catchBusy }, 'JSONata'),
    handlers: { fn: flaky(1) },
    unlimited: true,
    expected: { status: 'SUCCEEDED', output: caught },
  },
];

for (const c of cases) {
  failure(c.name, async () => {
    const machine = compile(c.definition, {
      handlers: c.handlers,
      clock: virtualClock(0),
      ...(c.history === true ? { history: 'ALL' as const } : {}),
      ...(c.unlimited === true ? { limits: { payloadBytes: Infinity } } : {}),
    });
    const r = await machine.execute({ fn: 'fn' });
    for (const [field, value] of Object.entries(c.expected)) assert.equal(r[field as keyof ExecutionResult], value, field);
  });
}

failure('recorded in the history: the failed attempt is TaskFailed, then the retry is scheduled again', async () => {
  const machine = compile(oneTask({ Resource: 'call', Retry: retryOnce }), { handlers: { call: flaky(1) }, clock: virtualClock(0), history: 'ALL' });
  const r = await machine.execute({});
  assert.is(r.status, 'SUCCEEDED');
  const tasks = r.history!.map((e) => e.type).filter((type) => type.startsWith('Task') && type !== 'TaskStateEntered' && type !== 'TaskStateExited');
  assert.equal(tasks, ['TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded']);
  const failed = r.history!.find((e) => e.type === 'TaskFailed') as unknown as { taskFailedEventDetails: Record<string, unknown> };
  assert.equal([failed.taskFailedEventDetails.error, failed.taskFailedEventDetails.cause], ['Busy', 'try later']);
});

/** A virtual clock whose time the handler can also move: a handler that holds the thread past its TimeoutSeconds. */
function handMovedClock(): Clock & { advance(ms: number): void } {
  const base = virtualClock(0);
  let moved = 0;
  return {
    now: () => base.now() + moved,
    schedule: (ms, callback) => base.schedule(ms, callback),
    sleep: (ms, signal) => base.sleep(ms, signal),
    virtual: true,
    advance(ms) {
      moved += ms;
    },
  };
}

for (const outcome of ['answers', 'throws'] as const) {
  failure(`a handler that ${outcome} after holding the thread past TimeoutSeconds times out, and is retried`, async () => {
    const clock = handMovedClock();
    const handlers = {
      call: (_input: unknown, ctx: { attempt: number }) => {
        if (ctx.attempt === 1) {
          clock.advance(6_000);
          if (outcome === 'throws') throw busy();
        }
        return { ok: ctx.attempt };
      },
    };
    const definition = oneTask({ Resource: 'call', TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1 }] });
    const r = await compile(definition, { handlers, clock }).execute({});
    assert.equal([r.status, r.output], ['SUCCEEDED', { ok: 2 }]);
  });
}

/** A callback Task whose resource throws at once: on the main line (it would suspend) and in a Parallel branch (it would wait). */
function callbackMachine(inBranch: boolean) {
  const tasks = new StandardTasks();
  const tokens: string[] = [];
  const wait = { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token' }, Catch: catchBusy, End: true };
  const definition = inBranch
    ? { StartAt: 'Call', States: { Call: { Type: 'Parallel', Branches: [{ StartAt: 'Wait', States: { Wait: wait, ...caughtState } }], End: true } } }
    : { StartAt: 'Wait', States: { Wait: wait, ...caughtState } };
  const machine = compile(definition, {
    handlers: {
      'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => {
        tokens.push(input.token);
        throw busy();
      },
    },
    integrations: tasks.integrations(),
    workflowType: 'STANDARD',
    clock: virtualClock(0),
  });
  return { machine, tasks, tokens };
}

for (const inBranch of [false, true]) {
  failure(`a callback Task's resource that throws ${inBranch ? 'in a Parallel branch' : 'on the main line'}: caught, its token withdrawn`, async () => {
    const { machine, tasks, tokens } = callbackMachine(inBranch);
    const r = await machine.execute({});
    assert.equal([r.status, r.output], ['SUCCEEDED', inBranch ? [caught] : caught]);
    assert.is(tokens.length, 1);
    assert.throws(() => tasks.sendTaskSuccess({ taskToken: tokens[0]!, output: '{}' }));
  });
}

failure.run();
