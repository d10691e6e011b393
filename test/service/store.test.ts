import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, type StepFunctionsService } from '../../src/service/index.js';
import { HOST_STOPPED_ERROR, SqliteStore, StoreError, StoreErrorCodes } from '../../src/service/store.js';
import { countRows, freshStoreFile, lockIsFree, roleArn, stuckInIteration, stuckResource, withFreshStore } from '../support/stores.js';

/**
 * The embedded store: what a service wrote comes back identical in the next one on the same
 * file; executions RUNNING when their host stopped come back FAILED; Express executions
 * write nothing; files that are not statemill stores are refused with a code.
 */
const store = suite('service: SQLite store');

const pass = JSON.stringify({ StartAt: 'Step', States: { Step: { Type: 'Pass', Result: 1, ResultPath: '$.step', End: true } } });
const nap = JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } });
const stuck = { handlers: { [stuckResource]: () => new Promise<never>(() => {}) } };

async function run(service: StepFunctionsService, stateMachineArn: string, name: string, input = '{}'): Promise<string> {
  const { executionArn } = await service.startExecution({ stateMachineArn, name, input });
  await service.waitForExecution({ executionArn });
  return executionArn;
}

/** Every answer a client could read about a machine and its executions. */
async function snapshot(service: StepFunctionsService, stateMachineArn: string, executionArns: string[]) {
  return JSON.parse(
    JSON.stringify({
      machine: await service.describeStateMachine({ stateMachineArn }),
      machines: await service.listStateMachines({}),
      versions: await service.listStateMachineVersions({ stateMachineArn }),
      aliases: await service.listStateMachineAliases({ stateMachineArn }),
      tags: await service.listTagsForResource({ resourceArn: stateMachineArn }),
      activities: await service.listActivities({}),
      executions: await service.listExecutions({ stateMachineArn }),
      described: await Promise.all(executionArns.map((executionArn) => service.describeExecution({ executionArn }))),
      histories: await Promise.all(executionArns.map((executionArn) => service.getExecutionHistory({ executionArn }))),
      forExecution: await Promise.all(executionArns.map((executionArn) => service.describeStateMachineForExecution({ executionArn }))),
    }),
  );
}

store('state machines, versions, aliases, tags, activities and finished Standard executions come back identical after a restart', async () => {
  const file = freshStoreFile();
  const first = createService({ store: file });
  const { stateMachineArn } = await first.createStateMachine({ name: 'orders', definition: pass, roleArn, tags: [{ key: 'team', value: 'a' }] });
  const { stateMachineVersionArn } = await first.publishStateMachineVersion({ stateMachineArn });
  await first.createStateMachineAlias({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: stateMachineVersionArn!, weight: 100 }] });
  await first.tagResource({ resourceArn: stateMachineArn, tags: [{ key: 'env', value: 'dev' }] });
  await first.createActivity({ name: 'approve' });
  const before = await run(first, stateMachineArn, 'before-update', '{"n":1}');
  await first.updateStateMachine({ stateMachineArn, definition: pass.replace('"Result":1', '"Result":2') });
  const after = await run(first, stateMachineArn, 'after-update', '{"n":2}');
  const viaAlias = await run(first, `${stateMachineArn}:live`, 'via-alias');
  const failing = JSON.parse(
    JSON.stringify(
      await first.createStateMachine({
        name: 'failing',
        definition: JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } }),
        roleArn,
      }),
    ),
  );
  await run(first, failing.stateMachineArn, 'failed-one');
  const arns = [before, after, viaAlias];
  const expected = await snapshot(first, stateMachineArn, arns);
  await first.close();

  const second = createService({ store: file });
  assert.equal(await snapshot(second, stateMachineArn, arns), expected);
  assert.is((await second.describeExecution({ executionArn: `${failing.stateMachineArn.replace(':stateMachine:', ':execution:')}:failed-one` })).error, 'E');
  // The restored revision is the same object for the machine and its version: publishing again adds no version.
  const republished = await second.publishStateMachineVersion({ stateMachineArn });
  assert.is(republished.stateMachineVersionArn, `${stateMachineArn}:2`, 'the update made a new revision, so version 2');
  const again = await second.publishStateMachineVersion({ stateMachineArn });
  assert.is(again.stateMachineVersionArn, `${stateMachineArn}:2`);
  const later = await run(second, stateMachineArn, 'after-restart');
  assert.is((await second.describeExecution({ executionArn: later })).status, 'SUCCEEDED');
  await second.close();

  const third = createService({ store: file });
  assert.equal((await third.listExecutions({ stateMachineArn })).executions.map((e) => e.name).sort(), [
    'after-restart',
    'after-update',
    'before-update',
    'via-alias',
  ]);
  await third.deleteStateMachine({ stateMachineArn });
  await third.close();
  const fourth = createService({ store: file });
  assert.equal(
    (await fourth.listStateMachines({})).stateMachines.map((m) => m.name),
    ['failing'],
  );
  assert.is((await fourth.describeExecution({ executionArn: before })).status, 'SUCCEEDED', "a deleted machine's executions stay described, as on AWS");
  await fourth.close();
});

store(
  'an execution RUNNING when its process stopped comes back FAILED with statemill.HostStopped, its history up to where it waited and an ExecutionFailed; the store records it so',
  async () => {
    await withFreshStore(async (store) => {
      // No close() before the restart: a second service opening the file is what a restart after kill -9 sees.
      const crashed = store.open(stuck);
      const { stateMachineArn } = await crashed.createStateMachine({ name: 'sleepy', definition: stuckInIteration, roleArn });
      const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'asleep', input: '{"items":[1]}' });
      const restarted = store.open(stuck);
      const described = await restarted.describeExecution({ executionArn });
      assert.is(described.status, 'FAILED');
      assert.is(described.error, HOST_STOPPED_ERROR);
      assert.match(
        described.cause!,
        /stopped \(crash or kill\) while it was RUNNING and not parked: only executions whose every running thread waits .* inline or distributed, unless they run in the pool\) are resumed after a restart/,
      );
      const history = await restarted.getExecutionHistory({ executionArn });
      assert.equal(
        history.events.map((e) => e.type),
        [
          'ExecutionStarted',
          'MapStateEntered',
          'MapStateStarted',
          // The Distributed Map's iterations are its map run's child executions: their events are in their own histories.
          'MapRunStarted',
          'ExecutionFailed',
        ],
        'the history up to where it ran, then why it failed',
      );
      assert.equal(
        history.events.map((e) => e.id),
        [1, 2, 3, 4, 5],
      );
      assert.is(history.events[4]!.previousEventId, 4, 'ExecutionFailed follows the last recorded event');
      assert.is(JSON.parse(JSON.stringify(history.events[0]!)).executionStartedEventDetails.input, '{"items":[1]}');
      await restarted.close();
      const third = store.open();
      assert.is((await third.describeExecution({ executionArn })).error, HOST_STOPPED_ERROR);
    });
  },
);

store('Express executions write nothing; Standard ones one row each', async () => {
  const file = freshStoreFile();
  const service = createService({ store: file });
  const express = await service.createStateMachine({ name: 'fast', definition: pass, roleArn, type: 'EXPRESS' });
  for (let i = 0; i < 5; i++) await service.startSyncExecution({ stateMachineArn: express.stateMachineArn });
  await service.startExecution({ stateMachineArn: express.stateMachineArn });
  const standard = await service.createStateMachine({ name: 'slow', definition: pass, roleArn });
  await run(service, standard.stateMachineArn, 'one');
  await run(service, standard.stateMachineArn, 'two');
  await service.close();
  const db = new Database(file, { readonly: true });
  assert.equal(db.prepare('SELECT arn FROM executions ORDER BY arn').all(), [
    { arn: `${standard.stateMachineArn.replace(':stateMachine:', ':execution:')}:one` },
    { arn: `${standard.stateMachineArn.replace(':stateMachine:', ':execution:')}:two` },
  ]);
  assert.is(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

store(
  'an execution that ends at once is written once (when it ends); one still running after its start is written when it starts and when it ends',
  async () => {
    const sqlite = new SqliteStore(freshStoreFile());
    const writes: string[] = [];
    const started = sqlite.executionStarted.bind(sqlite);
    const ended = sqlite.executionEnded.bind(sqlite);
    sqlite.executionStarted = (exec) => (writes.push(`started ${exec.name}`), started(exec));
    sqlite.executionEnded = (exec, forgotten) => (writes.push(`ended ${exec.name}`), ended(exec, forgotten));
    const service = createService({ store: sqlite, ...stuck });
    const quick = await service.createStateMachine({ name: 'quick', definition: pass, roleArn });
    await run(service, quick.stateMachineArn, 'at-once');
    const slow = await service.createStateMachine({ name: 'slow', definition: stuckInIteration, roleArn });
    await service.startExecution({ stateMachineArn: slow.stateMachineArn, name: 'waiting', input: '{"items":[1]}' });
    await service.close();
    assert.equal(writes, ['ended at-once', 'started waiting', 'ended waiting']);
  },
);

store('the retention bound holds in the store too: only the newest executions come back', async () => {
  const file = freshStoreFile();
  const service = createService({ store: file, retainExecutions: 3 });
  const { stateMachineArn } = await service.createStateMachine({ name: 'many', definition: pass, roleArn });
  for (let i = 1; i <= 5; i++) await run(service, stateMachineArn, `e${i}`);
  await service.close();
  const reopened = createService({ store: file, retainExecutions: 2 });
  assert.equal((await reopened.listExecutions({ stateMachineArn })).executions.map((e) => e.name).sort(), ['e4', 'e5']);
  await reopened.close();
  assert.is(countRows(file, 'executions'), 2);
});

const refusals: Array<{ name: string; prepare: (file: string) => void; code: string; message: RegExp }> = [
  { name: 'a text file', prepare: (file) => writeFileSync(file, 'these are my notes\n'), code: StoreErrorCodes.CORRUPT, message: /is not an SQLite database/ },
  {
    name: 'an SQLite database of another program',
    prepare: (file) => {
      const db = new Database(file);
      db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
      db.close();
    },
    code: StoreErrorCodes.FOREIGN,
    message: /SQLite database of another program \(tables: invoices\)/,
  },
  {
    name: 'a statemill store of another schema',
    prepare: (file) => {
      new SqliteStore(file).close();
      const db = new Database(file);
      db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema'").run();
      db.close();
    },
    code: StoreErrorCodes.VERSION,
    message: /statemill store of schema 99/,
  },
  {
    name: 'a store whose header survived but whose pages did not',
    prepare: (file) => {
      new SqliteStore(file).close();
      const bytes = readFileSync(file);
      bytes.fill(0x5a, 100);
      writeFileSync(file, bytes);
    },
    code: StoreErrorCodes.CORRUPT,
    message: /is not a usable statemill store/,
  },
];

store('regression: a store in a folder that does not exist is refused naming the file (a StoreError), as before the store lock', () => {
  const file = join(freshStoreFile(), 'missing-folder', 'store.db');
  assert.throws(
    () => createService({ store: file }),
    (error: unknown) =>
      error instanceof StoreError && error.code === StoreErrorCodes.CORRUPT && error.message.startsWith(`${file} is not a usable statemill store`),
  );
});

for (const c of refusals) {
  store(`refused at start-up with ${c.code}: ${c.name}`, () => {
    const file = freshStoreFile();
    c.prepare(file);
    const error = (() => {
      try {
        createService({ store: file });
      } catch (thrown) {
        return thrown;
      }
      return null;
    })();
    assert.instance(error, StoreError);
    assert.is((error as StoreError).code, c.code);
    assert.match((error as StoreError).message, c.message);
    assert.ok((error as StoreError).message.includes(file), 'the message names the file');
    assert.ok(lockIsFree(file), 'a refused store is not left locked');
  });
}

store.run();

const graceful = suite('service: SQLite store, graceful close');

graceful('close() stops a running Standard execution that is not parked, and the store keeps it ABORTED, not RUNNING', async () => {
  const file = freshStoreFile();
  const first = createService({ store: file, ...stuck });
  const { stateMachineArn } = await first.createStateMachine({ name: 'sleepy', definition: stuckInIteration, roleArn });
  const { executionArn } = await first.startExecution({ stateMachineArn, name: 'asleep', input: '{"items":[1]}' });
  await first.close();
  const second = createService({ store: file });
  const described = await second.describeExecution({ executionArn });
  assert.is(described.status, 'ABORTED');
  assert.is((await second.getExecutionHistory({ executionArn })).events.at(-1)!.type, 'ExecutionAborted');
  await second.close();
});

graceful('close() leaves an execution parked on its main line in the store as it parked: the next start resumes it', async () => {
  const file = freshStoreFile();
  const first = createService({ store: file });
  const { stateMachineArn } = await first.createStateMachine({ name: 'sleepy', definition: nap, roleArn });
  const { executionArn } = await first.startExecution({ stateMachineArn, name: 'asleep', input: '{"items":[1]}' });
  await first.close();
  const second = createService({ store: file });
  try {
    const described = await second.describeExecution({ executionArn });
    assert.is(described.status, 'RUNNING', 'waiting in its Wait again');
    assert.equal(
      (await second.getExecutionHistory({ executionArn })).events.map((e) => e.type),
      ['ExecutionStarted', 'WaitStateEntered'],
    );
  } finally {
    await second.close();
  }
  const third = createService({ store: file });
  assert.is((await third.describeExecution({ executionArn })).status, 'RUNNING', 'and again after a second close');
  await third.stopExecution({ executionArn });
  assert.is((await third.describeExecution({ executionArn })).status, 'ABORTED');
  await third.close();
});

graceful.run();
