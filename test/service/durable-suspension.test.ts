import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, type StepFunctionsService } from '../../src/service/index.js';
import { HOST_STOPPED_ERROR, StoreError, StoreErrorCodes } from '../../src/service/store.js';

/**
 * Executions suspended on a task token survive a restart over the same store: a second
 * service opening the file (what a restart after kill -9 sees) waits on the same tokens,
 * and SendTask* on a token issued before the restart resumes and completes the execution.
 */
const durable = suite('service: suspended executions resume after a restart');

const dir = mkdtempSync(join(tmpdir(), 'statemill-durable-'));
let fileNumber = 0;
const freshFile = () => join(dir, `durable-${++fileNumber}.db`);
const roleArn = 'arn:aws:iam::123456789012:role/local';

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

async function crashedWithToken(file: string, definition: string, opened: StepFunctionsService[]) {
  const first = outbox();
  const crashed = createService({ store: file, handlers: first.handlers });
  opened.push(crashed);
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
    const file = freshFile();
    const opened: StepFunctionsService[] = [];
    try {
      const { executionArn, token, before } = await crashedWithToken(file, askMachine(), opened);
      const again = outbox();
      const restarted = createService({ store: file, handlers: again.handlers });
      opened.push(restarted);
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
      const third = createService({ store: file });
      opened.push(third);
      assert.is((await third.describeExecution({ executionArn })).status, 'SUCCEEDED', 'the end is in the store, no suspension left');
    } finally {
      for (const service of opened) await service.close();
    }
  },
);

durable('a Task reached only through a Choice rule (not by Next from StartAt) resumes after the restart too', async () => {
  const file = freshFile();
  const opened: StepFunctionsService[] = [];
  try {
    const asking = JSON.parse(askMachine()) as { States: Record<string, unknown> };
    const definition = JSON.stringify({
      StartAt: 'Route',
      States: {
        Route: { Type: 'Choice', Choices: [{ Variable: '$.who', StringEquals: 'ada', Next: 'Prepare' }], Default: 'Other' },
        Other: { Type: 'Succeed' },
        ...asking.States,
      },
    });
    const { executionArn, token } = await crashedWithToken(file, definition, opened);
    const restarted = createService({ store: file, handlers: outbox().handlers });
    opened.push(restarted);
    assert.is((await restarted.describeExecution({ executionArn })).status, 'RUNNING');
    await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"yes"}' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!), { text: 'hello ada: yes', entered: 'asking' });
  } finally {
    for (const service of opened) await service.close();
  }
});

durable(
  'a JSONata Task whose Arguments evaluate asynchronously resumes too: its Output and Assign run after the restart on the pre-crash token, its resource not called again',
  async () => {
    const file = freshFile();
    const opened: StepFunctionsService[] = [];
    try {
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
      const { executionArn, token } = await crashedWithToken(file, definition, opened);
      const again = outbox();
      const restarted = createService({ store: file, handlers: again.handlers });
      opened.push(restarted);
      await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"yes"}' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
      assert.is(JSON.parse(described.output!), 'ada said yes');
      assert.equal(again.tokens, [], 'the resource is not called again');
    } finally {
      for (const service of opened) await service.close();
    }
  },
);

durable('SendTaskFailure after the restart goes through the Task’s Catch; SendTaskHeartbeat is accepted', async () => {
  const file = freshFile();
  const opened: StepFunctionsService[] = [];
  try {
    const definition = askMachine(
      { HeartbeatSeconds: 600, Catch: [{ ErrorEquals: ['Refused'], ResultPath: '$.error', Next: 'Declined' }] },
      { Declined: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
    );
    const { executionArn, token } = await crashedWithToken(file, definition, opened);
    const restarted = createService({ store: file, handlers: outbox().handlers });
    opened.push(restarted);
    await restarted.sendTaskHeartbeat({ taskToken: token });
    await restarted.sendTaskFailure({ taskToken: token, error: 'Refused', cause: 'no' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED');
    assert.equal(JSON.parse(described.output!), { error: 'Refused' });
  } finally {
    for (const service of opened) await service.close();
  }
});

durable('Retry counters survive the restart: an attempt failed before it and one after it exhaust MaxAttempts 1, and the Catch takes over', async () => {
  const file = freshFile();
  const opened: StepFunctionsService[] = [];
  try {
    const definition = askMachine(
      { Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1, MaxAttempts: 1 }], Catch: [{ ErrorEquals: ['Busy'], ResultPath: '$.error', Next: 'GaveUp' }] },
      { GaveUp: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
    );
    const first = outbox();
    const crashed = createService({ store: file, handlers: first.handlers });
    opened.push(crashed);
    const { stateMachineArn } = await crashed.createStateMachine({ name: 'ask', definition, roleArn });
    const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asking', input: '{"who":"ada"}' });
    await crashed.sendTaskFailure({ taskToken: first.tokens[0]!, error: 'Busy' });
    for (let i = 0; i < 300 && first.tokens.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.is(first.tokens.length, 2, 'the retry called the resource with a new token');
    const restarted = createService({ store: file, handlers: outbox().handlers });
    opened.push(restarted);
    await restarted.sendTaskFailure({ taskToken: first.tokens[1]!, error: 'Busy' });
    const described = await restarted.waitForExecution({ executionArn });
    assert.is(described.status, 'SUCCEEDED', JSON.stringify(described));
    assert.equal(JSON.parse(described.output!).error, 'Busy', 'no second retry: the counter came through the restart');
  } finally {
    for (const service of opened) await service.close();
  }
});

durable(
  'a TimeoutSeconds that ran out while the host was down ends the wait as States.Timeout at start-up (Catch applies); a HeartbeatSeconds as States.HeartbeatTimeout',
  async () => {
    for (const [field, error] of [
      ['TimeoutSeconds', 'States.Timeout'],
      ['HeartbeatSeconds', 'States.HeartbeatTimeout'],
    ] as const) {
      const file = freshFile();
      const opened: StepFunctionsService[] = [];
      try {
        const definition = askMachine(
          { [field]: 1, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Late' }] },
          { Late: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true } },
        );
        const { executionArn } = await crashedWithToken(file, definition, opened);
        // The first service stops without a trace (its timers too), as a killed process would.
        const db = new Database(file);
        const row = db.prepare('SELECT data FROM executions WHERE arn = ?').get(executionArn) as { data: string };
        const data = JSON.parse(row.data);
        const key = field === 'TimeoutSeconds' ? 'timeoutAt' : 'heartbeatAt';
        assert.type(data.suspension[key], 'number', `${key} is recorded`);
        data.suspension[key] -= 5000;
        db.prepare('UPDATE executions SET data = ? WHERE arn = ?').run(JSON.stringify(data), executionArn);
        db.close();
        const restarted = createService({ store: file, handlers: outbox().handlers });
        opened.push(restarted);
        const described = await restarted.waitForExecution({ executionArn });
        assert.is(described.status, 'SUCCEEDED', field);
        assert.equal(JSON.parse(described.output!), { error }, field);
      } finally {
        for (const service of opened) await service.close();
      }
    }
  },
);

durable(
  'an execution that suspends again after being resumed is recorded again: a second restart resumes it at its second wait; StopExecution stops a resumed one',
  async () => {
    const file = freshFile();
    const opened: StepFunctionsService[] = [];
    try {
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
      const { executionArn, token } = await crashedWithToken(file, definition, opened);
      const second = outbox();
      const restarted = createService({ store: file, handlers: second.handlers });
      opened.push(restarted);
      await restarted.sendTaskSuccess({ taskToken: token, output: '{"word":"first"}' });
      for (let i = 0; i < 50 && second.tokens.length === 0; i++) await new Promise((r) => setImmediate(r));
      assert.is(second.tokens.length, 1, 'the second Task called its resource after the restart');
      const third = createService({ store: file, handlers: outbox().handlers });
      opened.push(third);
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
      const fourth = createService({ store: file, handlers: outbox().handlers });
      opened.push(fourth);
      await fourth.stopExecution({ executionArn: stopped, error: 'Enough', cause: 'stopped after the restart' });
      const aborted = await fourth.waitForExecution({ executionArn: stopped });
      assert.equal([aborted.status, aborted.error], ['ABORTED', 'Enough']);
    } finally {
      for (const service of opened) await service.close();
    }
  },
);

durable('a damaged suspension record stops start-up with ERR_STORE_CORRUPT naming the execution and the field', async () => {
  const file = freshFile();
  const opened: StepFunctionsService[] = [];
  let executionArn = '';
  try {
    executionArn = (await crashedWithToken(file, askMachine(), opened)).executionArn;
  } finally {
    for (const service of opened) await service.close();
  }
  // close() ended the execution: put a damaged suspension on a RUNNING row, as a foreign writer might.
  const db = new Database(file);
  const row = db.prepare('SELECT data FROM executions WHERE arn = ?').get(executionArn) as { data: string };
  const data = JSON.parse(row.data);
  data.suspension = { stateName: 'Ask', token: 42 };
  db.prepare("UPDATE executions SET status = 'RUNNING', data = ? WHERE arn = ?").run(JSON.stringify(data), executionArn);
  db.close();
  try {
    createService({ store: file });
    assert.unreachable('a damaged record must be refused');
  } catch (thrown) {
    assert.instance(thrown, StoreError);
    assert.is((thrown as StoreError).code, StoreErrorCodes.CORRUPT);
    assert.match((thrown as Error).message, new RegExp(`suspension record of execution ${executionArn} in \\S+ is damaged \\(token is not a task token\\)`));
  }
});

durable('a record naming a state the machine does not have ends FAILED (statemill.HostStopped) with a cause saying why, at start-up', async () => {
  const file = freshFile();
  const opened: StepFunctionsService[] = [];
  try {
    const { executionArn, before } = await crashedWithToken(file, askMachine(), opened);
    const db = new Database(file);
    const row = db.prepare('SELECT data FROM executions WHERE arn = ?').get(executionArn) as { data: string };
    const data = JSON.parse(row.data);
    data.suspension.stateName = 'Gone';
    db.prepare('UPDATE executions SET data = ? WHERE arn = ?').run(JSON.stringify(data), executionArn);
    db.close();
    const restarted = createService({ store: file, handlers: outbox().handlers });
    opened.push(restarted);
    const described = await restarted.describeExecution({ executionArn });
    assert.equal([described.status, described.error], ['FAILED', HOST_STOPPED_ERROR]);
    assert.match(described.cause!, /could not be resumed: no state 'Gone'/);
    const history = (await restarted.getExecutionHistory({ executionArn })).events;
    assert.equal(
      history.map((e) => e.type),
      [...before.map((e) => e.type), 'ExecutionFailed'],
      'its history as recorded, then why it failed',
    );
  } finally {
    for (const service of opened) await service.close();
  }
});

durable.run();
