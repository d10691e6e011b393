import * as sfn from '@aws-sdk/client-sfn';
import { SFNClient } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../src/cli/program.js';
import { dummyCredentials } from './endpoint.js';
import { startFakeLambda, type FakeLambda } from './fake-lambda.js';

/**
 * The pattern of AWS's Step Functions Local samples, unchanged but for the endpoint URL:
 * `statemill serve --mocks MockConfigFile.json` (the CLI command itself, in-process), a
 * STANDARD state machine, StartExecution of `stateMachineArn#TestCase`, GetExecutionHistory
 * polled until the execution ends, assertions on its events.
 */
const local = suite('serve: Step Functions Local-style suite');

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const definition = readFileSync(`${fixtures}LambdaSQSIntegration.asl.json`, 'utf8');

let stop: AbortController;
let exited: Promise<number>;
let client: SFNClient;
let stateMachineArn: string;
let lambda: FakeLambda;
let stdout = '';
let stderr = '';

local.before(async () => {
  lambda = await startFakeLambda({ HelloWorldFunction: (event: unknown) => ({ StatusCode: 200, body: 'Hello from the Lambda endpoint', event }) });
  stop = new AbortController();
  let announced!: (url: string) => void;
  const url = new Promise<string>((resolve) => (announced = resolve));
  exited = runCli(['serve', '--port', '0', '--mocks', 'MockConfigFile.json', '--lambda-endpoint', lambda.url, '--virtual-clock', '--log-level', 'warn'], {
    stdout: {
      write(text: string) {
        stdout += text;
        const found = /endpoint at (http:\/\/\S+)/.exec(stdout);
        if (found) announced(found[1]!);
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Object.assign(Readable.from([]), { isTTY: true }),
    cwd: fixtures,
    signal: stop.signal,
  });
  const endpoint = await Promise.race([url, exited.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${stderr}`)))]);
  client = new SFNClient({ endpoint, region: 'us-east-1', credentials: dummyCredentials });
  ({ stateMachineArn } = (await client.send(
    new sfn.CreateStateMachineCommand({ name: 'LambdaSQSIntegration', definition, roleArn: 'arn:aws:iam::123456789012:role/DummyRole' }),
  )) as { stateMachineArn: string });
});

local.after(async () => {
  client.destroy();
  stop.abort();
  assert.is(await exited, 0, 'serve exits 0 when stopped');
  await lambda.close();
});

/** As the samples do: poll GetExecutionHistory until the last event ends the execution. */
async function historyWhenDone(executionArn: string): Promise<sfn.HistoryEvent[]> {
  for (let i = 0; i < 400; i++) {
    const { events } = await client.send(new sfn.GetExecutionHistoryCommand({ executionArn, includeExecutionData: true }));
    const last = events![events!.length - 1]!;
    if (/^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(last.type!)) return events!;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${executionArn} did not end`);
}

local('the start-up banner names the endpoint, says signatures are not checked, and prints the three host-prefix fixes', () => {
  assert.match(stdout, /AWS Step Functions endpoint at http:\/\/127\.0\.0\.1:\d+ \(region us-east-1, account 123456789012\)/);
  assert.match(stdout, /SigV4 signatures are accepted and not checked/);
  assert.match(stdout, /disableHostPrefix: true/);
  assert.match(stdout, /inject_host_prefix=False/);
  assert.match(stdout, /AWS_DISABLE_HOST_PREFIX_INJECTION=true/);
  assert.match(stdout, /127\.0\.0\.1 sync-localhost/);
});

local('HappyPath: the mocked Lambda result flows into the mocked SQS task; the execution succeeds', async () => {
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#HappyPath`, name: 'happy', input: '{"name":"a"}' }),
  );
  const events = await historyWhenDone(executionArn!);
  assert.is(events[events.length - 1]!.type, 'ExecutionSucceeded');
  const lambdaExit = events.find((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails!.name === 'LambdaState')!;
  assert.equal(JSON.parse(lambdaExit.stateExitedEventDetails!.output!).Payload, { StatusCode: 200, body: 'Hello from mocked Lambda' });
  const sqsSucceeded = events.filter((e) => e.type === 'TaskSucceeded').pop()!;
  assert.is(JSON.parse(sqsSucceeded.taskSucceededEventDetails!.output!).MessageId, '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51');
});

local('RetryPath: three mocked failures are retried (virtual clock), the fourth attempt succeeds', async () => {
  const { executionArn } = await client.send(new sfn.StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#RetryPath`, input: '{}' }));
  const events = await historyWhenDone(executionArn!);
  assert.is(events[events.length - 1]!.type, 'ExecutionSucceeded');
  assert.is(events.filter((e) => e.type === 'TaskFailed').length, 3);
  assert.equal(
    events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails!.error),
    ['Lambda.ServiceException', 'Lambda.ServiceException', 'Lambda.ServiceException'],
  );
});

local('HybridPath: the unmocked Lambda is invoked at --lambda-endpoint; the SQS task stays mocked', async () => {
  const before = lambda.invocations.length;
  const { executionArn } = await client.send(new sfn.StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#HybridPath`, input: '{"name":"hybrid"}' }));
  const events = await historyWhenDone(executionArn!);
  assert.is(events[events.length - 1]!.type, 'ExecutionSucceeded');
  assert.equal(lambda.invocations.slice(before), [{ functionName: 'HelloWorldFunction', event: { name: 'hybrid' } }]);
});

local('an unknown test case is refused at StartExecution', async () => {
  const refused = await client.send(new sfn.StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#NoSuchCase` })).catch((e) => e);
  assert.instance(refused, Error);
  assert.is(refused.$metadata?.httpStatusCode, 400, `${refused.name}: ${refused.message}`);
});

local.run();
