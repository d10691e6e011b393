import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, defaultLimits } from '../../src/index.js';
import { executionTimeLimit, machineArns } from '../../src/run/arns.js';
import { createWorkflow } from '../../src/pool/registry.js';

/** run/arns.ts: the one ARN scheme and time-limit rule that compiled machines and the pool's registry share. */
const arns = suite('arns');

arns('machineArns: AWS-looking defaults, Express and Standard', () => {
  assert.equal(machineArns({}, false), {
    region: 'us-east-1',
    stateMachineName: 'statemill',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:statemill',
    executionArnPrefix: 'arn:aws:states:us-east-1:123456789012:express:statemill:',
    roleArn: 'arn:aws:iam::123456789012:role/statemill',
  });
  const standard = machineArns(
    { region: 'eu-west-1', accountId: '111122223333', stateMachineName: 'orders', roleArn: 'arn:aws:iam::111122223333:role/r' },
    true,
  );
  assert.equal(standard, {
    region: 'eu-west-1',
    stateMachineName: 'orders',
    stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:orders',
    executionArnPrefix: 'arn:aws:states:eu-west-1:111122223333:execution:orders:',
    roleArn: 'arn:aws:iam::111122223333:role/r',
  });
});

const limitCases: [label: string, definition: unknown, executionMs: number, expected: number][] = [
  ['no TimeoutSeconds: the limit', { StartAt: 'P' }, 300_000, 300_000],
  ['TimeoutSeconds below the limit', { TimeoutSeconds: 2 }, 300_000, 2000],
  ['TimeoutSeconds above the limit', { TimeoutSeconds: 600 }, 300_000, 300_000],
  ['no limit: TimeoutSeconds', { TimeoutSeconds: 7 }, Infinity, 7000],
  ['neither', {}, Infinity, Infinity],
  ['a TimeoutSeconds that is not a number is ignored', { TimeoutSeconds: '5' }, 1000, 1000],
];
for (const [label, definition, executionMs, expected] of limitCases) {
  arns(`executionTimeLimit: ${label}`, () => {
    assert.is(executionTimeLimit(definition, { executionMs }), expected);
  });
}

const pass = { TimeoutSeconds: 3, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const options = { region: 'ap-south-1', accountId: '444455556666', stateMachineName: 'flow' };

arns('a compiled machine and a pool workflow name the same ARNs', async () => {
  const machine = compile(pass, options);
  const workflow = createWorkflow('flow', { definition: pass, handlers: 'file:///tmp/handlers.js', options }, 1, {
    hangTimeoutMs: null,
    mapFanOut: false,
    mapFanOutMinItems: 0,
  });
  assert.is(workflow.stateMachineArn, machine.stateMachineArn);
  const result = await machine.execute({}, { name: 'run-1', executionId: 'id-1' });
  assert.is(result.executionArn, `${workflow.executionArnPrefix}run-1:id-1`);
});

arns("a pool workflow's hang timeout is the machine's time limit and a grace second", () => {
  const workflow = createWorkflow('flow', { definition: pass, handlers: 'file:///tmp/handlers.js', options }, 1, {
    hangTimeoutMs: null,
    mapFanOut: false,
    mapFanOutMinItems: 0,
  });
  assert.is(workflow.hangTimeoutMs, executionTimeLimit(pass, defaultLimits) + 1000);
  assert.is(workflow.hangTimeoutMs, 4000);
});

arns.run();
