import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Clock, type Handlers } from '../../src/index.js';

/**
 * Which document each `…Path` field of each state type reads. Every field below reads the
 * state's input after InputPath (the effective input); none reads what Parameters built;
 * a Fail state (no InputPath) reads its input.
 */
const documents = suite('path-documents');

function handlers(clock: Clock): Handlers {
  return {
    slow: () => clock.sleep(5_000).then(() => 'finished'),
    echo: (x: unknown) => x,
    fail: (x: { bad?: boolean }) => {
      if (x.bad) throw Object.assign(new Error('no'), { name: 'Item.Failed' });
      return x;
    },
  };
}

const task = (fields: Record<string, unknown>, resource = 'slow') => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: resource, InputPath: '$.job', Parameters: { 'payload.$': '$.payload' }, ...fields, End: true } },
});

const map = (fields: Record<string, unknown>) => ({
  StartAt: 'M',
  States: {
    M: { Type: 'Map', InputPath: '$.job', ...fields, End: true, ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fail', End: true } } } },
  },
});

const cases: { name: string; definition: object; input: unknown; status: string; error?: string; output?: unknown }[] = [
  {
    name: 'Task TimeoutSecondsPath: a field Parameters leaves out still times the task out',
    definition: task({ TimeoutSecondsPath: '$.limit' }),
    input: { job: { payload: 1, limit: 1 } },
    status: 'FAILED',
    error: 'States.Timeout',
  },
  {
    name: 'Task TimeoutSecondsPath: a long enough limit lets the task finish',
    definition: task({ TimeoutSecondsPath: '$.limit' }),
    input: { job: { payload: 1, limit: 10 } },
    status: 'SUCCEEDED',
    output: 'finished',
  },
  {
    name: 'Task TimeoutSecondsPath: a field outside InputPath is not seen',
    definition: task({ TimeoutSecondsPath: '$.limit' }),
    input: { limit: 1, job: { payload: 1 } },
    status: 'FAILED',
    error: 'States.Runtime',
  },
  {
    name: 'Task HeartbeatSecondsPath: a field Parameters leaves out still sets the heartbeat',
    definition: task({ TimeoutSeconds: 100, HeartbeatSecondsPath: '$.beat' }),
    input: { job: { payload: 1, beat: 1 } },
    status: 'FAILED',
    error: 'States.Timeout',
  },
  {
    name: 'Task TimeoutSecondsPath on lambda:invoke (FunctionName and Payload only in Parameters)',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'slow', 'Payload.$': '$' },
          TimeoutSecondsPath: '$.limit',
          End: true,
        },
      },
    },
    input: { limit: 2 },
    status: 'FAILED',
    error: 'States.Timeout',
  },
  {
    name: 'Wait SecondsPath reads the effective input',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', InputPath: '$.job', SecondsPath: '$.seconds', End: true } } },
    input: { job: { seconds: 3 } },
    status: 'SUCCEEDED',
    output: { seconds: 3 },
  },
  {
    name: 'Wait TimestampPath reads the effective input',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', InputPath: '$.job', TimestampPath: '$.at', End: true } } },
    input: { job: { at: '1970-01-01T00:00:03Z' } },
    status: 'SUCCEEDED',
    output: { at: '1970-01-01T00:00:03Z' },
  },
  {
    name: 'Map ItemsPath, MaxConcurrencyPath and ItemBatcher MaxItemsPerBatchPath read the effective input',
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          InputPath: '$.job',
          ItemsPath: '$.items',
          MaxConcurrencyPath: '$.concurrency',
          ItemBatcher: { MaxItemsPerBatchPath: '$.perBatch' },
          End: true,
          ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', End: true } } },
        },
      },
    },
    input: { job: { items: [1, 2, 3], concurrency: 1, perBatch: 2 } },
    status: 'SUCCEEDED',
    output: [{ Items: [1, 2] }, { Items: [3] }],
  },
  {
    name: 'Map ToleratedFailureCountPath reads the effective input',
    definition: map({ ItemsPath: '$.items', ToleratedFailureCountPath: '$.tolerated' }),
    input: { job: { items: [{ bad: true }, { bad: false }], tolerated: 1 } },
    status: 'SUCCEEDED',
    output: [{ Error: 'Item.Failed', Cause: 'no' }, { bad: false }],
  },
  {
    name: 'Map ToleratedFailurePercentagePath reads the effective input',
    definition: map({ ItemsPath: '$.items', ToleratedFailurePercentagePath: '$.tolerated' }),
    input: { job: { items: [{ bad: true }, { bad: false }], tolerated: 50 } },
    status: 'SUCCEEDED',
    output: [{ Error: 'Item.Failed', Cause: 'no' }, { bad: false }],
  },
  {
    name: 'Fail ErrorPath and CausePath read the state input',
    definition: { StartAt: 'F', States: { F: { Type: 'Fail', ErrorPath: '$.error.name', CausePath: '$.error.cause' } } },
    input: { error: { name: 'Job.Failed', cause: 'disk full' } },
    status: 'FAILED',
    error: 'Job.Failed',
  },
];

for (const c of cases) {
  documents(c.name, async () => {
    const clock = virtualClock(0);
    const r = await compile(c.definition, { clock, handlers: handlers(clock) }).execute(c.input);
    assert.is(r.status, c.status, r.cause ?? '');
    if (c.error !== undefined) assert.is(r.error, c.error);
    if ('output' in c) assert.equal(r.output, c.output);
  });
}

documents.run();
