/**
 * The engine's own cost: a 6-state workflow with trivial synchronous handlers, executed
 * in-process, against a hand-written function doing the same steps. Both run in the same
 * process, interleaved by tinybench, so the ratio is comparable even on a noisy machine.
 *
 *   node --import tsx/esm bench/standalone/engine-overhead.ts
 */
import { cpus, loadavg } from 'node:os';
import { Bench } from 'tinybench';
import { compile, virtualClock } from '../../src/index.js';

const definition = {
  Comment: 'Order check: six states, trivial handlers',
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: 'validate', ResultPath: '$.valid', Next: 'IsValid' },
    IsValid: {
      Type: 'Choice',
      Choices: [{ Variable: '$.valid', BooleanEquals: true, Next: 'Price' }],
      Default: 'Reject',
    },
    Price: { Type: 'Task', Resource: 'price', Parameters: { 'items.$': '$.items' }, ResultPath: '$.total', Next: 'Tag' },
    Tag: { Type: 'Pass', Result: 'priced', ResultPath: '$.stage', Next: 'Summarise' },
    Summarise: { Type: 'Task', Resource: 'summarise', Parameters: { 'id.$': '$.id', 'total.$': '$.total', 'stage.$': '$.stage' }, End: true },
    Reject: { Type: 'Fail', Error: 'Invalid', Cause: 'order is invalid' },
  },
};

interface Order {
  id: string;
  items: { price: number; qty: number }[];
}
const handlers = {
  validate: (o: Order) => o.items.length > 0,
  price: (p: { items: Order['items'] }) => p.items.reduce((s, i) => s + i.price * i.qty, 0),
  summarise: (s: { id: string; total: number; stage: string }) => ({ id: s.id, total: s.total, stage: s.stage }),
};

/** The same steps written by hand: the limit an engine can approach. */
function handWritten(order: Order) {
  const valid = handlers.validate(order);
  if (valid !== true) throw new Error('Invalid');
  const total = handlers.price({ items: order.items });
  return handlers.summarise({ id: order.id, total, stage: 'priced' });
}

const order: Order = {
  id: 'o-1',
  items: [
    { price: 3, qty: 2 },
    { price: 5, qty: 1 },
  ],
};
const machine = compile(definition, { handlers, clock: virtualClock(), limits: { payloadBytes: Infinity } });
const checked = compile(definition, { handlers, clock: virtualClock() });

const expected = handWritten(order);
for (const m of [machine, checked]) {
  const r = await m.execute(order);
  if (JSON.stringify(r.output) !== JSON.stringify(expected)) throw new Error(`wrong output ${JSON.stringify(r)}`);
}

const bench = new Bench({ time: 1000, warmup: true });
bench
  .add('hand-written (sync)', () => {
    handWritten(order);
  })
  .add('hand-written (awaited, as execute is)', async () => {
    await Promise.resolve(handWritten(order));
  })
  .add('statemill execute (payload limit off)', async () => {
    await machine.execute(order);
  })
  .add('statemill execute (256 KiB payload checks)', async () => {
    await checked.execute(order);
  });
await bench.run();

const mean = (name: string) => (bench.tasks.find((t) => t.name === name)!.result as { latency: { mean: number } }).latency.mean * 1e6;
const base = mean('hand-written (awaited, as execute is)');
console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.table(
  bench.tasks.map((t) => ({
    task: t.name,
    'ns/exec': Math.round(mean(t.name)),
    'x awaited baseline': (mean(t.name) / base).toFixed(2),
  })),
);
