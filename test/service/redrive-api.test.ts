import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type StepFunctionsService } from '../../src/index.js';
import { editStoredRecord, stuckResource, withFreshStore } from '../support/stores.js';
import { refusal } from './refusal.js';

/**
 * RedriveExecution's refusals, its client token, and what DescribeExecution and
 * ListExecutions show of redrives; a redrive after a restart on a store.
 */
const api = suite('RedriveExecution: API');

const ROLE = 'arn:aws:iam::123456789012:role/r';
const ACCOUNT = 'arn:aws:states:us-east-1:123456789012';
const DAY = 24 * 3600 * 1000;

const fails = JSON.stringify({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'always' } } });
const passes = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
const waits = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });

async function machine(service: StepFunctionsService, name: string, definition: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD') {
  return (await service.createStateMachine({ name, definition, roleArn: ROLE, type })).stateMachineArn;
}

async function ended(service: StepFunctionsService, stateMachineArn: string, name?: string) {
  const { executionArn } = await service.startExecution({ stateMachineArn, name });
  await service.waitForExecution({ executionArn });
  return executionArn;
}

/** Each refused request: what it is made from, the error AWS names and what the message says. */
const refusals: Array<[string, (s: StepFunctionsService) => Promise<{ executionArn: unknown; clientToken?: unknown }>, string, RegExp]> = [
  [
    'a SUCCEEDED execution',
    async (s) => ({ executionArn: await ended(s, await machine(s, 'ok', passes)) }),
    'ExecutionNotRedrivable',
    /^Execution is SUCCEEDED and cannot be redriven: 'arn:/,
  ],
  [
    'a RUNNING execution',
    async (s) => ({ executionArn: (await s.startExecution({ stateMachineArn: await machine(s, 'w', waits) })).executionArn }),
    'ExecutionNotRedrivable',
    /^Execution is RUNNING and cannot be redriven/,
  ],
  [
    'an EXPRESS execution (its ARN is not one RedriveExecution takes)',
    async (s) => {
      const express = await machine(s, 'x', fails, 'EXPRESS');
      return { executionArn: (await s.startExecution({ stateMachineArn: express })).executionArn };
    },
    'InvalidArn',
    /Resource type not valid in this context: express/,
  ],
  ['an unknown execution', async () => ({ executionArn: `${ACCOUNT}:execution:nothing:here` }), 'ExecutionDoesNotExist', /Execution Does Not Exist/],
  ['a malformed ARN', async () => ({ executionArn: 'arn:nope' }), 'InvalidArn', /Invalid ARN prefix/],
  ['a state machine ARN', async () => ({ executionArn: `${ACCOUNT}:stateMachine:m` }), 'InvalidArn', /Resource type not valid in this context: stateMachine/],
  ['no ARN', async () => ({ executionArn: undefined }), 'ValidationException', /executionArn/],
  [
    'a client token longer than 64 characters',
    async (s) => ({ executionArn: await ended(s, await machine(s, 'f', fails)), clientToken: 'x'.repeat(65) }),
    'ValidationException',
    /clientToken/,
  ],
  [
    'a client token with a space (outside [!-~]+)',
    async (s) => ({ executionArn: await ended(s, await machine(s, 'f', fails)), clientToken: 'two words' }),
    'ValidationException',
    /regular expression pattern: \[!-~\]\+/,
  ],
  [
    'a client token that is not a string',
    async (s) => ({ executionArn: await ended(s, await machine(s, 'f', fails)), clientToken: 42 }),
    'ValidationException',
    /clientToken/,
  ],
];

for (const [what, request, code, message] of refusals) {
  api(`refused: ${what} (${code})`, async () => {
    const s = createService({ clock: virtualClock(Date.UTC(2026, 0, 1)) });
    const refused = await refusal(s.redriveExecution((await request(s)) as never));
    assert.is(refused.name, code);
    assert.match(refused.message, message);
    await s.close();
  });
}

api('more than 14 days after its stop an execution is no longer redrivable (virtual clock)', async () => {
  const clock = virtualClock(Date.UTC(2026, 0, 1));
  const s = createService({ clock });
  const executionArn = await ended(s, await machine(s, 'f', fails));
  const fortnight = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: (14 * DAY) / 1000, End: true } } });
  await ended(s, await machine(s, 'fortnight', fortnight));
  assert.is((await s.describeExecution({ executionArn })).redriveStatus, 'REDRIVABLE');
  await ended(s, await machine(s, 'second', JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } })));
  const described = await s.describeExecution({ executionArn });
  assert.is(described.redriveStatus, 'NOT_REDRIVABLE');
  assert.is(described.redriveStatusReason, 'Execution stopped more than 14 days ago and can no longer be redriven');
  const refused = await refusal(s.redriveExecution({ executionArn }));
  assert.is(refused.name, 'ExecutionNotRedrivable');
  assert.match(refused.message, /more than 14 days ago/);
});

api('an execution redriven 1,000 times is not redriven again', async () => {
  const s = createService({ clock: virtualClock(Date.UTC(2026, 0, 1)) });
  const executionArn = await ended(s, await machine(s, 'f', fails));
  for (let i = 0; i < 1000; i++) await s.redriveExecution({ executionArn });
  const described = await s.describeExecution({ executionArn });
  assert.is(described.redriveCount, 1000);
  assert.is(described.redriveStatus, 'NOT_REDRIVABLE');
  assert.is(described.redriveStatusReason, 'Execution has been redriven the maximum of 1000 times');
  assert.is((await refusal(s.redriveExecution({ executionArn }))).name, 'ExecutionNotRedrivable');
});

api('an execution whose run never reached a state (history OFF) is not redrivable, saying why', async () => {
  const s = createService({ clock: virtualClock(Date.UTC(2026, 0, 1)), history: 'OFF' });
  const executionArn = await ended(s, await machine(s, 'f', fails));
  const described = await s.describeExecution({ executionArn });
  assert.is(described.redriveStatus, 'NOT_REDRIVABLE');
  assert.match(described.redriveStatusReason!, /history: 'OFF'/);
  assert.is((await refusal(s.redriveExecution({ executionArn }))).name, 'ExecutionNotRedrivable');
});

api('a client token answers its redrive again (same redriveDate) instead of redriving twice; another token redrives', async () => {
  const clock = virtualClock(Date.UTC(2026, 0, 1));
  const s = createService({ clock });
  const executionArn = await ended(s, await machine(s, 'f', fails));
  const first = await s.redriveExecution({ executionArn, clientToken: 'token-1' });
  await s.waitForExecution({ executionArn });
  const again = await s.redriveExecution({ executionArn, clientToken: 'token-1' });
  assert.equal(again, first);
  assert.is((await s.describeExecution({ executionArn })).redriveCount, 1);
  await s.redriveExecution({ executionArn, clientToken: 'token-2' });
  assert.is((await s.waitForExecution({ executionArn })).redriveCount, 2);
});

api('DescribeExecution: redriveCount 0 and REDRIVABLE before a redrive; after one, redriveDate is the date RedriveExecution answered', async () => {
  const clock = virtualClock(Date.UTC(2026, 0, 1));
  const s = createService({ clock });
  const executionArn = await ended(s, await machine(s, 'f', fails));
  const before = await s.describeExecution({ executionArn });
  assert.equal(
    [before.redriveCount, before.redriveDate, before.redriveStatus, before.redriveStatusReason, before.status],
    [0, undefined, 'REDRIVABLE', undefined, 'FAILED'],
  );
  const { redriveDate } = await s.redriveExecution({ executionArn });
  const after = await s.waitForExecution({ executionArn });
  assert.equal([after.redriveCount, after.redriveDate, after.status, after.error], [1, redriveDate, 'FAILED', 'Boom']);
  assert.equal(after.startDate, before.startDate);
});

api('ListExecutions: items carry redriveCount and redriveDate; redriveFilter keeps the redriven or the others', async () => {
  const s = createService({ clock: virtualClock(Date.UTC(2026, 0, 1)) });
  const stateMachineArn = await machine(s, 'f', fails);
  const once = await ended(s, stateMachineArn, 'once');
  await ended(s, stateMachineArn, 'never');
  const { redriveDate } = await s.redriveExecution({ executionArn: once });
  await s.waitForExecution({ executionArn: once });
  const all = (await s.listExecutions({ stateMachineArn })).executions;
  assert.equal(
    all.map((e) => [e.name, e.redriveCount, e.redriveDate]),
    [
      ['never', 0, undefined],
      ['once', 1, redriveDate],
    ],
  );
  const names = async (redriveFilter: 'REDRIVEN' | 'NOT_REDRIVEN') =>
    (await s.listExecutions({ stateMachineArn, redriveFilter })).executions.map((e) => e.name);
  assert.equal(await names('REDRIVEN'), ['once']);
  assert.equal(await names('NOT_REDRIVEN'), ['never']);
  assert.is((await refusal(s.listExecutions({ stateMachineArn, redriveFilter: 'SOME' as never }))).name, 'ValidationException');
});

api('with a store: an execution that failed before a restart is redriven after it, its history going on', async () => {
  await withFreshStore(async (store) => {
    let calls = 0;
    const handlers = {
      charge: () => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('declined'), { name: 'Declined' });
        return 'paid';
      },
    };
    const definition = JSON.stringify({
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { order: 7 }, Next: 'Charge' },
        Charge: { Type: 'Task', Resource: 'charge', Parameters: { 'order.$': '$order' }, ResultPath: '$.charged', End: true },
      },
    });
    const first = store.open({ handlers });
    const stateMachineArn = await machine(first, 'stored', definition);
    const executionArn = await ended(first, stateMachineArn);
    const failedEvents = (await first.getExecutionHistory({ executionArn })).events.length;
    await store.closeAll();
    const second = store.open({ handlers });
    assert.is((await second.describeExecution({ executionArn })).redriveStatus, 'REDRIVABLE');
    await second.redriveExecution({ executionArn });
    const done = await second.waitForExecution({ executionArn });
    assert.is(done.status, 'SUCCEEDED');
    assert.equal(JSON.parse(done.output!), { charged: 'paid' });
    await store.closeAll();
    const third = store.open({ handlers });
    const kept = await third.describeExecution({ executionArn });
    assert.equal([kept.status, kept.redriveCount, kept.redriveDate], ['SUCCEEDED', 1, done.redriveDate]);
    const events = (await third.getExecutionHistory({ executionArn })).events;
    assert.is(events[failedEvents]!.type, 'ExecutionRedriven');
    assert.equal(
      events.map((e) => e.id),
      events.map((_, i) => i + 1),
    );
  });
});

api('with a store: an execution parked in a Wait when its host stopped, resumed, then failing, is redrivable with its count', async () => {
  await withFreshStore(async (store) => {
    const calls = { check: 0, later: 0 };
    const failsOnce = (name: 'check' | 'later') => () => {
      if (++calls[name] === 1) throw Object.assign(new Error('not yet'), { name: 'NotYet' });
      return name;
    };
    const handlers = { check: failsOnce('check'), later: failsOnce('later') };
    const definition = JSON.stringify({
      StartAt: 'Check',
      States: {
        Check: { Type: 'Task', Resource: 'check', Next: 'Nap' },
        Nap: { Type: 'Wait', Seconds: 3600, Next: 'Later' },
        Later: { Type: 'Task', Resource: 'later', End: true },
      },
    });
    const first = store.open({ handlers });
    const stateMachineArn = await machine(first, 'napper', definition);
    const executionArn = await ended(first, stateMachineArn);
    await first.redriveExecution({ executionArn });
    assert.is((await first.describeExecution({ executionArn })).status, 'RUNNING');
    await store.closeAll();
    const second = store.open({ handlers, clock: virtualClock(Date.now()) });
    const failed = await second.waitForExecution({ executionArn });
    assert.equal([failed.status, failed.redriveCount, failed.redriveStatus], ['FAILED', 1, 'REDRIVABLE']);
    await second.redriveExecution({ executionArn });
    const done = await second.waitForExecution({ executionArn });
    assert.equal([done.status, done.output, done.redriveCount], ['SUCCEEDED', '"later"', 2]);
    assert.equal(calls, { check: 2, later: 2 });
  });
});

api('an execution that reached the 25,000-event history quota is not redrivable', async () => {
  const s = createService({ clock: virtualClock(Date.UTC(2026, 0, 1)) });
  const loop = JSON.stringify({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Choice', Choices: [{ Variable: '$.never', IsPresent: true, Next: 'End' }], Default: 'A' },
      End: { Type: 'Succeed' },
    },
  });
  const executionArn = await ended(s, await machine(s, 'loop', loop));
  const described = await s.describeExecution({ executionArn });
  assert.equal([described.status, described.error, described.redriveStatus], ['FAILED', 'States.Runtime', 'NOT_REDRIVABLE']);
  assert.match(described.redriveStatusReason!, /history reached the event quota/);
});

api('with a store: an execution RUNNING (not parked) when its process stopped ends statemill.HostStopped and is not redrivable', async () => {
  await withFreshStore(async (store) => {
    const handlers = { [stuckResource]: () => new Promise<never>(() => {}) };
    const first = store.open({ handlers });
    const stateMachineArn = await machine(
      first,
      'stuck',
      JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: stuckResource, End: true } } }),
    );
    const { executionArn } = await first.startExecution({ stateMachineArn });
    // A second service on the same file is what a restart after kill -9 sees.
    const second = store.open({ handlers });
    const described = await second.describeExecution({ executionArn });
    assert.equal([described.status, described.error, described.redriveStatus], ['FAILED', 'statemill.HostStopped', 'NOT_REDRIVABLE']);
    assert.is((await refusal(second.redriveExecution({ executionArn }))).name, 'ExecutionNotRedrivable');
  });
});

api('with a store: a stored point that does not fit the machine ends the redrive FAILED (States.Runtime), saying why', async () => {
  await withFreshStore(async (store) => {
    const first = store.open({ clock: virtualClock(Date.UTC(2026, 0, 1)) });
    const executionArn = await ended(first, await machine(first, 'f', fails));
    await store.closeAll();
    editStoredRecord(store.file, executionArn, (data) => {
      data.redrive.point.stateName = 'Gone';
    });
    const second = store.open({ clock: virtualClock(Date.UTC(2026, 0, 2)) });
    await second.redriveExecution({ executionArn });
    const done = await second.waitForExecution({ executionArn });
    assert.equal([done.status, done.error, done.redriveCount], ['FAILED', 'States.Runtime', 1]);
    assert.match(done.cause!, /could not be redriven: no state 'Gone' at the top level/);
    const types = (await second.getExecutionHistory({ executionArn })).events.map((e) => e.type);
    assert.equal(types.slice(-2), ['ExecutionRedriven', 'ExecutionFailed']);
  });
});

api('with a store: a stored point of an unreadable shape leaves the execution NOT_REDRIVABLE, saying why', async () => {
  await withFreshStore(async (store) => {
    const first = store.open({ clock: virtualClock(Date.UTC(2026, 0, 1)) });
    const executionArn = await ended(first, await machine(first, 'f', fails));
    await store.closeAll();
    editStoredRecord(store.file, executionArn, (data) => {
      data.redrive.point.variables = 'not a list';
    });
    const second = store.open({ clock: virtualClock(Date.UTC(2026, 0, 2)) });
    const described = await second.describeExecution({ executionArn });
    assert.is(described.redriveStatus, 'NOT_REDRIVABLE');
    assert.match(described.redriveStatusReason!, /stored in a form this version does not read/);
  });
});

api.run();
