import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, realClock, virtualClock, type ServiceOptions } from '../../src/index.js';
import { refusal } from './refusal.js';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const ARN = 'arn:aws:states:us-east-1:123456789012';
const pass = (result: unknown = { ok: true }) => JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Result: result, End: true } } });
const waiting = (seconds: number) =>
  JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: seconds, Next: 'P' }, P: { Type: 'Pass', End: true } } });

function service(options: ServiceOptions = {}) {
  return createService({ clock: virtualClock(0), ...options });
}

const machines = suite('service: state machines');

machines('create then describe: the definition text as given, AWS defaults for type, logging, tracing, encryption', async () => {
  const s = service();
  const definition = `{ "StartAt": "A",\n "States": { "A": { "Type": "Pass", "End": true } } }`;
  const created = await s.createStateMachine({ name: 'm', definition, roleArn: ROLE });
  assert.is(created.stateMachineArn, `${ARN}:stateMachine:m`);
  assert.instance(created.creationDate, Date);
  const described = await s.describeStateMachine({ stateMachineArn: created.stateMachineArn });
  assert.equal(described, {
    stateMachineArn: created.stateMachineArn,
    name: 'm',
    status: 'ACTIVE',
    definition,
    roleArn: ROLE,
    type: 'STANDARD',
    creationDate: created.creationDate,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
  });
});

machines('create is idempotent for the same definition text and role; other text → StateMachineAlreadyExists', async () => {
  const s = service();
  const first = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  const again = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  assert.equal(again, first);
  const e = await refusal(s.createStateMachine({ name: 'm', definition: pass().replace('{', '{ '), roleArn: ROLE }));
  assert.is(e.name, 'StateMachineAlreadyExists');
  const e2 = await refusal(s.createStateMachine({ name: 'm', definition: pass(), roleArn: `${ROLE}2` }));
  assert.is(e2.name, 'StateMachineAlreadyExists');
});

machines('list pages with maxResults and nextToken, in name order', async () => {
  const s = service();
  for (const name of ['a', 'b', 'c']) await s.createStateMachine({ name, definition: pass(), roleArn: ROLE });
  const first = await s.listStateMachines({ maxResults: 2 });
  assert.equal(
    first.stateMachines.map((m) => m.name),
    ['a', 'b'],
  );
  assert.type(first.nextToken, 'string');
  const second = await s.listStateMachines({ maxResults: 2, nextToken: first.nextToken });
  assert.equal(
    second.stateMachines.map((m) => m.name),
    ['c'],
  );
  assert.is(second.nextToken, undefined);
});

machines('update sets a new revisionId only when something changed; executions run the new definition', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(1), roleArn: ROLE });
  const u1 = await s.updateStateMachine({ stateMachineArn, definition: pass(2) });
  assert.type(u1.revisionId, 'string');
  const u2 = await s.updateStateMachine({ stateMachineArn, definition: pass(2) });
  assert.is(u2.revisionId, u1.revisionId);
  assert.is((await s.describeStateMachine({ stateMachineArn })).revisionId, u1.revisionId);
  const { executionArn } = await s.startExecution({ stateMachineArn });
  assert.is((await s.describeExecution({ executionArn })).output, '2');
});

machines('delete: gone from describe and list; deleting again answers {}', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  assert.equal(await s.deleteStateMachine({ stateMachineArn }), {});
  assert.is((await refusal(s.describeStateMachine({ stateMachineArn }))).name, 'StateMachineDoesNotExist');
  assert.equal((await s.listStateMachines({})).stateMachines, []);
  assert.equal(await s.deleteStateMachine({ stateMachineArn }), {});
});

machines('delete lets executions in progress run to their end, as AWS does', async () => {
  let finish: (value: unknown) => void = () => {};
  const s = service({ handlers: { slow: () => new Promise((resolve) => (finish = resolve)) } });
  const definition = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'slow', End: true } } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition, roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  await s.deleteStateMachine({ stateMachineArn });
  assert.is((await s.describeExecution({ executionArn })).status, 'RUNNING');
  finish('done');
  assert.is((await s.waitForExecution({ executionArn })).status, 'SUCCEEDED');
  await s.close();
});

machines('validateStateMachineDefinition: OK, or FAIL with AWS diagnostics; Express refuses Standard-only integrations', async () => {
  const s = service();
  assert.equal(await s.validateStateMachineDefinition({ definition: pass() }), { result: 'OK', diagnostics: [], truncated: false });
  assert.equal(await s.validateStateMachineDefinition({ definition: '{"States":{"A":{"Type":"Pass","End":true}}}' }), {
    result: 'FAIL',
    diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'These fields are required: [StartAt]', location: '/' }],
    truncated: false,
  });
  const callback = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } } });
  assert.is((await s.validateStateMachineDefinition({ definition: callback })).result, 'OK');
  const express = await s.validateStateMachineDefinition({ definition: callback, type: 'EXPRESS' });
  assert.equal(
    express.diagnostics.map((d) => [d.code, d.message, d.location]),
    [['SCHEMA_VALIDATION_FAILED', "Express state machine does not support '.waitForTaskToken' service integration ", '/States/T/Resource']],
  );
  const many = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'X', Foo: 1, Bar: 2 } } });
  const truncated = await s.validateStateMachineDefinition({ definition: many, maxResults: 1 });
  assert.is(truncated.diagnostics.length, 1);
  assert.is(truncated.truncated, true);
});

machines('regression: a definition no state ends is MISSING_END_STATE, the code AWS documents (was NO_TERMINAL_STATE)', async () => {
  const s = service();
  const loop = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } });
  const answer = await s.validateStateMachineDefinition({ definition: loop });
  assert.equal(
    answer.diagnostics.map((d) => [d.severity, d.code, d.location]),
    [['ERROR', 'MISSING_END_STATE', '/']],
  );
});

machines('describeStateMachine lists the variables each state reads', async () => {
  const s = service();
  const definition = JSON.stringify({
    StartAt: 'Set',
    States: {
      Set: { Type: 'Pass', Assign: { a: 1, b: 2 }, Next: 'Use' },
      Use: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($a, $b)', 'x.$': '$.x' }, Next: 'J' },
      J: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $count($states.input) + $a %}', End: true },
    },
  });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition, roleArn: ROLE });
  assert.equal((await s.describeStateMachine({ stateMachineArn })).variableReferences, { Use: ['a', 'b'], J: ['a'] });
});

machines.run();

const executions = suite('service: executions');

executions('a Standard execution runs its handlers; describe shows AWS shape with output as JSON text', async () => {
  const s = service({ handlers: { double: (input: { n: number }) => ({ n: input.n * 2 }) } });
  const definition = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'double', End: true } } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition, roleArn: ROLE });
  const started = await s.startExecution({ stateMachineArn, name: 'run-1', input: '{"n":21}' });
  assert.is(started.executionArn, `${ARN}:execution:m:run-1`);
  const d = await s.waitForExecution({ executionArn: started.executionArn });
  assert.equal(
    { ...d, startDate: undefined, stopDate: undefined },
    {
      executionArn: started.executionArn,
      stateMachineArn,
      name: 'run-1',
      status: 'SUCCEEDED',
      startDate: undefined,
      stopDate: undefined,
      input: '{"n":21}',
      inputDetails: { included: true },
      output: '{"n":42}',
      outputDetails: { included: true },
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    },
  );
  const metadata = await s.describeExecution({ executionArn: started.executionArn, includedData: 'METADATA_ONLY' });
  assert.is(metadata.input, undefined);
  assert.equal(metadata.inputDetails, { included: false });
});

executions('a failing execution: FAILED with the error and cause; a Task without a handler fails with States.Runtime', async () => {
  const s = service();
  const fail = JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'because' } } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'f', definition: fail, roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  const d = await s.describeExecution({ executionArn });
  assert.equal([d.status, d.error, d.cause, d.output], ['FAILED', 'Oops', 'because', undefined]);
  const task = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'nobody', End: true } } });
  const t = await s.createStateMachine({ name: 't', definition: task, roleArn: ROLE });
  const run = await s.startExecution({ stateMachineArn: t.stateMachineArn });
  const failed = await s.describeExecution({ executionArn: run.executionArn });
  assert.is(failed.status, 'FAILED');
  assert.is(failed.error, 'States.Runtime');
  assert.match(failed.cause!, /nobody/);
});

executions('an input within the API bound but over 256 KiB of UTF-8 starts and fails with States.DataLimitExceeded', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  const input = JSON.stringify({ text: 'é'.repeat(200_000) });
  const { executionArn } = await s.startExecution({ stateMachineArn, input });
  const d = await s.describeExecution({ executionArn });
  assert.equal([d.status, d.error], ['FAILED', 'States.DataLimitExceeded']);
});

executions('Standard name reuse: same name and input while RUNNING → the same execution; otherwise ExecutionAlreadyExists', async () => {
  const s = service({ clock: realClock });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: waiting(60), roleArn: ROLE });
  const first = await s.startExecution({ stateMachineArn, name: 'once', input: '{"a":1}' });
  const again = await s.startExecution({ stateMachineArn, name: 'once', input: '{"a":1}' });
  assert.equal(again, first);
  const other = await refusal(s.startExecution({ stateMachineArn, name: 'once', input: '{"a":2}' }));
  assert.is(other.name, 'ExecutionAlreadyExists');
  assert.is(other.message, `Execution Already Exists: '${first.executionArn}'`);
  await s.stopExecution({ executionArn: first.executionArn });
  assert.is((await refusal(s.startExecution({ stateMachineArn, name: 'once', input: '{"a":1}' }))).name, 'ExecutionAlreadyExists');
  await s.close();
});

executions("Standard executions have Standard's limits: a 10-minute Wait succeeds; Express times out at 5 minutes", async () => {
  const s = service();
  const standard = await s.createStateMachine({ name: 's', definition: waiting(600), roleArn: ROLE });
  const run = await s.startExecution({ stateMachineArn: standard.stateMachineArn });
  assert.is((await s.waitForExecution({ executionArn: run.executionArn })).status, 'SUCCEEDED');
  const express = await s.createStateMachine({ name: 'x', definition: waiting(600), roleArn: ROLE, type: 'EXPRESS' });
  const sync = await s.startSyncExecution({ stateMachineArn: express.stateMachineArn });
  assert.is(sync.status, 'TIMED_OUT');
  assert.is(sync.error, 'States.Timeout');
});

executions('Express: StartSyncExecution answers the result; its ARN is express:…; Describe/Stop/History/List refused as AWS does', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'x', definition: pass({ v: 1 }), roleArn: ROLE, type: 'EXPRESS' });
  const r = await s.startSyncExecution({ stateMachineArn, name: 'n1', input: '{"in":true}' });
  assert.match(r.executionArn, new RegExp(`^${ARN}:express:x:n1:[0-9a-f-]{36}$`));
  assert.equal(
    { ...r, executionArn: undefined, startDate: undefined, stopDate: undefined },
    {
      executionArn: undefined,
      stateMachineArn,
      name: 'n1',
      startDate: undefined,
      stopDate: undefined,
      status: 'SUCCEEDED',
      input: '{"in":true}',
      inputDetails: { included: true },
      output: '{"v":1}',
      outputDetails: { included: true },
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 },
    },
  );
  const started = await s.startExecution({ stateMachineArn });
  for (const call of [s.describeExecution(started), s.stopExecution(started), s.getExecutionHistory(started)]) {
    const e = await refusal(call);
    assert.equal([e.name, e.message], ['InvalidArn', "Invalid Arn: 'Resource type not valid in this context: express'"]);
  }
  assert.is((await refusal(s.listExecutions({ stateMachineArn }))).name, 'StateMachineTypeNotSupported');
});

executions('$$.Execution.Id is the execution ARN, Express ARNs ending in their UUID as the API answers them', async () => {
  const s = service();
  const definition = JSON.stringify({ StartAt: 'Id', States: { Id: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id' }, End: true } } });
  const express = await s.createStateMachine({ name: 'ids-x', definition, roleArn: ROLE, type: 'EXPRESS' });
  const sync = await s.startSyncExecution({ stateMachineArn: express.stateMachineArn, name: 'run' });
  assert.match(sync.executionArn!, /:express:ids-x:run:[0-9a-f-]{36}$/);
  assert.equal(JSON.parse(sync.output!), { id: sync.executionArn });
  const standard = await s.createStateMachine({ name: 'ids-s', definition, roleArn: ROLE });
  const started = await s.startExecution({ stateMachineArn: standard.stateMachineArn, name: 'run' });
  const described = await s.waitForExecution({ executionArn: started.executionArn });
  assert.equal(JSON.parse(described.output!), { id: `${ARN}:execution:ids-s:run` });
});

executions('stopExecution: ABORTED with the given error and cause; history ends with ExecutionAborted as AWS records it', async () => {
  const s = service({ clock: realClock });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: waiting(60), roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  assert.is((await s.describeExecution({ executionArn })).status, 'RUNNING');
  const running = await s.getExecutionHistory({ executionArn });
  assert.equal(
    running.events.map((e) => e.type),
    ['ExecutionStarted', 'WaitStateEntered'],
    'a running execution shows its history so far',
  );
  const stopped = await s.stopExecution({ executionArn, error: 'Halt', cause: 'by hand' });
  assert.instance(stopped.stopDate, Date);
  const d = await s.describeExecution({ executionArn });
  assert.equal([d.status, d.error, d.cause], ['ABORTED', 'Halt', 'by hand']);
  const history = await s.getExecutionHistory({ executionArn });
  assert.equal(
    history.events.map((e) => [e.id, e.previousEventId, e.type]),
    [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'WaitStateEntered'],
      [3, 0, 'ExecutionAborted'],
    ],
  );
  assert.equal(history.events[2]!.executionAbortedEventDetails, { error: 'Halt', cause: 'by hand' });
  const again = await s.stopExecution({ executionArn });
  assert.equal(again.stopDate, stopped.stopDate);
  await s.close();
});

executions('getExecutionHistory: pages with maxResults/nextToken, reverseOrder, includeExecutionData: false drops payloads', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn, input: '{"x":1}' });
  const all = await s.getExecutionHistory({ executionArn });
  assert.equal(
    all.events.map((e) => e.type),
    ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
  );
  const first = await s.getExecutionHistory({ executionArn, maxResults: 3 });
  assert.equal(
    first.events.map((e) => e.id),
    [1, 2, 3],
  );
  const rest = await s.getExecutionHistory({ executionArn, maxResults: 3, nextToken: first.nextToken });
  assert.equal(
    rest.events.map((e) => e.id),
    [4],
  );
  assert.is(rest.nextToken, undefined);
  const reversed = await s.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 2 });
  assert.equal(
    reversed.events.map((e) => e.id),
    [4, 3],
  );
  const bare = await s.getExecutionHistory({ executionArn, includeExecutionData: false });
  assert.equal(bare.events[0]!.executionStartedEventDetails, { inputDetails: { truncated: false }, roleArn: ROLE });
  assert.equal(bare.events[2]!.stateExitedEventDetails, { name: 'A', outputDetails: { truncated: false } });
});

executions('the history option: ERROR keeps failures only; OFF records nothing, running or ended', async () => {
  const fail = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Next: 'F' }, F: { Type: 'Fail', Error: 'E' } } });
  const errors = service({ history: 'ERROR' });
  const a = await errors.createStateMachine({ name: 'f', definition: fail, roleArn: ROLE });
  const run = await errors.startExecution({ stateMachineArn: a.stateMachineArn });
  assert.equal(
    (await errors.getExecutionHistory(run)).events.map((e) => e.type),
    ['FailStateEntered', 'ExecutionFailed'],
  );
  const off = service({ history: 'OFF', clock: realClock });
  const b = await off.createStateMachine({ name: 'w', definition: waiting(3600), roleArn: ROLE });
  const waitingRun = await off.startExecution({ stateMachineArn: b.stateMachineArn });
  assert.equal((await off.getExecutionHistory(waitingRun)).events, []);
  await off.stopExecution(waitingRun);
  assert.equal((await off.getExecutionHistory(waitingRun)).events, []);
  await off.close();
});

executions('listExecutions: newest first, statusFilter, pages', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  const f = await s.createStateMachine({ name: 'f', definition: JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail' } } }), roleArn: ROLE });
  for (const name of ['one', 'two', 'three']) await s.startExecution({ stateMachineArn, name });
  await s.startExecution({ stateMachineArn: f.stateMachineArn, name: 'bad' });
  const listed = await s.listExecutions({ stateMachineArn });
  assert.equal(
    listed.executions.map((e) => e.name),
    ['three', 'two', 'one'],
  );
  assert.equal(Object.keys(listed.executions[0]!).sort(), ['executionArn', 'name', 'redriveCount', 'startDate', 'stateMachineArn', 'status', 'stopDate']);
  assert.equal((await s.listExecutions({ stateMachineArn, statusFilter: 'FAILED' })).executions, []);
  assert.equal(
    (await s.listExecutions({ stateMachineArn: f.stateMachineArn, statusFilter: 'FAILED' })).executions.map((e) => e.name),
    ['bad'],
  );
  const page1 = await s.listExecutions({ stateMachineArn, maxResults: 2 });
  await s.startExecution({ stateMachineArn, name: 'four' });
  const page2 = await s.listExecutions({ stateMachineArn, maxResults: 2, nextToken: page1.nextToken });
  assert.equal(
    [...page1.executions, ...page2.executions].map((e) => e.name),
    ['three', 'two', 'one'],
    'an execution started between pages neither repeats nor skips one',
  );
});

executions('retainExecutions bounds the finished executions kept: the oldest are forgotten, and a page token naming one expires', async () => {
  const s = service({ retainExecutions: 2 });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  const arns = [];
  for (const name of ['a', 'b']) arns.push((await s.startExecution({ stateMachineArn, name })).executionArn);
  const first = await s.listExecutions({ stateMachineArn, maxResults: 1 });
  for (const name of ['c']) arns.push((await s.startExecution({ stateMachineArn, name })).executionArn);
  assert.is((await refusal(s.listExecutions({ stateMachineArn, maxResults: 1, nextToken: first.nextToken }))).name, 'InvalidToken');
  assert.is((await refusal(s.describeExecution({ executionArn: arns[0]! }))).name, 'ExecutionDoesNotExist');
  assert.equal(
    (await s.listExecutions({ stateMachineArn })).executions.map((e) => e.name),
    ['c', 'b'],
  );
});

executions('retention past the compaction point: lists and lookups agree on what is kept', async () => {
  const s = service({ retainExecutions: 1000 });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  const arns: string[] = [];
  for (let i = 0; i < 3100; i++) arns.push((await s.startExecution({ stateMachineArn, name: `e${i}` })).executionArn);
  const listed = await s.listExecutions({ stateMachineArn, maxResults: 1000 });
  assert.is(listed.executions.length, 1000);
  assert.is(listed.nextToken, undefined);
  assert.is(listed.executions[999]!.name, 'e2100');
  assert.is((await refusal(s.describeExecution({ executionArn: arns[2099]! }))).name, 'ExecutionDoesNotExist');
  assert.is((await s.describeExecution({ executionArn: arns[2100]! })).status, 'SUCCEEDED');
});

executions('describeStateMachineForExecution: the revision the execution ran, even after an update', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(1), roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  await s.updateStateMachine({ stateMachineArn, definition: pass(2) });
  const d = await s.describeStateMachineForExecution({ executionArn });
  assert.is(d.definition, pass(1));
  assert.is(d.stateMachineArn, stateMachineArn);
  assert.is(d.revisionId, undefined);
});

executions('mocks: stateMachineArn#TestCase runs a Step Functions Local test case', async () => {
  const mocks = {
    StateMachines: { orders: { TestCases: { Happy: { Send: 'SqsOk' } } } },
    MockedResponses: { SqsOk: { '0': { Return: { MessageId: 'm-1' } } } },
  };
  const s = service({ mocks });
  const definition = JSON.stringify({
    StartAt: 'Send',
    States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'x' }, End: true } },
  });
  const { stateMachineArn } = await s.createStateMachine({ name: 'orders', definition, roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn: `${stateMachineArn}#Happy` });
  assert.match(executionArn, /:execution:orders:/);
  assert.is((await s.describeExecution({ executionArn })).output, '{"MessageId":"m-1"}');
  const e = await refusal(s.startExecution({ stateMachineArn: `${stateMachineArn}#Nope` }));
  assert.is(e.name, 'ValidationException');
  assert.equal((await s.listExecutions({ stateMachineArn })).executions.length, 1, 'the refused start left no execution');
});

executions('close(): running executions end ABORTED, pending activity polls answer {}, nothing more starts', async () => {
  const s = service({ clock: realClock });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: waiting(3600), roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  const { activityArn } = await s.createActivity({ name: 'a' });
  const poll = s.getActivityTask({ activityArn });
  await s.close();
  assert.equal(await poll, {});
  assert.is((await s.describeExecution({ executionArn })).status, 'ABORTED');
  assert.is((await refusal(s.startExecution({ stateMachineArn }))).name, 'ValidationException');
});

executions('close(): waiting StartSyncExecution calls all answer ABORTED, with no listener-leak warning', async () => {
  const s = service({ clock: realClock });
  const { stateMachineArn } = await s.createStateMachine({ name: 'x', definition: waiting(3600), roleArn: ROLE, type: 'EXPRESS' });
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const calls = Array.from({ length: 20 }, (_, i) => s.startSyncExecution({ stateMachineArn, name: `w${i}`, input: '{}' }));
    // One that ends at once between them, not stopped by the others' signal.
    const { stateMachineArn: quick } = await s.createStateMachine({ name: 'q', definition: pass({ v: 1 }), roleArn: ROLE, type: 'EXPRESS' });
    assert.is((await s.startSyncExecution({ stateMachineArn: quick })).status, 'SUCCEEDED');
    await s.close();
    const answers = await Promise.all(calls);
    assert.equal(
      answers.map((a) => a.status),
      Array(20).fill('ABORTED'),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});

executions('redriveExecution of a SUCCEEDED execution is refused, typed: ExecutionNotRedrivable', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({
    name: 'm',
    definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    roleArn: ROLE,
  });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  assert.is((await refusal(s.redriveExecution({ executionArn }))).name, 'ExecutionNotRedrivable');
});

executions.run();

const versions = suite('service: versions and aliases');

versions('publish numbers versions; publishing an unchanged revision returns the latest; executions through a version record it', async () => {
  const s = service();
  const created = await s.createStateMachine({ name: 'm', definition: pass(1), roleArn: ROLE, publish: true, versionDescription: 'first' });
  assert.is(created.stateMachineVersionArn, `${ARN}:stateMachine:m:1`);
  const same = await s.publishStateMachineVersion({ stateMachineArn: created.stateMachineArn });
  assert.is(same.stateMachineVersionArn, created.stateMachineVersionArn);
  const updated = await s.updateStateMachine({ stateMachineArn: created.stateMachineArn, definition: pass(2), publish: true });
  assert.is(updated.stateMachineVersionArn, `${ARN}:stateMachine:m:2`);
  const listed = await s.listStateMachineVersions({ stateMachineArn: created.stateMachineArn });
  assert.equal(
    listed.stateMachineVersions.map((v) => v.stateMachineVersionArn),
    [`${ARN}:stateMachine:m:2`, `${ARN}:stateMachine:m:1`],
  );
  const v1 = await s.describeStateMachine({ stateMachineArn: created.stateMachineVersionArn! });
  assert.equal([v1.stateMachineArn, v1.definition, v1.description], [created.stateMachineVersionArn, pass(1), 'first']);
  const run = await s.startExecution({ stateMachineArn: created.stateMachineVersionArn! });
  const d = await s.describeExecution({ executionArn: run.executionArn });
  assert.equal([d.output, d.stateMachineVersionArn, d.stateMachineArn], ['1', created.stateMachineVersionArn, created.stateMachineArn]);
  const viaVersion = await s.listExecutions({ stateMachineArn: created.stateMachineVersionArn! });
  assert.equal(
    viaVersion.executions.map((e) => e.executionArn),
    [run.executionArn],
  );
  await s.deleteStateMachineVersion({ stateMachineVersionArn: `${ARN}:stateMachine:m:2` });
  assert.equal((await s.listStateMachineVersions({ stateMachineArn: created.stateMachineArn })).stateMachineVersions.length, 1);
  const next = await s.updateStateMachine({ stateMachineArn: created.stateMachineArn, definition: pass(3), publish: true });
  assert.is(next.stateMachineVersionArn, `${ARN}:stateMachine:m:3`, 'numbers are not reused');
});

versions('aliases: create (idempotent), describe, update, route executions by weight, delete', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(1), roleArn: ROLE, publish: true });
  await s.updateStateMachine({ stateMachineArn, definition: pass(2), publish: true });
  const routing = [{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 100 }];
  const alias = await s.createStateMachineAlias({ name: 'live', description: 'd', routingConfiguration: routing });
  assert.is(alias.stateMachineAliasArn, `${stateMachineArn}:live`);
  assert.equal(await s.createStateMachineAlias({ name: 'live', description: 'd', routingConfiguration: routing }), alias);
  const run = await s.startExecution({ stateMachineArn: alias.stateMachineAliasArn });
  const d = await s.describeExecution({ executionArn: run.executionArn });
  assert.equal([d.output, d.stateMachineAliasArn, d.stateMachineVersionArn], ['1', alias.stateMachineAliasArn, `${stateMachineArn}:1`]);
  await s.updateStateMachineAlias({
    stateMachineAliasArn: alias.stateMachineAliasArn,
    routingConfiguration: [
      { stateMachineVersionArn: `${stateMachineArn}:1`, weight: 0 },
      { stateMachineVersionArn: `${stateMachineArn}:2`, weight: 100 },
    ],
  });
  for (let i = 0; i < 10; i++) {
    const r = await s.startExecution({ stateMachineArn: alias.stateMachineAliasArn });
    assert.is((await s.describeExecution({ executionArn: r.executionArn })).output, '2');
  }
  const described = await s.describeStateMachineAlias({ stateMachineAliasArn: alias.stateMachineAliasArn });
  assert.is(described.description, 'd');
  assert.instance(described.updateDate, Date);
  assert.equal(
    (await s.listStateMachineAliases({ stateMachineArn })).stateMachineAliases.map((a) => a.stateMachineAliasArn),
    [alias.stateMachineAliasArn],
  );
  await s.deleteStateMachineAlias({ stateMachineAliasArn: alias.stateMachineAliasArn });
  assert.equal((await s.listStateMachineAliases({ stateMachineArn })).stateMachineAliases, []);
  assert.is((await refusal(s.startExecution({ stateMachineArn: alias.stateMachineAliasArn }))).name, 'StateMachineDoesNotExist');
});

versions.run();

const others = suite('service: activities, tags, map runs');

others('activities: create (idempotent), describe, list, delete; GetActivityTask hands a scheduled task, or {} when none comes', async () => {
  const s = service();
  const created = await s.createActivity({ name: 'work' });
  assert.is(created.activityArn, `${ARN}:activity:work`);
  assert.equal(await s.createActivity({ name: 'work' }), created);
  assert.equal(await s.describeActivity(created), { ...created, name: 'work', encryptionConfiguration: { type: 'AWS_OWNED_KEY' } });
  assert.equal(
    (await s.listActivities({})).activities.map((a) => a.name),
    ['work'],
  );
  const poll = s.getActivityTask({ activityArn: created.activityArn, workerName: 'w1' });
  s.activityQueue(created.activityArn).schedule({ taskToken: 't1', input: '{"a":1}' });
  assert.equal(await poll, { taskToken: 't1', input: '{"a":1}' });
  s.activityQueue(created.activityArn).schedule({ taskToken: 't2', input: '{}' });
  assert.equal(await s.getActivityTask({ activityArn: created.activityArn }), { taskToken: 't2', input: '{}' });
  assert.equal(await s.getActivityTask({ activityArn: created.activityArn }), {}, 'the virtual clock ends the 60 s poll at once');
  await s.deleteActivity(created);
  assert.is((await refusal(s.describeActivity(created))).name, 'ActivityDoesNotExist');
});

others('a deleted activity: an execution waiting on it can still be stopped; one reaching it fails with States.Runtime, as AWS recorded', async () => {
  const s = service();
  const { activityArn } = await s.createActivity({ name: 'gone' });
  const definition = JSON.stringify({ StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: activityArn, End: true } } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'waits', definition, roleArn: ROLE, type: 'STANDARD' });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  await s.deleteActivity({ activityArn });
  await s.stopExecution({ executionArn, error: 'Cleanup' });
  assert.is((await s.describeExecution({ executionArn })).status, 'ABORTED');
  // Recorded on AWS (LocalStack's test_activity_task_on_deleted, 2024-03-17): no task events, the execution fails.
  const late = await s.startExecution({ stateMachineArn, input: '{"Value1":"HelloWorld"}' });
  const ended = await s.waitForExecution(late);
  assert.equal(
    [ended.status, ended.error, ended.cause],
    [
      'FAILED',
      'States.Runtime',
      `An error occurred while executing the state 'ActivityTask' (entered at the event id #2). The activity ${activityArn} does not exist.`,
    ],
  );
  const events = (await s.getExecutionHistory(late)).events;
  assert.equal(
    events.map((e) => [e.type, e.id, e.previousEventId]),
    [
      ['ExecutionStarted', 1, 0],
      ['TaskStateEntered', 2, 0],
      ['ExecutionFailed', 3, 2],
    ],
  );
  await s.close();
});

others('tags on machines and activities: add, overwrite, remove, list', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE, tags: [{ key: 'team', value: 'a' }] });
  await s.tagResource({
    resourceArn: stateMachineArn,
    tags: [
      { key: 'team', value: 'b' },
      { key: 'env', value: 'dev' },
    ],
  });
  assert.equal((await s.listTagsForResource({ resourceArn: stateMachineArn })).tags, [
    { key: 'team', value: 'b' },
    { key: 'env', value: 'dev' },
  ]);
  await s.untagResource({ resourceArn: stateMachineArn, tagKeys: ['team', 'absent'] });
  assert.equal((await s.listTagsForResource({ resourceArn: stateMachineArn })).tags, [{ key: 'env', value: 'dev' }]);
  const { activityArn } = await s.createActivity({ name: 'a', tags: [{ key: 'k', value: 'v' }] });
  assert.equal((await s.listTagsForResource({ resourceArn: activityArn })).tags, [{ key: 'k', value: 'v' }]);
});

others('map runs: none exist yet; ListMapRuns of an execution is empty, the others ResourceNotFound', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: pass(), roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  assert.equal(await s.listMapRuns({ executionArn }), { mapRuns: [] });
  const mapRunArn = `${ARN}:mapRun:m/Map:1`;
  assert.is((await refusal(s.describeMapRun({ mapRunArn }))).name, 'ResourceNotFound');
  assert.is((await refusal(s.updateMapRun({ mapRunArn, maxConcurrency: 1 }))).name, 'ResourceNotFound');
});

others('integrations: their handlers serve Resources the user left open, under the user handlers', async () => {
  const seen: string[] = [];
  const s = service({
    handlers: { mine: () => 'user' },
    integrations: [
      {
        handlers: (machine, host) => {
          seen.push(`${machine.name}@${host.region}`);
          return { mine: () => 'integration', 'arn:aws:states:::x:y': () => 'integration' };
        },
      },
    ],
  });
  const definition = JSON.stringify({
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Resource: 'mine', ResultPath: '$.a', Next: 'B' },
      B: { Type: 'Task', Resource: 'arn:aws:states:::x:y', ResultPath: '$.b', End: true },
    },
  });
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition, roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn });
  assert.is((await s.describeExecution({ executionArn })).output, '{"a":"user","b":"integration"}');
  await s.startExecution({ stateMachineArn });
  assert.equal(seen, ['m@us-east-1'], 'asked once per compiled revision');
});

others('nested executions through the integration host: start a child, await its end, stop it; Standard and Express children', async () => {
  const s = service({
    clock: realClock,
    integrations: [
      {
        handlers: (_machine, host) => ({
          // A stand-in for `.sync`: start the child, answer its DescribeExecution when it ends.
          runChild: async (input: { arn: string }, ctx) => {
            const child = await host.nested.startExecution({
              stateMachineArn: input.arn,
              name: undefined,
              input: '{"from":"parent"}',
              parentExecutionArn: (ctx.context.Execution as { Id: string }).Id,
            });
            return host.nested.executionEnded(child.executionArn);
          },
        }),
      },
    ],
  });
  const parent = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'runChild', End: true } } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'parent', definition: parent, roleArn: ROLE });
  const standardChild = await s.createStateMachine({
    name: 'child',
    definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    roleArn: ROLE,
  });
  const expressChild = await s.createStateMachine({
    name: 'xchild',
    definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    roleArn: ROLE,
    type: 'EXPRESS',
  });
  for (const child of [standardChild, expressChild]) {
    const run = await s.startExecution({ stateMachineArn, input: JSON.stringify({ arn: child.stateMachineArn }) });
    const d = await s.waitForExecution(run);
    assert.is(d.status, 'SUCCEEDED', d.cause);
    const ended = JSON.parse(d.output!);
    assert.equal([ended.status, ended.output, ended.stateMachineArn], ['SUCCEEDED', '{"from":"parent"}', child.stateMachineArn]);
  }
  const nested = s.nestedExecutions();
  const slow = await s.createStateMachine({ name: 'slow', definition: waiting(3600), roleArn: ROLE });
  const started = await nested.startExecution({ stateMachineArn: slow.stateMachineArn, name: 'kid', input: '{}', parentExecutionArn: 'p' });
  nested.stopExecution(started.executionArn, 'States.Aborted', 'parent stopped');
  const stopped = await nested.executionEnded(started.executionArn);
  assert.equal([stopped.status, stopped.error, stopped.cause], ['ABORTED', 'States.Aborted', 'parent stopped']);
  const e = await refusal(nested.executionEnded(`${ARN}:execution:slow:nobody`));
  assert.is(e.name, 'ExecutionDoesNotExist');
  const sync = await nested.startSyncExecution({ stateMachineArn: expressChild.stateMachineArn, name: undefined, input: '{"a":1}', parentExecutionArn: 'p' });
  assert.equal([sync.status, sync.output], ['SUCCEEDED', '{"a":1}']);
  await s.close();
});

others.run();
