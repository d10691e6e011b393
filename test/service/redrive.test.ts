import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type Clock, type Handlers } from '../../src/index.js';
import { refusal } from './refusal.js';

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

redrive.run();
