import Database from 'better-sqlite3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { virtualClock } from '../../src/run/clock.js';
import { createService, type ServiceOptions } from '../../src/service/index.js';
import { HOST_STOPPED_ERROR, StoreError, StoreErrorCodes } from '../../src/service/store.js';
import type { Clock } from '../../src/run/clock.js';
import { refusal } from './refusal.js';
import { countRows, editSuspension, lockIsFree, roleArn, storedExecution, stuckResource, withFreshStore, type FreshStore } from '../support/stores.js';

/**
 * Executions parked on their main line survive a restart over the same store: a second
 * service opening the file (what a restart after kill -9 sees) waits on the same tokens,
 * activity tasks and timers; SendTask* on a token issued before the restart resumes and
 * completes the execution, a Wait or retry interval that ended while the host was down
 * goes on at once, one still pending waits for the time that is left.
 */
const durable = suite('service: suspended executions resume after a restart');

/**
 * A clock that really waits (not virtual: Waits park as they do on the real clock) whose
 * time moves only when the test says: advance() fires what falls due; a wait of 0 fires on
 * the next turn of the event loop, as a real timer would. `requested` lists every wait
 * asked of it, in milliseconds; halt() drops every pending timer, as a killed process loses them.
 */
function manualClock(start: number) {
  let now = start;
  const pending = new Set<{ due: number; callback: () => void }>();
  const requested: number[] = [];
  const clock: Clock & { advance(ms: number): void; halt(): void; requested: number[] } = {
    virtual: false,
    requested,
    now: () => now,
    schedule(ms, callback) {
      requested.push(ms);
      if (ms <= 0) {
        const immediate = setImmediate(callback);
        return () => clearImmediate(immediate);
      }
      const timer = { due: now + ms, callback };
      pending.add(timer);
      return () => pending.delete(timer);
    },
    sleep(ms) {
      return new Promise((resolve) => clock.schedule(ms, resolve));
    },
    advance(ms) {
      now += ms;
      for (const timer of [...pending].sort((a, b) => a.due - b.due)) {
        if (timer.due > now || !pending.delete(timer)) continue;
        timer.callback();
      }
    },
    halt() {
      pending.clear();
    },
  };
  return clock;
}

const T0 = Date.parse('2030-01-01T00:00:00.000Z');

async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** Ids 1, 2, 3, … and each event's previousEventId an earlier id: the history has no gap. */
function assertNoGaps(history: Array<{ id: number; previousEventId?: number }>, message: string): void {
  assert.equal(
    history.map((e) => e.id),
    history.map((_, i) => i + 1),
    message,
  );
  for (const event of history) assert.ok((event.previousEventId ?? 0) < event.id, `${message}: event ${event.id} follows an earlier one`);
}

/** A handler for the callback's message that keeps each token it is given. */
function outbox() {
  const tokens: string[] = [];
  return {
    tokens,
    handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string } }) => (tokens.push(input.MessageBody.TaskToken), {}) },
  };
}

function askMachine(ask: Record<string, unknown> = {}, extraStates: Record<string, unknown> = {}): string {
  return JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Parameters: { 'who.$': '$.who' }, Assign: { greeting: 'hello' }, Next: 'Ask' },
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'TaskToken.$': '$$.Task.Token', 'who.$': '$.who' } },
        ResultPath: '$.answer',
        Next: 'Greet',
        ...ask,
      },
      Greet: {
        Type: 'Pass',
        Parameters: { 'text.$': "States.Format('{} {}: {}', $greeting, $.who, $.answer.word)", 'entered.$': '$$.Execution.Name' },
        End: true,
      },
      ...extraStates,
    },
  });
}

async function crashedWithToken(store: FreshStore, definition: string) {
  const first = outbox();
  const crashed = store.open({ handlers: first.handlers });
  const { stateMachineArn } = await crashed.createStateMachine({ name: 'ask', definition, roleArn });
  const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
  for (let i = 0; i < 100 && first.tokens.length === 0; i++) await new Promise((r) => setImmediate(r));
  assert.is(first.tokens.length, 1, 'the token went out once');
  const before = await crashed.getExecutionHistory({ executionArn });
  return { executionArn, token: first.tokens[0]!, before: before.events };
}

durable(
  'SendTaskSuccess on a token issued before the restart completes the execution: output, variables, context, history numbering continued; the handler is not called again',
  async () => {
    await withFreshStore(async (store) => {
      const { executionArn, token, before } = await crashedWithToken(store, askMachine());
      const again = outbox();
      const restarted = store.open({ handlers: again.handlers });
      assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING');
      await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"yes"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
      assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes', entered: 'asking' });
      assert.equal(again.tokens, [], 'the resource is not called again');
      const history = (await restarted.getExecutionHistory({ executionArn })).events;
      assert.equal(
        history.slice(0, before.length).map((e) => [e.id, e.type]),
        before.map((e) => [e.id, e.type]),
        'the history before the restart, as it was',
      );
      assert.equal(
        history.map((e) => e.id),
        history.map((_, i) => i + 1),
        'ids continue without a gap',
      );
      assert.equal(
        history.slice(before.length).map((e) => e.type),
        ['TaskSucceeded', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      );
      const third = store.open();
      assert.is((await third.describeExecution({ executionArn })).status, 'SUCCEEDED', 'the end is in the store, no suspension left');
    });
  },
);

durable('a Task reached only through a Choice rule (not by Next from StartAt) resumes after the restart too', async () => {
  await withFreshStore(async (store) => {
    const asking = JSON.parse(askMachine()) as { States: Record<string, unknown> };
    const definition = JSON.stringify({
      StartAt: 'Route',
      States: {
        Route: { Type: 'Choice', Choices: [{ Variable: '$.who', StringEquals: 'ada', Next: 'Prepare' }], Default: 'Other' },
        Other: { Type: 'Succeed' },
        ...asking.States,
      },
    });
    const { executionArn, token } = await crashedWithToken(store, definition);
    const restarted = store.open({ handlers: outbox().handlers });
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING');
    await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"yes"}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes', entered: 'asking' });
  });
});

durable(
  'a JSONata Task whose Arguments evaluate asynchronously resumes too: its Output and Assign run after the restart on the pre-crash token, its resource not called again',
  async () => {
    await withFreshStore(async (store) => {
      const definition = JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            // $sift runs in JSONata's library, which is asynchronous: the attempt goes asynchronous before its call.
            Arguments: {
              QueueUrl: 'q',
              MessageBody: { TaskToken: '{% $states.context.Task.Token %}', who: '{% $sift($states.input, function($v, $k) { $k = "who" }).who %}' },
            },
            Assign: { word: '{% $states.result.word %}' },
            Output: { who: '{% $states.input.who %}', said: '{% $states.result.word %}' },
            Next: 'Echo',
          },
          Echo: { Type: 'Pass', Output: '{% $states.input.who & " said " & $word %}', End: true },
        },
      });
      const { executionArn, token } = await crashedWithToken(store, definition);
      const again = outbox();
      const restarted = store.open({ handlers: again.handlers });
      await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"yes"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
      assert.is(JSON.parse(described.output!), 'ada said yes');
      assert.equal(again.tokens, [], 'the resource is not called again');
    });
  },
);

durable('SendTaskFailure after the restart goes through the Task’s Catch; SendTaskHeartbeat is accepted', async () => {
  await withFreshStore(async (store) => {
    const definition = askMachine(
      { HeartbeatSeconds: 600, Catch: [{ ErrorEquals: ['Refused'], ResultPath: '$.error', Next: 'Declined' }] },
      { Declined: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
    );
    const { executionArn, token } = await crashedWithToken(store, definition);
    const restarted = store.open({ handlers: outbox().handlers });
    await restarted.sendTaskHeartbeat({ taskToken: token });
    await restarted.sendTaskFailure({ taskToken: token, error: 'Refused', cause: 'no' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED');
    assert.equal(JSON.parse(described.output!), { error: 'Refused' });
  });
});

durable(
  'a SendTaskHeartbeat before the crash is kept: after the restart HeartbeatSeconds counts from the last heartbeat, not from the record, then ends the wait as a heartbeat lapse (a States.HeartbeatTimeout catcher catches it, its Error is States.Timeout as AWS records it); no heartbeat row outlives the execution',
  async () => {
    await withFreshStore(async (store) => {
      const definition = askMachine(
        { HeartbeatSeconds: 60, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Late' }] },
        { Late: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
      );
      const clock = manualClock(T0);
      const first = outbox();
      const crashed = store.open({ handlers: first.handlers, clock });
      const { stateMachineArn } = await crashed.createStateMachine({ name: 'ask', definition, roleArn });
      const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
      await turns();
      clock.advance(50_000);
      await crashed.sendTaskHeartbeat({ taskToken: first.tokens[0]! });
      clock.halt();
      const later = manualClock(T0 + 100_000);
      const restarted = store.open({ handlers: outbox().handlers, clock: later });
      await turns();
      assert.is(
        (await restarted.describeExecution({ executionArn })).status,
        'RUNNING',
        '50 s after the last heartbeat, 100 s after the record: still waiting',
      );
      later.advance(9_000);
      await turns();
      assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', '59 s after the last heartbeat');
      later.advance(2_000);
      const described = await restarted.waitForExecution({ executionArn });
      assert.equal(JSON.parse(described.output!), { error: 'States.Timeout' });
      assert.is(countRows(store.file, 'heartbeats'), 0, 'the heartbeat row went with the execution’s end');
    });
  },
);

durable('heartbeat rows of an execution that ran on and was not resumed (FAILED statemill.HostStopped at start-up) are deleted then', async () => {
  await withFreshStore(async (store) => {
    const definition = askMachine({ HeartbeatSeconds: 60, Next: 'Work' }, { Work: { Type: 'Task', Resource: stuckResource, Next: 'Greet' } });
    const handlers = { ...outbox().handlers, [stuckResource]: () => new Promise<never>(() => {}) };
    const first = outbox();
    const crashed = store.open({ handlers: { ...handlers, ...first.handlers } });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'ask', definition, roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
    await turns();
    await crashed.sendTaskHeartbeat({ taskToken: first.tokens[0]! });
    await crashed.sendTaskSuccess({ taskToken: first.tokens[0]!, output: '{"word":"ok"}' });
    await turns();
    assert.is(countRows(store.file, 'heartbeats'), 1, 'the heartbeat was written');
    const restarted = store.open({ handlers });
    assert.equal((await restarted.describeExecution({ executionArn })).error, HOST_STOPPED_ERROR);
    assert.is(countRows(store.file, 'heartbeats'), 0, 'its row went at start-up');
  });
});

durable('Retry counters survive the restart: an attempt failed before it and one after it exhaust MaxAttempts 1, and the Catch takes over', async () => {
  await withFreshStore(async (store) => {
    const definition = askMachine(
      { Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1, MaxAttempts: 1 }], Catch: [{ ErrorEquals: ['Busy'], ResultPath: '$.error', Next: 'GaveUp' }] },
      { GaveUp: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
    );
    const first = outbox();
    const crashed = store.open({ handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'ask', definition, roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
    await crashed.sendTaskFailure({ taskToken: first.tokens[0]!, error: 'Busy' });
    for (let i = 0; i < 300 && first.tokens.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.is(first.tokens.length, 2, 'the retry called the resource with a new token');
    const restarted = store.open({ handlers: outbox().handlers });
    await restarted.sendTaskFailure({ taskToken: first.tokens[1]!, error: 'Busy' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!).error, 'Busy', 'no second retry: the counter came through the restart');
  });
});

durable(
  'a TimeoutSeconds that ran out while the host was down ends the wait as States.Timeout at start-up (Catch applies); a HeartbeatSeconds too (a lapse is recorded as States.Timeout)',
  async () => {
    for (const [field, error] of [
      ['TimeoutSeconds', 'States.Timeout'],
      ['HeartbeatSeconds', 'States.Timeout'],
    ] as const) {
      await withFreshStore(async (store) => {
        const definition = askMachine(
          { [field]: 1, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Late' }] },
          { Late: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
        );
        const { executionArn } = await crashedWithToken(store, definition);
        // The first service stops without a trace (its timers too), as a killed process would.
        const key = field === 'TimeoutSeconds' ? 'timeoutAt' : 'heartbeatAt';
        editSuspension(store.file, executionArn, (suspension) => {
          assert.type(suspension[key], 'number', `${key} is recorded`);
          suspension[key] -= 5000;
        });
        const restarted = store.open({ handlers: outbox().handlers });
        const described = await restarted.waitForExecution({ executionArn });
        assert.is(described.status, 'SUCCEEDED', field);
        assert.equal(JSON.parse(described.output!), { error }, field);
      });
    }
  },
);

durable(
  'an execution that suspends again after being resumed is recorded again: a second restart resumes it at its second wait; StopExecution stops a resumed one',
  async () => {
    await withFreshStore(async (store) => {
      const definition = askMachine(
        { Next: 'AskAgain' },
        {
          AskAgain: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token', 'who.$': '$.who' } },
            ResultPath: '$.answer',
            Next: 'Greet',
          },
        },
      );
      const { executionArn, token } = await crashedWithToken(store, definition);
      const second = outbox();
      const restarted = store.open({ handlers: second.handlers });
      await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"first"}' });
      for (let i = 0; i < 50 && second.tokens.length === 0; i++) await new Promise((r) => setImmediate(r));
      assert.is(second.tokens.length, 1, 'the second Task called its resource after the restart');
      const third = store.open({ handlers: outbox().handlers });
      await third.sendTaskSuccess({ taskToken: second.tokens[0]!, output: '{"word":"second"}' });
      const described = await third.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED');
      assert.is(JSON.parse(described.output!).text, 'hello ada: second');
      const history = (await third.getExecutionHistory({ executionArn })).events;
      assert.equal(
        history.map((e) => e.id),
        history.map((_, i) => i + 1),
        'ids continue without a gap across two restarts',
      );
      assert.equal(history.filter((e) => e.type === 'TaskStateEntered').length, 2);

      const { executionArn: stopped } = await third.startExecution({ stateMachineArn: described.stateMachineArn, name: 'stopped', input: '{"who":"bob"}' });
      const fourth = store.open({ handlers: outbox().handlers });
      await fourth.stopExecution({ executionArn: stopped, error: 'Enough', cause: 'stopped after the restart' });
      const aborted = await fourth.waitForExecution({ executionArn: stopped });
      assert.equal([aborted.status, aborted.error], ['ABORTED', 'Enough']);
    });
  },
);

durable('a damaged suspension record stops start-up with ERR_STORE_CORRUPT naming the execution and the field', async () => {
  await withFreshStore(async (store) => {
    const { executionArn } = await crashedWithToken(store, askMachine());
    await store.closeAll();
    // close() left it parked: damage its suspension record, as a foreign writer might.
    // The whole record replaced by one whose token is not a task token.
    editSuspension(store.file, executionArn, (suspension) => {
      for (const key of Object.keys(suspension)) delete suspension[key];
      Object.assign(suspension, { stateName: 'Ask', token: 42 });
    });
    try {
      store.open();
      assert.unreachable('a damaged record must be refused');
    } catch (thrown) {
      assert.instance(thrown, StoreError);
      assert.is((thrown as StoreError).code, StoreErrorCodes.CORRUPT);
      assert.match((thrown as Error).message, new RegExp(`suspension record of execution ${executionArn} in \\S+ is damaged \\(token is not a task token\\)`));
    }
    assert.ok(lockIsFree(store.file), 'the refused store is closed, not left locked');
  });
});

durable('a record naming a state the machine does not have ends FAILED (statemill.HostStopped) with a cause saying why, at start-up', async () => {
  await withFreshStore(async (store) => {
    const { executionArn, before } = await crashedWithToken(store, askMachine());
    editSuspension(store.file, executionArn, (suspension) => {
      suspension.stateName = 'Gone';
    });
    const restarted = store.open({ handlers: outbox().handlers });
    const described = await restarted.describeExecution({ executionArn });
    assert.equal([described.status, described.error], ['FAILED', HOST_STOPPED_ERROR]);
    assert.match(described.cause!, /could not be resumed: no state 'Gone'/);
    const history = (await restarted.getExecutionHistory({ executionArn })).events;
    assert.equal(
      history.map((e) => e.type),
      [...before.map((e) => e.type), 'ExecutionFailed'],
      'its history as recorded, then why it failed',
    );
  });
});

durable(
  'a token record whose Task now fails before it suspends (and retries) ends FAILED (statemill.HostStopped) at start-up, its retry timer gone',
  async () => {
    await withFreshStore(async (store) => {
      const definition = JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Arguments: { MessageBody: { TaskToken: '{% $states.context.Task.Token %}', who: '{% $states.input.fail ? $error("boom") : $states.input.who %}' } },
            Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3600 }],
            End: true,
          },
        },
      });
      const { executionArn } = await crashedWithToken(store, definition);
      editSuspension(store.file, executionArn, (suspension) => {
        suspension.rawInput = { who: 'ada', fail: true };
      });
      const clock = manualClock(T0);
      const restarted = store.open({ clock, handlers: outbox().handlers });
      await turns();
      const described = await restarted.describeExecution({ executionArn });
      assert.equal([described.status, described.error], ['FAILED', HOST_STOPPED_ERROR]);
      assert.match(described.cause!, /could not be resumed: state 'Ask' does not wait for a task token/);
      assert.ok(clock.requested.includes(3_600_000), 'the probe parked in its retry interval');
      clock.advance(3_600_000);
      await turns();
      assert.is((await restarted.describeExecution({ executionArn })).status, 'FAILED', 'nothing woke up');
    });
  },
);

/** Wait states of every kind, each 10 s after T0 (the input carries the path's values). */
const waits: Array<{ name: string; wait: Record<string, unknown>; jsonata?: boolean }> = [
  { name: 'Seconds', wait: { Seconds: 10 } },
  { name: 'SecondsPath', wait: { SecondsPath: '$.seconds' } },
  { name: 'Timestamp', wait: { Timestamp: '2030-01-01T00:00:10Z' } },
  { name: 'TimestampPath', wait: { TimestampPath: '$.at' } },
  { name: 'JSONata Seconds', wait: { Seconds: '{% $states.input.seconds %}' }, jsonata: true },
  { name: 'JSONata Timestamp', wait: { Timestamp: '{% $states.input.at %}' }, jsonata: true },
];

function waitMachine(wait: Record<string, unknown>, jsonata = false): string {
  const assign = jsonata ? { Assign: { waited: '{% $states.input.seconds %}' } } : { Assign: { 'waited.$': '$.seconds' } };
  const after = jsonata
    ? { Type: 'Pass', Output: { waited: '{% $waited %}', name: '{% $states.context.Execution.Name %}' }, End: true }
    : { Type: 'Pass', Parameters: { 'waited.$': '$waited', 'name.$': '$$.Execution.Name' }, End: true };
  return JSON.stringify({
    ...(jsonata ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'Nap',
    States: { Nap: { Type: 'Wait', ...wait, ...assign, Next: 'After' }, After: after },
  });
}

/** Starts a Wait machine on a service whose clock is then halted (a kill -9 during the Wait); its store holds the parked execution. */
async function crashedInWait(store: FreshStore, definition: string) {
  const clock = manualClock(T0);
  const crashed = store.open({ clock });
  const { stateMachineArn } = await crashed.createStateMachine({ name: 'napping', definition, roleArn });
  const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'nap', input: JSON.stringify({ seconds: 10, at: '2030-01-01T00:00:10Z' }) });
  await turns();
  const before = (await crashed.getExecutionHistory({ executionArn })).events;
  clock.halt();
  return { executionArn, before };
}

for (const { name, wait, jsonata } of waits) {
  durable(
    `a Wait (${name}) that ended while the host was down goes on at once after the restart: WaitStateExited and the rest follow, Assign and context kept`,
    async () => {
      await withFreshStore(async (store) => {
        const { executionArn, before } = await crashedInWait(store, waitMachine(wait, jsonata));
        assert.equal(
          before.map((e) => e.type),
          ['ExecutionStarted', 'WaitStateEntered'],
        );
        const clock = manualClock(T0 + 60_000);
        const restarted = store.open({ clock });
        assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING');
        const described = await restarted.waitForExecution({ executionArn });
        assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
        assert.equal(JSON.parse(described.output!), { waited: 10, name: 'nap' });
        assert.equal(clock.requested.slice(0, 1), [0], 'armed for no time at all');
        const history = (await restarted.getExecutionHistory({ executionArn })).events;
        assert.equal(
          history.map((e) => e.type),
          ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
        );
        assert.equal(history.slice(0, 2), before, 'the history before the crash, as it was');
        assertNoGaps(history, name);
        assert.is(history[2]!.timestamp.getTime(), T0 + 60_000, 'the Wait ended after the restart');
      });
    },
  );
}

durable('a Wait still pending at the restart is armed for the time that is left, and goes on once that has passed', async () => {
  await withFreshStore(async (store) => {
    const { executionArn } = await crashedInWait(store, waitMachine({ TimestampPath: '$.at' }));
    const clock = manualClock(T0 + 4_000);
    const restarted = store.open({ clock });
    await turns();
    assert.ok(clock.requested.includes(6_000), `armed for the 6 s left: ${clock.requested}`);
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'still waiting');
    clock.advance(5_999);
    await turns();
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'not before its time');
    clock.advance(1);
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED');
    assert.is(described.stopDate!.getTime(), T0 + 10_000);
  });
});

durable('a parked Wait is written to the store where it parks and cleared when it runs on; under virtualClock a Wait never parks', async () => {
  await withFreshStore(async (store) => {
    const clock = manualClock(T0);
    const service = store.open({ clock });
    const { stateMachineArn } = await service.createStateMachine({ name: 'napping', definition: waitMachine({ Seconds: 10 }), roleArn });
    const { executionArn } = await service.startExecution({ stateMachineArn, name: 'nap', input: '{"seconds":10}' });
    await turns();
    const suspensionOf = () => {
      const { status, data } = storedExecution(store.file, executionArn);
      return [status, data.suspension ?? null];
    };
    const [status, parked] = suspensionOf();
    assert.is(status, 'RUNNING');
    assert.equal([parked.stateName, parked.waitsOn, parked.wakeAt, parked.rawInput], ['Nap', 'timer', T0 + 10_000, { seconds: 10 }]);
    clock.advance(10_000);
    await service.waitForExecution({ executionArn });
    assert.equal(suspensionOf(), ['SUCCEEDED', null]);
  });
  await withFreshStore(async (store) => {
    const service = store.open({ clock: virtualClock(T0) });
    const { stateMachineArn } = await service.createStateMachine({ name: 'napping', definition: waitMachine({ Seconds: 3600 }), roleArn });
    const { executionArn } = await service.startExecution({ stateMachineArn, name: 'nap', input: '{"seconds":3600}' });
    assert.is(storedExecution(store.file, executionArn).data.suspension, undefined, 'a virtual Wait is not parked');
    const described = await service.waitForExecution({ executionArn });
    assert.equal([described.status, described.stopDate!.getTime()], ['SUCCEEDED', T0 + 3_600_000]);
  });
});

durable('StopExecution ends a Wait resumed after the restart: ABORTED, its timer gone', async () => {
  await withFreshStore(async (store) => {
    const { executionArn } = await crashedInWait(store, waitMachine({ Seconds: 10 }));
    const clock = manualClock(T0 + 1_000);
    const restarted = store.open({ clock });
    await restarted.stopExecution({ executionArn, error: 'Enough' });
    const described = await restarted.describeExecution({ executionArn });
    assert.equal([described.status, described.error], ['ABORTED', 'Enough']);
    clock.advance(60_000);
    await turns();
    const history = (await restarted.getExecutionHistory({ executionArn })).events;
    assert.equal(
      history.map((e) => e.type),
      ['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted'],
      'nothing ran after the stop',
    );
  });
});

const damagedTimerRecords: Array<{ change: Record<string, unknown>; says: string }> = [
  { change: { waitsOn: 'sometimes' }, says: 'waitsOn is not "token", "timer", "branches" or "iterations"' },
  { change: { wakeAt: 'soon' }, says: 'wakeAt is neither a number nor null' },
  { change: { waitsOn: 'token' }, says: 'token is not a task token' },
  { change: { activityTaken: 'yes' }, says: 'activityTaken is not a boolean' },
  { change: { activityArn: 7 }, says: 'activityArn is not an activity ARN' },
];

durable('a damaged timer record stops start-up with ERR_STORE_CORRUPT naming the field', async () => {
  for (const { change, says } of damagedTimerRecords) {
    await withFreshStore(async (store) => {
      const { executionArn } = await crashedInWait(store, waitMachine({ Seconds: 10 }));
      await store.closeAll();
      editSuspension(store.file, executionArn, (suspension) => Object.assign(suspension, change));
      let refused: unknown = null;
      try {
        store.open();
      } catch (thrown) {
        refused = thrown;
      }
      assert.instance(refused, StoreError, says);
      assert.is((refused as StoreError).code, StoreErrorCodes.CORRUPT);
      assert.ok((refused as Error).message.includes(`is damaged (${says})`), (refused as Error).message);
    });
  }
});

/** A Task failing with Busy on its first attempt, retried after 5 s; MaxAttempts 1, then a Catch. */
function retryMachine(): string {
  return JSON.stringify({
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work',
        Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 5, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['Busy'], ResultPath: '$.error', Next: 'GaveUp' }],
        End: true,
      },
      GaveUp: { Type: 'Pass', Parameters: { 'gaveUp.$': '$.error.Error' }, End: true },
    },
  });
}

/** A handler answering each attempt with `answers[attempt - 1]` (an Error is thrown), noting the attempts it saw. */
function attempts(answers: unknown[]) {
  const seen: number[] = [];
  return {
    seen,
    handlers: {
      'arn:aws:lambda:us-east-1:123456789012:function:work': (_input: unknown, ctx: { attempt: number }) => {
        seen.push(ctx.attempt);
        const answer = answers[ctx.attempt - 1];
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
}

function busy(): Error {
  return Object.assign(new Error('try later'), { name: 'Busy' });
}

durable('a retry interval that ended while the host was down: the retry runs after the restart, as attempt 2, its handler called once for it', async () => {
  await withFreshStore(async (store) => {
    const first = attempts([busy()]);
    const crashedClock = manualClock(T0);
    const crashed = store.open({ clock: crashedClock, handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'retrying', definition: retryMachine(), roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'retry', input: '{"job":1}' });
    await turns();
    assert.equal(first.seen, [1], 'the first attempt failed before the crash');
    const before = (await crashed.getExecutionHistory({ executionArn })).events;
    crashedClock.halt();
    const again = attempts([busy(), { done: true }]);
    const restarted = store.open({ clock: manualClock(T0 + 60_000), handlers: again.handlers });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!), { done: true });
    assert.equal(again.seen, [2], 'the retry is attempt 2: the attempt counter came through the restart');
    const history = (await restarted.getExecutionHistory({ executionArn })).events;
    assert.equal(history.slice(0, before.length), before);
    assert.equal(
      history.slice(before.length).map((e) => e.type),
      ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
    );
    assertNoGaps(history, 'retry');
  });
});

durable('Retry counters survive a restart in a retry interval: the retry that fails again exhausts MaxAttempts 1, and the Catch takes over', async () => {
  await withFreshStore(async (store) => {
    const crashedClock = manualClock(T0);
    const crashed = store.open({ clock: crashedClock, handlers: attempts([busy()]).handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'retrying', definition: retryMachine(), roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'retry', input: '{"job":1}' });
    await turns();
    crashedClock.halt();
    const clock = manualClock(T0 + 2_000);
    const again = attempts([busy(), busy(), busy()]);
    const restarted = store.open({ clock, handlers: again.handlers });
    await turns();
    assert.ok(clock.requested.includes(3_000), `the retry waits the 3 s left of its 5 s interval: ${clock.requested}`);
    assert.equal(again.seen, [], 'not before its interval is over');
    clock.advance(3_000);
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { gaveUp: 'Busy' });
    assert.equal(again.seen, [2], 'no further retry');
  });
});

durable('a top-level Parallel parked in its retry interval runs its branches again after the restart', async () => {
  await withFreshStore(async (store) => {
    const definition = JSON.stringify({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work', End: true } } }],
          Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 5, MaxAttempts: 1 }],
          End: true,
        },
      },
    });
    const crashedClock = manualClock(T0);
    const first = attempts([busy()]);
    const crashed = store.open({ clock: crashedClock, handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'parallel', definition, roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'both', input: '{}' });
    await turns();
    crashedClock.halt();
    // The branch's Task is on its first attempt each time the Parallel runs.
    const again = attempts([{ done: 'after' }]);
    const restarted = store.open({ clock: manualClock(T0 + 60_000), handlers: again.handlers });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!), [{ done: 'after' }]);
    assert.equal([first.seen, again.seen], [[1], [1]], 'the branch ran once before the crash, once after');
    assertNoGaps((await restarted.getExecutionHistory({ executionArn })).events, 'parallel retry');
  });
});

const activityDefinition = (activityArn: string) =>
  JSON.stringify({
    StartAt: 'Review',
    States: {
      Review: { Type: 'Task', Resource: activityArn, Parameters: { 'doc.$': '$.doc' }, HeartbeatSeconds: 600, ResultPath: '$.review', End: true },
    },
  });

/** A service that crashed with an execution waiting in an activity Task (its task taken by a worker when `take`), after `lastly` did what it does. */
async function crashedInActivity(
  store: FreshStore,
  take: boolean,
  lastly?: (crashed: ReturnType<FreshStore['open']>, activityArn: string) => Promise<unknown>,
) {
  const clock = manualClock(T0);
  const crashed = store.open({ clock });
  const { activityArn } = await crashed.createActivity({ name: 'review' });
  const { stateMachineArn } = await crashed.createStateMachine({ name: 'reviewing', definition: activityDefinition(activityArn), roleArn });
  const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'doc', input: '{"doc":"a.txt"}' });
  await turns();
  const taken = take ? await crashed.getActivityTask({ activityArn, workerName: 'before' }) : null;
  await lastly?.(crashed, activityArn);
  clock.halt();
  return { activityArn, executionArn, taken };
}

durable('an activity task no worker took before the crash is handed out by GetActivityTask after the restart; its answer completes the execution', async () => {
  await withFreshStore(async (store) => {
    const { activityArn, executionArn } = await crashedInActivity(store, false);
    const restarted = store.open({ clock: manualClock(T0 + 1_000) });
    const task = await restarted.getActivityTask({ activityArn, workerName: 'after' });
    assert.equal(JSON.parse(task.input!), { doc: 'a.txt' });
    await restarted.sendTaskSuccess({ taskToken: task.taskToken!, output: '{"ok":true}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!), { doc: 'a.txt', review: { ok: true } });
    const history = (await restarted.getExecutionHistory({ executionArn })).events;
    assert.equal(
      history.map((e) => e.type),
      ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
    );
    assert.equal((history[3] as { activityStartedEventDetails?: unknown }).activityStartedEventDetails, { workerName: 'after' });
    assertNoGaps(history, 'activity');
  });
});

durable(
  'an activity task a worker took before the crash is not handed out again; the worker answers with its token after the restart, its heartbeat kept',
  async () => {
    await withFreshStore(async (store) => {
      const { activityArn, executionArn, taken } = await crashedInActivity(store, true);
      assert.type(taken!.taskToken, 'string');
      const clock = manualClock(T0 + 1_000);
      const restarted = store.open({ clock });
      const poll = restarted.getActivityTask({ activityArn, workerName: 'other' });
      await turns();
      clock.advance(60_000);
      assert.equal(await poll, {}, 'no task for another worker');
      await restarted.sendTaskHeartbeat({ taskToken: taken!.taskToken! });
      await restarted.sendTaskSuccess({ taskToken: taken!.taskToken!, output: '{"ok":"before"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.equal(JSON.parse(described.output!).review, { ok: 'before' });
      const history = (await restarted.getExecutionHistory({ executionArn })).events;
      assert.equal(history.filter((e) => e.type === 'ActivityStarted').length, 1, 'started once, before the crash');
      assertNoGaps(history, 'taken activity');
    });
  },
);

durable('an activity task whose HeartbeatSeconds ran out while the host was down fails with States.Timeout at start-up', async () => {
  await withFreshStore(async (store) => {
    const { executionArn } = await crashedInActivity(store, true);
    const restarted = store.open({ clock: manualClock(T0 + 700_000) });
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal([described.status, described.error], ['FAILED', 'States.Timeout']);
  });
});

/**
 * DeleteActivity with executions waiting on the activity: AWS documents nothing (the API
 * reference says only "Deletes an activity"). Running, statemill leaves them waiting as they
 * were: a worker that took a task answers it with its token; a task no worker took can no
 * longer be handed out, and its TimeoutSeconds (or StopExecution) ends it.
 */
durable('DeleteActivity leaves executions waiting on the activity as they were: a taken task is answered, an untaken one times out', async () => {
  const clock = manualClock(T0);
  const s = createService({ clock });
  try {
    const { activityArn } = await s.createActivity({ name: 'review' });
    const definition = JSON.stringify({ StartAt: 'Review', States: { Review: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 300, End: true } } });
    const { stateMachineArn } = await s.createStateMachine({ name: 'reviewing', definition, roleArn });
    const taken = await s.startExecution({ stateMachineArn, name: 'taken' });
    await turns();
    const task = await s.getActivityTask({ activityArn, workerName: 'w' });
    const waiting = await s.startExecution({ stateMachineArn, name: 'waiting' });
    await turns();
    await s.deleteActivity({ activityArn });
    assert.equal([(await s.describeExecution(taken)).status, (await s.describeExecution(waiting)).status], ['RUNNING', 'RUNNING']);
    assert.is((await refusal(s.getActivityTask({ activityArn }))).name, 'ActivityDoesNotExist');
    await s.sendTaskSuccess({ taskToken: task.taskToken!, output: '{"ok":true}' });
    assert.equal((await s.waitForExecution(taken)).status, 'SUCCEEDED');
    clock.advance(300_000);
    const ended = await s.waitForExecution(waiting);
    assert.equal([ended.status, ended.error], ['FAILED', 'States.Timeout']);
  } finally {
    await s.close();
  }
});

// Before, the restart failed such an execution (Host stopped: "the activity … was deleted
// (DeleteActivity) while the execution waited"), where a service that kept running left it waiting.
durable(
  'an execution whose activity was deleted while it waited waits on after a restart, as without one: a taken task is answered, an untaken one is not handed out',
  async () => {
    for (const take of [false, true]) {
      await withFreshStore(async (store) => {
        const { activityArn, executionArn, taken } = await crashedInActivity(store, take, (crashed, activityArn) => crashed.deleteActivity({ activityArn }));
        const restarted = store.open({ clock: manualClock(T0 + 1_000) });
        await turns();
        assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', take ? 'a task a worker took' : 'a task no worker took');
        assert.is((await refusal(restarted.getActivityTask({ activityArn }))).name, 'ActivityDoesNotExist');
        if (take) {
          await restarted.sendTaskSuccess({ taskToken: taken!.taskToken!, output: '{"ok":true}' });
          assert.equal((await restarted.waitForExecution({ executionArn })).status, 'SUCCEEDED');
        } else {
          await restarted.stopExecution({ executionArn });
          assert.equal((await restarted.waitForExecution({ executionArn })).status, 'ABORTED');
        }
      });
    }
  },
);

const SYNC = 'arn:aws:states:::states:startExecution.sync';

/** A parent whose top-level Task runs the child `kid` of `childArn` through `resource` (.sync or .sync:2); a failed child goes to its Catch. */
function parentMachine(childArn: string, resource: string): string {
  return JSON.stringify({
    StartAt: 'RunChild',
    States: {
      RunChild: {
        Type: 'Task',
        Resource: resource,
        Parameters: { StateMachineArn: childArn, Name: 'kid', Input: { 'who.$': '$.who' } },
        ResultSelector: { 'status.$': '$.Status', 'output.$': '$.Output' },
        Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'ChildFailed' }],
        Next: 'Done',
      },
      Done: { Type: 'Pass', End: true },
      ChildFailed: {
        Type: 'Pass',
        Parameters: { 'error.$': '$.failure.Error', 'child.$': 'States.StringToJson($.failure.Cause)' },
        End: true,
      },
    },
  });
}

/** A parent parked on its `.sync` child, which waits for a callback's token; then the service "crashes" (a second one opens the store). */
async function crashedWithChild(store: FreshStore, resource: string, child: string = askMachine(), options: ServiceOptions = {}) {
  const first = outbox();
  const crashed = store.open({ handlers: first.handlers, ...options });
  const kid = await crashed.createStateMachine({ name: 'ask', definition: child, roleArn });
  const parent = await crashed.createStateMachine({ name: 'parent', definition: parentMachine(kid.stateMachineArn, resource), roleArn });
  const { executionArn } = await crashed.startExecution({ stateMachineArn: parent.stateMachineArn, name: 'waiting', input: '{"who":"ada"}' });
  await turns();
  const childArn = kid.stateMachineArn.replace(':stateMachine:', ':execution:') + ':kid';
  assert.is((await crashed.describeExecution({ executionArn: childArn })).status, 'RUNNING', 'the child runs');
  const before = (await crashed.getExecutionHistory({ executionArn })).events;
  return { executionArn, childArn, token: first.tokens[0], before };
}

durable(
  'a parent parked on its .sync:2 child: after the restart, SendTaskSuccess to the child’s token completes the child, then the parent with the child’s output as JSON',
  async () => {
    await withFreshStore(async (store) => {
      const { executionArn, childArn, token, before } = await crashedWithChild(store, `${SYNC}:2`);
      assert.is(typeof token, 'string', 'the child’s token went out');
      const again = outbox();
      const restarted = store.open({ handlers: again.handlers });
      assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'the parent is waiting, not HostStopped');
      await restarted.sendTaskSuccess({ taskToken: token!, output: '{"word":"yes"}' });
      const child = await restarted.waitForExecution({ executionArn: childArn });
      assert.is(child.status, 'SUCCEEDED', JSON.stringify(child));
      const parent = await restarted.waitForExecution({ executionArn });
      assert.is(parent.status, 'SUCCEEDED', JSON.stringify(parent));
      assert.equal(JSON.parse(parent.output!), { status: 'SUCCEEDED', output: { text: 'hello ada: yes', entered: 'kid' } });
      assert.equal(again.tokens, [], 'the child’s resource is not called again');
      const history = (await restarted.getExecutionHistory({ executionArn })).events;
      assert.equal(
        history.slice(0, before.length).map((e) => [e.id, e.type]),
        before.map((e) => [e.id, e.type]),
      );
      assert.ok(
        before.some((e) => e.type === 'TaskSubmitted'),
        'the child’s start was recorded before the crash',
      );
      assert.equal(
        history.slice(before.length).map((e) => e.type),
        ['TaskSucceeded', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      );
      assertNoGaps(history, '.sync:2 parent');
      const third = store.open();
      assert.is((await third.describeExecution({ executionArn })).status, 'SUCCEEDED', 'the parent’s end is in the store');
    });
  },
);

/** A child that waits 60 s, then ends as `end` says. */
function napMachine(end: Record<string, unknown>): string {
  return JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 60, Next: 'End' }, End: end } });
}

const childEnds = [
  {
    name: '.sync: the child succeeded; Output as JSON text',
    resource: SYNC,
    end: { Type: 'Pass', Result: { napped: true }, End: true },
    output: { status: 'SUCCEEDED', output: '{"napped":true}' },
    childStatus: 'SUCCEEDED',
  },
  {
    name: '.sync:2: the child succeeded; Output as JSON',
    resource: `${SYNC}:2`,
    end: { Type: 'Pass', Result: { napped: true }, End: true },
    output: { status: 'SUCCEEDED', output: { napped: true } },
    childStatus: 'SUCCEEDED',
  },
  {
    name: '.sync:2: the child failed; the parent’s Catch sees States.TaskFailed with the child’s error and cause',
    resource: `${SYNC}:2`,
    end: { Type: 'Fail', Error: 'Tired', Cause: 'too long a nap' },
    output: { error: 'States.TaskFailed', child: { Status: 'FAILED', Error: 'Tired', Cause: 'too long a nap' } },
    childStatus: 'FAILED',
  },
];

for (const { name, resource, end, output, childStatus } of childEnds) {
  durable(`a .sync child whose Wait ended while the host was down ends at start-up, and its parent runs on (${name})`, async () => {
    await withFreshStore(async (store) => {
      const clock = manualClock(T0);
      const { executionArn, childArn } = await crashedWithChild(store, resource, napMachine(end), { clock });
      clock.halt();
      const restarted = store.open({ clock: manualClock(T0 + 120_000) });
      const child = await restarted.waitForExecution({ executionArn: childArn });
      assert.is(child.status, childStatus, JSON.stringify(child));
      const parent = await restarted.waitForExecution({ executionArn });
      assert.is(parent.status, 'SUCCEEDED', JSON.stringify(parent));
      const result = JSON.parse(parent.output!) as Record<string, unknown>;
      if ('child' in result) result.child = pick(result.child as Record<string, unknown>, ['Status', 'Error', 'Cause']);
      assert.equal(result, output);
      assertNoGaps((await restarted.getExecutionHistory({ executionArn })).events, name);
    });
  });
}

function pick(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, value[key]]));
}

durable('a child whose end was written before the crash, its parent still parked: the parent runs on at start-up with the child’s output', async () => {
  await withFreshStore(async (store) => {
    const { executionArn, childArn, token } = await crashedWithChild(store, `${SYNC}:2`);
    const db = new Database(store.file);
    const parked = db.prepare('SELECT arn, status, data, events, seq FROM executions WHERE arn = ?').get(executionArn);
    const second = store.open({ handlers: outbox().handlers });
    await second.sendTaskSuccess({ taskToken: token!, output: '{"word":"yes"}' });
    assert.is((await second.waitForExecution({ executionArn: childArn })).status, 'SUCCEEDED');
    await second.waitForExecution({ executionArn });
    // The host died after writing the child's end and before its parent ran on: the store holds the parent as it was parked.
    db.prepare('INSERT OR REPLACE INTO executions (arn, status, data, events, seq) VALUES (@arn, @status, @data, @events, @seq)').run(parked);
    db.close();
    const restarted = store.open({ handlers: outbox().handlers });
    const parent = await restarted.waitForExecution({ executionArn });
    assert.is(parent.status, 'SUCCEEDED', JSON.stringify(parent));
    assert.equal(JSON.parse(parent.output!), { status: 'SUCCEEDED', output: { text: 'hello ada: yes', entered: 'kid' } });
  });
});

durable('stopping a parent resumed after the restart stops its .sync child too', async () => {
  await withFreshStore(async (store) => {
    const { executionArn, childArn } = await crashedWithChild(store, `${SYNC}:2`);
    const restarted = store.open({ handlers: outbox().handlers });
    await turns();
    await restarted.stopExecution({ executionArn, error: 'Enough', cause: 'stopped by the test' });
    assert.is((await restarted.describeExecution({ executionArn })).status, 'ABORTED');
    const child = await restarted.waitForExecution({ executionArn: childArn });
    assert.is(child.status, 'ABORTED', JSON.stringify(child));
  });
});

durable('a record naming a .sync child for a Task that no longer starts one ends FAILED (HostStopped) at start-up, saying why', async () => {
  await withFreshStore(async (store) => {
    const { executionArn } = await crashedWithToken(store, askMachine());
    editSuspension(store.file, executionArn, (suspension) => {
      suspension.childArn = 'arn:aws:states:us-east-1:123456789012:execution:ask:kid';
    });
    const restarted = store.open({ handlers: outbox().handlers });
    const described = await restarted.describeExecution({ executionArn });
    assert.equal([described.status, described.error], ['FAILED', HOST_STOPPED_ERROR]);
    assert.match(described.cause!, /could not be resumed: state 'Ask' does not wait/);
  });
});

durable('an Express .sync child is not kept in the store: after the restart its parent’s Task fails with States.TaskFailed, the child not found', async () => {
  await withFreshStore(async (store) => {
    const clock = manualClock(T0);
    const crashed = store.open({ clock });
    const kid = await crashed.createStateMachine({ name: 'quick', type: 'EXPRESS', definition: napMachine({ Type: 'Succeed' }), roleArn });
    const parent = await crashed.createStateMachine({ name: 'parent', definition: parentMachine(kid.stateMachineArn, `${SYNC}:2`), roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn: parent.stateMachineArn, name: 'waiting', input: '{"who":"ada"}' });
    await turns();
    clock.halt();
    const restarted = store.open({ clock: manualClock(T0 + 120_000) });
    await restarted.waitForExecution({ executionArn });
    const failed = (await restarted.getExecutionHistory({ executionArn })).events.find((e) => e.type === 'TaskFailed');
    const details = failed?.taskFailedEventDetails as { error?: string; cause?: string } | undefined;
    assert.is(details?.error, 'States.TaskFailed');
    assert.match(details?.cause ?? '', /Execution Does Not Exist: 'arn:aws:states:us-east-1:123456789012:express:quick:kid/);
  });
});

durable('a .sync child that was mid-transition in the crash comes back FAILED (HostStopped), and its parent’s Catch sees States.TaskFailed', async () => {
  await withFreshStore(async (store) => {
    const slow = 'arn:aws:lambda:us-east-1:123456789012:function:slow';
    const child = JSON.stringify({ StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: slow, End: true } } });
    const { executionArn, childArn } = await crashedWithChild(store, `${SYNC}:2`, child, { handlers: { [slow]: () => new Promise(() => {}) } });
    const restarted = store.open();
    const parent = await restarted.waitForExecution({ executionArn });
    assert.is(parent.status, 'SUCCEEDED', JSON.stringify(parent));
    const result = JSON.parse(parent.output!) as { error: string; child: Record<string, unknown> };
    assert.equal([result.error, result.child.Status, result.child.Error], ['States.TaskFailed', 'FAILED', HOST_STOPPED_ERROR]);
    assert.is((await restarted.describeExecution({ executionArn: childArn })).error, HOST_STOPPED_ERROR);
  });
});

/** A message handler that keeps each token it is given, by the branch that sent it. */
function branchOutbox() {
  const tokens: Record<string, string[]> = {};
  return {
    tokens,
    handlers: {
      'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string; branch: string } }) => {
        (tokens[input.MessageBody.branch] ??= []).push(input.MessageBody.TaskToken);
        return {};
      },
    },
  };
}

/** A callback Task of branch `branch` (its answer in `$.<branch>`), and what follows it in the branch. */
function askIn(branch: string, ask: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token', branch, 'who.$': '$.who' } },
    ResultPath: `$.${branch}`,
    ...ask,
  };
}

/**
 * Two approvals in parallel: branch a asks, then a Pass assigns and reshapes; branch b (or
 * `second`) asks. ResultSelector and ResultPath put both answers beside the input; `parallel`
 * adds fields to the Parallel state (Retry, Catch).
 */
function approvals(parallel: Record<string, unknown> = {}, second?: Record<string, unknown>, extraStates: Record<string, unknown> = {}): string {
  return JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Assign: { greeting: 'hello' }, Next: 'Both' },
      Both: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'AskA',
            States: {
              AskA: askIn('a', { Next: 'NoteA' }),
              NoteA: { Type: 'Pass', Assign: { heardA: '{% $states.input.a.word %}' }, QueryLanguage: 'JSONata', Next: 'DoneA' },
              DoneA: { Type: 'Pass', Parameters: { 'a.$': '$heardA', 'g.$': '$greeting' }, End: true },
            },
          },
          second ?? { StartAt: 'AskB', States: { AskB: askIn('b', { End: true }) } },
        ],
        ResultSelector: { 'first.$': '$[0]', 'second.$': '$[1].b.word' },
        ResultPath: '$.answers',
        Next: 'Greet',
        ...parallel,
      },
      Greet: { Type: 'Pass', Parameters: { 'text.$': "States.Format('{} {}: {} {}', $greeting, $.who, $.answers.first.a, $.answers.second)" }, End: true },
      ...extraStates,
    },
  });
}

/** Starts `definition` on a service of the store, waits until every branch's token went out; `answerA` answers branch a before the "crash". */
async function crashedInBranches(store: FreshStore, definition: string, answerA: boolean, options: ServiceOptions = {}) {
  const first = branchOutbox();
  const crashed = store.open({ handlers: first.handlers, ...options });
  const { stateMachineArn } = await crashed.createStateMachine({ name: 'approvals', definition, roleArn });
  const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
  await turns();
  assert.equal(
    Object.keys(first.tokens)
      .sort()
      .map((b) => [b, first.tokens[b]!.length]),
    [
      ['a', 1],
      ['b', 1],
    ],
    'each branch sent its token once',
  );
  if (answerA) await crashed.sendTaskSuccess({ taskToken: first.tokens.a![0]!, output: '{"word":"yes"}' });
  await turns();
  const before = (await crashed.getExecutionHistory({ executionArn })).events;
  return { crashed, executionArn, tokens: { a: first.tokens.a![0]!, b: first.tokens.b![0]! }, before };
}

durable(
  'a Parallel whose branches wait on tokens: one branch finished before the crash, the other answered after the restart; output, variables, gap-free history in AWS’s order, no resource called again',
  async () => {
    await withFreshStore(async (store) => {
      const { executionArn, tokens, before } = await crashedInBranches(store, approvals(), true);
      assert.equal(
        before.map((e) => e.type),
        [
          'ExecutionStarted',
          'PassStateEntered',
          'PassStateExited',
          'ParallelStateEntered',
          'ParallelStateStarted',
          'TaskStateEntered',
          'TaskScheduled',
          'TaskStarted',
          'TaskSubmitted',
          'TaskStateEntered',
          'TaskScheduled',
          'TaskStarted',
          'TaskSubmitted',
          'TaskSucceeded',
          'TaskStateExited',
          'PassStateEntered',
          'PassStateExited',
          'PassStateEntered',
          'PassStateExited',
        ],
        'branch a ran to its end before the crash',
      );
      const again = branchOutbox();
      const restarted = store.open({ handlers: again.handlers });
      assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'waiting again, not HostStopped');
      await restarted.sendTaskSuccess({ taskToken: tokens.b, output: '{"word":"ok"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
      assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes ok' });
      assert.equal(again.tokens, {}, 'no resource is called again');
      const history = (await restarted.getExecutionHistory({ executionArn })).events;
      assert.equal(history.slice(0, before.length), before, 'the history before the restart, as it was');
      assert.equal(
        history.slice(before.length).map((e) => e.type),
        ['TaskSucceeded', 'TaskStateExited', 'ParallelStateSucceeded', 'ParallelStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      );
      assertNoGaps(history, 'parallel');
      const taskB = history.find((e) => e.type === 'TaskSubmitted' && e.id > 10)!;
      assert.is(history[before.length]!.previousEventId, taskB.id, 'branch b’s TaskSucceeded follows its own TaskSubmitted');
      assert.is((await store.open().describeExecution({ executionArn })).status, 'SUCCEEDED', 'the end is in the store');
    });
  },
);

durable('the same history with and without the restart: a Parallel resumed from the store numbers and links its events as one that never stopped', async () => {
  const runOnce = async (restart: boolean) => {
    let events: Array<{ id: number; previousEventId?: number; type: string }> = [];
    await withFreshStore(async (store) => {
      const { crashed, executionArn, tokens } = await crashedInBranches(store, approvals(), true);
      const service = restart ? store.open({ handlers: branchOutbox().handlers }) : crashed;
      await service.sendTaskSuccess({ taskToken: tokens.b, output: '{"word":"ok"}' });
      await service.waitForExecution({ executionArn });
      events = (await service.getExecutionHistory({ executionArn })).events.map((e) => ({ id: e.id, previousEventId: e.previousEventId, type: e.type }));
    });
    return events;
  };
  assert.equal(await runOnce(true), await runOnce(false));
});

durable('neither branch answered before the crash: both answered after the restart, in the other order; the Parallel’s output keeps branch order', async () => {
  await withFreshStore(async (store) => {
    const { executionArn, tokens } = await crashedInBranches(store, approvals(), false);
    const restarted = store.open({ handlers: branchOutbox().handlers });
    await restarted.sendTaskSuccess({ taskToken: tokens.b, output: '{"word":"second"}' });
    await turns();
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'branch a still waits');
    const third = store.open({ handlers: branchOutbox().handlers });
    assert.is((await third.describeExecution({ executionArn })).status, 'RUNNING', 'a second crash after branch b finished: still resumable');
    await third.sendTaskSuccess({ taskToken: tokens.a, output: '{"word":"first"}' });
    const described = await third.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: first second' });
    assertNoGaps((await third.getExecutionHistory({ executionArn })).events, 'two restarts');
  });
});

durable('a Wait state in a branch: one that ended while the host was down goes on at start-up; the other branch’s token completes the Parallel', async () => {
  await withFreshStore(async (store) => {
    const nap = {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 60, Next: 'Woke' }, Woke: { Type: 'Pass', Result: { word: 'rested' }, ResultPath: '$.b', End: true } },
    };
    const definition = approvals({}, nap);
    const clock = manualClock(T0);
    const first = branchOutbox();
    const crashed = store.open({ clock, handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'napping', definition, roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
    await turns();
    assert.ok(clock.requested.includes(60_000), 'the branch’s Wait parked on the clock');
    clock.halt();
    const later = manualClock(T0 + 120_000);
    const restarted = store.open({ clock: later, handlers: branchOutbox().handlers });
    await turns();
    const history = (await restarted.getExecutionHistory({ executionArn })).events;
    assert.ok(
      history.some((e) => e.type === 'WaitStateExited'),
      'the Wait ended at start-up',
    );
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'branch a still waits for its token');
    await restarted.sendTaskSuccess({ taskToken: first.tokens.a![0]!, output: '{"word":"yes"}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes rested' });
    assertNoGaps((await restarted.getExecutionHistory({ executionArn })).events, 'wait in a branch');
  });
});

durable('a Wait in a branch still pending at the restart waits for the time that is left', async () => {
  await withFreshStore(async (store) => {
    const nap = {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 60, Next: 'Woke' }, Woke: { Type: 'Pass', Result: { word: 'rested' }, ResultPath: '$.b', End: true } },
    };
    const clock = manualClock(T0);
    const first = branchOutbox();
    const crashed = store.open({ clock, handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'napping', definition: approvals({}, nap), roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
    await turns();
    await crashed.sendTaskSuccess({ taskToken: first.tokens.a![0]!, output: '{"word":"yes"}' });
    await turns();
    clock.halt();
    const later = manualClock(T0 + 20_000);
    const restarted = store.open({ clock: later, handlers: branchOutbox().handlers });
    await turns();
    assert.ok(later.requested.includes(40_000), `armed for the 40 s left: ${later.requested}`);
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING');
    later.advance(40_000);
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes rested' });
  });
});

durable('a branch failing after the restart goes through the Parallel’s Catch; the other branch’s token is withdrawn', async () => {
  await withFreshStore(async (store) => {
    const definition = approvals({ Catch: [{ ErrorEquals: ['Refused'], ResultPath: '$.error', Next: 'Declined' }] }, undefined, {
      Declined: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' }, End: true },
    });
    const { executionArn, tokens } = await crashedInBranches(store, definition, false);
    const restarted = store.open({ handlers: branchOutbox().handlers });
    await restarted.sendTaskFailure({ taskToken: tokens.b, error: 'Refused', cause: 'no' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { error: 'Refused', cause: 'no' });
    const refused = await restarted.sendTaskSuccess({ taskToken: tokens.a, output: '{}' }).then(
      () => null,
      (e: Error) => e.name,
    );
    assert.ok(refused !== null, 'the abandoned branch’s token settles nothing');
    const history = (await restarted.getExecutionHistory({ executionArn })).events;
    assert.equal(
      history.slice(-8).map((e) => e.type),
      [
        'TaskFailed',
        'TaskStateAborted',
        'TaskStateAborted',
        'ParallelStateFailed',
        'ParallelStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ],
    );
    assertNoGaps(history, 'catch');
  });
});

durable('a branch failing after the restart is retried by the Parallel’s Retry: the branches run again, and their new tokens complete it', async () => {
  await withFreshStore(async (store) => {
    const definition = approvals({ Retry: [{ ErrorEquals: ['Refused'], IntervalSeconds: 1, MaxAttempts: 1 }] });
    const { executionArn, tokens } = await crashedInBranches(store, definition, true, { clock: virtualClock() });
    const again = branchOutbox();
    const restarted = store.open({ handlers: again.handlers, clock: virtualClock() });
    await restarted.sendTaskFailure({ taskToken: tokens.b, error: 'Refused', cause: 'not yet' });
    for (let i = 0; i < 100 && Object.keys(again.tokens).length < 2; i++) await turns(1);
    assert.equal(Object.keys(again.tokens).sort(), ['a', 'b'], 'the retry ran both branches again');
    await restarted.sendTaskSuccess({ taskToken: again.tokens.a![0]!, output: '{"word":"again"}' });
    await restarted.sendTaskSuccess({ taskToken: again.tokens.b![0]!, output: '{"word":"now"}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: again now' });
  });
});

durable('StopExecution of a Parallel resumed after the restart: ABORTED, its branches’ tokens withdrawn', async () => {
  await withFreshStore(async (store) => {
    const { executionArn, tokens } = await crashedInBranches(store, approvals(), true);
    const restarted = store.open({ handlers: branchOutbox().handlers });
    await restarted.stopExecution({ executionArn, error: 'Enough', cause: 'stopped by hand' });
    const described = await restarted.describeExecution({ executionArn });
    assert.equal([described.status, described.error], ['ABORTED', 'Enough']);
    const answered = await restarted.sendTaskSuccess({ taskToken: tokens.b, output: '{}' }).then(
      () => 'settled',
      (e: Error) => e.name,
    );
    assert.ok(answered !== 'settled', 'the stopped branch’s token no longer waits');
    assert.is((await store.open().describeExecution({ executionArn })).status, 'ABORTED', 'the end is in the store');
  });
});

durable('a branch token’s TimeoutSeconds after the restart ends it with States.Timeout, which the Parallel’s Catch takes', async () => {
  await withFreshStore(async (store) => {
    const definition = approvals(
      { Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Late' }] },
      { StartAt: 'AskB', States: { AskB: askIn('b', { TimeoutSeconds: 30, End: true }) } },
      {
        Late: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true },
      },
    );
    const clock = manualClock(T0);
    const { executionArn } = await crashedInBranches(store, definition, true, { clock });
    clock.halt();
    const later = manualClock(T0 + 10_000);
    const restarted = store.open({ clock: later, handlers: branchOutbox().handlers });
    await turns();
    assert.ok(later.requested.includes(20_000), `the timeout armed for the 20 s left: ${later.requested}`);
    later.advance(20_000);
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { error: 'States.Timeout' });
  });
});

durable('a branch token’s HeartbeatSeconds that ran out while the host was down is a lapse at start-up (States.HeartbeatTimeout catches it)', async () => {
  await withFreshStore(async (store) => {
    const definition = approvals(
      { Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Silent' }] },
      { StartAt: 'AskB', States: { AskB: askIn('b', { HeartbeatSeconds: 30, End: true }) } },
      { Silent: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
    );
    const clock = manualClock(T0);
    const { executionArn } = await crashedInBranches(store, definition, false, { clock });
    clock.halt();
    const restarted = store.open({ clock: manualClock(T0 + 60_000), handlers: branchOutbox().handlers });
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { error: 'States.Timeout' });
  });
});

durable('a Parallel inside a branch parks too: the inner branches’ tokens resume it after the restart', async () => {
  await withFreshStore(async (store) => {
    const inner = {
      StartAt: 'Inner',
      States: {
        Inner: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'AskB', States: { AskB: askIn('b', { End: true }) } },
            { StartAt: 'AskC', States: { AskC: askIn('c', { End: true }) } },
          ],
          OutputPath: '$[0]',
          End: true,
        },
      },
    };
    const first = branchOutbox();
    const crashed = store.open({ handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'nested', definition: approvals({}, inner), roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
    await turns();
    await crashed.sendTaskSuccess({ taskToken: first.tokens.c![0]!, output: '{"word":"c"}' });
    await turns();
    const restarted = store.open({ handlers: branchOutbox().handlers });
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING');
    await restarted.sendTaskSuccess({ taskToken: first.tokens.a![0]!, output: '{"word":"yes"}' });
    await restarted.sendTaskSuccess({ taskToken: first.tokens.b![0]!, output: '{"word":"inner"}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes inner' });
    assertNoGaps((await restarted.getExecutionHistory({ executionArn })).events, 'nested parallel');
  });
});

for (const { name, edit, says } of [
  {
    name: 'a branch parked in a state the branch no longer has',
    edit: (s: Record<string, any>) => (s.branches[1].point.stateName = 'Gone'),
    says: /could not be resumed: no state 'Gone' in branch 1 of Parallel state 'Both'/,
  },
  {
    name: 'a Parallel with another number of branches',
    edit: (s: Record<string, any>) => s.branches.push({ finished: true, output: {} }),
    says: /could not be resumed: state 'Both' is not a Parallel state with the 3 branches the record names/,
  },
  {
    name: 'a branch parked on a token in a state that no longer waits for one',
    edit: (s: Record<string, any>) => (s.branches[0].point.stateName = 'DoneA'),
    says: /could not be resumed: state 'DoneA' does not wait for a task token where the record says it did/,
  },
]) {
  durable(`a record that no longer fits the machine (${name}) ends FAILED (statemill.HostStopped) at start-up, saying why`, async () => {
    await withFreshStore(async (store) => {
      const { executionArn, tokens } = await crashedInBranches(store, approvals(), false);
      editSuspension(store.file, executionArn, edit);
      const restarted = store.open({ handlers: branchOutbox().handlers });
      await turns();
      const described = await restarted.describeExecution({ executionArn });
      assert.equal([described.status, described.error], ['FAILED', HOST_STOPPED_ERROR]);
      assert.match(described.cause!, says);
      const answered = await restarted.sendTaskSuccess({ taskToken: tokens.b, output: '{}' }).then(
        () => 'settled',
        (e: Error) => e.name,
      );
      assert.ok(answered !== 'settled', 'no token of it waits');
    });
  });
}

durable('a damaged branch record stops start-up with ERR_STORE_CORRUPT naming the branch and field', async () => {
  await withFreshStore(async (store) => {
    const { executionArn } = await crashedInBranches(store, approvals(), true);
    editSuspension(store.file, executionArn, (s) => (s.branches[1].point.retryCount = 'twice'));
    let refused: unknown = null;
    try {
      store.open();
    } catch (thrown) {
      refused = thrown;
    }
    assert.instance(refused, StoreError);
    assert.is((refused as StoreError).code, StoreErrorCodes.CORRUPT);
    assert.ok((refused as Error).message.includes('is damaged (branches/1/point/retryCount is not a number)'), (refused as Error).message);
  });
});

/** An iteration's state that sends its token and item index out (itemOutbox keeps them) and waits for the answer, then goes to Said. */
const askItem = {
  Type: 'Task',
  Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token', 'index.$': '$.index' } },
  ResultPath: '$.answer',
  Next: 'Said',
};

/**
 * A Distributed Map (ProcessorConfig Mode DISTRIBUTED, STANDARD children) over `$.items` whose
 * iterations each ask for an approval: the first state assigns in the iteration's own scope
 * (which sees none of the execution's variables), the last reads it back. `map` adds fields to the Map state.
 */
function distributedApprovals(map: Record<string, unknown> = {}): string {
  return JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Assign: { greeting: 'hello' }, Next: 'Each' },
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Note',
          States: {
            Note: { Type: 'Pass', Assign: { 'mine.$': '$.value' }, Next: 'AskItem' },
            AskItem: askItem,
            Said: { Type: 'Pass', Parameters: { 'text.$': "States.Format('{} #{}: {}', $mine, $.index, $.answer.word)" }, End: true },
          },
        },
        ResultPath: '$.said',
        End: true,
        ...map,
      },
    },
  });
}

durable(
  'a distributed Map whose iterations wait on tokens: one answered before the crash, the others after the restart; results in item order, iteration variables kept, history as without a restart',
  async () => {
    const runOnce = (restart: boolean) => answeredAcrossRestart(distributedApprovals(), restart, 'distributed map');
    const restarted = await runOnce(true);
    assert.equal(restarted.output, {
      items: ['ada', 'bob', 'cy'],
      said: [{ text: 'ada #0: ok' }, { text: 'bob #1: yes' }, { text: 'cy #2: sure' }],
    });
    assert.is(restarted.calledAgain, 0, 'no resource is called again');
    assert.equal(restarted.events, (await runOnce(false)).events, 'the same history as without the restart');
  },
);

durable('a distributed Map’s iterations see none of the execution’s variables after a restart either', async () => {
  await withFreshStore(async (store) => {
    const definition = distributedApprovals().replace("'{} #{}: {}', $mine", "'{} #{}: {}', $greeting");
    const { executionArn, tokens } = await startedMap(store, definition, ['ada']);
    const restarted = store.open({ handlers: itemOutbox().handlers });
    await restarted.sendTaskSuccess({ taskToken: tokens[0]!, output: '{"word":"ok"}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal([described.status, described.error], ['FAILED', 'States.Runtime']);
    assert.match(described.cause!, /greeting/);
  });
});

/** S3 in memory for an ItemReader and a ResultWriter: each getObject counted, each putObject kept by key. */
function memoryBucket(objects: Record<string, unknown>) {
  const reads: string[] = [];
  const written: Record<string, string> = {};
  return {
    reads,
    written,
    handlers: {
      'arn:aws:states:::s3:getObject': (input: { Key: string }) => (reads.push(input.Key), { Body: Buffer.from(JSON.stringify(objects[input.Key])) }),
      'arn:aws:states:::s3:putObject': (input: { Key: string; Body: string }) => ((written[input.Key] = input.Body), {}),
    },
  };
}

durable(
  'a distributed Map with ItemReader, ItemBatcher and ResultWriter waiting on tokens: the items are not read again after the restart, a tolerated failure and the results are written once the last batch ends',
  async () => {
    await withFreshStore(async (store) => {
      const definition = distributedApprovals({
        ItemsPath: undefined,
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'in', Key: 'people.json' } },
        ItemSelector: undefined,
        ItemBatcher: { MaxItemsPerBatch: 2 },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'AskBatch',
          States: {
            AskBatch: {
              Type: 'Task',
              Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
              Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token', 'index.$': '$.Items[0].index' } },
              ResultSelector: { 'names.$': '$.names' },
              End: true,
            },
          },
        },
        ToleratedFailureCount: 1,
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs' } },
      });
      const people = [0, 1, 2, 3, 4].map((index) => ({ index, name: `p${index}` }));
      const first = memoryBucket({ 'people.json': people });
      const asked = itemOutbox();
      const crashed = store.open({ handlers: { ...first.handlers, ...asked.handlers } });
      const { stateMachineArn } = await crashed.createStateMachine({ name: 'batches', definition, roleArn });
      const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'batches', input: '{}' });
      await turns();
      assert.equal(Object.keys(asked.tokens).sort(), ['0', '2', '4'], 'one token per batch of two');
      assert.equal(first.reads, ['people.json'], 'read once');
      await crashed.sendTaskFailure({ taskToken: asked.tokens[2]!, error: 'No', cause: 'second batch' });
      await turns();
      const second = memoryBucket({ 'people.json': [] });
      const restarted = store.open({ handlers: { ...second.handlers, ...itemOutbox().handlers } });
      await restarted.sendTaskSuccess({ taskToken: asked.tokens[4]!, output: '{"names":["p4"]}' });
      await turns();
      assert.equal(second.written, {}, 'nothing written while a batch waits');
      await restarted.sendTaskSuccess({ taskToken: asked.tokens[0]!, output: '{"names":["p0","p1"]}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
      assert.equal(second.reads, [], 'the item source is not read again after the restart');
      const said = (JSON.parse(described.output!) as { said: { ResultWriterDetails: { Bucket: string; Key: string } } }).said;
      assert.is(said.ResultWriterDetails.Bucket, 'out');
      const manifest = JSON.parse(second.written[said.ResultWriterDetails.Key]!) as { ResultFiles: Record<string, Array<{ Key: string }>> };
      const succeeded = JSON.parse(second.written[manifest.ResultFiles.SUCCEEDED![0]!.Key]!) as Array<{ Output: string }>;
      assert.equal(
        succeeded.map((r) => JSON.parse(r.Output)),
        [{ names: ['p0', 'p1'] }, { names: ['p4'] }],
        'results in item order',
      );
      const failed = JSON.parse(second.written[manifest.ResultFiles.FAILED![0]!.Key]!) as Array<{ Error: string; Cause: string }>;
      assert.equal(
        failed.map((r) => [r.Error, r.Cause]),
        [['No', 'second batch']],
        'the tolerated failure',
      );
      assertNoGaps((await restarted.getExecutionHistory({ executionArn })).events, 'distributed map with reader and writer');
    });
  },
);

durable(
  'a JSONata distributed Map with a ResultWriter whose iterations got heartbeats before the crash: after the restart HeartbeatSeconds counts from them, the answers complete it and the results are written then',
  async () => {
    await withFreshStore(async (store) => {
      const definition = JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Items: '{% $states.input.items %}',
            ItemSelector: { index: '{% $states.context.Map.Item.Index %}', value: '{% $states.context.Map.Item.Value %}' },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'AskItem',
              States: {
                AskItem: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
                  Arguments: { QueueUrl: 'q', MessageBody: { TaskToken: '{% $states.context.Task.Token %}', index: '{% $states.input.index %}' } },
                  HeartbeatSeconds: 60,
                  Output: '{% $states.input.value & ": " & $states.result.word %}',
                  End: true,
                },
              },
            },
            ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Arguments: { Bucket: 'out', Prefix: 'runs' } },
            End: true,
          },
        },
      });
      const clock = manualClock(T0);
      const asked = itemOutbox();
      const crashed = store.open({ handlers: { ...memoryBucket({}).handlers, ...asked.handlers }, clock });
      const { stateMachineArn } = await crashed.createStateMachine({ name: 'each', definition, roleArn });
      const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'items', input: '{"items":["ada","bob"]}' });
      await turns();
      const tokens = asked.tokens;
      assert.equal(Object.keys(tokens).sort(), ['0', '1'], JSON.stringify(await crashed.describeExecution({ executionArn })));
      clock.advance(50_000);
      await crashed.sendTaskHeartbeat({ taskToken: tokens[0]! });
      await crashed.sendTaskHeartbeat({ taskToken: tokens[1]! });
      clock.halt();
      const written = memoryBucket({});
      const later = manualClock(T0 + 100_000);
      const restarted = store.open({ handlers: { ...written.handlers, ...itemOutbox().handlers }, clock: later });
      await turns();
      assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'the heartbeats hold the iterations’ waits');
      await restarted.sendTaskSuccess({ taskToken: tokens[1]!, output: '{"word":"yes"}' });
      await restarted.sendTaskSuccess({ taskToken: tokens[0]!, output: '{"word":"ok"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
      const details = (JSON.parse(described.output!) as { ResultWriterDetails: { Key: string } }).ResultWriterDetails;
      const manifest = JSON.parse(written.written[details.Key]!) as { ResultFiles: Record<string, Array<{ Key: string }>> };
      const succeeded = JSON.parse(written.written[manifest.ResultFiles.SUCCEEDED![0]!.Key]!) as Array<{ Output: string }>;
      assert.equal(
        succeeded.map((r) => JSON.parse(r.Output)),
        ['ada: ok', 'bob: yes'],
      );
    });
  },
);

/** A message handler that keeps each token it is given by the item (`$.index`) that sent it. */
function itemOutbox() {
  const tokens: Record<number, string> = {};
  return {
    tokens,
    handlers: {
      'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string; index: number } }) => {
        tokens[input.MessageBody.index] = input.MessageBody.TaskToken;
        return {};
      },
    },
  };
}

/** A Map over `$.items` whose iterations each ask for an approval; `map` adds fields to the Map state. */
function approvalsPerItem(map: Record<string, unknown> = {}, extraStates: Record<string, unknown> = {}): string {
  return JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Assign: { greeting: 'hello' }, Next: 'Each' },
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' },
        ItemProcessor: {
          StartAt: 'AskItem',
          States: {
            AskItem: askItem,
            Said: { Type: 'Pass', Parameters: { 'text.$': "States.Format('{} {} #{}: {}', $greeting, $.value, $.index, $.answer.word)" }, End: true },
          },
        },
        ResultPath: '$.said',
        End: true,
        ...map,
      },
      ...extraStates,
    },
  });
}

async function startedMap(store: FreshStore, definition: string, items: string[], options: ServiceOptions = {}) {
  const first = itemOutbox();
  const crashed = store.open({ handlers: first.handlers, ...options });
  const { stateMachineArn } = await crashed.createStateMachine({ name: 'each', definition, roleArn });
  const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'items', input: JSON.stringify({ items }) });
  await turns();
  return { crashed, executionArn, tokens: first.tokens };
}

/**
 * The three iterations of `definition` over ada, bob and cy wait on tokens: item 1's is answered
 * before the crash, items 2 and 0 after the restart (`restart` false: on the same service, the
 * run to compare with). What the execution gave: its output, its history (checked gap-free under
 * `label`) and how many resources were called again.
 */
async function answeredAcrossRestart(definition: string, restart: boolean, label: string) {
  let outcome: { output: unknown; events: unknown[]; calledAgain: number } = { output: null, events: [], calledAgain: 0 };
  await withFreshStore(async (store) => {
    const { crashed, executionArn, tokens } = await startedMap(store, definition, ['ada', 'bob', 'cy']);
    assert.equal(Object.keys(tokens).sort(), ['0', '1', '2'], 'every iteration sent its token');
    await crashed.sendTaskSuccess({ taskToken: tokens[1]!, output: '{"word":"yes"}' });
    await turns();
    const again = itemOutbox();
    const service = restart ? store.open({ handlers: again.handlers }) : crashed;
    assert.is((await service.describeExecution({ executionArn })).status, 'RUNNING');
    await service.sendTaskSuccess({ taskToken: tokens[2]!, output: '{"word":"sure"}' });
    await service.sendTaskSuccess({ taskToken: tokens[0]!, output: '{"word":"ok"}' });
    const described = await service.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    const history = (await service.getExecutionHistory({ executionArn })).events;
    assertNoGaps(history, label);
    outcome = {
      output: JSON.parse(described.output!),
      events: history.map((e) => [e.id, e.previousEventId, e.type]),
      calledAgain: Object.keys(again.tokens).length,
    };
  });
  return outcome;
}

durable(
  'a Map whose iterations wait on tokens: one answered before the crash, the others after the restart in reverse order; results in item order, $$.Map.Item kept, history gap-free and as without a restart',
  async () => {
    const runOnce = (restart: boolean) => answeredAcrossRestart(approvalsPerItem(), restart, 'map');
    const restarted = await runOnce(true);
    assert.equal(restarted.output, {
      items: ['ada', 'bob', 'cy'],
      said: [{ text: 'hello ada #0: ok' }, { text: 'hello bob #1: yes' }, { text: 'hello cy #2: sure' }],
    });
    assert.is(restarted.calledAgain, 0, 'no resource is called again');
    assert.equal(restarted.events, (await runOnce(false)).events, 'the same history as without the restart');
  },
);

durable('MaxConcurrency 1: the item waiting at the crash resumes after the restart, and the next items start only then, one at a time', async () => {
  await withFreshStore(async (store) => {
    const { executionArn, tokens } = await startedMap(store, approvalsPerItem({ MaxConcurrency: 1 }), ['ada', 'bob', 'cy']);
    assert.equal(Object.keys(tokens), ['0'], 'one iteration in flight');
    const again = itemOutbox();
    const restarted = store.open({ handlers: again.handlers });
    await restarted.sendTaskSuccess({ taskToken: tokens[0]!, output: '{"word":"one"}' });
    await turns();
    assert.equal(Object.keys(again.tokens), ['1'], 'the second item started after the restart');
    const third = store.open({ handlers: again.handlers });
    await third.sendTaskSuccess({ taskToken: again.tokens[1]!, output: '{"word":"two"}' });
    await turns();
    assert.equal(Object.keys(again.tokens), ['1', '2'], 'then the third, after a second restart');
    await third.sendTaskSuccess({ taskToken: again.tokens[2]!, output: '{"word":"three"}' });
    const described = await third.waitForExecution({ executionArn });
    assert.equal(
      (JSON.parse(described.output!) as { said: Array<{ text: string }> }).said.map((s) => s.text),
      ['hello ada #0: one', 'hello bob #1: two', 'hello cy #2: three'],
    );
    assertNoGaps((await third.getExecutionHistory({ executionArn })).events, 'map one at a time');
  });
});

durable(
  'ToleratedFailureCount across the restart: a failure before it and one after it are tolerated (error outputs in their slots); the next exceeds it and the Catch takes States.ExceedToleratedFailureThreshold',
  async () => {
    await withFreshStore(async (store) => {
      const caught = { Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], ResultPath: '$.error', Next: 'TooMany' }] };
      const tooMany = { TooMany: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } };
      const tolerant = approvalsPerItem({ ToleratedFailureCount: 2, ...caught }, tooMany);
      const { crashed, executionArn, tokens } = await startedMap(store, tolerant, ['ada', 'bob', 'cy']);
      await crashed.sendTaskFailure({ taskToken: tokens[0]!, error: 'No', cause: 'first' });
      await turns();
      const restarted = store.open({ handlers: itemOutbox().handlers });
      await restarted.sendTaskFailure({ taskToken: tokens[2]!, error: 'No', cause: 'third' });
      await restarted.sendTaskSuccess({ taskToken: tokens[1]!, output: '{"word":"yes"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.equal((JSON.parse(described.output!) as { said: unknown }).said, [
        { Error: 'No', Cause: 'first' },
        { text: 'hello bob #1: yes' },
        { Error: 'No', Cause: 'third' },
      ]);
    });
  },
);

durable(
  'ToleratedFailureCount 1 across the restart: a failure before it is tolerated, the one after it exceeds it; the Catch takes States.ExceedToleratedFailureThreshold and the waiting item is withdrawn',
  async () => {
    await withFreshStore(async (store) => {
      const strict = approvalsPerItem(
        { ToleratedFailureCount: 1, Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], ResultPath: '$.error', Next: 'TooMany' }] },
        { TooMany: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
      );
      const { crashed, executionArn, tokens } = await startedMap(store, strict, ['ada', 'bob', 'cy']);
      await crashed.sendTaskFailure({ taskToken: tokens[0]!, error: 'No', cause: 'first' });
      await turns();
      const restarted = store.open({ handlers: itemOutbox().handlers });
      assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'one failure is tolerated');
      await restarted.sendTaskFailure({ taskToken: tokens[2]!, error: 'No', cause: 'third' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.equal(JSON.parse(described.output!), { error: 'States.ExceedToleratedFailureThreshold' });
      const answered = await restarted.sendTaskSuccess({ taskToken: tokens[1]!, output: '{}' }).then(
        () => 'settled',
        (e: Error) => e.name,
      );
      assert.ok(answered !== 'settled', 'the waiting item’s token was withdrawn');
      const history = (await restarted.getExecutionHistory({ executionArn })).events;
      assert.equal(
        history.slice(-10).map((e) => e.type),
        [
          'TaskFailed',
          'MapIterationFailed',
          'TaskStateAborted',
          'MapIterationAborted',
          'TaskStateAborted',
          'MapStateFailed',
          'MapStateExited',
          'PassStateEntered',
          'PassStateExited',
          'ExecutionSucceeded',
        ],
      );
      assertNoGaps(history, 'map tolerance');
    });
  },
);

durable('a record naming a Map iteration in a state the processor no longer has ends FAILED (statemill.HostStopped) at start-up, saying why', async () => {
  await withFreshStore(async (store) => {
    const { executionArn } = await startedMap(store, approvalsPerItem(), ['ada']);
    editSuspension(store.file, executionArn, (s) => (s.iterations[0].point.stateName = 'Gone'));
    const restarted = store.open({ handlers: itemOutbox().handlers });
    await turns();
    const described = await restarted.describeExecution({ executionArn });
    assert.equal([described.status, described.error], ['FAILED', HOST_STOPPED_ERROR]);
    assert.match(described.cause!, /could not be resumed: no state 'Gone' in the iterations of Map state 'Each'/);
  });
});

durable('a Map inside a Parallel branch, and a Parallel inside its iterations, nest in the record: their tokens resume them after the restart', async () => {
  await withFreshStore(async (store) => {
    const each = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'index.$': '$$.Map.Item.Index' },
          ItemProcessor: {
            StartAt: 'Inner',
            States: {
              Inner: {
                Type: 'Parallel',
                Branches: [
                  {
                    StartAt: 'AskItem',
                    States: {
                      AskItem: {
                        Type: 'Task',
                        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
                        Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token', 'index.$': '$.index' } },
                        End: true,
                      },
                    },
                  },
                ],
                OutputPath: '$[0].word',
                End: true,
              },
            },
          },
          ResultSelector: { 'word.$': 'States.ArrayGetItem($, 1)' },
          ResultPath: '$.b',
          End: true,
        },
      },
    };
    const first = itemOutbox();
    const crashed = store.open({ handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'nested', definition: approvals({}, each), roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada","items":[1,2]}' });
    await turns();
    await crashed.sendTaskSuccess({ taskToken: first.tokens[0]!, output: '{"word":"zero"}' });
    await turns();
    const restarted = store.open({ handlers: itemOutbox().handlers });
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING');
    await restarted.sendTaskSuccess({ taskToken: first.tokens[1]!, output: '{"word":"one"}' });
    await turns();
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'branch a still waits');
    const { suspension } = storedExecution(store.file, executionArn).data;
    assert.is(suspension.branches[1].finished, true, 'the Map’s branch finished: recorded with its output');
    // Branch a's token went to the message handler of askIn, which this test does not keep: answer it through a restart's record.
    const token = suspension.branches[0].point.token as string;
    await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"yes"}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes one' });
    assertNoGaps((await restarted.getExecutionHistory({ executionArn })).events, 'nested map');
  });
});

durable(
  'a .sync:2 child started in a Parallel branch: after the restart the child’s token completes the child, then the branch and the Parallel with its output',
  async () => {
    await withFreshStore(async (store) => {
      const first = outbox();
      const crashed = store.open({ handlers: first.handlers });
      const kid = await crashed.createStateMachine({ name: 'ask', definition: askMachine(), roleArn });
      const parent = JSON.parse(parentMachine(kid.stateMachineArn, `${SYNC}:2`)) as { States: Record<string, Record<string, unknown>> };
      const definition = JSON.stringify({
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'RunChild', States: parent.States },
              { StartAt: 'Other', States: { Other: { Type: 'Pass', Result: 'other', End: true } } },
            ],
            End: true,
          },
        },
      });
      const { stateMachineArn } = await crashed.createStateMachine({ name: 'parent', definition, roleArn });
      const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'waiting', input: '{"who":"ada"}' });
      await turns();
      const again = outbox();
      const restarted = store.open({ handlers: again.handlers });
      assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING', 'the parent waits on its child again');
      await restarted.sendTaskSuccess({ taskToken: first.tokens[0]!, output: '{"word":"yes"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
      assert.equal(JSON.parse(described.output!), [{ status: 'SUCCEEDED', output: { text: 'hello ada: yes', entered: 'kid' } }, 'other']);
      assert.equal(again.tokens, [], 'no resource called again');
    });
  },
);

durable('a retry interval of a Task in a Parallel branch that ended while the host was down: the retry runs after the restart as attempt 2', async () => {
  await withFreshStore(async (store) => {
    const retrying = JSON.parse(retryMachine()) as { States: Record<string, unknown> };
    const definition = JSON.stringify({
      StartAt: 'Both',
      States: { Both: { Type: 'Parallel', Branches: [{ StartAt: 'Work', States: retrying.States }], End: true } },
    });
    const crashedClock = manualClock(T0);
    const first = attempts([busy()]);
    const crashed = store.open({ clock: crashedClock, handlers: first.handlers });
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'retrying', definition, roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'retry', input: '{"job":1}' });
    await turns();
    assert.equal(first.seen, [1]);
    crashedClock.halt();
    const again = attempts([busy(), { done: true }]);
    const restarted = store.open({ clock: manualClock(T0 + 60_000), handlers: again.handlers });
    const described = await restarted.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), [{ done: true }]);
    assert.equal(again.seen, [2], 'the branch’s retry is attempt 2');
    assertNoGaps((await restarted.getExecutionHistory({ executionArn })).events, 'retry in a branch');
  });
});

durable(
  'an activity task in a Parallel branch that no worker took before the crash is handed out again after the restart; its answer completes the Parallel',
  async () => {
    await withFreshStore(async (store) => {
      const crashed = store.open({ clock: manualClock(T0) });
      const { activityArn } = await crashed.createActivity({ name: 'review' });
      const review = JSON.parse(activityDefinition(activityArn)) as { States: Record<string, unknown> };
      const definition = JSON.stringify({
        StartAt: 'Both',
        States: { Both: { Type: 'Parallel', Branches: [{ StartAt: 'Review', States: review.States }], OutputPath: '$[0].review', End: true } },
      });
      const { stateMachineArn } = await crashed.createStateMachine({ name: 'reviewing', definition, roleArn });
      const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'doc', input: '{"doc":"a.txt"}' });
      await turns();
      const restarted = store.open({ clock: manualClock(T0 + 1_000) });
      const task = await restarted.getActivityTask({ activityArn, workerName: 'after' });
      assert.equal(JSON.parse(task.input!), { doc: 'a.txt' });
      await restarted.sendTaskSuccess({ taskToken: task.taskToken!, output: '{"ok":true}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.equal(JSON.parse(described.output!), { ok: true });
    });
  },
);

durable('close() leaves a Parallel parked in its branches in the store as it parked: the next start resumes it', async () => {
  await withFreshStore(async (store) => {
    const { crashed, executionArn, tokens } = await crashedInBranches(store, approvals(), true);
    await crashed.close();
    const reopened = store.open({ handlers: branchOutbox().handlers });
    assert.is((await reopened.describeExecution({ executionArn })).status, 'RUNNING', 'parked, not ABORTED');
    await reopened.sendTaskSuccess({ taskToken: tokens.b, output: '{"word":"ok"}' });
    const described = await reopened.waitForExecution({ executionArn });
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes ok' });
  });
});

durable.run();
