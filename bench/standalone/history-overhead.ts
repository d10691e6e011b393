/**
 * What recording the execution history costs: one workflow (a Task, a Choice, a Pass and a
 * 3-item Map of Tasks) compiled without the option, with history OFF, ERROR and ALL. OFF
 * must cost nothing (the engine checks one field per state and allocates nothing); ERROR
 * numbers every event but keeps none on success; ALL writes every input and output as JSON.
 *
 *   node --import tsx/esm bench/standalone/history-overhead.ts
 */
import { cpus, loadavg } from 'node:os';
import { Bench } from 'tinybench';
import { compile, virtualClock, type CompileOptions } from '../../src/index.js';

const definition = {
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: 'validate', ResultPath: '$.valid', Next: 'IsValid' },
    IsValid: { Type: 'Choice', Choices: [{ Variable: '$.valid', BooleanEquals: true, Next: 'PriceEach' }], Default: 'Reject' },
    PriceEach: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'Price', States: { Price: { Type: 'Task', Resource: 'price', End: true } } },
      ResultPath: '$.prices',
      Next: 'Tag',
    },
    Tag: { Type: 'Pass', Result: 'priced', ResultPath: '$.stage', End: true },
    Reject: { Type: 'Fail', Error: 'Invalid', Cause: 'order is invalid' },
  },
};

interface Item {
  price: number;
  qty: number;
}
const handlers = {
  validate: (o: { items: Item[] }) => o.items.length > 0,
  price: (i: Item) => i.price * i.qty,
};
const order = {
  id: 'o-1',
  items: [
    { price: 3, qty: 2 },
    { price: 5, qty: 1 },
    { price: 1, qty: 9 },
  ],
};

const variants: [string, CompileOptions['history'] | undefined][] = [
  ['no history option', undefined],
  ['history OFF', 'OFF'],
  ['history ERROR', 'ERROR'],
  ['history ALL', 'ALL'],
];
const machines = variants.map(([name, history]) => {
  const machine = compile(definition, { handlers, clock: virtualClock(), ...(history === undefined ? {} : { history }) });
  return { name, machine, events: 0 };
});
for (const m of machines) {
  const r = await m.machine.execute(order);
  if (r.status !== 'SUCCEEDED' || JSON.stringify((r.output as { prices: unknown }).prices) !== '[6,5,9]')
    throw new Error(`${m.name}: wrong result ${JSON.stringify(r)}`);
  m.events = r.history?.length ?? 0;
}

const bench = new Bench({ time: 1500, warmup: true });
for (const m of machines) {
  bench.add(m.name, async () => {
    await m.machine.execute(order);
  });
}
await bench.run();

const mean = (name: string) => (bench.tasks.find((t) => t.name === name)!.result as { latency: { mean: number } }).latency.mean * 1e6;
const base = mean('no history option');
console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.table(
  machines.map((m) => ({
    variant: m.name,
    'events kept': m.events,
    'ns/exec': Math.round(mean(m.name)),
    'x no option': (mean(m.name) / base).toFixed(2),
  })),
);
