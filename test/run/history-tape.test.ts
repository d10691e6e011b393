import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, StandardTasks, virtualClock, type Handlers } from '../../src/index.js';
import type { HistoryEvent, HistoryLevel, HistoryRecorder } from '../../src/run/history.js';
import { appendEvent, NameTable, newCode, pack, readEvents } from '../../src/run/history-tape.js';

/** The compact history (run/history-tape.ts): events packed as an execution waits read back exactly as recorded. */
const tape = suite('history-tape');

/** The recorder of the execution running now, so a handler can pack its history as a waiting execution's is packed. */
let current: HistoryRecorder | null = null;
/** Whether packNow() packs: the same run is made both ways. */
let packing = false;
function packNow(): void {
  if (packing) current!.compact();
}

interface Case {
  readonly name: string;
  readonly definition: unknown;
  readonly handlers: Handlers;
  readonly input: unknown;
  readonly level?: HistoryLevel;
}

const failing = (error: string, cause: string | undefined) => () => {
  const e = new Error(cause);
  e.name = error;
  if (cause === undefined) e.message = '';
  throw e;
};

const cases: Case[] = [
  {
    name: 'Pass, Choice and Task, with payloads of characters past one byte and short texts',
    definition: {
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Parameters: { 'text.$': '$.text', empty: {} }, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.text', StringEquals: 'ünïcødé 🚀', Next: 'T' }], Default: 'T' },
        T: { Type: 'Task', Resource: 'echo', End: true },
      },
    },
    handlers: {
      echo: (x: unknown) => {
        packNow();
        return x;
      },
    },
    input: { text: 'ünïcødé 🚀' },
  },
  {
    name: 'a Task with a timeout and heartbeat, failing, retried, then caught (error and cause, a missing cause)',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          TimeoutSeconds: 30,
          HeartbeatSeconds: 10,
          Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2, IntervalSeconds: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
    },
    handlers: {
      'arn:aws:states:::lambda:invoke': (() => {
        let calls = 0;
        return () => {
          packNow();
          calls++;
          return calls % 3 === 0 ? failing('Broken', undefined)() : failing('Flaky', 'try again')();
        };
      })(),
    },
    input: {},
  },
  {
    name: 'Parallel branches and a Map (previous event ids of their own, iteration indexes, the item count)',
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'echo', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Pass', Result: 2, End: true } } },
          ],
          Next: 'Each',
        },
        Each: {
          Type: 'Map',
          ItemsPath: '$[0].items',
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Task', Resource: 'echo', End: true } } },
          End: true,
        },
      },
    },
    handlers: {
      echo: (x: unknown) => {
        packNow();
        return x;
      },
    },
    input: { items: [1, 'two', { three: 3 }] },
  },
  {
    name: 'a Wait of three days (a time that does not fit a header), then a direct Lambda ARN that fails',
    definition: {
      StartAt: 'W',
      States: {
        W: { Type: 'Wait', Seconds: 3 * 24 * 3600, Next: 'L' },
        L: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true },
      },
    },
    handlers: {
      'arn:aws:lambda:us-east-1:123456789012:function:f': () => {
        packNow();
        return failing('Oops', 'broken "quoted" cause')();
      },
    },
    input: [1.5, -2, null, true],
  },
  {
    name: "states with Assign (their exits' assigned variables) around states without",
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { n: 1, s: 'ünï', o: { k: [true, null] } }, Next: 'T' },
        T: { Type: 'Task', Resource: 'echo', Assign: { 'got.$': '$.a' }, Next: 'P' },
        P: { Type: 'Pass', End: true },
      },
    },
    handlers: {
      echo: (x: unknown) => {
        packNow();
        return x;
      },
    },
    input: { a: 'x' },
  },
  {
    name: 'a JSONata evaluation failing after a Task (EvaluationFailed: its state, cause and field)',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'echo', Next: 'P' },
        P: { Type: 'Pass', Output: { bad: '{% $nope %}' }, End: true },
      },
    },
    handlers: {
      echo: (x: unknown) => {
        packNow();
        return x;
      },
    },
    input: { a: 1 },
  },
  {
    name: 'level ERROR: only failures kept, each with its own id',
    definition: {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'echo', Next: 'F' },
        F: { Type: 'Fail', Error: 'Bad', Cause: 'it went wrong' },
      },
    },
    handlers: {
      echo: (x: unknown) => {
        packNow();
        return x;
      },
    },
    input: { a: 1 },
    level: 'ERROR',
  },
];

async function historyOf(c: Case, packed: boolean): Promise<readonly HistoryEvent[]> {
  packing = packed;
  const machine = compile(c.definition, { handlers: c.handlers, clock: virtualClock(0), history: c.level ?? 'ALL' });
  const result = await machine.execute(c.input, { onHistory: (h) => (current = h as HistoryRecorder) });
  const recorded = current!.events();
  assert.equal(result.history, recorded);
  current!.compact();
  assert.equal(current!.events(), recorded, 'the same once all of it is packed');
  return recorded;
}

for (const c of cases) {
  tape(`packed while running reads back as never packed: ${c.name}`, async () => {
    const plain = await historyOf(c, false);
    const packed = await historyOf(c, true);
    assert.ok(plain.length > 1);
    const assigning = plain.filter((e) => (e as Record<string, any>).stateExitedEventDetails?.assignedVariables !== undefined);
    assert.is(assigning.length, c.name.includes('Assign') ? 2 : 0, 'exits with assigned variables');
    assert.is(plain.filter((e) => e.type === 'EvaluationFailed').length, c.name.includes('EvaluationFailed') ? 1 : 0, 'EvaluationFailed events');
    assert.equal(packed, plain);
  });
}

tape('an execution waiting for its token holds its history packed, and reads it as it ends', async () => {
  const tasks = new StandardTasks();
  let token = '';
  const machine = compile(
    {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Parameters: { 'order.$': '$.order' }, Next: 'Approve' },
        Approve: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { 'token.$': '$$.Task.Token', 'order.$': '$.order' },
          End: true,
        },
      },
    },
    {
      handlers: { 'arn:aws:states:::sqs:sendMessage': (i: { token: string }) => void (token = i.token) },
      integrations: tasks.integrations(),
      workflowType: 'STANDARD',
      clock: virtualClock(0),
      history: 'ALL',
    },
  );
  let recorder: HistoryRecorder | null = null;
  const pending = machine.execute({ order: 'o-1' }, { onHistory: (h) => (recorder = h as HistoryRecorder) });
  const waiting = recorder!.events();
  assert.is(recorder!['tape'], null, 'nothing left on the tape');
  assert.ok(recorder!['packed'].length > 0, 'the events are packed');
  assert.equal(
    waiting.map((e) => e.type),
    ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted'],
  );
  assert.is((waiting[4] as Record<string, any>).taskScheduledEventDetails.parameters, JSON.stringify({ token, order: 'o-1' }));
  tasks.sendTaskSuccess({ taskToken: token, output: '{"ok":true}' });
  const result = await pending;
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.history!.slice(0, waiting.length), waiting);
  assert.equal(
    result.history!.slice(waiting.length).map((e) => e.type),
    ['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
  );
});

tape('an execution waiting a second time packs what it recorded since the first wait', async () => {
  const tasks = new StandardTasks();
  let token = '';
  const wait = (next: string | null) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { 'token.$': '$$.Task.Token' },
    ...(next === null ? { End: true } : { Next: next }),
  });
  const machine = compile(
    { StartAt: 'First', States: { First: wait('Second'), Second: wait(null) } },
    {
      handlers: { 'arn:aws:states:::sqs:sendMessage': (i: { token: string }) => void (token = i.token) },
      integrations: tasks.integrations(),
      workflowType: 'STANDARD',
      clock: virtualClock(0),
      history: 'ALL',
    },
  );
  let recorder: HistoryRecorder | null = null;
  const pending = machine.execute({}, { onHistory: (h) => (recorder = h as HistoryRecorder) });
  const first = recorder!['packed'];
  tasks.sendTaskSuccess({ taskToken: token, output: '{"n":1}' });
  assert.is(recorder!['tape'], null, 'nothing left on the tape at the second wait');
  assert.ok(recorder!['packed'].length > first.length && recorder!['packed'].startsWith(first), 'the second wait packed more after the first');
  const waiting = recorder!.events();
  assert.equal(waiting.filter((e) => e.type === 'TaskSubmitted').length, 2);
  tasks.sendTaskSuccess({ taskToken: token, output: '{"n":2}' });
  const result = await pending;
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.history!.slice(0, waiting.length), waiting);
});

tape('a packed history that does not read as one is refused, naming what and where', () => {
  const code = newCode(1, 0b1);
  const names = new NameTable();
  const read = (packed: string) => readEvents(packed, null, names, () => {});
  // A header (the code, no flags, no time), then a value with an unknown tag.
  assert.throws(
    () => read(String.fromCharCode(code) + 'Z'),
    (e: Error) => e instanceof RangeError && /unknown tag "Z" at 1/.test(e.message),
  );
  // A name by a number the machine's table does not have.
  assert.throws(
    () => read(String.fromCharCode(code) + 'R' + String.fromCharCode(7)),
    (e: Error) => /no history name numbered 7/.test(e.message),
  );
  const events: unknown[] = [];
  appendEvent(events, code, 1, false, 0, 0, NaN, { not: 'a text' }, null, null);
  assert.throws(
    () => pack('', events, names),
    (e: Error) => e instanceof TypeError && /cannot be packed: object/.test(e.message),
  );
});

tape('names are kept once per machine: a packed event refers to its state name by number', () => {
  const code = newCode(1, 0b1);
  const names = new NameTable();
  const events: unknown[] = [];
  appendEvent(events, code, 1, false, 0, 1000, NaN, 'A rather long state name', null, null);
  appendEvent(events, code, 2, false, 1, 1001, 1000, 'A rather long state name', null, null);
  const packed = pack('', events, names);
  assert.ok(packed.length < 20, `packed in ${packed.length} characters`);
  const read: unknown[] = [];
  readEvents(packed, null, names, (c, id, previous, ms, a) => read.push([c, id, previous, ms, a]));
  assert.equal(read, [
    [code, 1, 0, 1000, 'A rather long state name'],
    [code, 2, 1, 1001, 'A rather long state name'],
  ]);
});

tape.run();
