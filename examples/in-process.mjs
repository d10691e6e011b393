// Run a workflow in this process: compile once, execute as often as you like.
// Run it with `node examples/in-process.mjs` after `npm run build`.
import { readFile } from 'node:fs/promises';
import { compile, DefinitionError, virtualClock } from 'statemill';
import { handlers } from './handlers.mjs';

const definition = JSON.parse(await readFile(new URL('./order.asl.json', import.meta.url), 'utf8'));

// virtualClock() lets Retry intervals and Wait states pass instantly; leave it out for real time.
const machine = compile(definition, { handlers, clock: virtualClock(), stateMachineName: 'orders' });

const orders = [
  { orderId: 'o-1', amount: 250 },
  { orderId: 'o-2', amount: 250, card: 'flaky' }, // fails twice, then the Retry succeeds
  { orderId: 'o-3', amount: 5000 }, // declined: ends in the Fail state
];
for (const order of orders) {
  // execute() never rejects for a workflow failure: the result says what happened.
  const result = await machine.execute(order, { name: order.orderId });
  if (result.status === 'SUCCEEDED') console.log(order.orderId, result.status, JSON.stringify(result.output.payment));
  else console.log(order.orderId, result.status, result.error, result.cause);
}

// A definition that cannot run is refused at compile time with every problem listed.
try {
  compile({ StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: 'charge', Next: 'Nowhere' } } });
} catch (error) {
  if (!(error instanceof DefinitionError)) throw error;
  for (const problem of error.problems) console.log('problem', problem.code, problem.pointer || '/');
}
