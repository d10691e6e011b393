/**
 * Pooled against in-process throughput, in the same run:
 *
 * 1. trivial handlers (six states, three trivial Tasks): in-process on the main thread vs
 *    the pool with 1 and `cores` threads, for batch sizes 1, 16, 64 and 256, with small and
 *    2 KB inputs, and with each msgpackr decoder build;
 * 2. CPU-heavy handlers (one Task doing about 0.5 ms of integer hashing): in-process vs the
 *    pool with 1..cores threads.
 *
 * Every configuration's outputs are checked against in-process outputs before it is timed.
 * All pools are started first; the measurements then take turns, round after round, and
 * each figure is the median of its rounds (the machine is shared, so its load drifts).
 *
 * Beside throughput, each row gives the CPU time per execution of the main thread and of
 * each worker thread (Linux /proc). On a machine busy with other work the pool's threads
 * wait for cores, which throughput shows and CPU time does not; "× in-process, own cores"
 * is what the ratio would be if each thread had a core to itself: in-process CPU time per
 * execution over that of the busier pool thread.
 *
 * The pool is kept busy by a caller holding a fixed number of executions submitted: by
 * default 4 × threads × batch (at least 1,024), enough for every worker to have its task
 * slots full and the next batch filling. A deeper backlog costs the main thread garbage
 * collection of everything it holds, which the third argument shows.
 *
 *   node --import tsx/esm bench/standalone/pool-throughput.ts [seconds per measurement, default 2] [rounds, default 3] [executions submitted]
 */
import { isDeepStrictEqual } from 'node:util';
import { compile } from '../../src/compile/machine.js';
import { createPool, type DecoderEntry, type Pool } from '../../src/pool/index.js';
import { contextInput } from './pool-generators.js';
import { handlers } from './pool-handlers.js';
import {
  bareThreads,
  cores,
  cpuDefinition,
  cpuSplit,
  fixed,
  poolHandlersModule,
  printMachine,
  roundsFor,
  smallInput,
  threadCpuTimes,
  throughput,
  trivialDefinition,
  type CpuSplit,
} from './pool-support.js';
import { median } from '../median.js';

const seconds = Number(process.argv[2] ?? 2);
const ROUNDS = Number(process.argv[3] ?? 3);
const MEASURE_MS = seconds * 1000;
const WARMUP_MS = 500;
const IN_FLIGHT = process.argv[4] === undefined ? null : Number(process.argv[4]);

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

const rounds = await roundsFor(0.5);
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
      const [a, b] = await Promise.all([
        pool.execute(workload.name, workload.input(i), { name: `check-${i}` }),
        machine.execute(workload.input(i), { name: `check-${i}` }),
      ]);
      if (a.status !== b.status || !isDeepStrictEqual(a.output, b.output))
        throw new Error(`${workload.name}: pooled output differs from in-process at input ${i}`);
    }
  }
  return { label: 'pool', threads, batch, decoder, start: (workload) => (i) => pool.execute(workload.name, workload.input(i)) };
}

printMachine();
console.log(
  `${seconds} s per measurement after ${WARMUP_MS} ms of warm-up, medians of ${ROUNDS} interleaved rounds; ` +
    `the caller keeps ${IN_FLIGHT ?? 'max(1,024, 4 × threads × batch)'} executions submitted to a pool, 64 in-process.`,
);

const trivialContenders: Contender[] = [inProcess];
for (const [threads, batch, decoder] of [
  [1, 1, 'no-eval'],
  [1, 16, 'no-eval'],
  [1, 64, 'no-eval'],
  [1, 256, 'no-eval'],
  [1, 256, 'eval'],
  [cores, 256, 'no-eval'],
  [cores, 256, 'eval'],
] as [number, number, DecoderEntry][]) {
  trivialContenders.push(await pooled(threads, batch, decoder));
}
const heavyContenders: Contender[] = [inProcess];
for (let threads = 1; threads <= cores; threads++) heavyContenders.push(await pooled(threads, 16, 'no-eval'));

interface Measured {
  readonly rate: number;
  readonly cpu: CpuSplit | null;
}

/** Runs every (workload, contender) pair once per round, in turn (and `alsoEachRound`); returns the medians. */
async function measure(pairs: [Workload, Contender][], alsoEachRound?: () => Promise<void>): Promise<Map<[Workload, Contender], Measured>> {
  const runs = new Map<[Workload, Contender], Measured[]>(pairs.map((pair) => [pair, []]));
  for (let round = 0; round < ROUNDS; round++) {
    if (alsoEachRound !== undefined) await alsoEachRound();
    for (const pair of pairs) {
      const [workload, contender] = pair;
      const inFlight = contender.label === 'in-process' ? 64 : (IN_FLIGHT ?? Math.max(1024, 4 * contender.threads * contender.batch));
      const start = contender.start(workload);
      await throughput(start, inFlight, WARMUP_MS, 0);
      const before = threadCpuTimes();
      const began = performance.now();
      const rate = await throughput(start, inFlight, MEASURE_MS, 0);
      const executions = (rate * (performance.now() - began)) / 1000;
      const workers = contender.label === 'in-process' ? 0 : contender.threads;
      runs.get(pair)!.push({ rate, cpu: cpuSplit(before, threadCpuTimes(), workers, executions) });
    }
  }
  return new Map([...runs].map(([pair, measured]) => [pair, medianOf(measured)]));
}

function medianOf(measured: Measured[]): Measured {
  const cpus = measured.map((m) => m.cpu).filter((c): c is CpuSplit => c !== null);
  const cpu =
    cpus.length === 0 ? null : { main: median(cpus.map((c) => c.main)), worker: median(cpus.map((c) => c.worker)), rest: median(cpus.map((c) => c.rest)) };
  return { rate: median(measured.map((m) => m.rate)), cpu };
}

/** The CPU columns of a row: main µs, worker µs, and the ratio on cores of its own. */
function cpuColumns(m: Measured, base: Measured, pooled: boolean): string {
  if (m.cpu === null || base.cpu === null) return '| | |';
  const own = pooled ? fixed(base.cpu.main / Math.max(m.cpu.main, m.cpu.worker), 2) : '';
  return `${fixed(m.cpu.main, 2)} | ${pooled ? fixed(m.cpu.worker, 2) : ''} | ${own}`;
}

try {
  console.log('\n## Trivial handlers\n');
  console.log(
    '| workload | engine | threads | batch | decoder | executions/s | × in-process | main CPU µs/exec | each worker CPU µs/exec | × in-process, own cores |',
  );
  console.log('|---|---|---:|---:|---|---:|---:|---:|---:|---:|');
  const trivialPairs = workloads.slice(0, 2).flatMap((w) => trivialContenders.map((c): [Workload, Contender] => [w, c]));
  const trivial = await measure(trivialPairs);
  for (const workload of workloads.slice(0, 2)) {
    const base = trivial.get(trivialPairs.find(([w, c]) => w === workload && c === inProcess)!)!;
    for (const pair of trivialPairs.filter(([w]) => w === workload)) {
      const [w, c] = pair;
      const m = trivial.get(pair)!;
      const threads = c === inProcess ? '1 (main)' : String(c.threads);
      console.log(
        `| ${w.name} | ${c.label} | ${threads} | ${c.batch || ''} | ${c.decoder ?? ''} | ${fixed(m.rate, 0)} | ${fixed(m.rate / base.rate, 2)} | ${cpuColumns(m, base, c !== inProcess)} |`,
      );
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
  console.log(
    `In-process, one execution took ${fixed(1000 / heavyBase.rate, 2)} ms. Bare worker threads running the same hash calls with no pool and no messages show what the machine gave at that moment.\n`,
  );
  console.log(
    '| engine | threads | executions/s | × in-process | × (threads × in-process) | bare threads × in-process | pool × bare threads | main CPU µs/exec | each worker CPU µs/exec |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const pair of heavyPairs) {
    const [, c] = pair;
    const m = heavy.get(pair)!;
    const threads = c === inProcess ? 1 : c.threads;
    const bareRate = c === inProcess ? 0 : median(bare.get(threads)!);
    const ceiling = c === inProcess ? '' : fixed(bareRate / heavyBase.rate, 2);
    const ofBare = c === inProcess ? '' : fixed(m.rate / bareRate, 2);
    const cpu = m.cpu === null ? '| ' : `${fixed(m.cpu.main, 1)} | ${c === inProcess ? '' : fixed(m.cpu.worker, 1)}`;
    console.log(
      `| ${c === inProcess ? 'in-process' : 'pool, batch 16'} | ${c === inProcess ? '1 (main)' : threads} | ${fixed(m.rate, 0)} | ${fixed(m.rate / heavyBase.rate, 2)} | ${fixed(m.rate / (threads * heavyBase.rate), 2)} | ${ceiling} | ${ofBare} | ${cpu} |`,
    );
  }
} finally {
  await Promise.all(pools.map((pool) => pool.close()));
}
