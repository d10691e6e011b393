import * as sfn from '@aws-sdk/client-sfn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';

/** Page tokens over HTTP: the SDK's paginators walk every list, and a token of another list reaches the SDK as its InvalidToken. */
const paging = suite('serve: page tokens through @aws-sdk/client-sfn');

const roleArn = 'arn:aws:iam::123456789012:role/local';
const chain = JSON.stringify({
  StartAt: 'A',
  States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Pass', End: true } },
});

let t: TestEndpoint;
paging.before(async () => {
  t = await startEndpoint();
});
paging.after(() => t.close());

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

paging('paginators walk histories, executions and state machines page by page, in AWS order', async () => {
  const names = ['paged_2', 'paged_10', 'paged_1'];
  const arns: string[] = [];
  for (const name of names) arns.push((await t.client.send(new sfn.CreateStateMachineCommand({ name, definition: chain, roleArn }))).stateMachineArn!);
  const executions: string[] = [];
  for (const name of ['e1', 'e2', 'e3', 'e4', 'e5']) {
    const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn: arns[0], name }));
    await t.finished(executionArn!);
    executions.push(executionArn!);
  }
  const whole = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn: executions[0] }));
  const historyPages = await collect(sfn.paginateGetExecutionHistory({ client: t.client, pageSize: 3 }, { executionArn: executions[0] }));
  assert.is(historyPages.length, Math.ceil(whole.events!.length / 3));
  assert.equal(
    historyPages.flatMap((p) => p.events!.map((e) => e.id)),
    whole.events!.map((e) => e.id),
  );
  const executionPages = await collect(sfn.paginateListExecutions({ client: t.client, pageSize: 2 }, { stateMachineArn: arns[0] }));
  assert.equal(
    executionPages.flatMap((p) => p.executions!.map((e) => e.name)),
    ['e5', 'e4', 'e3', 'e2', 'e1'],
  );
  const machinePages = await collect(sfn.paginateListStateMachines({ client: t.client, pageSize: 1 }, {}));
  assert.equal(
    machinePages.flatMap((p) => p.stateMachines!.map((m) => m.name)).filter((name) => name!.startsWith('paged_')),
    ['paged_1', 'paged_10', 'paged_2'],
  );
});

paging('a history token of another execution, and a token too long, are refused as AWS refuses them', async () => {
  const { stateMachineArn } = await t.client.send(new sfn.CreateStateMachineCommand({ name: 'tokens', definition: chain, roleArn }));
  const executions: string[] = [];
  for (const name of ['one', 'two']) {
    const { executionArn } = await t.client.send(new sfn.StartExecutionCommand({ stateMachineArn, name }));
    await t.finished(executionArn!);
    executions.push(executionArn!);
  }
  const first = await t.client.send(new sfn.GetExecutionHistoryCommand({ executionArn: executions[0], maxResults: 2 }));
  const other = await t.client
    .send(new sfn.GetExecutionHistoryCommand({ executionArn: executions[1], maxResults: 2, nextToken: first.nextToken }))
    .catch((e) => e);
  assert.instance(other, sfn.InvalidToken);
  assert.is(other.message, "Invalid Token: 'Invalid token'");
  assert.is(other.$metadata.httpStatusCode, 400);
  const long = await t.client.send(new sfn.ListExecutionsCommand({ stateMachineArn, nextToken: 'x'.repeat(3097) })).catch((e) => e);
  assert.is(long.name, 'ValidationException');
  assert.match(long.message, /at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 3096$/);
});

paging.run();
