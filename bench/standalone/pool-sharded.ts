/**
 * Sharded load mode against in-process throughput, in the same run. Each pool thread
 * generates its own inputs and runs them itself (pool.load); the in-process figure runs the
 * very same loop (src/pool/worker/shard.ts) on the main thread. All on a virtual clock. Target: T threads reach at least
 * 0.9 × T × in-process for T up to the number of cores.
 *
 * The in-process run and the pools take turns, round after round; figures are medians.
 * Each row also gives the process's CPU time per execution (all threads: the pool's
 * messaging, if any, would show there) and the cores it kept busy, and the pool's scaling
 * against what bare threads got in the same rounds: on a shared machine the cores, not the
 * pool, are often what is missing.
 *
 *   node --import tsx/esm bench/standalone/pool-sharded.ts [seconds per measurement, default 2] [rounds, default 3]
 */
import { isDeepStrictEqual } from 'node:util';
import { compile } from '../../src/compile/machine.js';
import { virtualClock } from '../../src/run/clock.js';
import { ProgressBoard } from '../../src/pool/board.js';
import { createPool, type LoadResult } from '../../src/pool/index.js';
import { runShard } from '../../src/pool/worker/shard.js';
import { TaskKinds, type ShardReply } from '../../src/pool/protocol.js';
import { CompiledWorkflow } from '../../src/pool/worker/workflows.js';
import { orderProcessing } from '../../workloads/order-processing/workload.js';
import { webhookNormalize } from '../../workloads/webhook-normalize/workload.js';
import { handlers as benchHandlers } from './pool-handlers.js';
import { bareThreads, cores, cpuDefinition, fixed, poolHandlersModule, printMachine, roundsFor, trivialDefinition } from './pool-support.js';
import { median } from '../median.js';

const seconds = Number(process.argv[2] ?? 2);
const ROUNDS = Number(process.argv[3] ?? 3);
const MEASURE_MS = seconds * 1000;
const WARMUP_MS = 1000;
const CONCURRENCY = 16;

interface Case {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly handlers: Record<string, (input: never, ctx: never) => unknown>;
  readonly handlersModule: URL;
  readonly generator: URL;
  readonly generatorExport: string;
  readonly generatorOptions: Readonly<Record<string, number | string | boolean>>;
}

const generators = new URL(import.meta.url.endsWith('.ts') ? './pool-generators.ts' : './pool-generators.js', import.meta.url);

const cases: Case[] = [
  {
    name: 'trivial, small input',
    definition: trivialDefinition,
    handlers: benchHandlers,
    handlersModule: poolHandlersModule,
    generator: generators,
    generatorExport: 'trivialInput',
    generatorOptions: {},
  },
  {
    name: 'trivial, 2 KB input',
    definition: trivialDefinition,
    handlers: benchHandlers,
    handlersModule: poolHandlersModule,
    generator: generators,
    generatorExport: 'contextInput',
    generatorOptions: {},
  },
  {
    name: 'CPU-heavy (≈0.5 ms)',
    definition: cpuDefinition,
    handlers: benchHandlers,
    handlersModule: poolHandlersModule,
    generator: generators,
    generatorExport: 'cpuInput',
    generatorOptions: { rounds: await roundsFor(0.5) },
  },
  ...[orderProcessing, webhookNormalize].map((w) => ({
    name: `workload ${w.name}`,
    definition: w.definition,
    handlers: w.handlers,
    handlersModule: w.handlersModule,
    generator: w.generatorModule,
    generatorExport: 'generateInput',
    generatorOptions: w.sizes.standard,
  })),
];

interface CpuUse {
  /** CPU time of the whole process per execution (µs). */
  readonly perExecution: number;
  /** CPU time over wall time: how many cores the run kept busy. */
  readonly cores: number;
}

function cpuNow(): { usage: NodeJS.CpuUsage; at: number } {
  return { usage: process.cpuUsage(), at: performance.now() };
}

function cpuUse(before: { usage: NodeJS.CpuUsage; at: number }, executions: number): CpuUse {
  const used = process.cpuUsage(before.usage);
  const micros = used.user + used.system;
  return { perExecution: micros / executions, cores: micros / 1000 / (performance.now() - before.at) };
}

function cpuColumns(uses: CpuUse[]): string {
  return `${fixed(median(uses.map((u) => u.perExecution)), 2)} | ${fixed(median(uses.map((u) => u.cores)), 2)}`;
}

/** The load loop of a pool thread, run on the main thread. */
async function inProcess(c: Case, ms: number): Promise<ShardReply> {
  const machine = compile(c.definition, { handlers: c.handlers as never, clock: virtualClock() });
  const spec = { id: c.name, definition: c.definition, handlers: c.handlersModule.href, options: {}, limits: {}, mapFanOut: false, mapFanOutMinItems: 16 };
  const workflow = new CompiledWorkflow(spec, machine, {});
  return runShard(
    workflow,
    {
      kind: TaskKinds.Shard,
      workflow: { key: 0, spec: '' },
      slot: 0,
      generator: c.generator.href,
      generatorExport: c.generatorExport,
      generatorOptions: c.generatorOptions,
      seed: 1,
      executions: Infinity,
      durationMs: ms,
      concurrency: CONCURRENCY,
    },
    new ProgressBoard(1),
  );
}

/** The pool's results for the first inputs of the stream equal in-process results. */
async function verify(c: Case, pool: ReturnType<typeof createPool>): Promise<void> {
  const generate = (await import(c.generator.href))[c.generatorExport] as (seed: number, index: number, options: unknown) => unknown;
  const machine = compile(c.definition, { handlers: c.handlers as never, clock: virtualClock() });
  for (let i = 0; i < 20; i++) {
    const input = generate(1, i, c.generatorOptions);
    const [pooled, local] = await Promise.all([pool.execute(c.name, input, { name: `check-${i}` }), machine.execute(input, { name: `check-${i}` })]);
    if (pooled.status !== local.status || !isDeepStrictEqual(pooled.output, local.output) || pooled.error !== local.error) {
      throw new Error(`${c.name}: pooled result differs from in-process at input ${i}`);
    }
  }
}

printMachine();
console.log(
  `${seconds} s per measurement after ${WARMUP_MS} ms of warm-up; ${CONCURRENCY} executions in flight per thread; medians of ${ROUNDS} interleaved rounds.\n`,
);
console.log(
  'The last column is what bare worker threads (a hash loop, no pool) got in the same rounds, against one bare thread: the parallelism the shared machine actually gave.\n',
);
console.log(
  '| workload | engine | threads | executions/s | × in-process | × (threads × in-process) | p50 µs | p99 µs | CPU µs/exec | cores busy | bare threads × one | pool scaling ÷ bare scaling |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const hashRounds = Number(cases[2]!.generatorOptions.rounds);
for (const c of cases) {
  const pools = [];
  try {
    for (let threads = 1; threads <= cores; threads++) {
      const pool = createPool({ threads });
      pools.push(pool);
      pool.register(c.name, { definition: c.definition, handlers: c.handlersModule, options: { clock: 'virtual' } });
      await verify(c, pool);
    }
    const options = { generator: c.generator, generatorExport: c.generatorExport, generatorOptions: c.generatorOptions, concurrency: CONCURRENCY };
    await inProcess(c, WARMUP_MS);
    for (const pool of pools) await pool.load(c.name, { ...options, durationMs: WARMUP_MS });
    const baseRates: number[] = [];
    const baseCpu: CpuUse[] = [];
    const runs: LoadResult[][] = pools.map(() => []);
    const cpu: CpuUse[][] = pools.map(() => []);
    const bare: number[][] = pools.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let threads = 1; threads <= cores; threads++) bare[threads - 1]!.push(await bareThreads(threads, hashRounds, MEASURE_MS / 2));
      let cpuBefore = cpuNow();
      const base = await inProcess(c, MEASURE_MS);
      if (base.succeeded === 0) throw new Error(`${c.name}: no execution succeeded in-process`);
      const baseExecutions = base.succeeded + base.failed + base.timedOut + base.aborted;
      baseRates.push((baseExecutions * 1000) / base.elapsedMs);
      baseCpu.push(cpuUse(cpuBefore, baseExecutions));
      for (const [i, pool] of pools.entries()) {
        cpuBefore = cpuNow();
        const run = await pool.load(c.name, { ...options, durationMs: MEASURE_MS });
        if (run.succeeded === 0 || run.failed > run.executions / 2)
          throw new Error(`${c.name}: ${run.failed} of ${run.executions} executions failed in the pool`);
        runs[i]!.push(run);
        cpu[i]!.push(cpuUse(cpuBefore, run.executions));
      }
    }
    const baseRate = median(baseRates);
    console.log(`| ${c.name} | in-process | 1 (main) | ${fixed(baseRate, 0)} | 1.00 | 1.00 | | | ${cpuColumns(baseCpu)} | | |`);
    const bareOne = median(bare[0]!);
    for (const [i, results] of runs.entries()) {
      const threads = i + 1;
      const rate = median(results.map((r) => r.throughput));
      const middle = results.find((r) => r.throughput === rate) ?? results[0]!;
      const bareScaling = median(bare[i]!) / bareOne;
      console.log(
        `| ${c.name} | pool (sharded) | ${threads} | ${fixed(rate, 0)} | ${fixed(rate / baseRate, 2)} | ${fixed(rate / (threads * baseRate), 2)} | ${fixed(middle.latency.p50, 0)} | ${fixed(middle.latency.p99, 0)} | ${cpuColumns(cpu[i]!)} | ${fixed(bareScaling, 2)} | ${fixed(rate / baseRate / bareScaling, 2)} |`,
      );
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
