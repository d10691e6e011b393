import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, ServiceError } from '../../src/index.js';

/**
 * createService() used carelessly from code: inputs that are not JSON text, stopping what has
 * ended, closing while executions run and calling after close. Every execution settles once.
 */
const lifecycle = suite('hostile createService calls');

const roleArn = 'arn:aws:iam::123456789012:role/r';
const pass = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
const never = JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'never', End: true } } });

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (thrown) {
    assert.instance(thrown, ServiceError);
    return (thrown as ServiceError).name;
  }
  throw new Error('the call was not refused');
}

/** StartSyncExecution's input as code might pass it → the ServiceError's name. */
const inputs: [label: string, input: unknown, refusedAs: string][] = [
  ['an object instead of JSON text', { a: 1 }, 'ValidationException'],
  ['a number', 5, 'ValidationException'],
  ['a BigInt', 1n, 'ValidationException'],
  ['text that is not JSON', '{a:1}', 'InvalidExecutionInput'],
  ['JSON nested 2,000 levels deep', '['.repeat(2000) + ']'.repeat(2000), 'InvalidExecutionInput'],
  ['text longer than the API takes', JSON.stringify('x'.repeat(262_144)), 'ValidationException'],
];

for (const [label, input, refusedAs] of inputs) {
  lifecycle(`StartSyncExecution refuses ${label} with ${refusedAs}`, async () => {
    const service = createService();
    const machine = await service.createStateMachine({ name: 'm', type: 'EXPRESS', definition: pass, roleArn });
    assert.is(await refusal(service.startSyncExecution({ stateMachineArn: machine.stateMachineArn, input: input as string })), refusedAs);
    await service.close();
  });
}

lifecycle('StopExecution of a finished execution leaves it SUCCEEDED and answers its stop date', async () => {
  const service = createService();
  const machine = await service.createStateMachine({ name: 'm', definition: pass, roleArn });
  const started = await service.startExecution({ stateMachineArn: machine.stateMachineArn, input: '{}' });
  let described = await service.describeExecution({ executionArn: started.executionArn });
  for (let i = 0; described.status === 'RUNNING' && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    described = await service.describeExecution({ executionArn: started.executionArn });
  }
  const stopped = await service.stopExecution({ executionArn: started.executionArn, error: 'Late', cause: 'too late' });
  const after = await service.describeExecution({ executionArn: started.executionArn });
  assert.is(after.status, 'SUCCEEDED');
  assert.equal(stopped.stopDate, described.stopDate);
  await service.close();
});

lifecycle('close while executions wait on handlers that never settle: each settles once, then calls are refused', async () => {
  const service = createService({ handlers: { never: () => new Promise(() => {}) } });
  const standard = await service.createStateMachine({ name: 's', definition: never, roleArn });
  const express = await service.createStateMachine({ name: 'x', type: 'EXPRESS', definition: never, roleArn });
  const started = await service.startExecution({ stateMachineArn: standard.stateMachineArn, input: '{}' });
  const sync = service.startSyncExecution({ stateMachineArn: express.stateMachineArn, input: '{}' });
  await new Promise((resolve) => setTimeout(resolve, 10));
  await service.close();
  assert.is((await sync).status, 'ABORTED');
  assert.is((await service.describeExecution({ executionArn: started.executionArn })).status, 'ABORTED');
  assert.is(await refusal(service.startExecution({ stateMachineArn: standard.stateMachineArn, input: '{}' })), 'ValidationException');
  await service.close();
});

lifecycle.run();
