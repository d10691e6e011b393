// AWS Step Functions' API in-process: create a state machine (STANDARD, as AWS's default),
// start executions (one per mock test case, as with Step Functions Local), read them back.
// Run it with `node examples/service.mjs` after `npm run build`.
import { readFile } from 'node:fs/promises';
import { createService, virtualClock } from 'statemill';
import { handlers } from './handlers.mjs';

const read = async (file) => readFile(new URL(file, import.meta.url), 'utf8');
const sfn = createService({ handlers, mocks: JSON.parse(await read('./MockConfigFile.json')), clock: virtualClock() });

const { stateMachineArn } = await sfn.createStateMachine({
  name: 'orders',
  definition: await read('./order.asl.json'),
  roleArn: 'arn:aws:iam::123456789012:role/orders',
});
for (const testCase of ['HappyPath', 'DeclinedPath']) {
  // `arn#TestCase` runs a test case of the mock configuration, as Step Functions Local does.
  const { executionArn } = await sfn.startExecution({ stateMachineArn: `${stateMachineArn}#${testCase}`, name: testCase, input: '{"orderId":"o-1","amount":250}' });
  const execution = await sfn.waitForExecution({ executionArn });
  console.log(testCase, execution.status, execution.output ? JSON.stringify(JSON.parse(execution.output).payment) : execution.error);
}
const { executions } = await sfn.listExecutions({ stateMachineArn, statusFilter: 'FAILED' });
console.log('failed', executions.map((e) => e.name).join(','));
const { events } = await sfn.getExecutionHistory({ executionArn: executions[0].executionArn, reverseOrder: true, maxResults: 1 });
console.log('last event', events[0].type);
try {
  await sfn.describeStateMachine({ stateMachineArn: stateMachineArn.replace('orders', 'nope') });
} catch (e) {
  console.log(e.name, e.message);
}
await sfn.close();
