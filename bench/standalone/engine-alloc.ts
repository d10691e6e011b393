/**
 * Bytes allocated per execution, statemill against the hand-written baseline, for every
 * built-in workload (JSONPath and JSONata twins) and the Map and Parallel shapes of
 * bench/standalone/engine-shapes.ts (issue 20: allocation drives the tail). Outputs are compared
 * before measuring. Each figure is the median over batches of the heap growth across a
 * batch, with the young generation made large enough that no collection runs inside one.
 *
 *   node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 --import tsx/esm bench/standalone/engine-alloc.ts
 */
import { cpus, loadavg } from 'node:os';
import { compile, virtualClock } from '../../src/index.js';
import { builtinWorkloads } from '../../workloads/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (see the header)');

interface Subject {
  readonly name: string;
  readonly engine: (i: number) => unknown;
  readonly hand: (i: number) => unknown;
}

const settle = (r: unknown) => (r instanceof Promise ? r : r);
const outputOf = (r: unknown) =>
  (r as { status: string; output?: unknown }).status === 'SUCCEEDED' ? (r as { output: unknown }).output : (r as { error: unknown }).error;

const subjects: Subject[] = [];
for (const workload of builtinWorkloads) {
  const inputs = Array.from({ length: 64 }, (_, i) => workload.generateInput(1, i, workload.sizes.quick));
  for (const [language, definition] of [
    ['JSONPath', workload.definition],
    ['JSONata', workload.jsonataDefinition],
  ] as const) {
    if (definition === null) continue;
    const machine = compile(definition, { handlers: workload.handlers, clock: virtualClock() });
    subjects.push({
      name: `${workload.name} (${language})`,
      engine: (i) => settle(machine.run(inputs[i & 63])),
      hand: (i) => workload.baseline(inputs[i & 63]),
    });
  }
}

const price = (x: { id: number; price: number; currency: string }) => ({ total: x.price * 2, currency: x.currency, id: x.id });
for (const n of [10, 1_000]) {
  const input = { currency: 'EUR', items: Array.from({ length: n }, (_, i) => ({ id: i, price: i % 97, note: 'x' })) };
  const machine = compile(
    {
      StartAt: 'Prices',
      States: {
        Prices: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'id.$': '$$.Map.Item.Value.id', 'price.$': '$$.Map.Item.Value.price', 'currency.$': '$.currency' },
          ItemProcessor: { StartAt: 'Price', States: { Price: { Type: 'Task', Resource: 'price', ResultSelector: { 'total.$': '$.total' }, End: true } } },
          End: true,
        },
      },
    },
    { handlers: { price }, limits: { payloadBytes: 64 * 1024 * 1024 } },
  );
  const hand = () => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const item = input.items[i]!;
      out[i] = { total: price({ id: item.id, price: item.price, currency: input.currency }).total };
    }
    return { status: 'SUCCEEDED', output: out };
  };
  subjects.push({ name: `Map of ${n.toLocaleString('en')} items`, engine: () => machine.run(input), hand });
}

/** Median bytes allocated per call of `fn` (batches of `batch` calls). */
async function allocated(fn: (i: number) => unknown, batch: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) await fn(i);
  for (let b = 0; b < 15; b++) {
    gc!();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < batch; i++) {
      const r = fn(i);
      if (r instanceof Promise) await r;
    }
    samples.push((process.memoryUsage().heapUsed - before) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const rows: Record<string, string>[] = [];
for (const s of subjects) {
  // Answers first.
  for (let i = 0; i < 64; i++) {
    const [e, h] = [await s.engine(i), await s.hand(i)];
    if (JSON.stringify(outputOf(e)) !== JSON.stringify(outputOf(h))) throw new Error(`${s.name}: the engine's outcome differs from the baseline's`);
  }
  const batch = s.name.startsWith('Map of 1,000') ? 20 : 200;
  const engine = await allocated(s.engine, batch);
  const hand = await allocated(s.hand, batch);
  rows.push({
    subject: s.name,
    'engine B/exec': engine.toFixed(0),
    'baseline B/exec': hand.toFixed(0),
    'engine − baseline': (engine - hand).toFixed(0),
    ratio: (engine / hand).toFixed(2),
  });
}
console.table(rows);
