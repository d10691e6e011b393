import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * The defects the hostile-input properties found, each as the plain case it shrank to.
 */
const regressions = suite('hostile: regressions');

regressions('a synchronous loop whose every transition measures a large payload still lets an abort in within a few transitions', async () => {
  // Found by the mutated-definitions search: a Pass looping on itself with ResultPath grows
  // its output a little each time, and each transition then measures the whole output. The
  // run yielded to the event loop only every 10,000 transitions, which took seconds here:
  // aborts, timers and an HTTP server sharing the thread waited that long.
  let calls = 0;
  const machine = compile(
    {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: 'work', Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1e9, Next: 'Done' }], Default: 'Work' },
        Done: { Type: 'Succeed' },
      },
    },
    {
      handlers: {
        work: (input: { n: number; rows: unknown[] }) => {
          calls++;
          return { n: input.n + 1, rows: input.rows };
        },
      },
      clock: virtualClock(0),
    },
  );
  // Over the payload limit by its cheap bound, under it by its exact size: every result is measured exactly.
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ i }));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 0);
  const result = await machine.execute({ n: 0, rows }, { signal: controller.signal });
  assert.is(result.status, 'ABORTED');
  assert.ok(calls < 1000, `the abort waited for ${calls} calls`);
});

regressions.run();
