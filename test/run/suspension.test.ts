import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, StandardTasks, virtualClock } from '../../src/index.js';

/**
 * A task waiting for its token on the main line suspends its execution as plain data
 * (run/suspension.ts); the answer re-enters the Task at its result step. These pin what
 * only that path does, beside the end-to-end callback tests in test/service/.
 */
const suspension = suite('suspension');

const SQS_WAIT = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

function callbackMachine(approve: Record<string, unknown>, after: () => unknown = () => 'after') {
  const tasks = new StandardTasks();
  const tokens: string[] = [];
  const machine = compile(
    {
      StartAt: 'Approve',
      States: {
        Approve: { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token', 'order.$': '$.order' }, Next: 'After', ...approve },
        After: { Type: 'Task', Resource: 'after', ResultPath: '$.after', End: true },
        ...('Catch' in approve ? { Caught: { Type: 'Pass', End: true } } : {}),
      },
    },
    {
      handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void tokens.push(input.token), after },
      integrations: tasks.integrations(),
      workflowType: 'STANDARD',
      clock: virtualClock(),
    },
  );
  return { tasks, tokens, machine };
}

suspension('SendTaskSuccess runs a suspended execution on at once: the next state ran before it returns', async () => {
  let afterRan = false;
  const { tasks, tokens, machine } = callbackMachine({ ResultSelector: { 'ok.$': '$.ok' }, ResultPath: '$.answer' }, () => {
    afterRan = true;
    return 'after';
  });
  const pending = machine.execute({ order: 7 });
  assert.is(tokens.length, 1);
  tasks.sendTaskSuccess({ taskToken: tokens[0]!, output: '{"ok":true,"extra":1}' });
  // A promise chain would have run the next state in a later microtask.
  assert.ok(afterRan);
  const result = await pending;
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { order: 7, answer: { ok: true }, after: 'after' });
});

suspension('an answer given inside the handler resumes once the execution is parked', async () => {
  const tasks = new StandardTasks();
  const machine = compile(
    {
      StartAt: 'Approve',
      States: { Approve: { Type: 'Task', Resource: SQS_WAIT, Parameters: { 'token.$': '$$.Task.Token' }, ResultPath: '$.answer', End: true } },
    },
    {
      handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void tasks.sendTaskSuccess({ taskToken: input.token, output: '"now"' }) },
      integrations: tasks.integrations(),
      workflowType: 'STANDARD',
    },
  );
  const result = await machine.execute({});
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { answer: 'now' });
});

suspension('SendTaskFailure re-enters Retry with the counters the attempt had, then Catch', async () => {
  const { tasks, tokens, machine } = callbackMachine({
    Retry: [{ ErrorEquals: ['Rejected'], MaxAttempts: 2, IntervalSeconds: 1 }],
    Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'Caught' }],
  });
  const pending = machine.execute({ order: 1 });
  for (let attempt = 0; attempt < 3; attempt++) {
    while (tokens.length <= attempt) await new Promise((resolve) => setImmediate(resolve));
    tasks.sendTaskFailure({ taskToken: tokens[attempt]!, error: 'Rejected', cause: `no ${attempt}` });
  }
  const result = await pending;
  assert.is(tokens.length, 3, 'one attempt and two retries, each with its own token');
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { order: 1, error: { Error: 'Rejected', Cause: 'no 2' } });
});

suspension('a suspended task times out (States.Timeout) and its catcher runs', async () => {
  const { tasks, tokens, machine } = callbackMachine({
    TimeoutSeconds: 5,
    Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Caught' }],
  });
  const result = await machine.execute({ order: 2 });
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { order: 2, error: { Error: 'States.Timeout', Cause: '' } });
  assert.throws(
    () => tasks.sendTaskSuccess({ taskToken: tokens[0]!, output: '{}' }),
    (e: Error) => e.name === 'TaskTimedOut',
  );
});

suspension('aborting a suspended execution ends it ABORTED and retires its token', async () => {
  const { tasks, tokens, machine } = callbackMachine({});
  const controller = new AbortController();
  const pending = machine.execute({ order: 3 }, { signal: controller.signal });
  assert.is(tasks.tokens.size, 1);
  controller.abort(new Error('stop'));
  const result = await pending;
  assert.is(result.status, 'ABORTED');
  assert.is(tasks.tokens.size, 0);
  assert.is(tasks.tokens.succeed(tokens[0]!, {}), 'finished');
});

suspension.run();
