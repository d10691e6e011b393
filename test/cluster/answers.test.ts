/** A batch's answer (protocol.ts BatchAnswer): what a worker leaves out because the client can build it, and what the client reads back. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AnswerReader, AnswerWriter } from '../../src/cluster/answers.js';
import { ResultCarries, type BatchAnswer } from '../../src/cluster/protocol.js';
import { packValue, readValue } from '../../src/pool/codec.js';
import { ExecutionResult, type ExecutionStatus } from '../../src/run/result.js';

const arns = {
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
  executionArnPrefix: 'arn:aws:states:us-east-1:123456789012:express:m:',
};
const name = 'a2c1e5f0-0000-4000-8000-000000000001';
const id = 'a2c1e5f0-0000-4000-8000-000000000041';

interface Fields {
  name?: string;
  executionArn?: string;
  stateMachineArn?: string;
  status?: ExecutionStatus;
  output?: unknown;
  error?: string | null;
  cause?: string | null;
  history?: [];
}

function result(fields: Fields): ExecutionResult {
  const executionName = fields.name ?? name;
  return new ExecutionResult({
    executionArn: fields.executionArn ?? `${arns.executionArnPrefix}${executionName}:${id}`,
    stateMachineArn: fields.stateMachineArn ?? arns.stateMachineArn,
    name: executionName,
    status: fields.status ?? 'SUCCEEDED',
    startMs: 1_000_000,
    stopMs: 1_000_007,
    input: {},
    output: 'output' in fields ? fields.output : { ok: true },
    error: fields.error,
    cause: fields.cause,
    ...(fields.history === undefined ? {} : { history: fields.history }),
  });
}

/** What the reader gives back for a field the answer left out. */
type Read = { name: string | null; executionArn: string | null; stateMachineArn: string | null };
const builtByClient: Read = { name: null, executionArn: null, stateMachineArn: null };

const cases: { what: string; result: ExecutionResult; read: Read; carries: number }[] = [
  { what: 'the batch’s name and the ARN built from it: both left out', result: result({}), read: builtByClient, carries: ResultCarries.OUTPUT },
  {
    what: 'another name: sent, and so is its ARN',
    result: result({ name: 'other' }),
    read: { name: 'other', executionArn: `${arns.executionArnPrefix}other:${id}`, stateMachineArn: null },
    carries: ResultCarries.OUTPUT | ResultCarries.NAME | ResultCarries.EXECUTION_ARN,
  },
  {
    what: 'an ARN of another form (prefix + name): sent',
    result: result({ executionArn: `${arns.executionArnPrefix}${name}` }),
    read: { ...builtByClient, executionArn: `${arns.executionArnPrefix}${name}` },
    carries: ResultCarries.OUTPUT | ResultCarries.EXECUTION_ARN,
  },
  {
    what: 'an ARN with another execution id of the same length: sent',
    result: result({ executionArn: `${arns.executionArnPrefix}${name}:${id.replace(/1$/, '2')}` }),
    read: { ...builtByClient, executionArn: `${arns.executionArnPrefix}${name}:${id.replace(/1$/, '2')}` },
    carries: ResultCarries.OUTPUT | ResultCarries.EXECUTION_ARN,
  },
  {
    what: 'another state machine: its ARN sent',
    result: result({ stateMachineArn: 'arn:other' }),
    read: { ...builtByClient, stateMachineArn: 'arn:other' },
    carries: ResultCarries.OUTPUT | ResultCarries.STATE_MACHINE_ARN,
  },
  {
    what: 'FAILED with an error and a cause, no output',
    result: result({ status: 'FAILED', output: undefined, error: 'Oops', cause: 'why' }),
    read: builtByClient,
    carries: ResultCarries.ERROR | ResultCarries.CAUSE,
  },
  {
    what: 'FAILED by a Fail state naming no error: null travels as null, an absent cause stays undefined',
    result: result({ status: 'FAILED', output: undefined, error: null }),
    read: builtByClient,
    carries: ResultCarries.ERROR,
  },
  { what: 'TIMED_OUT', result: result({ status: 'TIMED_OUT', output: undefined, error: 'States.Timeout' }), read: builtByClient, carries: ResultCarries.ERROR },
  { what: 'ABORTED', result: result({ status: 'ABORTED', output: undefined }), read: builtByClient, carries: 0 },
  { what: 'an output of null is sent', result: result({ output: null }), read: builtByClient, carries: ResultCarries.OUTPUT },
  { what: 'a history is sent', result: result({ history: [] }), read: builtByClient, carries: ResultCarries.OUTPUT | ResultCarries.HISTORY },
];

/** The answer as the client gets it from Redis. */
function travelled(answer: BatchAnswer): BatchAnswer {
  return readValue(packValue(answer), 'no-eval') as BatchAnswer;
}

for (const { what, result: given, read, carries } of cases) {
  test(`answer: ${what}`, () => {
    const writer = new AnswerWriter(arns);
    writer.result(given, name, id);
    const answer = writer.answer;
    // The first start, then the code, the start relative to it, the duration and only the fields the code names.
    assert.equal(answer.slice(0, 4), [1_000_000, (carries | ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].indexOf(given.status)) as number, 0, 7]);
    const reader = new AnswerReader(travelled(answer));
    assert.ok(reader.next());
    assert.equal(
      {
        status: reader.status,
        startMs: reader.startMs,
        stopMs: reader.stopMs,
        output: reader.output,
        error: reader.error,
        cause: reader.cause,
        history: reader.history,
        name: reader.name,
        executionArn: reader.executionArn,
        stateMachineArn: reader.stateMachineArn,
      },
      {
        status: given.status,
        startMs: 1_000_000,
        stopMs: 1_000_007,
        output: given.output,
        error: given.error,
        cause: given.cause,
        history: given.history,
        ...read,
      },
    );
    assert.not.ok(reader.next());
  });
}

test('answer: executions are read back in order, each start relative to the first (earlier ones too)', () => {
  const writer = new AnswerWriter(arns);
  const later = new ExecutionResult({ ...result({}), startMs: 1_000_050, stopMs: 1_000_052, input: {}, output: 1, error: undefined, cause: undefined });
  const earlier = new ExecutionResult({ ...result({}), startMs: 999_990, stopMs: 1_000_000, input: {}, output: 2, error: undefined, cause: undefined });
  for (const one of [result({}), later, earlier]) writer.result(one, name, id);
  const reader = new AnswerReader(travelled(writer.answer));
  const read: [number, number, unknown][] = [];
  while (reader.next()) read.push([reader.startMs, reader.stopMs, reader.output]);
  assert.equal(read, [
    [1_000_000, 1_000_007, { ok: true }],
    [1_000_050, 1_000_052, 1],
    [999_990, 1_000_000, 2],
  ]);
});

test('answer: each execution of a batch is judged on its own name, the ARN form once found is not assumed for another name', () => {
  const writer = new AnswerWriter(arns);
  const standardForm = `${arns.executionArnPrefix}${name}`;
  const otherName = name.replace(/1$/, '9');
  writer.result(result({ executionArn: standardForm }), name, id);
  writer.result(result({}), name, id);
  writer.result(result({ name: otherName }), name, id);
  writer.result(result({}), name, id);
  const reader = new AnswerReader(travelled(writer.answer));
  const read: unknown[] = [];
  while (reader.next()) read.push([reader.name, reader.executionArn]);
  assert.equal(read, [
    [null, standardForm],
    [null, null],
    [otherName, `${arns.executionArnPrefix}${otherName}:${id}`],
    [null, null],
  ]);
});

test('answer: refused and hung executions carry their error and cause under the names the client builds', () => {
  const writer = new AnswerWriter(null);
  writer.refused('cannot load');
  writer.hung(true, 2000, 3500);
  writer.hung(false, 2000, 3500);
  const reader = new AnswerReader(travelled(writer.answer));
  const read: unknown[] = [];
  while (reader.next()) read.push([reader.status, reader.error, reader.name, reader.executionArn, reader.output]);
  assert.equal(read, [
    ['FAILED', 'Cluster.WorkflowLoad', null, null, undefined],
    ['TIMED_OUT', 'States.Timeout', null, null, undefined],
    ['FAILED', 'Cluster.RunnerHung', null, null, undefined],
  ]);
});

test.run();
