/**
 * Bytes allocated per execution, statemill against the hand-written baseline, for every
 * built-in workload (JSONPath and JSONata twins) and the Map and Parallel shapes of
 * bench/standalone/engine-shapes.ts (issue 20: allocation drives the tail). Outputs are compared
 * before measuring. Each figure is the median over batches of the heap growth across a
 * batch, with the young generation made large enough that no collection runs inside one.
 * With `--sampled`, also V8's sampling heap profiler's count (a sample every 64 bytes on
 * average, objects collections freed included), steadier than the heap growth, and with it
 * the executions that fill one 8 MiB semi-space (Node 20's default: one young-generation
 * collection per that many executions, which decides whether collections meet more than
 * 0.1% of executions, and so the p99.9).
 *
 *   node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 --import tsx/esm bench/standalone/engine-alloc.ts [--sampled] [--only account-opening,webhook]
 *
 * `--only` keeps the subjects whose name contains one of the comma-separated words (the
 * sampled count takes about a minute a subject on this machine).
 */
import { cpus, loadavg } from 'node:os';
import { compile, virtualClock } from '../../src/index.js';
import { builtinWorkloads } from '../../workloads/index.js';
import { sampledBytesPerCall } from './heap-sampling.js';

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

const SAMPLED_CALLS = 20_000;
/** Node 20's default semi-space: a young-generation collection each time this much was allocated. */
const SEMI_SPACE_BYTES = 8 * 1024 * 1024;

/** Bytes per call by V8's sampling heap profiler, after as many calls again to warm up. */
async function sampled(fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < SAMPLED_CALLS; i++) await fn(i);
  return sampledBytesPerCall(fn, SAMPLED_CALLS);
}

const withSampling = process.argv.includes('--sampled');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',').filter((word) => word !== '') : null;
if (only !== null && only.length === 0) throw new Error('--only: the words a subject name must contain, comma-separated');

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const rows: Record<string, string>[] = [];
for (const s of subjects) {
  if (only !== null && !only.some((word) => s.name.includes(word))) continue;
  // Answers first.
  for (let i = 0; i < 64; i++) {
    const [e, h] = [await s.engine(i), await s.hand(i)];
    if (JSON.stringify(outputOf(e)) !== JSON.stringify(outputOf(h))) throw new Error(`${s.name}: the engine's outcome differs from the baseline's`);
  }
  const batch = s.name.startsWith('Map of 1,000') ? 20 : 200;
  const engine = await allocated(s.engine, batch);
  const hand = await allocated(s.hand, batch);
  const row: Record<string, string> = {
    subject: s.name,
    'engine B/exec': engine.toFixed(0),
    'baseline B/exec': hand.toFixed(0),
    'engine − baseline': (engine - hand).toFixed(0),
    ratio: (engine / hand).toFixed(2),
  };
  if (withSampling && !s.name.startsWith('Map of 1,000')) {
    const [engineSampled, handSampled] = [await sampled(s.engine), await sampled(s.hand)];
    row['engine sampled'] = engineSampled.toFixed(0);
    row['baseline sampled'] = handSampled.toFixed(0);
    row['engine exec/8 MiB'] = (SEMI_SPACE_BYTES / engineSampled).toFixed(0);
    row['baseline exec/8 MiB'] = (SEMI_SPACE_BYTES / handSampled).toFixed(0);
  }
  rows.push(row);
}
console.table(rows);
