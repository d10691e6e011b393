import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, OptionError, virtualClock, type Handlers } from '../../src/index.js';
import { formatTrace } from '../../src/run/trace.js';

/** The human trace: states entered and left with input, output, durations, retries and failures. */
const trace = suite('trace');

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
async function traceOf(definition: unknown, handlers: Handlers, input: unknown, options = {}): Promise<string[]> {
  const r = await compile(definition, { handlers, clock: virtualClock(0), history: 'ALL' }).execute(input);
  return formatTrace(r.history!, options).trimEnd().split('\n');
}

trace('each state entered and left, with input, output, offset and duration; retries and failures in between', async () => {
  let calls = 0;
  const lines = await traceOf(
    {
      StartAt: 'Charge',
      States: {
        Charge: { Type: 'Task', Resource: 'charge', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 2 }], Next: 'Wait' },
        Wait: { Type: 'Wait', Seconds: 3, End: true },
      },
    },
    {
      charge: () => {
        if (calls++ === 0) throw named('Busy', 'try later');
        return { ok: true };
      },
    },
    { id: 1 },
  );
  assert.equal(lines, [
    '     +0ms  execution started  input {"id":1}',
    '     +0ms  -> Charge (Task)  input {"id":1}',
    '     +0ms    TaskFailed  Busy: try later',
    '  +2000ms    retry 1',
    '  +2000ms  <- Charge  output {"ok":true}  2000ms, 1 retry',
    '  +2000ms  -> Wait (Wait)  input {"ok":true}',
    '  +5000ms  <- Wait  output {"ok":true}  3000ms',
    '  +5000ms  execution succeeded  output {"ok":true}',
  ]);
});

trace("a Parallel's end and a retry's start stay at the Parallel's depth though they follow a branch's last event", async () => {
  const definition = {
    StartAt: 'Par',
    States: {
      Par: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
          { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'bad' } } },
        ],
        Retry: [{ ErrorEquals: ['Oops'], MaxAttempts: 1, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    },
  };
  const lines = await traceOf(definition, {}, {});
  assert.equal(lines, [
    '     +0ms  execution started  input {}',
    '     +0ms  -> Par (Parallel)  input {}',
    '     +0ms    [branch 1] -> A (Pass)  input {}',
    '     +0ms    [branch 1] <- A  output {}  0ms',
    '     +0ms    [branch 2] -> F (Fail)  input {}',
    '  +1000ms    [branch 1] -> A (Pass)  input {}',
    '  +1000ms    [branch 1] <- A  output {}  0ms',
    '  +1000ms    [branch 2] -> F (Fail)  input {}',
    '  +1000ms    ParallelStateFailed  (no error)',
    '  +1000ms  <- Par  output {"Error":"Oops","Cause":"bad"}  1000ms',
    '  +1000ms  -> Done (Pass)  input {"Error":"Oops","Cause":"bad"}',
    '  +1000ms  <- Done  output {"Error":"Oops","Cause":"bad"}  0ms',
    '  +1000ms  execution succeeded  output {"Error":"Oops","Cause":"bad"}',
  ]);
});

trace('Map iterations and Parallel branches are indented and labelled', async () => {
  const lines = await traceOf(
    {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
            { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, End: true } } },
          ],
          End: true,
        },
      },
    },
    {},
    [7, 8],
  );
  assert.equal(
    lines.map((l) => l.slice(11)),
    [
      'execution started  input [7,8]',
      '-> Par (Parallel)  input [7,8]',
      '  [branch 1] -> A (Pass)  input [7,8]',
      '  [branch 1] <- A  output [7,8]  0ms',
      '  [branch 2] -> M (Map)  input [7,8]',
      '    [branch 2] map over 2 items',
      '    [0] -> X (Pass)  input 7',
      '    [0] <- X  output 7  0ms',
      '    [1] -> X (Pass)  input 8',
      '    [1] <- X  output 8  0ms',
      '  [branch 2] <- M  output [7,8]  0ms',
      '<- Par  output [[7,8],[7,8]]  0ms',
      'execution succeeded  output [[7,8],[7,8]]',
    ],
  );
});

trace('a failed execution ends with its error and cause; long values are cut', async () => {
  const lines = await traceOf(
    { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Nope', Cause: 'because' } } },
    {},
    { text: 'x'.repeat(50) },
    { maxValueLength: 10 },
  );
  assert.equal(
    lines.map((l) => l.slice(11)),
    ['execution started  input {"text":"x…', '-> F (Fail)  input {"text":"x…', 'execution failed  Nope: because'],
  );
});

trace("a Map iteration's failed JSONata evaluation shows in the iteration, the Map's failure in the Map", async () => {
  const lines = await traceOf(
    {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% [1, 2] %}',
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', Output: '{% $states.input = 2 ? $nope : 1 %}', End: true } } },
          End: true,
        },
      },
    },
    {},
    {},
    { maxValueLength: 10 },
  );
  assert.equal(
    lines.map((l) => l.slice(11).replace(/: An error occurred.*/, '')),
    [
      'execution started  input {}',
      '-> M (Map)  input {}',
      '  map over 2 items',
      '  [0] -> I (Pass)  input 1',
      '  [0] <- I  output 1  0ms',
      '  [1] -> I (Pass)  input 2',
      '    [1] EvaluationFailed  States.QueryEvaluationError',
      '  MapIterationFailed  (no error)',
      '  MapStateFailed  (no error)',
      'execution failed  States.QueryEvaluationError',
    ],
  );
});

trace('an empty history is an empty trace', () => {
  assert.is(formatTrace([]), '');
});

trace("formatTrace(result.history) of a machine that records no history throws an OptionError saying so (it was a TypeError reading 'length')", async () => {
  const r = await compile({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }).execute({});
  for (const given of [r.history, null, 'events']) {
    try {
      formatTrace(given as never);
      assert.unreachable('formatted');
    } catch (error) {
      assert.instance(error, OptionError);
      assert.is((error as OptionError).option, 'history');
    }
  }
  try {
    formatTrace(r.history!);
  } catch (error) {
    assert.ok((error as Error).message.includes("{ history: 'ALL' }"), (error as Error).message);
  }
});

trace.run();
