import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, formatTrace, virtualClock, type Clock, type Handlers } from '../../src/index.js';
import { refusal } from './refusal.js';
import { isoTime } from '../../src/run/frame.js';

/**
 * RedriveExecution: an unsuccessful Standard execution runs again from the state where it
 * stopped, with that state's input and the variables it had; the states that succeeded
 * before are not run again, the history goes on after an ExecutionRedriven event.
 */
const redrive = suite('RedriveExecution');

const ROLE = 'arn:aws:iam::123456789012:role/r';

/** A handler that fails its first `failures` calls, and counts every call. */
function flaky(failures: number, result: (input: unknown) => unknown = (input) => input) {
  const handler = (input: unknown) => {
    handler.calls++;
    if (handler.calls <= failures) throw Object.assign(new Error('not yet'), { name: 'NotYet' });
    return result(input);
  };
  handler.calls = 0;
  return handler;
}

function counting(result: (input: unknown) => unknown = (input) => input) {
  const handler = (input: unknown) => {
    handler.calls++;
    return result(input);
  };
  handler.calls = 0;
  return handler;
}

async function machine(service: ReturnType<typeof createService>, definition: unknown, name = 'm', type: 'STANDARD' | 'EXPRESS' = 'STANDARD') {
  const made = await service.createStateMachine({ name, definition: JSON.stringify(definition), roleArn: ROLE, type });
  return made.stateMachineArn;
}

async function run(service: ReturnType<typeof createService>, stateMachineArn: string, input: unknown = {}, name?: string) {
  const { executionArn } = await service.startExecution({ stateMachineArn, input: JSON.stringify(input), name });
  await service.waitForExecution({ executionArn });
  return executionArn;
}

async function redriven(service: ReturnType<typeof createService>, executionArn: string) {
  await service.redriveExecution({ executionArn });
  return service.waitForExecution({ executionArn });
}

function setup(handlers: Handlers, clock: Clock = virtualClock(Date.UTC(2026, 0, 1))) {
  return createService({ handlers, clock });
}

const chain = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: 'prepare', ResultPath: '$.prepared', Next: 'Charge' },
    Charge: { Type: 'Task', Resource: 'charge', ResultPath: '$.charged', Next: 'Done' },
    Done: { Type: 'Pass', End: true },
  },
};

redrive('a Task that failed runs again with the input it had; the step before it is not run again', async () => {
  const prepare = counting(() => 'ready');
  const charge = flaky(1, () => 'paid');
  const service = setup({ prepare, charge });
  const arn = await machine(service, chain);
  const executionArn = await run(service, arn, { order: 7 });
  assert.is((await service.describeExecution({ executionArn })).status, 'FAILED');
  const ended = await redriven(service, executionArn);
  assert.is(ended.status, 'SUCCEEDED');
  assert.equal(JSON.parse(ended.output!), { order: 7, prepared: 'ready', charged: 'paid' });
  assert.is(prepare.calls, 1);
  assert.is(charge.calls, 2);
  assert.is(ended.redriveCount, 1);
  assert.instance(ended.redriveDate, Date);
  assert.is(ended.redriveStatus, 'NOT_REDRIVABLE');
  assert.is(ended.redriveStatusReason, 'Execution is SUCCEEDED and cannot be redriven');
  assert.is(ended.error, undefined);
  assert.is(ended.cause, undefined);
});

redrive('the history goes on: ExecutionRedriven after the end, ids continuing, the state run again linked to it', async () => {
  const service = setup({ prepare: counting(), charge: flaky(1) });
  const arn = await machine(service, chain);
  const executionArn = await run(service, arn);
  const before = (await service.getExecutionHistory({ executionArn })).events;
  assert.is(before[before.length - 1]!.type, 'ExecutionFailed');
  await redriven(service, executionArn);
  const events = (await service.getExecutionHistory({ executionArn })).events;
  assert.equal(
    events.slice(0, before.length).map((e) => e.id),
    before.map((e) => e.id),
  );
  const after = events.slice(before.length);
  const last = before[before.length - 1]!.id;
  assert.equal(
    after.map((e) => [e.type, e.id, e.previousEventId]),
    [
      ['ExecutionRedriven', last + 1, last],
      ['TaskStateEntered', last + 2, last + 1],
      ['TaskScheduled', last + 3, last + 2],
      ['TaskStarted', last + 4, last + 3],
      ['TaskSucceeded', last + 5, last + 4],
      ['TaskStateExited', last + 6, last + 5],
      ['PassStateEntered', last + 7, last + 6],
      ['PassStateExited', last + 8, last + 7],
      ['ExecutionSucceeded', last + 9, last + 8],
    ],
  );
  assert.equal(after[0]!.executionRedrivenEventDetails, { redriveCount: 1 });
  const trace = formatTrace(events as never).split('\n');
  const redrivenLine = trace.findIndex((l) => l.includes('execution redriven  redrive 1'));
  assert.ok(redrivenLine > 0, trace.join('\n'));
  assert.match(trace[redrivenLine - 1]!, /execution failed {2}NotYet: not yet/);
  assert.match(trace[redrivenLine + 1]!, /^ +\+\d+ms {2}-> Charge \(Task\)/);
  assert.equal(after[1]!.stateEnteredEventDetails, { name: 'Charge', input: '{"prepared":{}}', inputDetails: { truncated: false } });
});

redrive('variables assigned before the failure are there again; $$.Execution.RedriveCount and RedriveTime say which run it is', async () => {
  const clock = virtualClock(Date.UTC(2026, 0, 1));
  const seen: unknown[] = [];
  const use = flaky(2, () => 'used');
  const service = setup(
    {
      use: (input: unknown) => {
        seen.push(input);
        return use(input);
      },
    },
    clock,
  );
  const definition = {
    StartAt: 'Remember',
    States: {
      Remember: { Type: 'Pass', Assign: { limit: 5, who: 'ann' }, Next: 'Use' },
      Use: {
        Type: 'Task',
        Resource: 'use',
        Parameters: { 'limit.$': '$limit', 'who.$': '$who', 'execution.$': '$$.Execution' },
        End: true,
      },
    },
  };
  const arn = await machine(service, definition);
  const executionArn = await run(service, arn, {}, 'vars');
  await redriven(service, executionArn);
  const ended = await redriven(service, executionArn);
  assert.is(ended.status, 'SUCCEEDED');
  assert.is(ended.redriveCount, 2);
  const executions = seen.map((s) => (s as { execution: Record<string, unknown> }).execution);
  assert.equal(
    seen.map((s) => [(s as { limit: number }).limit, (s as { who: string }).who]),
    [
      [5, 'ann'],
      [5, 'ann'],
      [5, 'ann'],
    ],
  );
  assert.equal(
    executions.map((e) => e.RedriveCount),
    [0, 1, 2],
  );
  assert.is(executions[0]!.RedriveTime, undefined);
  // Context-object times on a whole second have no fraction (isoTime), as AWS writes them.
  assert.is(executions[2]!.RedriveTime, isoTime(ended.redriveDate!.getTime()));
  assert.is(executions[2]!.StartTime, executions[0]!.StartTime);
});

redrive('a TIMED_OUT execution runs again with its whole TimeoutSeconds from the redrive', async () => {
  const clock = virtualClock(Date.UTC(2026, 0, 1));
  const prepare = counting();
  let calls = 0;
  const slow = () => (++calls === 1 ? clock.sleep(20_000).then(() => 'late') : clock.sleep(8_000).then(() => 'in time'));
  const service = setup({ prepare, slow }, clock);
  const definition = {
    TimeoutSeconds: 10,
    StartAt: 'Prepare',
    States: { Prepare: { Type: 'Task', Resource: 'prepare', Next: 'Slow' }, Slow: { Type: 'Task', Resource: 'slow', End: true } },
  };
  const arn = await machine(service, definition);
  const executionArn = await run(service, arn);
  assert.is((await service.describeExecution({ executionArn })).status, 'TIMED_OUT');
  assert.is((await service.describeExecution({ executionArn })).redriveStatus, 'REDRIVABLE');
  const ended = await redriven(service, executionArn);
  assert.is(ended.status, 'SUCCEEDED');
  assert.is(ended.output, '"in time"');
  assert.is(prepare.calls, 1);
  assert.is(calls, 2);
});

redrive('an ABORTED execution (StopExecution during a Wait) runs the Wait again, then the rest', async () => {
  const clock = virtualClock(Date.UTC(2026, 0, 1));
  const prepare = counting();
  const after = counting(() => 'after');
  const service = setup({ prepare, after }, clock);
  const definition = {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Task', Resource: 'prepare', ResultPath: '$.p', Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: 3600, Next: 'After' },
      After: { Type: 'Task', Resource: 'after', End: true },
    },
  };
  const arn = await machine(service, definition);
  const { executionArn } = await service.startExecution({ stateMachineArn: arn, input: '{"n":1}' });
  await service.stopExecution({ executionArn, error: 'Operator', cause: 'paused for maintenance' });
  const stopped = await service.describeExecution({ executionArn });
  assert.is(stopped.status, 'ABORTED');
  assert.is(stopped.redriveStatus, 'REDRIVABLE');
  assert.is(stopped.redriveStatusReason, undefined);
  const ended = await redriven(service, executionArn);
  assert.is(ended.status, 'SUCCEEDED');
  assert.is(ended.output, '"after"');
  assert.is(prepare.calls, 1);
  assert.is(after.calls, 1);
  const events = (await service.getExecutionHistory({ executionArn })).events;
  const redrivenAt = events.findIndex((e) => e.type === 'ExecutionRedriven');
  assert.equal(events[redrivenAt + 1]!.stateEnteredEventDetails, { name: 'Pause', input: '{"n":1,"p":{"n":1}}', inputDetails: { truncated: false } });
});

redrive('an execution that fails again can be redriven again; each redrive counts', async () => {
  const service = setup({ charge: flaky(3, () => 'paid'), prepare: counting() });
  const arn = await machine(service, chain);
  const executionArn = await run(service, arn);
  for (const count of [1, 2]) {
    const again = await redriven(service, executionArn);
    assert.is(again.status, 'FAILED');
    assert.is(again.redriveCount, count);
    assert.is(again.redriveStatus, 'REDRIVABLE');
  }
  assert.is((await redriven(service, executionArn)).status, 'SUCCEEDED');
  const types = (await service.getExecutionHistory({ executionArn })).events.map((e) => e.type);
  assert.is(types.filter((t) => t === 'ExecutionRedriven').length, 3);
  assert.is(types.filter((t) => t === 'ExecutionFailed').length, 3);
});

redrive('a Retry runs its full MaxAttempts again on a redrive', async () => {
  const charge = flaky(4, () => 'paid');
  const service = setup({ charge, prepare: counting() });
  const definition = structuredClone(chain) as { States: Record<string, Record<string, unknown>> };
  definition.States.Charge!.Retry = [{ ErrorEquals: ['NotYet'], MaxAttempts: 2, IntervalSeconds: 1 }];
  const arn = await machine(service, definition);
  const executionArn = await run(service, arn);
  assert.is(charge.calls, 3);
  assert.is((await redriven(service, executionArn)).status, 'SUCCEEDED');
  assert.is(charge.calls, 5);
});

redrive.run();
