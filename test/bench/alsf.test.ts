import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alsfSubject } from '../../bench/engines/alsf.js';
import { Unsupported, type Subject } from '../../bench/engines/subject.js';
import type { BenchWorkflow } from '../../bench/workflow.js';

function workflow(definition: Record<string, unknown>, handlers: Record<string, (input: any, ctx: { attempt: number }) => unknown>): BenchWorkflow {
  return { name: 'test', definition, handlers, handlersModule: null, generator: null, inputs: [], baseline: null, expected: null };
}

async function subject(definition: Record<string, unknown>, handlers: Record<string, (input: any, ctx: { attempt: number }) => unknown>): Promise<Subject> {
  const made = await alsfSubject(workflow(definition, handlers));
  if (made instanceof Unsupported) throw new Error(made.reason);
  return made;
}

test('tasks are bound to handlers by their Resource, through the state name', async () => {
  const peer = await subject(
    { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double', End: true } } },
    { 'arn:aws:lambda:us-east-1:123456789012:function:double': (input: { n: number }) => ({ n: input.n * 2 }) },
  );
  assert.equal(await peer.outcome({ n: 21 }), { status: 'SUCCEEDED', output: { n: 42 } });
});

test('lambda:invoke is emulated: the handler gets Payload, the result is wrapped', async () => {
  const peer = await subject(
    {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST', 'Payload.$': '$' },
          ResultSelector: { 'echo.$': '$.Payload', 'code.$': '$.StatusCode' },
          End: true,
        },
      },
    },
    { 'arn:aws:lambda:us-east-1:123456789012:function:echo': (input: unknown) => input },
  );
  assert.equal(await peer.outcome({ a: 1 }), { status: 'SUCCEEDED', output: { echo: { a: 1 }, code: 200 } });
  assert.match(peer.note ?? '', /lambda:invoke emulated/);
});

test('retried handlers see the attempt number; failures keep their error name and cause', async () => {
  const definition = {
    StartAt: 'Flaky',
    States: { Flaky: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 5, MaxAttempts: 2 }], End: true } },
  };
  const peer = await subject(definition, {
    flaky(input: { failures: number }, ctx) {
      if (ctx.attempt <= input.failures) throw Object.assign(new Error(`attempt ${ctx.attempt}`), { name: 'Busy' });
      return { attempt: ctx.attempt };
    },
  });
  assert.equal(await peer.outcome({ failures: 2 }), { status: 'SUCCEEDED', output: { attempt: 3 } });
  assert.equal(await peer.outcome({ failures: 3 }), { status: 'FAILED', error: 'Busy', cause: 'attempt 3' });
  assert.is(await peer.run({ failures: 3 }), undefined);
});

test('what ALSF cannot run is reported, not timed', async () => {
  const jsonata = await alsfSubject(workflow({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}));
  assert.instance(jsonata, Unsupported);
  const missing = await alsfSubject(workflow({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'nowhere', End: true } } }, {}));
  assert.instance(missing, Unsupported);
  assert.match((missing as Unsupported).reason, /no handler for resource nowhere/);
  const dynamic = await alsfSubject(
    workflow(
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': '$.f' }, End: true } } },
      {},
    ),
  );
  assert.match((dynamic as Unsupported).reason, /constant FunctionName/);
});

test.run();
