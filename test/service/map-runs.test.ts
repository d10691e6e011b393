import * as sfn from '@aws-sdk/client-sfn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, createService, virtualClock, type StepFunctionsService } from '../../src/index.js';
import { startEndpoint } from '../serve/endpoint.js';
import { withFreshStore } from '../support/stores.js';
import { refusal } from './refusal.js';

/**
 * Map runs (DescribeMapRun, ListMapRuns, UpdateMapRun, ListExecutions by mapRunArn, a child's
 * DescribeExecution and history): each time a Distributed Map runs in a Standard execution the
 * service keeps a map run, its child executions one per item or batch, and the parent's
 * history shows MapRunStarted/MapRunSucceeded/MapRunFailed in place of the iterations.
 */
const mapRuns = suite('service: map runs');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:work';
const PREFIX = 'arn:aws:states:us-east-1:123456789012';

type Handler = (input: unknown) => unknown;

/** A Distributed Map over the input's items whose iterations run FN, with `fields` added to the Map state. */
function distributedMap(fields: Record<string, unknown> = {}, executionType = 'STANDARD') {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: 'Work',
          States: { Work: { Type: 'Task', Resource: FN, End: true } },
        },
        End: true,
        ...fields,
      },
    },
  };
}

/** A handler that doubles a number and fails on negative ones (error Bad, cause "negative <n>"). */
const doubling: Handler = (n) => {
  if ((n as number) < 0) throw Object.assign(new Error(`negative ${n as number}`), { name: 'Bad' });
  return (n as number) * 2;
};

async function run(definition: unknown, input: unknown, handler: Handler = doubling, name = 'flow') {
  const s = createService({ clock: virtualClock(0), handlers: { [FN]: handler } });
  const { stateMachineArn } = await s.createStateMachine({ name, roleArn: ROLE, definition: JSON.stringify(definition) });
  const { executionArn } = await s.startExecution({ stateMachineArn, name: 'exec-1', input: JSON.stringify(input) });
  const described = await s.waitForExecution({ executionArn });
  const { mapRuns: listed } = await s.listMapRuns({ executionArn });
  return { s, stateMachineArn, executionArn, described, listed };
}

async function eventTypes(s: StepFunctionsService, executionArn: string): Promise<string[]> {
  return (await s.getExecutionHistory({ executionArn, maxResults: 1000 })).events.map((e) => e.type);
}

const zeroCounts = {
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  aborted: 0,
  total: 0,
  resultsWritten: 0,
  failuresNotRedrivable: 0,
  pendingRedrive: 0,
};

mapRuns('ARNs: the map run and its children name the machine and the Label, or without one a UUID that every run of the Map shares', async () => {
  const cases = [
    { fields: {}, label: null, type: 'STANDARD' },
    { fields: { Label: 'Thumbnails' }, label: 'Thumbnails', type: 'STANDARD' },
    { fields: { Label: 'Rows' }, label: 'Rows', type: 'EXPRESS' },
  ];
  for (const c of cases) {
    const { s, stateMachineArn, executionArn, listed } = await run(distributedMap(c.fields, c.type), [1, 2], doubling, 'images');
    assert.is(listed.length, 1, String(c.label));
    const item = listed[0]!;
    const label = c.label ?? item.stateMachineArn.slice(item.stateMachineArn.indexOf('/') + 1);
    if (c.label === null) {
      assert.match(label, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const again = await s.startExecution({ stateMachineArn, input: '[3]' });
      await s.waitForExecution(again);
      const { mapRuns: second } = await s.listMapRuns({ executionArn: again.executionArn });
      assert.is(second[0]!.stateMachineArn, item.stateMachineArn, 'every run of the Map has the same label');
    }
    assert.match(item.mapRunArn, new RegExp(`^${PREFIX}:mapRun:images/${label}:[0-9a-f-]{36}$`));
    assert.is(item.stateMachineArn, `${PREFIX}:stateMachine:images/${label}`);
    assert.is(item.executionArn, executionArn);
    const children = await s.listExecutions({ mapRunArn: item.mapRunArn });
    assert.equal(
      children.executions.map((e) => e.executionArn).sort(),
      [0, 1].map((i) => `${item.mapRunArn.replace(':mapRun:', ':execution:')}:${i}`),
    );
    const child = await s.describeExecution({ executionArn: children.executions[0]!.executionArn });
    assert.is(child.stateMachineArn, item.stateMachineArn);
    assert.is(child.mapRunArn, item.mapRunArn);
    const machine = await s.describeStateMachineForExecution({ executionArn: child.executionArn });
    assert.equal([machine.stateMachineArn, machine.mapRunArn, machine.label], [item.stateMachineArn, item.mapRunArn, label]);
    assert.equal(JSON.parse(machine.definition), distributedMap(c.fields, c.type).States.Fan.ItemProcessor, 'the children run the ItemProcessor');
  }
});

mapRuns('a map run that succeeds: DescribeMapRun, ListMapRuns and the parent history with MapRunStarted/MapRunSucceeded, no iteration events', async () => {
  const { s, executionArn, described, listed } = await run(distributedMap({ MaxConcurrency: 1 }), [1, 2, 3]);
  assert.is(described.status, 'SUCCEEDED');
  assert.is(described.output, '[2,4,6]');
  const mapRun = await s.describeMapRun({ mapRunArn: listed[0]!.mapRunArn });
  assert.is(mapRun.status, 'SUCCEEDED');
  assert.is(mapRun.executionArn, executionArn);
  assert.is(mapRun.maxConcurrency, 1);
  assert.is(mapRun.toleratedFailureCount, 0);
  assert.is(mapRun.toleratedFailurePercentage, 0);
  assert.is(mapRun.redriveCount, 0);
  assert.instance(mapRun.stopDate, Date);
  const done = { ...zeroCounts, succeeded: 3, total: 3, resultsWritten: 3 };
  assert.equal(mapRun.itemCounts, done);
  assert.equal(mapRun.executionCounts, done);
  const { events } = await s.getExecutionHistory({ executionArn });
  assert.equal(
    events.map((e) => [e.id, e.previousEventId, e.type]),
    [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapRunStarted'],
      [5, 4, 'MapRunSucceeded'],
      [6, 5, 'MapStateSucceeded'],
      [7, 4, 'MapStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ],
  );
  assert.equal(events[3]!.mapRunStartedEventDetails, { mapRunArn: listed[0]!.mapRunArn });
});

mapRuns('tolerated failures: the map run succeeds, counting the failed child; the child shows its error', async () => {
  const { s, described, listed } = await run(distributedMap({ ToleratedFailureCount: 1 }), [1, -2, 3]);
  assert.is(described.status, 'SUCCEEDED');
  const mapRun = await s.describeMapRun({ mapRunArn: listed[0]!.mapRunArn });
  assert.is(mapRun.status, 'SUCCEEDED');
  assert.is(mapRun.toleratedFailureCount, 1);
  assert.equal(mapRun.executionCounts, { ...zeroCounts, succeeded: 2, failed: 1, total: 3, resultsWritten: 3 });
  const failed = await s.listExecutions({ mapRunArn: mapRun.mapRunArn, statusFilter: 'FAILED' });
  assert.is(failed.executions.length, 1);
  const child = await s.describeExecution({ executionArn: failed.executions[0]!.executionArn });
  assert.is(child.status, 'FAILED');
  assert.is(child.error, 'Bad');
  assert.is(child.cause, 'negative -2');
  assert.is(child.input, '-2');
  assert.is(child.name, '1');
  const { events } = await s.getExecutionHistory({ executionArn: child.executionArn });
  assert.equal(
    events.map((e) => [e.id, e.previousEventId, e.type]),
    [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'LambdaFunctionScheduled'],
      [4, 3, 'LambdaFunctionStarted'],
      [5, 4, 'LambdaFunctionFailed'],
      [6, 5, 'ExecutionFailed'],
    ],
  );
  assert.equal(events[0]!.executionStartedEventDetails, { input: '-2', inputDetails: { truncated: false }, roleArn: ROLE });
  assert.equal(events[5]!.executionFailedEventDetails, { error: 'Bad', cause: 'negative -2' });
});

mapRuns('failures beyond the tolerance: MapRunFailed with States.ExceedToleratedFailureThreshold, the map run FAILED', async () => {
  const { s, executionArn, described, listed } = await run(distributedMap({ ToleratedFailurePercentage: 20 }), [1, -2, -3, 4]);
  assert.is(described.status, 'FAILED');
  assert.is(described.error, 'States.ExceedToleratedFailureThreshold');
  const mapRun = await s.describeMapRun({ mapRunArn: listed[0]!.mapRunArn });
  assert.is(mapRun.status, 'FAILED');
  assert.is(mapRun.toleratedFailurePercentage, 20);
  assert.is(mapRun.executionCounts.failed, 1);
  const { events } = await s.getExecutionHistory({ executionArn });
  assert.equal(
    events.map((e) => e.type),
    ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed'],
  );
  const details = events[4]!.mapRunFailedEventDetails as { error: string; cause: string };
  assert.is(details.error, 'States.ExceedToleratedFailureThreshold');
  assert.match(details.cause, '(entered at the event id #2). The specified tolerated failure threshold was exceeded');
});

mapRuns('a failed child with no tolerance fails the map run with its error', async () => {
  const { s, described, listed } = await run(distributedMap(), [1, -2]);
  assert.is(described.status, 'FAILED');
  assert.is(described.error, 'Bad');
  const mapRun = await s.describeMapRun({ mapRunArn: listed[0]!.mapRunArn });
  assert.is(mapRun.status, 'FAILED');
});

mapRuns('an ItemReader that fails: a map run of no items ends FAILED (MapStateStarted length 0, MapRunStarted, MapRunFailed), as AWS records it', async () => {
  const definition = distributedMap({
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'in', Key: 'items.json' } },
  });
  const s = createService({ clock: virtualClock(0), handlers: { [FN]: doubling, 'arn:aws:states:::s3:getObject': () => ({ Body: '{"not":"a list"}' }) } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'reader', roleArn: ROLE, definition: JSON.stringify(definition) });
  const { executionArn } = await s.startExecution({ stateMachineArn, input: '{}' });
  const described = await s.waitForExecution({ executionArn });
  assert.is(described.error, 'States.ItemReaderFailed');
  const { events } = await s.getExecutionHistory({ executionArn });
  assert.equal(
    events.map((e) => [e.id, e.previousEventId, e.type]),
    [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapRunStarted'],
      [5, 4, 'MapRunFailed'],
      [6, 5, 'MapStateFailed'],
      [7, 6, 'ExecutionFailed'],
    ],
  );
  assert.equal(events[2]!.mapStateStartedEventDetails, { length: 0 });
  assert.equal(events[4]!.mapRunFailedEventDetails, { error: 'States.ItemReaderFailed', cause: described.cause });
  const [listed] = (await s.listMapRuns({ executionArn })).mapRuns;
  const mapRun = await s.describeMapRun({ mapRunArn: listed!.mapRunArn });
  assert.is(mapRun.status, 'FAILED');
  assert.equal(mapRun.itemCounts, zeroCounts);
});

mapRuns('ItemBatcher: one child per batch, its input { Items }; itemCounts count items, executionCounts children', async () => {
  const definition = distributedMap({ ItemBatcher: { MaxItemsPerBatch: 2 } });
  const { s, described, listed } = await run(definition, [1, 2, 3, 4, 5], (batch) => (batch as { Items: number[] }).Items.length);
  assert.is(described.output, '[2,2,1]');
  const mapRun = await s.describeMapRun({ mapRunArn: listed[0]!.mapRunArn });
  assert.equal(mapRun.itemCounts, { ...zeroCounts, succeeded: 5, total: 5, resultsWritten: 5 });
  assert.equal(mapRun.executionCounts, { ...zeroCounts, succeeded: 3, total: 3, resultsWritten: 3 });
  const child = await s.describeExecution({ executionArn: `${mapRun.mapRunArn.replace(':mapRun:', ':execution:')}:2` });
  assert.is(child.input, '{"Items":[5]}');
  assert.is(child.output, '1');
  // ListExecutions by mapRunArn gives each child's itemCount (ExecutionListItem: only when listed by map run).
  const children = (await s.listExecutions({ mapRunArn: mapRun.mapRunArn })).executions;
  assert.equal(children.map((c) => [c.name, c.itemCount, c.mapRunArn]).sort(), [
    ['0', 2, mapRun.mapRunArn],
    ['1', 2, mapRun.mapRunArn],
    ['2', 1, mapRun.mapRunArn],
  ]);
  const byMachine = (await s.listExecutions({ stateMachineArn: child.stateMachineArn.split('/')[0]! })).executions;
  assert.ok(byMachine.every((e) => e.itemCount === undefined && e.mapRunArn === undefined));
});

mapRuns('one map run each time the Map runs: ListMapRuns pages them, newest first', async () => {
  const definition = {
    StartAt: 'Fan',
    States: {
      Fan: { ...distributedMap().States.Fan, ItemsPath: '$.items', ResultPath: '$.out', End: undefined, Next: 'Count' },
      Count: { Type: 'Pass', Parameters: { 'items.$': '$.items', 'round.$': 'States.MathAdd($.round, 1)' }, Next: 'Again' },
      Again: { Type: 'Choice', Choices: [{ Variable: '$.round', NumericLessThan: 3, Next: 'Fan' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  };
  const { s, executionArn, described, listed } = await run(definition, { items: [1], round: 0 });
  assert.is(described.status, 'SUCCEEDED');
  assert.is(listed.length, 3);
  const started = (await s.getExecutionHistory({ executionArn, maxResults: 1000 })).events
    .filter((e) => e.type === 'MapRunStarted')
    .map((e) => (e.mapRunStartedEventDetails as { mapRunArn: string }).mapRunArn);
  assert.equal(
    listed.map((r) => r.mapRunArn),
    started.reverse(),
  );
  const first = await s.listMapRuns({ executionArn, maxResults: 2 });
  assert.is(first.mapRuns.length, 2);
  assert.ok(first.nextToken);
  const second = await s.listMapRuns({ executionArn, maxResults: 2, nextToken: first.nextToken });
  assert.equal(
    [...first.mapRuns, ...second.mapRuns].map((r) => r.mapRunArn),
    listed.map((r) => r.mapRunArn),
  );
  assert.is(second.nextToken, undefined);
});

mapRuns('a Distributed Map inside one: each child runs a map run of its own, listed under the child, with its own children and histories', async () => {
  const inner = distributedMap().States.Fan;
  const definition = distributedMap({
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Inner', States: { Inner: inner } },
  });
  const { s, executionArn, described, listed } = await run(definition, [[1], [2, 3]]);
  assert.is(described.output, '[[2],[4,6]]');
  assert.is(listed.length, 1, 'the inner map runs belong to the children: ListMapRuns of the parent does not show them');
  const children = (await s.listExecutions({ mapRunArn: listed[0]!.mapRunArn })).executions;
  for (const child of children) {
    const inner = await s.listMapRuns({ executionArn: child.executionArn });
    assert.is(inner.mapRuns.length, 1, child.executionArn);
    assert.is(inner.mapRuns[0]!.executionArn, child.executionArn);
    assert.equal(await eventTypes(s, child.executionArn), [
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    const grandchildren = await s.listExecutions({ mapRunArn: inner.mapRuns[0]!.mapRunArn });
    const grandchild = await s.getExecutionHistory({ executionArn: grandchildren.executions[0]!.executionArn });
    assert.equal(
      grandchild.events.map((e) => e.type),
      [
        'ExecutionStarted',
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ],
    );
  }
  assert.equal(await eventTypes(s, executionArn), [
    'ExecutionStarted',
    'MapStateEntered',
    'MapStateStarted',
    'MapRunStarted',
    'MapRunSucceeded',
    'MapStateSucceeded',
    'MapStateExited',
    'ExecutionSucceeded',
  ]);
});

/** Handlers that wait until the test lets them go, counting how many are waiting. */
function gate() {
  const waiting: (() => void)[] = [];
  const handler: Handler = (n) =>
    new Promise((resolve) => {
      waiting.push(() => resolve(n));
    });
  return { handler, waiting, release: () => waiting.splice(0).forEach((go) => go()) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

mapRuns('UpdateMapRun while running: a higher maxConcurrency starts more children at once; DescribeMapRun shows the new settings', async () => {
  const { handler, waiting, release } = gate();
  const s = createService({ clock: virtualClock(0), handlers: { [FN]: handler } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'gated', roleArn: ROLE, definition: JSON.stringify(distributedMap({ MaxConcurrency: 1 })) });
  const { executionArn } = await s.startExecution({ stateMachineArn, input: '[1,2,3,4,5]' });
  await turn();
  const [{ mapRunArn }] = (await s.listMapRuns({ executionArn })).mapRuns;
  assert.is(waiting.length, 1);
  let mapRun = await s.describeMapRun({ mapRunArn: mapRunArn! });
  assert.is(mapRun.status, 'RUNNING');
  assert.equal(mapRun.executionCounts, { ...zeroCounts, pending: 4, running: 1, total: 5 });
  await s.updateMapRun({ mapRunArn: mapRunArn!, maxConcurrency: 3, toleratedFailureCount: 2, toleratedFailurePercentage: 50 });
  assert.is(waiting.length, 3, 'two more children start at once');
  mapRun = await s.describeMapRun({ mapRunArn: mapRunArn! });
  assert.is(mapRun.maxConcurrency, 3);
  assert.is(mapRun.toleratedFailureCount, 2);
  assert.is(mapRun.toleratedFailurePercentage, 50);
  assert.equal(mapRun.executionCounts, { ...zeroCounts, pending: 2, running: 3, total: 5 });
  while (waiting.length > 0) {
    release();
    await turn();
  }
  const described = await s.waitForExecution({ executionArn });
  assert.is(described.output, '[1,2,3,4,5]');
  assert.is((await s.describeMapRun({ mapRunArn: mapRunArn! })).status, 'SUCCEEDED');
});

mapRuns('UpdateMapRun while running: a raised tolerance lets the map run through failures it would have failed on', async () => {
  const s = createService({
    clock: virtualClock(0),
    handlers: {
      [FN]: async (n: unknown) => {
        await turn();
        return doubling(n);
      },
    },
  });
  const { stateMachineArn } = await s.createStateMachine({
    name: 'tolerant',
    roleArn: ROLE,
    definition: JSON.stringify(distributedMap({ MaxConcurrency: 1 })),
  });
  const { executionArn } = await s.startExecution({ stateMachineArn, input: '[1,-2,3]' });
  const [{ mapRunArn }] = (await s.listMapRuns({ executionArn })).mapRuns;
  await s.updateMapRun({ mapRunArn: mapRunArn!, toleratedFailureCount: 1 });
  const described = await s.waitForExecution({ executionArn });
  assert.is(described.status, 'SUCCEEDED');
  assert.is(described.output, '[2,{"Error":"Bad","Cause":"negative -2"},6]');
});

mapRuns('StopExecution: the map run ends ABORTED with its running children', async () => {
  const { handler, waiting } = gate();
  const s = createService({ clock: virtualClock(0), handlers: { [FN]: handler } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'stopped', roleArn: ROLE, definition: JSON.stringify(distributedMap({ MaxConcurrency: 2 })) });
  const { executionArn } = await s.startExecution({ stateMachineArn, input: '[1,2,3]' });
  await turn();
  assert.is(waiting.length, 2);
  await s.stopExecution({ executionArn });
  const [{ mapRunArn, stopDate }] = (await s.listMapRuns({ executionArn })).mapRuns;
  assert.instance(stopDate, Date);
  const mapRun = await s.describeMapRun({ mapRunArn: mapRunArn! });
  assert.is(mapRun.status, 'ABORTED');
  assert.equal(mapRun.executionCounts, { ...zeroCounts, pending: 1, aborted: 2, total: 3 });
  const aborted = await s.listExecutions({ mapRunArn: mapRunArn!, statusFilter: 'ABORTED' });
  assert.is(aborted.executions.length, 2);
});

mapRuns('StopExecution: a Distributed Map running in a child’s own map run ends ABORTED too', async () => {
  const { handler, waiting } = gate();
  const inner = distributedMap().States.Fan;
  const definition = distributedMap({
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Inner', States: { Inner: inner } },
  });
  const s = createService({ clock: virtualClock(0), handlers: { [FN]: handler } });
  const { stateMachineArn } = await s.createStateMachine({ name: 'nested', roleArn: ROLE, definition: JSON.stringify(definition) });
  const { executionArn } = await s.startExecution({ stateMachineArn, input: '[[1,2]]' });
  await turn();
  assert.is(waiting.length, 2);
  await s.stopExecution({ executionArn });
  const [outer] = (await s.listMapRuns({ executionArn })).mapRuns;
  const [child] = (await s.listExecutions({ mapRunArn: outer!.mapRunArn })).executions;
  const [innerRun] = (await s.listMapRuns({ executionArn: child!.executionArn })).mapRuns;
  assert.is((await s.describeMapRun({ mapRunArn: innerRun!.mapRunArn })).status, 'ABORTED');
  assert.is((await s.describeMapRun({ mapRunArn: outer!.mapRunArn })).status, 'ABORTED');
});

mapRuns('refusals: unknown, malformed and wrong-kind ARNs, a finished map run, out-of-range and missing settings', async () => {
  const { s, executionArn, listed } = await run(distributedMap(), [1]);
  const mapRunArn = listed[0]!.mapRunArn;
  const unknown = `${PREFIX}:mapRun:flow/Fan:00000000-0000-0000-0000-000000000000`;
  const cases: { call: () => Promise<unknown>; name: string; message: string }[] = [
    { call: () => s.describeMapRun({ mapRunArn: unknown }), name: 'ResourceNotFound', message: `Resource not found: '${unknown}'` },
    { call: () => s.updateMapRun({ mapRunArn: unknown, maxConcurrency: 1 }), name: 'ResourceNotFound', message: `Resource not found: '${unknown}'` },
    { call: () => s.listExecutions({ mapRunArn: unknown }), name: 'ResourceNotFound', message: `Resource not found: '${unknown}'` },
    { call: () => s.describeMapRun({ mapRunArn: 'not-an-arn' }), name: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: not-an-arn'" },
    {
      call: () => s.describeMapRun({ mapRunArn: executionArn }),
      name: 'InvalidArn',
      message: "Invalid Arn: 'Resource type not valid in this context: execution'",
    },
    { call: () => s.listMapRuns({ executionArn: mapRunArn }), name: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: mapRun'" },
    {
      call: () => s.listMapRuns({ executionArn: `${PREFIX}:execution:flow:nope` }),
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${PREFIX}:execution:flow:nope'`,
    },
    {
      call: () => s.describeExecution({ executionArn: `${mapRunArn.replace(':mapRun:', ':execution:')}:7` }),
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${mapRunArn.replace(':mapRun:', ':execution:')}:7'`,
    },
    {
      call: () => s.updateMapRun({ mapRunArn }),
      name: 'ValidationException',
      message: 'At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be given.',
    },
    {
      call: () => s.updateMapRun({ mapRunArn, maxConcurrency: 2 }),
      name: 'ValidationException',
      message: `Map Run is SUCCEEDED and cannot be updated: '${mapRunArn}'`,
    },
    {
      call: () => s.updateMapRun({ mapRunArn, maxConcurrency: -1 }),
      name: 'ValidationException',
      message: "1 validation error detected: Value '-1' at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0",
    },
    {
      call: () => s.updateMapRun({ mapRunArn, toleratedFailureCount: -3 }),
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '-3' at 'toleratedFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0",
    },
    {
      call: () => s.updateMapRun({ mapRunArn, toleratedFailurePercentage: 100.5 }),
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '100.5' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100",
    },
    {
      call: () => s.updateMapRun({ mapRunArn, toleratedFailurePercentage: -1 }),
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '-1.0' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value greater than or equal to 0",
    },
    {
      call: () => s.updateMapRun({ mapRunArn, maxConcurrency: 1.5 }),
      name: 'ValidationException',
      message: "1 validation error detected: Value '1.5' at 'maxConcurrency' failed to satisfy constraint: Member must be an integer",
    },
    {
      call: () => s.listExecutions({ mapRunArn, stateMachineArn: `${PREFIX}:stateMachine:flow` }),
      name: 'ValidationException',
      message: 'Must provide a StateMachine ARN or MapRun ARN, not both',
    },
  ];
  for (const c of cases) {
    const error = await refusal(c.call);
    assert.is(error.name, c.name, c.message);
    assert.is(error.message, c.message);
  }
});

mapRuns('plain compile(): the history shows the map run, and the event ids after it count as AWS counts them, with or without a history', async () => {
  const { End: _end, ...fan } = distributedMap().States.Fan;
  const definition = {
    StartAt: 'Fan',
    States: { Fan: { ...fan, Next: 'Broken' }, Broken: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true } },
  };
  const handlers = { [FN]: doubling };
  // STANDARD runs the iterations where they may park, EXPRESS in promises: both count alike.
  for (const workflowType of ['STANDARD', 'EXPRESS'] as const) {
    const recorded = await compile(definition, { handlers, history: 'ALL', workflowType, clock: virtualClock(0) }).execute([1, 2, 3]);
    const plain = await compile(definition, { handlers, workflowType, clock: virtualClock(0) }).execute([1, 2, 3]);
    const types = recorded.history!.map((e) => e.type);
    assert.equal(types.slice(0, 8), [
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'PassStateEntered',
    ]);
    const started = recorded.history![3]!.mapRunStartedEventDetails as { mapRunArn: string };
    assert.match(started.mapRunArn, /:mapRun:statemill\/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:[0-9a-f-]{36}$/);
    assert.match(recorded.cause!, '(entered at the event id #8)', workflowType);
    assert.is(plain.cause, recorded.cause, `the same ids without a history (${workflowType})`);
  }
});

mapRuns('an inline Map makes no map run', async () => {
  const definition = distributedMap({
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: FN, End: true } } },
  });
  const { s, executionArn, listed } = await run(definition, [1, 2]);
  assert.equal(listed, []);
  assert.ok((await eventTypes(s, executionArn)).includes('MapIterationStarted'));
});

/** A Distributed Map whose children each wait for a task token, sent out with the item as `index`. */
const waitingMap = distributedMap({
  ItemProcessor: {
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token', 'index.$': '$' } },
        End: true,
      },
    },
  },
});

function outbox() {
  const tokens: Record<number, string> = {};
  const handlers = {
    'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string; index: number } }) => {
      tokens[input.MessageBody.index] = input.MessageBody.TaskToken;
      return {};
    },
  };
  return { tokens, handlers };
}

async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await turn();
}

mapRuns(
  'a restart (--store): a parked Distributed Map keeps its map run, which counts on and ends; a finished one is listed and described as before',
  async () => {
    await withFreshStore(async (store) => {
      const asked = outbox();
      const crashed = store.open({ handlers: asked.handlers });
      const { stateMachineArn } = await crashed.createStateMachine({ name: 'approvals', roleArn: ROLE, definition: JSON.stringify(waitingMap) });
      const { executionArn } = await crashed.startExecution({ stateMachineArn, name: 'approvals', input: '[0,1,2]' });
      await turns();
      await crashed.sendTaskSuccess({ taskToken: asked.tokens[0]!, output: '"a"' });
      await turns();
      const [before] = (await crashed.listMapRuns({ executionArn })).mapRuns;
      assert.equal((await crashed.describeMapRun({ mapRunArn: before!.mapRunArn })).executionCounts, {
        ...zeroCounts,
        succeeded: 1,
        running: 2,
        total: 3,
        resultsWritten: 1,
      });
      const restarted = store.open({ handlers: outbox().handlers });
      assert.equal((await restarted.listMapRuns({ executionArn })).mapRuns, [before], 'the same map run after the restart');
      await restarted.sendTaskSuccess({ taskToken: asked.tokens[1]!, output: '"b"' });
      await restarted.sendTaskSuccess({ taskToken: asked.tokens[2]!, output: '"c"' });
      const described = await restarted.waitForExecution({ executionArn });
      assert.is(described.output, '["a","b","c"]');
      const mapRun = await restarted.describeMapRun({ mapRunArn: before!.mapRunArn });
      assert.is(mapRun.status, 'SUCCEEDED');
      assert.equal(mapRun.executionCounts, { ...zeroCounts, succeeded: 3, total: 3, resultsWritten: 3 });
      const first = await restarted.getExecutionHistory({ executionArn: `${before!.mapRunArn.replace(':mapRun:', ':execution:')}:0` });
      assert.equal(
        first.events.map((e) => e.type),
        ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
        'a child that ended before the restart keeps its history',
      );
      assert.instance(first.events[0]!.timestamp, Date);
      const again = store.open({ handlers: outbox().handlers });
      const after = await again.describeMapRun({ mapRunArn: before!.mapRunArn });
      assert.equal([after.status, after.executionCounts.succeeded, after.stopDate?.getTime()], ['SUCCEEDED', 3, mapRun.stopDate?.getTime()]);
      assert.is((await again.listExecutions({ mapRunArn: before!.mapRunArn })).executions.length, 3);
    });
  },
);

mapRuns('over HTTP with @aws-sdk/client-sfn: ListMapRuns, DescribeMapRun, ListExecutions by mapRunArn', async () => {
  const t = await startEndpoint({ handlers: { [FN]: doubling } });
  try {
    const { stateMachineArn } = await t.client.send(
      new sfn.CreateStateMachineCommand({ name: 'remote', roleArn: ROLE, definition: JSON.stringify(distributedMap({ Label: 'Over' })) }),
    );
    const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn, input: '[5,6]' }));
    await t.endpoint.service.waitForExecution({ executionArn: executionArn! });
    const { mapRuns: listed } = await t.client.send(new sfn.ListMapRunsCommand({ executionArn }));
    assert.is(listed!.length, 1);
    assert.is(listed![0]!.stateMachineArn, `${PREFIX}:stateMachine:remote/Over`);
    assert.instance(listed![0]!.startDate, Date);
    const described = await t.client.send(new sfn.DescribeMapRunCommand({ mapRunArn: listed![0]!.mapRunArn }));
    assert.is(described.status, 'SUCCEEDED');
    assert.is(described.itemCounts!.succeeded, 2);
    assert.is(described.executionCounts!.total, 2);
    const children = await t.client.send(new sfn.ListExecutionsCommand({ mapRunArn: listed![0]!.mapRunArn }));
    assert.is(children.executions!.length, 2);
    assert.is(children.executions![0]!.mapRunArn, listed![0]!.mapRunArn);
    const missing = await t.client.send(new sfn.DescribeMapRunCommand({ mapRunArn: `${listed![0]!.mapRunArn}x` })).catch((e: unknown) => e);
    assert.instance(missing, sfn.ResourceNotFound);
  } finally {
    await t.close();
  }
});

mapRuns.run();
