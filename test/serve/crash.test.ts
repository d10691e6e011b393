import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { editSuspension, roleArn, scratchDir, storedExecution, stuckInIteration } from '../support/stores.js';
import { killServers, root, startServe, type ServeProcess } from './serve-process.js';

/**
 * `statemill serve --store` killed with SIGKILL and started again on the same file: machines,
 * finished executions and their histories are all there, an execution suspended on a task
 * token waits on it again (its pre-crash token completes it), one in a Wait that ended while
 * the server was down goes on at once, other executions that were RUNNING are FAILED with
 * statemill.HostStopped (none RUNNING, none lost), and the server works on.
 */
const crash = suite('serve: --store survives kill -9');

crash.after(killServers);
const dir = scratchDir();

/** Kills `serve` with SIGKILL, as a crash would. */
async function killedHard(serve: ServeProcess): Promise<void> {
  serve.child.kill('SIGKILL');
  assert.equal(await serve.exit, { code: null, signal: 'SIGKILL' });
}

/** Runs `test` on `serve`'s URL once it listens, then stops it with SIGTERM however the test ended: it exits 0. */
async function whileServing(serve: ServeProcess, test: (url: string) => Promise<void>): Promise<void> {
  const url = await serve.url;
  try {
    await test(url);
  } finally {
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exit, { code: 0, signal: null });
  }
}

/** `statemill serve` logging warnings only. */
function startQuietServe(args: string[], env: Record<string, string> = {}): ServeProcess {
  return startServe(['--log-level', 'warn', ...args], env);
}

async function call(url: string, operation: string, body: unknown): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function settled(url: string, executionArn: string): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const described = await call(url, 'DescribeExecution', { executionArn });
    if (described.status !== 'RUNNING') return described;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${executionArn} still RUNNING`);
}

crash(
  '20 finished and 5 Standard executions with a handler call in flight inside a distributed Map iteration, 10 Express ones, kill -9, restart: 20 as they were, 5 FAILED (host stopped), the server works on',
  async () => {
    const store = join(dir, 'statemill.db');
    const first = startQuietServe(['--store', store, '--handlers', join(root, 'test/serve/fixtures/token-outbox.mjs')]);
    const url = await first.url;
    const quick = await call(url, 'CreateStateMachine', {
      name: 'quick',
      roleArn,
      definition: JSON.stringify({ StartAt: 'Add', States: { Add: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.n, 1)' }, End: true } } }),
    });
    const sleepy = await call(url, 'CreateStateMachine', {
      name: 'sleepy',
      roleArn,
      // A handler call in flight (one that never answers) is not a wait: nothing durable holds it, the restart cannot resume it.
      definition: stuckInIteration,
    });
    const express = await call(url, 'CreateStateMachine', {
      name: 'express',
      roleArn,
      type: 'EXPRESS',
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    });
    await call(url, 'TagResource', { resourceArn: quick.stateMachineArn, tags: [{ key: 'kept', value: 'yes' }] });
    const finished: Array<{ executionArn: string; output: string; events: string[] }> = [];
    for (let n = 0; n < 20; n++) {
      const { executionArn } = await call(url, 'StartExecution', { stateMachineArn: quick.stateMachineArn, name: `q${n}`, input: JSON.stringify({ n }) });
      const described = await settled(url, executionArn);
      const history = await call(url, 'GetExecutionHistory', { executionArn });
      finished.push({ executionArn, output: described.output, events: history.events.map((e: { type: string }) => e.type) });
    }
    const waiting: string[] = [];
    for (let n = 0; n < 5; n++)
      waiting.push((await call(url, 'StartExecution', { stateMachineArn: sleepy.stateMachineArn, name: `w${n}`, input: '{"items":[1]}' })).executionArn);
    for (let n = 0; n < 10; n++) await call(url, 'StartSyncExecution', { stateMachineArn: express.stateMachineArn });
    for (const executionArn of waiting) assert.is((await call(url, 'DescribeExecution', { executionArn })).status, 'RUNNING');

    await killedHard(first);

    const second = startQuietServe(['--store', store]);
    await whileServing(second, async (again) => {
      const machines = await call(again, 'ListStateMachines', {});
      assert.equal(machines.stateMachines.map((m: { name: string }) => m.name).sort(), ['express', 'quick', 'sleepy']);
      assert.equal((await call(again, 'ListTagsForResource', { resourceArn: quick.stateMachineArn })).tags, [{ key: 'kept', value: 'yes' }]);
      let same = 0;
      for (const f of finished) {
        const described = await call(again, 'DescribeExecution', { executionArn: f.executionArn });
        const history = await call(again, 'GetExecutionHistory', { executionArn: f.executionArn });
        if (
          described.status === 'SUCCEEDED' &&
          described.output === f.output &&
          JSON.stringify(history.events.map((e: { type: string }) => e.type)) === JSON.stringify(f.events)
        )
          same++;
      }
      assert.is(same, 20, 'every finished execution as it was, history included');
      const outcomes = await Promise.all(waiting.map((executionArn) => call(again, 'DescribeExecution', { executionArn })));
      assert.equal(
        outcomes.map((o) => `${o.status} ${o.error}`),
        Array(5).fill('FAILED statemill.HostStopped'),
      );
      const listed = await call(again, 'ListExecutions', { stateMachineArn: sleepy.stateMachineArn });
      assert.is(listed.executions.length, 5);
      assert.ok(
        listed.executions.every((e: { status: string }) => e.status !== 'RUNNING'),
        'none RUNNING forever',
      );
      const fresh = await call(again, 'StartExecution', { stateMachineArn: quick.stateMachineArn, name: 'after-restart', input: '{"n":41}' });
      assert.is((await settled(again, fresh.executionArn)).output, '{"sum":42}');
      const sync = await call(again, 'StartSyncExecution', { stateMachineArn: express.stateMachineArn, input: '{"x":1}' });
      assert.is(sync.status, 'SUCCEEDED');
      console.log(`  crash test: ${same}/20 finished executions intact, ${outcomes.length}/5 running ones FAILED (statemill.HostStopped), 0 RUNNING, 0 lost`);
    });
  },
);

crash(
  'a callback task waiting at kill -9: after the restart SendTaskSuccess with its pre-crash token completes the execution (output, history numbering continued); a damaged suspension record then stops start-up with ERR_STORE_CORRUPT',
  async () => {
    const store = join(dir, 'callbacks.db');
    const outbox = join(dir, 'outbox.jsonl');
    writeFileSync(outbox, '');
    const env = { STATEMILL_TEST_OUTBOX: outbox };
    const handlers = ['--handlers', join(root, 'test/serve/fixtures/token-outbox.mjs')];
    const first = startQuietServe(['--store', store, ...handlers], env);
    const url = await first.url;
    const definition = JSON.stringify({
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'TaskToken.$': '$$.Task.Token' } },
          ResultPath: '$.answer',
          Next: 'Done',
        },
        Done: { Type: 'Pass', Parameters: { 'order.$': '$.order', 'approved.$': '$.answer.approved' }, End: true },
      },
    });
    const { stateMachineArn } = await call(url, 'CreateStateMachine', { name: 'callback', roleArn, definition });
    const { executionArn } = await call(url, 'StartExecution', { stateMachineArn, name: 'approval', input: '{"order":7}' });
    let token = '';
    for (let i = 0; i < 400 && token === ''; i++) {
      const line = readFileSync(outbox, 'utf8').trim();
      if (line !== '') token = JSON.parse(line).TaskToken;
      else await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(token !== '', 'the token went out');
    const before = (await call(url, 'GetExecutionHistory', { executionArn })).events;
    await killedHard(first);
    const second = startQuietServe(['--store', store, ...handlers], env);
    await whileServing(second, async (again) => {
      assert.is((await call(again, 'DescribeExecution', { executionArn })).status, 'RUNNING', 'still waiting on its token');
      await call(again, 'SendTaskSuccess', { taskToken: token, output: '{"approved":true}' });
      const described = await settled(again, executionArn);
      assert.equal([described.status, described.output], ['SUCCEEDED', '{"order":7,"approved":true}']);
      const events = (await call(again, 'GetExecutionHistory', { executionArn })).events as Array<{ id: number; type: string }>;
      assert.equal(events.slice(0, before.length), before, 'the history before the crash, as it was');
      assert.equal(
        events.slice(before.length).map((e) => e.type),
        ['TaskSucceeded', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      );
      assert.equal(
        events.map((e) => e.id),
        events.map((_, i) => i + 1),
        'events after the restart continue the numbering',
      );
      assert.is(readFileSync(outbox, 'utf8').trim().split('\n').length, 1, 'the resource was called once, before the crash');
      console.log(
        `  crash test: a token issued before kill -9 completed its execution after the restart (${before.length} events before, ${events.length} in all)`,
      );
    });

    // A second execution waits at the next kill -9; its record is then damaged, as another writer might.
    const third = startQuietServe(['--store', store, ...handlers], env);
    const thirdUrl = await third.url;
    const damaged = (await call(thirdUrl, 'StartExecution', { stateMachineArn, name: 'damaged', input: '{"order":8}' })).executionArn;
    for (let i = 0; i < 400 && readFileSync(outbox, 'utf8').trim().split('\n').length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    third.child.kill('SIGKILL');
    await third.exit;
    assert.type(storedExecution(store, damaged).data.suspension, 'object', 'the waiting execution was recorded with its suspension');
    editSuspension(store, damaged, (suspension) => {
      suspension.variables = 'not a list';
    });
    const refused = startQuietServe(['--store', store, ...handlers], env);
    const listened = refused.url.then(
      () => true,
      () => false,
    );
    const { code } = await refused.exit;
    assert.is(await listened, false, 'it must not listen');
    assert.is(code, 3);
    assert.match(
      refused.stderr(),
      /suspension record of execution \S+:damaged in \S+callbacks\.db is damaged \(variables is not a list of \[name, value, size\]\).*\(ERR_STORE_CORRUPT\)/,
    );
  },
);

crash(
  'a human approval inside a Parallel branch at kill -9: after the restart SendTaskSuccess with the branch’s pre-crash token completes the Parallel (the other branch finished before the crash), output and history whole, no resource called twice',
  async () => {
    const store = join(dir, 'branches.db');
    const outbox = join(dir, 'branch-outbox.jsonl');
    writeFileSync(outbox, '');
    const env = { STATEMILL_TEST_OUTBOX: outbox };
    const handlers = ['--handlers', join(root, 'test/serve/fixtures/token-outbox.mjs')];
    const first = startQuietServe(['--store', store, ...handlers], env);
    const url = await first.url;
    const ask = (branch: string) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'TaskToken.$': '$$.Task.Token', branch } },
      ResultPath: '$.answer',
      OutputPath: '$.answer',
      End: true,
    });
    const definition = JSON.stringify({
      StartAt: 'Approvals',
      States: {
        Approvals: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Manager', States: { Manager: ask('manager') } },
            { StartAt: 'Finance', States: { Finance: ask('finance') } },
          ],
          ResultSelector: { 'manager.$': '$[0].approved', 'finance.$': '$[1].approved' },
          Next: 'Done',
        },
        Done: { Type: 'Pass', End: true },
      },
    });
    const { stateMachineArn } = await call(url, 'CreateStateMachine', { name: 'approvals', roleArn, definition });
    const { executionArn } = await call(url, 'StartExecution', { stateMachineArn, name: 'order-11', input: '{"order":11}' });
    const tokens: Record<string, string> = {};
    for (let i = 0; i < 400 && Object.keys(tokens).length < 2; i++) {
      for (const line of readFileSync(outbox, 'utf8').trim().split('\n').filter(Boolean)) {
        const message = JSON.parse(line) as { branch: string; TaskToken: string };
        tokens[message.branch] = message.TaskToken;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(Object.keys(tokens).sort(), ['finance', 'manager'], 'both branches sent their token');
    await call(url, 'SendTaskSuccess', { taskToken: tokens.manager, output: '{"approved":"manager"}' });
    let before: Array<{ id: number; type: string }> = [];
    for (let i = 0; i < 400; i++) {
      before = (await call(url, 'GetExecutionHistory', { executionArn })).events;
      if (before.some((e) => e.type === 'TaskStateExited')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await killedHard(first);
    const second = startQuietServe(['--store', store, ...handlers], env);
    await whileServing(second, async (again) => {
      assert.is((await call(again, 'DescribeExecution', { executionArn })).status, 'RUNNING', 'still waiting on its branch’s token');
      await call(again, 'SendTaskSuccess', { taskToken: tokens.finance, output: '{"approved":"finance"}' });
      const described = await settled(again, executionArn);
      assert.equal([described.status, described.output], ['SUCCEEDED', '{"manager":"manager","finance":"finance"}']);
      const events = (await call(again, 'GetExecutionHistory', { executionArn })).events as Array<{ id: number; previousEventId: number; type: string }>;
      assert.equal(events.slice(0, before.length), before, 'the history before the crash, as it was');
      assert.equal(
        events.slice(before.length).map((e) => e.type),
        ['TaskSucceeded', 'TaskStateExited', 'ParallelStateSucceeded', 'ParallelStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      );
      assert.equal(
        events.map((e) => e.id),
        events.map((_, i) => i + 1),
        'events after the restart continue the numbering',
      );
      assert.ok(
        events.every((e) => e.previousEventId < e.id),
        'each event follows an earlier one',
      );
      assert.is(readFileSync(outbox, 'utf8').trim().split('\n').length, 2, 'each branch’s resource was called once, before the crash');
      console.log(
        `  crash test: a token issued in a Parallel branch before kill -9 completed the Parallel after the restart (${before.length} events before, ${events.length} in all)`,
      );
    });
  },
);

crash('a Wait of 2 s killed -9 midway, restarted after it ended: the execution goes on at once and SUCCEEDS, its history complete, without gaps', async () => {
  const store = join(dir, 'waits.db');
  const first = startQuietServe(['--store', store]);
  const url = await first.url;
  const definition = JSON.stringify({
    StartAt: 'Before',
    States: {
      Before: { Type: 'Pass', Result: 'ready', ResultPath: '$.before', Next: 'Nap' },
      Nap: { Type: 'Wait', Seconds: 2, Next: 'After' },
      After: { Type: 'Pass', Parameters: { 'before.$': '$.before', 'order.$': '$.order' }, End: true },
    },
  });
  const { stateMachineArn } = await call(url, 'CreateStateMachine', { name: 'napping', roleArn, definition });
  const { executionArn, startDate } = await call(url, 'StartExecution', { stateMachineArn, name: 'nap', input: '{"order":9}' });
  const before = (await call(url, 'GetExecutionHistory', { executionArn })).events as Array<{ id: number; type: string }>;
  assert.equal(
    before.map((e) => e.type),
    ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered'],
  );
  await killedHard(first);
  // Down until the Wait is over.
  const endsAt = startDate * 1000 + 2000;
  await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now()) + 100));
  const second = startQuietServe(['--store', store]);
  await whileServing(second, async (again) => {
    const described = await settled(again, executionArn);
    assert.equal([described.status, described.output], ['SUCCEEDED', '{"before":"ready","order":9}']);
    const events = (await call(again, 'GetExecutionHistory', { executionArn })).events as Array<{
      id: number;
      previousEventId: number;
      type: string;
      timestamp: number;
    }>;
    assert.equal(events.slice(0, before.length), before, 'the history before the crash, as it was');
    assert.equal(
      events.slice(before.length).map((e) => e.type),
      ['WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
    );
    assert.equal(
      events.map((e) => e.id),
      events.map((_, i) => i + 1),
      'ids continue without a gap',
    );
    assert.ok(
      events.every((e) => e.previousEventId < e.id),
      'each event follows an earlier one',
    );
    const exited = events[before.length]!;
    assert.ok(exited.timestamp * 1000 >= endsAt, 'the Wait ended no earlier than its 2 s');
    console.log(`  crash test: a 2 s Wait killed -9 midway SUCCEEDED after the restart (${before.length} events before, ${events.length} in all, no gap)`);
  });
});

crash('SIGTERM during a Wait: the server exits 0 and leaves the execution parked; restarted, it goes on and SUCCEEDS', async () => {
  const store = join(dir, 'graceful-waits.db');
  const first = startQuietServe(['--store', store]);
  const url = await first.url;
  const definition = JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
  const { stateMachineArn } = await call(url, 'CreateStateMachine', { name: 'napping', roleArn, definition });
  const { executionArn } = await call(url, 'StartExecution', { stateMachineArn, name: 'nap', input: '{"order":3}' });
  first.child.kill('SIGTERM');
  assert.equal(await first.exit, { code: 0, signal: null });
  const second = startQuietServe(['--store', store]);
  await whileServing(second, async (again) => {
    const described = await settled(again, executionArn);
    assert.equal([described.status, described.output], ['SUCCEEDED', '{"order":3}']);
    const events = (await call(again, 'GetExecutionHistory', { executionArn })).events as Array<{ id: number; type: string }>;
    assert.equal(
      events.map((e) => `${e.id} ${e.type}`),
      ['1 ExecutionStarted', '2 WaitStateEntered', '3 WaitStateExited', '4 PassStateEntered', '5 PassStateExited', '6 ExecutionSucceeded'],
    );
  });
});

crash('a store file that is not a statemill store stops start-up with a clear error (exit 3) before listening', async () => {
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'not a database\n');
  const serve = startQuietServe(['--store', notes]);
  const { code } = await serve.exit;
  assert.is(code, 3);
  assert.match(serve.stderr(), /--store .*notes\.txt: .*is not an SQLite database .*\(ERR_STORE_CORRUPT\)/);
  await serve.url.then(
    () => assert.unreachable('it must not listen'),
    () => undefined,
  );
});

crash('without the optional better-sqlite3, --store stops start-up with ERR_STORE_UNAVAILABLE saying what to install (exit 3)', async () => {
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(root, 'test/serve/fixtures/hide-better-sqlite3.cjs'),
      '--import',
      'tsx/esm',
      'src/cli/main.ts',
      'serve',
      '--port',
      '0',
      '--store',
      join(dir, 'never.db'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (chunk) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.is(code, 3);
  assert.match(err, /needs the optional dependency better-sqlite3 12 \(npm install better-sqlite3@12; 13 needs Node 22\).*\(ERR_STORE_UNAVAILABLE\)/);
});

crash(
  'regression: a second serve on a store file another one serves stops start-up (exit 3, ERR_STORE_IN_USE) instead of overwriting its machines',
  async () => {
    const store = join(dir, 'shared.db');
    const first = startQuietServe(['--store', store]);
    await whileServing(first, async (url) => {
      await call(url, 'CreateStateMachine', {
        name: 'first',
        roleArn,
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      });
      const second = startQuietServe(['--store', store]);
      const outcome = await Promise.race([second.exit.then(({ code }) => code), second.url.then(() => 'listening')]);
      assert.is(outcome, 3);
      assert.match(second.stderr(), /--store .*shared\.db: .*in use by another process.*\(ERR_STORE_IN_USE\)/);
      const { stateMachines } = await call(url, 'ListStateMachines', {});
      assert.equal(
        stateMachines.map((m: { name: string }) => m.name),
        ['first'],
      );
    });
    // Once the first has stopped, the file opens again, its machine in it.
    const third = startQuietServe(['--store', store]);
    await whileServing(third, async (url) => {
      assert.equal(
        (await call(url, 'ListStateMachines', {})).stateMachines.map((m: { name: string }) => m.name),
        ['first'],
      );
    });
  },
);

crash.run();
