import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, StandardTasks, StopHandle, virtualClock, type ExecutionResult, type TaskContext } from '../../src/index.js';

/**
 * ExecuteOptions.stop: a StopHandle stops an execution as aborting ExecuteOptions.signal
 * does, wherever the execution is (not started, running synchronously, in an asynchronous
 * handler, suspended on a token, waiting in a Parallel branch), and its reason becomes the
 * ABORTED result's cause.
 */
const stopHandle = suite('stop-handle');

const SQS_WAIT = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A Pass, then `middle`, then a Task 'after' that records that it ran. */
function machineWith(middle: Record<string, unknown>, handlers: Record<string, (input: any, ctx: TaskContext) => unknown>) {
  const tasks = new StandardTasks();
  const calls: string[] = [];
  const machine = compile(
    {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Next: 'Middle' },
        Middle: { ...middle, Next: 'After' },
        After: { Type: 'Task', Resource: 'after', End: true },
      },
    },
    {
      handlers: { ...handlers, after: () => void calls.push('after') },
      integrations: tasks.integrations(),
      workflowType: 'STANDARD',
      history: 'ALL',
      clock: virtualClock(),
    },
  );
  return { tasks, calls, machine };
}

const types = (r: ExecutionResult) => (r.history ?? []).map((e) => e.type);

interface Case {
  name: string;
  middle: Record<string, unknown>;
  /** Stops the execution: `stop` is its handle, `tokens` the tokens handed out so far. */
  run(stop: StopHandle, start: () => Promise<ExecutionResult>, tokens: string[]): Promise<ExecutionResult>;
  /** Events the history ends with. */
  lastEvents: string[];
}

const tokenTask = { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token' } };

const cases: Case[] = [
  {
    name: 'stopped before it starts: ABORTED at once, no state runs',
    middle: { Type: 'Task', Resource: 'slow' },
    async run(stop, start) {
      stop.stop(new Error('not wanted'));
      return start();
    },
    lastEvents: ['ExecutionStarted', 'ExecutionAborted'],
  },
  {
    name: 'stopped by its own handler while the run is synchronous: the run ends at the next transition',
    middle: { Type: 'Task', Resource: 'stopsItself' },
    async run(_stop, start) {
      return start();
    },
    lastEvents: ['TaskSucceeded', 'TaskStateExited', 'ExecutionAborted'],
  },
  {
    name: 'suspended on a task token: the stop settles the suspension, the token is retired',
    middle: tokenTask,
    async run(stop, start, tokens) {
      const pending = start();
      assert.is(tokens.length, 1);
      stop.stop(new Error('operator'));
      return pending;
    },
    lastEvents: ['TaskStarted', 'TaskSubmitted', 'ExecutionAborted'],
  },
  {
    name: 'waiting on a token in a Parallel branch (the promise path)',
    middle: { Type: 'Parallel', Branches: [{ StartAt: 'Wait', States: { Wait: { ...tokenTask, End: true } } }] },
    async run(stop, start, tokens) {
      const pending = start();
      await flush();
      assert.is(tokens.length, 1);
      stop.stop(new Error('operator'));
      return pending;
    },
    lastEvents: ['TaskSubmitted', 'ExecutionAborted'],
  },
  {
    name: 'in an asynchronous handler: its signal aborts',
    middle: { Type: 'Task', Resource: 'slow' },
    async run(stop, start) {
      const pending = start();
      await flush();
      stop.stop(new Error('operator'));
      return pending;
    },
    lastEvents: ['TaskStarted', 'ExecutionAborted'],
  },
];

for (const c of cases) {
  stopHandle(c.name, async () => {
    const stop = new StopHandle();
    const tokens: string[] = [];
    const signals: AbortSignal[] = [];
    const { tasks, calls, machine } = machineWith(c.middle, {
      'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void tokens.push(input.token),
      stopsItself: () => {
        stop.stop(new Error('by the handler'));
        return 'done';
      },
      slow: (_input, ctx) => {
        signals.push(ctx.signal);
        return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('late'), { once: true }));
      },
    });
    const result = await c.run(stop, () => machine.execute({}, { stop }), tokens);
    assert.is(result.status, 'ABORTED');
    assert.is(result.error, 'States.Aborted');
    assert.is(result.cause, (stop.reason as Error).message);
    assert.equal(calls, [], 'no state runs after the stop');
    assert.equal(types(result).slice(-c.lastEvents.length), c.lastEvents);
    assert.is(tasks.tokens.size, 0, 'no token waits any more');
    for (const token of tokens) assert.is(tasks.tokens.succeed(token, {}), 'finished');
    for (const signal of signals) assert.ok(signal.aborted, 'the handler saw its signal abort');
  });
}

stopHandle("the cause is a reason's message, a reason's text, or 'The execution was aborted.' without one", async () => {
  const causes: string[] = [];
  for (const reason of [new Error('from an Error'), 'plain text', undefined]) {
    const { machine } = machineWith(tokenTask, { 'arn:aws:states:::sqs:sendMessage': () => undefined });
    const stop = new StopHandle();
    const pending = machine.execute({}, { stop });
    stop.stop(reason);
    causes.push((await pending).cause!);
  }
  assert.equal(causes, ['from an Error', 'plain text', 'The execution was aborted.']);
});

stopHandle('a stop after the end, and a second stop, change nothing', async () => {
  const { tasks, machine } = machineWith(tokenTask, { 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void token.push(input.token) });
  const token: string[] = [];
  const stop = new StopHandle();
  const pending = machine.execute({}, { stop });
  tasks.sendTaskSuccess({ taskToken: token[0]!, output: '{}' });
  const result = await pending;
  stop.stop(new Error('too late'));
  stop.stop(new Error('again'));
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(stop.reason, new Error('too late'));
});

stopHandle('a signal given beside a stop handle wins: its abort stops the execution', async () => {
  const { machine } = machineWith(tokenTask, { 'arn:aws:states:::sqs:sendMessage': () => undefined });
  const controller = new AbortController();
  const pending = machine.execute({}, { signal: controller.signal, stop: new StopHandle() });
  controller.abort(new Error('from the signal'));
  const result = await pending;
  assert.equal([result.status, result.cause], ['ABORTED', 'from the signal']);
});

stopHandle.run();
