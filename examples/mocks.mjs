// Run the test cases of an AWS Step Functions Local mock configuration (MockConfigFile.json).
// Run it with `node examples/mocks.mjs` after `npm run build`; the CLI equivalent is
//   statemill run examples/order.asl.json --mocks examples/MockConfigFile.json --test-case HappyPath \
//     --handlers examples/handlers.mjs --virtual-clock
import { readFile } from 'node:fs/promises';
import { compile, mockHandlers, virtualClock } from 'statemill';
import { handlers } from './handlers.mjs';

const read = async (file) => JSON.parse(await readFile(new URL(file, import.meta.url), 'utf8'));
const definition = await read('./order.asl.json');
const mockConfig = await read('./MockConfigFile.json');

for (const testCase of ['HappyPath', 'DeclinedPath', 'RetryPath']) {
  // Mocked states answer from the file; the others (Ship, in two test cases) use `handlers`.
  const mocked = mockHandlers(definition, mockConfig, { stateMachine: 'orders', testCase, handlers });
  const machine = compile(definition, { handlers: mocked, clock: virtualClock(), stateMachineName: 'orders' });
  const result = await machine.execute({ orderId: 'o-1', amount: 250 });
  console.log(testCase, result.status, JSON.stringify(result.status === 'SUCCEEDED' ? result.output.payment : result.error));
}
