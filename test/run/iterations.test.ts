import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Machine } from '../../src/index.js';
import type { MapIterationsRequest, MapIterationsResult } from '../../src/run/iterations.js';

/**
 * machine.iterations(): Map iterations run outside the execution that reached the Map (the
 * pool's fan-out) see what they would see inside it. Each case runs a definition twice,
 * in-process and through a mapExecutor that uses machine.iterations, and compares.
 */
const iterations = suite('Map iterations run elsewhere');

/** A mapExecutor that runs every iteration through `machine.iterations`, as a pool worker does. */
async function runElsewhere(machine: Machine, request: MapIterationsRequest): Promise<MapIterationsResult> {
  const runner = machine.iterations(request.state, request.parent);
  const outputs: unknown[] = [];
  const failures: { index: number; error: string | null; cause: string | null }[] = [];
  for (let index = 0; index < request.inputs.length; index++) {
    const outcome = await runner.run(request.inputs[index], index);
    if ('output' in outcome) outputs[index] = outcome.output;
    else failures.push({ index, error: outcome.error, cause: outcome.cause });
  }
  return { outputs, failures, stopped: false };
}

function both(definition: unknown, handlers = {}) {
  const local = compile(definition, { handlers, clock: virtualClock(0) });
  let calls = 0;
  const elsewhere: Machine = compile(definition, {
    handlers,
    clock: virtualClock(0),
    mapExecutor: (request) => {
      calls++;
      return runElsewhere(elsewhere, request);
    },
  });
  return { local, elsewhere, calls: () => calls };
}

const seeing = {
  StartAt: 'Remember',
  States: {
    Remember: { Type: 'Pass', Assign: { greeting: 'hello', 'count.$': '$.n' }, Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Look',
        States: {
          Look: {
            Type: 'Pass',
            Parameters: {
              'item.$': '$',
              'execution.$': '$$.Execution.Name',
              'input.$': '$$.Execution.Input.n',
              'started.$': '$$.Execution.StartTime',
              'index.$': '$$.Map.Item.Index',
              'greeting.$': '$greeting',
              'count.$': '$count',
            },
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

iterations('an iteration sees the execution, its item and the outer variables as in-process', async () => {
  const { local, elsewhere, calls } = both(seeing);
  const input = { n: 3, items: ['a', 'b', 'c'] };
  const a = await local.execute(input, { name: 'run-1' });
  const b = await elsewhere.execute(input, { name: 'run-1' });
  assert.is(calls(), 1);
  assert.is(b.status, 'SUCCEEDED', b.cause ?? '');
  assert.equal(b.output, a.output);
  assert.equal((b.output as { execution: string; greeting: string }[])[2], {
    item: 'c',
    execution: 'run-1',
    input: 3,
    started: '1970-01-01T00:00:00Z',
    index: 2,
    greeting: 'hello',
    count: 3,
  });
});

iterations("a distributed Map's iterations see no outer variables, there as here", async () => {
  const distributed = structuredClone(seeing) as any;
  distributed.States.Each.ItemProcessor.ProcessorConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' };
  distributed.States.Each.ItemProcessor.States.Look.Parameters = { 'item.$': '$', 'index.$': '$$.Map.Item.Index' };
  distributed.States.Each.ItemProcessor.States.Look.Next = 'Read';
  delete distributed.States.Each.ItemProcessor.States.Look.End;
  distributed.States.Each.ItemProcessor.States.Read = { Type: 'Pass', Parameters: { 'g.$': '$greeting' }, End: true };
  const { local, elsewhere } = both(distributed);
  const input = { n: 1, items: [1] };
  const a = await local.execute(input);
  const b = await elsewhere.execute(input);
  assert.equal([b.status, b.error], [a.status, a.error]);
  assert.is(a.status, 'FAILED');
});

iterations('a failing iteration fails the Map with its error, there as here', async () => {
  const failing = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'work', End: true } } },
        End: true,
      },
    },
  };
  const handlers = {
    work: (x: number) => {
      if (x === 2) throw Object.assign(new Error('two is bad'), { name: 'Bad.Item' });
      return x * 10;
    },
  };
  const { local, elsewhere } = both(failing, handlers);
  const a = await local.execute([1, 2, 3]);
  const b = await elsewhere.execute([1, 2, 3]);
  assert.equal([b.status, b.error, b.cause], [a.status, a.error, a.cause]);
  assert.equal([a.error, a.cause], ['Bad.Item', 'two is bad']);
  const ok = await elsewhere.execute([1, 3]);
  assert.equal(ok.output, [10, 30]);
});

iterations('an unknown pointer is refused', () => {
  const { local } = both(seeing);
  assert.throws(
    () => local.iterations('/States/Remember', { executionName: 'x', executionInput: {}, executionStartMs: 0, remainingMs: 1000, variables: [] }),
    /no Map state/,
  );
  assert.ok(local.iterations('/States/Each', { executionName: 'x', executionInput: {}, executionStartMs: 0, remainingMs: 1000, variables: [] }));
});

iterations("an iteration past the execution's remaining time ends as States.Timeout", async () => {
  const { local } = both({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, Next: 'P' }, P: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  });
  const runner = local.iterations('/States/Each', { executionName: 'x', executionInput: {}, executionStartMs: 0, remainingMs: 5_000, variables: [] });
  const outcome = await runner.run({}, 0);
  assert.is('error' in outcome ? outcome.error : null, 'States.Timeout');
});

iterations.run();
