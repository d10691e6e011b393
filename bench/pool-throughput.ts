/**
 * Pooled against in-process throughput, in the same run:
 *
 * 1. trivial handlers (six states, three trivial Tasks): in-process on the main thread vs
 *    the pool with 1 and `cores` threads, for batch sizes 1, 16 and 64, with small and 2 KB
 *    inputs, and with each msgpackr decoder build;
 * 2. CPU-heavy handlers (one Task doing about 0.5 ms of integer hashing): in-process vs the
 *    pool with 1..cores threads.
 *
 * Every configuration's outputs are checked against in-process outputs before it is timed.
 * All pools are started first; the measurements then take turns, round after round, and
 * each figure is the median of its rounds (the machine is shared, so its load drifts).
 *
 *   node --import tsx/esm bench/pool-throughput.ts [seconds per measurement, default 2] [rounds, default 3]
 */
import { isDeepStrictEqual } from 'node:util';
import { compile } from '../src/compile/machine.js';
import { createPool, type DecoderEntry, type Pool } from '../src/pool/index.js';
import { contextInput } from './pool-generators.js';
import { handlers } from './pool-handlers.js';
import { bareThreads, cores, cpuDefinition, fixed, median, poolHandlersModule, printMachine, roundsFor, smallInput, throughput, trivialDefinition } from './pool-support.js';

const seconds = Number(process.argv[2] ?? 2);
const ROUNDS = Number(process.argv[3] ?? 3);
const MEASURE_MS = seconds * 1000;
const WARMUP_MS = 500;
const IN_FLIGHT = 4096;

interface Workload {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  input(i: number): unknown;
}

interface Contender {
  readonly label: string;
  readonly threads: number;
  readonly batch: number;
  readonly decoder: DecoderEntry | null;
  /** Starts one execution of the workload. */
  readonly start: (workload: Workload) => (i: number) => Promise<unknown>;
}

const rounds = roundsFor(0.5);
const workloads: Workload[] = [
  { name: 'trivial, small input', definition: trivialDefinition, input: smallInput },
  { name: 'trivial, 2 KB input', definition: trivialDefinition, input: (i) => contextInput(1, i) },
  { name: 'CPU-heavy (≈0.5 ms)', definition: cpuDefinition, input: (i) => ({ rounds, seed: i }) },
];
const machines = new Map(workloads.map((w) => [w, compile(w.definition, { handlers })]));

const inProcess: Contender = {
  label: 'in-process',
  threads: 1,
  batch: 0,
  decoder: null,
  start: (workload) => {
    const machine = machines.get(workload)!;
    return (i) => machine.execute(workload.input(i));
  },
};

const pools: Pool[] = [];

async function pooled(threads: number, batch: number, decoder: DecoderEntry): Promise<Contender> {
  const pool = createPool({ threads, batch, decoder, maxQueue: 10_000 });
  pools.push(pool);
  for (const workload of workloads) {
    pool.register(workload.name, { definition: workload.definition, handlers: poolHandlersModule });
    const machine = machines.get(workload)!;
    for (let i = 0; i < 40; i++) {
      const [a, b] = await Promise.all([pool.execute(workload.name, workload.input(i), { name: `check-${i}` }), machine.execute(workload.input(i), { name: `check-${i}` })]);
      if (a.status !== b.status || !isDeepStrictEqual(a.output, b.output)) throw new Error(`${workload.name}: pooled output differs from in-process at input ${i}`);
    }
  }
  return { label: 'pool', threads, batch, decoder, start: (workload) => (i) => pool.execute(workload.name, workload.input(i)) };
}

printMachine();
console.log(`${seconds} s per measurement after ${WARMUP_MS} ms of warm-up, medians of ${ROUNDS} interleaved rounds; the pool keeps ${IN_FLIGHT} executions submitted.`);

const trivialContenders: Contender[] = [inProcess];
for (const [threads, batch, decoder] of [
  [1, 1, 'no-eval'],
  [1, 16, 'no-eval'],
  [1, 64, 'no-eval'],
  [1, 64, 'eval'],
  [cores, 64, 'no-eval'],
  [cores, 64, 'eval'],
] as [number, number, DecoderEntry][]) {
  trivialContenders.push(await pooled(threads, batch, decoder));
}
const heavyContenders: Contender[] = [inProcess];
for (let threads = 1; threads <= cores; threads++) heavyContenders.push(await pooled(threads, 16, 'no-eval'));

/** Runs every (workload, contender) pair once per round, in turn (and `alsoEachRound`); returns the medians. */
async function measure(pairs: [Workload, Contender][], alsoEachRound?: () => Promise<void>): Promise<Map<[Workload, Contender], number>> {
  const rates = new Map<[Workload, Contender], number[]>(pairs.map((pair) => [pair, []]));
  for (let round = 0; round < ROUNDS; round++) {
    if (alsoEachRound !== undefined) await alsoEachRound();
    for (const pair of pairs) {
      const [workload, contender] = pair;
      const inFlight = contender.label === 'in-process' ? 64 : IN_FLIGHT;
      rates.get(pair)!.push(await throughput(contender.start(workload), inFlight, MEASURE_MS, WARMUP_MS));
    }
  }
  return new Map([...rates].map(([pair, values]) => [pair, median(values)]));
}

try {
  console.log('\n## Trivial handlers\n');
  console.log('| workload | engine | threads | batch | decoder | executions/s | × in-process |');
  console.log('|---|---|---:|---:|---|---:|---:|');
  const trivialPairs = workloads.slice(0, 2).flatMap((w) => trivialContenders.map((c): [Workload, Contender] => [w, c]));
  const trivial = await measure(trivialPairs);
  for (const workload of workloads.slice(0, 2)) {
    const base = trivial.get(trivialPairs.find(([w, c]) => w === workload && c === inProcess)!)!;
    for (const [w, c] of trivialPairs.filter(([w]) => w === workload)) {
      const rate = trivial.get(trivialPairs.find(([w2, c2]) => w2 === w && c2 === c)!)!;
      const threads = c === inProcess ? '1 (main)' : String(c.threads);
      console.log(`| ${w.name} | ${c.label} | ${threads} | ${c.batch || ''} | ${c.decoder ?? ''} | ${fixed(rate, 0)} | ${fixed(rate / base, 2)} |`);
    }
  }

  console.log(`\n## CPU-heavy handlers (${rounds.toLocaleString('en-US')} hash rounds ≈ 0.5 ms per call when calibrated)\n`);
  const heavyWorkload = workloads[2]!;
  const heavyPairs = heavyContenders.map((c): [Workload, Contender] => [heavyWorkload, c]);
  const bare = new Map<number, number[]>();
  const heavy = await measure(heavyPairs, async () => {
    for (let threads = 1; threads <= cores; threads++) bare.set(threads, [...(bare.get(threads) ?? []), await bareThreads(threads, rounds, MEASURE_MS)]);
  });
  const heavyBase = heavy.get(heavyPairs[0]!)!;
  console.log(`In-process, one execution took ${fixed(1000 / heavyBase, 2)} ms. Bare worker threads running the same hash calls with no pool and no messages show what the machine gave at that moment.\n`);
  console.log('| engine | threads | executions/s | × in-process | × (threads × in-process) | bare threads × in-process |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const pair of heavyPairs) {
    const [, c] = pair;
    const rate = heavy.get(pair)!;
    const threads = c === inProcess ? 1 : c.threads;
    const ceiling = c === inProcess ? '' : fixed(median(bare.get(threads)!) / heavyBase, 2);
    console.log(`| ${c === inProcess ? 'in-process' : 'pool, batch 16'} | ${c === inProcess ? '1 (main)' : threads} | ${fixed(rate, 0)} | ${fixed(rate / heavyBase, 2)} | ${fixed(rate / (threads * heavyBase), 2)} | ${ceiling} |`);
  }
} finally {
  await Promise.all(pools.map((pool) => pool.close()));
}
