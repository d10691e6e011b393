import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../src/compile/machine.js';
import { virtualClock } from '../../src/run/clock.js';
import { createPool, type Pool } from '../../src/pool/index.js';
import { citedId, citing, citingEnteredId } from '../support/citing.js';
import { handlers } from './fixtures/handlers.js';

/**
 * A Map whose iterations the pool spreads over its threads (mapFanOut) records no history
 * there (pooled executions keep none), but the ids later states cite ("entered at the event
 * id #N") count the events the Map and its iterations would record, as in-process: N is the
 * id of the state's StateEntered in the history of the same execution run in-process. Each
 * row's Map runs all its 20 items (the pool fans out from 1 item on), then Citing fails
 * citing its own entry.
 */
const fanOutIds = suite<{ pool: Pool }>('event ids cited after a Map fanned out over the pool');

const handlersUrl = new URL('./fixtures/handlers.ts', import.meta.url);
const items = Array.from({ length: 20 }, (_, n) => ({ n }));

/** Each row's Map state, without Next. */
const maps: { name: string; map: Record<string, unknown> }[] = [
  {
    name: 'iterations of a Pass, then a Task',
    map: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'T' }, T: { Type: 'Task', Resource: 'double', End: true } } },
    },
  },
  {
    name: 'iterations choosing between a synchronous and an asynchronous Task',
    map: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThanEquals: 10, Next: 'Later' }], Default: 'Now' },
          Later: { Type: 'Task', Resource: 'later', End: true },
          Now: { Type: 'Task', Resource: 'double', End: true },
        },
      },
    },
  },
  {
    name: 'iterations whose Task is retried once',
    map: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1 }], End: true } },
      },
    },
  },
  {
    name: 'iterations whose Task fails into its own Catch',
    map: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: 'fail', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
          Caught: { Type: 'Pass', End: true },
        },
      },
    },
  },
  {
    name: 'iterations of which some fail, all tolerated',
    map: {
      Type: 'Map',
      ItemsPath: '$.items',
      ToleratedFailurePercentage: 100,
      ItemProcessor: {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 5, Next: 'Fails' }], Default: 'Now' },
          Fails: { Type: 'Task', Resource: 'fail', End: true },
          Now: { Type: 'Task', Resource: 'double', End: true },
        },
      },
    },
  },
  {
    name: 'iterations of a nested Parallel',
    map: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'double', End: true } } },
              { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
            ],
            End: true,
          },
        },
      },
    },
  },
  {
    name: "a Distributed Map's child executions",
    map: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: 'double', End: true } },
      },
    },
  },
];

function definition(map: Record<string, unknown>): Record<string, unknown> {
  return { StartAt: 'Each', States: { Each: { ...map, Next: 'Citing' }, Citing: citing } };
}

fanOutIds.before((context) => {
  context.pool = createPool({ threads: 2, mapFanOutMinItems: 1 });
  for (const { name, map } of maps)
    context.pool.register(name, { definition: definition(map), handlers: handlersUrl, mapFanOut: true, options: { clock: 'virtual' } });
});

fanOutIds.after(async (context) => {
  await context.pool.close();
});

for (const { name, map } of maps) {
  fanOutIds(name, async ({ pool }) => {
    const inProcess = await compile(definition(map), { handlers, clock: virtualClock(), history: 'ALL' }).execute({ items });
    const entered = citingEnteredId(inProcess.history!);
    assert.is(citedId(inProcess.cause), entered, 'in-process');
    const pooled = await pool.execute(name, { items });
    assert.is(citedId(pooled.cause), entered, 'through the pool');
  });
}

fanOutIds.run();
