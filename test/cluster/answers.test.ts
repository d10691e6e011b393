/** What a result record leaves out because the client can build it (answers.ts recordOf; the client side is in submission.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordOf } from '../../src/cluster/answers.js';
import { ExecutionResult } from '../../src/run/result.js';

const arns = {
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
  executionArnPrefix: 'arn:aws:states:us-east-1:123456789012:express:m:',
};
const name = 'a2c1e5f0-0000-4000-8000-000000000001';
const id = 'a2c1e5f0-0000-4000-8000-000000000041';

function result(fields: { name?: string; executionArn?: string; stateMachineArn?: string }): ExecutionResult {
  const executionName = fields.name ?? name;
  return new ExecutionResult({
    executionArn: fields.executionArn ?? `${arns.executionArnPrefix}${executionName}:${id}`,
    stateMachineArn: fields.stateMachineArn ?? arns.stateMachineArn,
    name: executionName,
    status: 'SUCCEEDED',
    startMs: 1_000_000,
    stopMs: 1_000_007,
    input: {},
    output: { ok: true },
    error: undefined,
    cause: undefined,
  });
}

const cases: { what: string; result: ExecutionResult; sent: [unknown, unknown, unknown] }[] = [
  { what: 'the batch’s name and the ARN built from it: both left out', result: result({}), sent: [null, null, null] },
  { what: 'another name: sent, and so is its ARN', result: result({ name: 'other' }), sent: ['other', `${arns.executionArnPrefix}other:${id}`, null] },
  {
    what: 'an ARN of another form (prefix + name): sent',
    result: result({ executionArn: `${arns.executionArnPrefix}${name}` }),
    sent: [null, `${arns.executionArnPrefix}${name}`, null],
  },
  {
    what: 'an ARN with another execution id of the same length: sent',
    result: result({ executionArn: `${arns.executionArnPrefix}${name}:${id.replace(/1$/, '2')}` }),
    sent: [null, `${arns.executionArnPrefix}${name}:${id.replace(/1$/, '2')}`, null],
  },
  { what: 'another state machine: its ARN sent', result: result({ stateMachineArn: 'arn:other' }), sent: [null, null, 'arn:other'] },
];

for (const { what, result: given, sent } of cases) {
  test(`recordOf: ${what}`, () => {
    const record = recordOf(given, arns, name, id);
    assert.equal(record.slice(1, 4), sent);
    assert.equal([record[0], record[4], record[5], record[6]], ['SUCCEEDED', 1_000_000, 7, { ok: true }]);
  });
}

test.run();
