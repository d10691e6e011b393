/**
 * The cluster (BullMQ on Redis, src/cluster) against the local pool at the same total
 * thread count, in the same run: a redis-server and N `statemill worker` processes start on
 * this machine, each process standing for a host with T/N threads; the pool gets T threads.
 *
 * Workloads: trivial handlers (six states, small input), webhook-normalize (the built-in
 * workload AWS-style webhooks are measured with), CPU-heavy handlers (one Task of ≈0.5 ms),
 * and a 1,000-item Map of ≈0.2 ms items (pool.runMap against cluster.runMap). Outputs of
 * both are checked against in-process outputs before anything is timed. The pool and the
 * cluster take turns, round after round (each round starting with the next contender, so
 * none is always the one measured after another), so a noisy neighbour slows both alike; each row
 * gives min / median / max over the rounds, and the ratio is the median of the per-round
 * ratios (the machine is shared: compare only ratios from the same run).
 *
 * Then Redis's own cost: with INFO commandstats reset before a fixed run, the commands per
 * job and per execution, and Redis's CPU time per job (INFO cpu), which gives the ceiling of
 * one Redis (it runs commands on one thread): executions/s = executions per job × 1 s / CPU per job.
 *
 * `--baseline DIR` adds a third contender: the cluster of another checkout (its client imported
 * from DIR/src, its own worker processes started from DIR on their own prefix, in the same
 * Redis), so a change is measured before and after in the same run. DIR needs node_modules
 * (a symbolic link to this checkout's will do). `--cpu-prof DIR` writes a CPU profile of every
 * worker process there (and profiles this process if node was started with --cpu-prof).
 *
 *   node --import tsx/esm bench/standalone/cluster.ts [--workers 2] [--threads cores] [--seconds 2] [--rounds 3] [--batch 256] [--heavy-batch 16] [--busy-batch 16 (× batch)]
 *     [--worker-concurrency K (batches each worker runs at once)] [--map-block-size N] [--skip trivial,webhook,cpu,map,redis] [--json file]
 *     [--baseline DIR] [--cpu-prof DIR]
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { Redis } from 'ioredis';
import { createCluster, type Cluster } from '../../src/cluster/index.js';
import { compile } from '../../src/compile/machine.js';
import { virtualClock } from '../../src/run/clock.js';
import { createPool, type Pool } from '../../src/pool/index.js';
import { webhookNormalize } from '../../workloads/webhook-normalize/workload.js';
import { machineInfo, describeMachine } from '../machine.js';
import { median } from '../median.js';
import { formatLatency, formatRate, formatSpread } from '../units.js';
import { cpuRoundsFor } from '../cluster/handler-rounds.js';
import { checkoutSource, processCpuUs, startRedis, startWorkers, stopWithSignals, thisCheckout, type WorkerProcesses } from '../cluster/processes.js';
import { commandStats, commandTimes, networkBytes, redisCpuUs } from '../cluster/redis-stats.js';
import { handlers as benchHandlers } from './pool-handlers.js';
import { cores, cpuDefinition, fanOutDefinition, fixed, poolHandlersModule, roundsFor, smallInput, trivialDefinition } from './pool-support.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    threads: { type: 'string', default: String(cores) },
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '256' },
    'heavy-batch': { type: 'string', default: '16' },
    'busy-batch': { type: 'string' },
    'map-items': { type: 'string', default: '1000' },
    'map-runs': { type: 'string', default: '5' },
    'map-block-size': { type: 'string' },
    json: { type: 'string' },
    skip: { type: 'string', default: '' },
    'worker-concurrency': { type: 'string' },
    baseline: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const WORKERS = Number(args.workers);
const THREADS = Number(args.threads);
const MEASURE_MS = Number(args.seconds) * 1000;
const WARMUP_MS = 500;
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
/** The cluster's batch for CPU-heavy executions (the pool keeps --batch, as a tick's worth or less). */
const HEAVY_BATCH = Number(args['heavy-batch']);
const MAP_ITEMS = Number(args['map-items']);
const MAP_RUNS = Number(args['map-runs']);
const MAP_BLOCK_SIZE = args['map-block-size'] === undefined ? {} : { mapBlockSize: Number(args['map-block-size']) };
/** --busy-batch N: the clusters' busyBatch as N × their batch (1 sends every tick's executions at once); the client's default (16) otherwise. */
const busyBatch = (batch: number) => (args['busy-batch'] === undefined ? {} : { busyBatch: Number(args['busy-batch']) * batch });
if (!(THREADS % WORKERS === 0)) throw new Error(`--threads (${THREADS}) must be a multiple of --workers (${WORKERS}): each worker gets the same share`);

const PREFIX = 'bench';
const BASELINE_PREFIX = 'bench-baseline';
const baselineDir = args.baseline === undefined ? null : resolve(args.baseline);

interface Workload {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly handlersModule: URL;
  readonly handlers: Record<string, (input: never, ctx: never) => unknown>;
  /** Executions per job: many for cheap executions; fewer for CPU-heavy ones, so every thread gets some. */
  readonly batch: number;
  /** Runs on the clients made with --heavy-batch. */
  readonly heavy: boolean;
  input(i: number): unknown;
}

// The CPU-heavy handler is calibrated on CPU time: at a wall-clock calibration under load it came out at half its 0.5 ms.
const heavyRounds = await cpuRoundsFor(0.5);
const itemRounds = await roundsFor(0.2);
const webhookInputs = Array.from({ length: 512 }, (_, i) => webhookNormalize.generateInput(7, i, webhookNormalize.sizes.quick));
const allWorkloads: Workload[] = [
  {
    name: 'trivial (6 states)',
    definition: trivialDefinition,
    handlersModule: poolHandlersModule,
    handlers: benchHandlers,
    batch: BATCH,
    heavy: false,
    input: smallInput,
  },
  {
    name: 'webhook-normalize',
    definition: webhookNormalize.definition,
    handlersModule: webhookNormalize.handlersModule,
    handlers: webhookNormalize.handlers,
    batch: BATCH,
    heavy: false,
    input: (i) => webhookInputs[i % webhookInputs.length],
  },
  {
    name: 'CPU-heavy (≈0.5 ms)',
    definition: cpuDefinition,
    handlersModule: poolHandlersModule,
    handlers: benchHandlers,
    batch: HEAVY_BATCH,
    heavy: true,
    input: (i) => ({ rounds: heavyRounds, seed: i }),
  },
];
/** --skip trivial,webhook,cpu,map,redis leaves parts out (to look at one quickly). */
const skipped = new Set(args.skip!.split(',').filter(Boolean));
const workloadKeys = ['trivial', 'webhook', 'cpu'];
const workloads = allWorkloads.filter((_, i) => !skipped.has(workloadKeys[i]!));

// ---- Redis and the worker processes -------------------------------------------------

const redis = await startRedis();
const url = redis.url;
const port = redis.port;
const workerThreads = THREADS / WORKERS;
const workerConcurrency = args['worker-concurrency'] === undefined ? null : Number(args['worker-concurrency']);
const profiling = args['cpu-prof'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', resolve(args['cpu-prof'])];
const workerSets: WorkerProcesses[] = [];
/** The processes this run started. Workers first: a worker stopping gracefully needs Redis, and waited for it forever when Redis stopped first. */
async function stopProcesses(): Promise<void> {
  await Promise.all(workerSets.map((set) => set.stop()));
  await redis.stop();
}
const removeSignalHandlers = stopWithSignals(stopProcesses);
const startSet = async (prefix: string, source: ReturnType<typeof thisCheckout>) => {
  workerSets.push(
    await startWorkers({ url, prefix, processes: WORKERS, threadsEach: workerThreads, concurrency: workerConcurrency, source, nodeArgs: profiling }),
  );
};
try {
  await startSet(PREFIX, thisCheckout());
  if (baselineDir !== null) await startSet(BASELINE_PREFIX, checkoutSource(baselineDir));
} catch (error) {
  removeSignalHandlers();
  await stopProcesses();
  throw error;
}

const admin = new Redis(url);
const pool: Pool = createPool({ threads: THREADS, batch: BATCH, maxQueue: 100_000 });
const cluster: Cluster = createCluster({ connection: url, prefix: PREFIX, batch: BATCH, ...busyBatch(BATCH), maxQueue: 100_000, ...MAP_BLOCK_SIZE });
const clusterHeavy: Cluster = createCluster({ connection: url, prefix: PREFIX, batch: HEAVY_BATCH, ...busyBatch(HEAVY_BATCH), maxQueue: 100_000 });
/** The baseline checkout's clients, from its own sources. */
const baselineModule =
  baselineDir === null ? null : ((await import(pathToFileURL(join(baselineDir, 'src/cluster/index.ts')).href)) as { createCluster: typeof createCluster });
const baseline =
  baselineModule?.createCluster({ connection: url, prefix: BASELINE_PREFIX, batch: BATCH, ...busyBatch(BATCH), maxQueue: 100_000, ...MAP_BLOCK_SIZE }) ?? null;
const baselineHeavy =
  baselineModule?.createCluster({ connection: url, prefix: BASELINE_PREFIX, batch: HEAVY_BATCH, ...busyBatch(HEAVY_BATCH), maxQueue: 100_000 }) ?? null;

async function shutDown(): Promise<void> {
  removeSignalHandlers();
  await Promise.allSettled([pool.close(), cluster.close(), clusterHeavy.close(), baseline?.close(), baselineHeavy?.close()]);
  admin.disconnect();
  await stopProcesses();
}

// ---- Contenders ---------------------------------------------------------------------

type Execute = (id: string, input: unknown) => Promise<{ status: string; output: unknown }>;

interface ContenderCluster {
  readonly label: string;
  readonly batched: Cluster;
  readonly heavy: Cluster;
}
const clusters: ContenderCluster[] = [{ label: `cluster, ${WORKERS} workers × ${workerThreads}`, batched: cluster, heavy: clusterHeavy }];
if (baseline !== null && baselineHeavy !== null)
  clusters.push({ label: `baseline checkout's cluster (${baselineDir})`, batched: baseline, heavy: baselineHeavy });

const contenders: { label: string; execute(w: Workload): Execute; jobs: ((w: Workload) => number) | null }[] = [
  { label: `pool, ${THREADS} threads`, execute: () => (id, input) => pool.execute(id, input), jobs: null },
  ...clusters.map((c) => ({
    label: c.label,
    execute: (w: Workload): Execute => (w.heavy ? (id, input) => c.heavy.execute(id, input) : (id, input) => c.batched.execute(id, input)),
    /** Jobs its client sent so far: while the workers are busy, a job carries up to busyBatch executions. */
    jobs: (w: Workload) => (w.heavy ? c.heavy : c.batched).metrics().batches,
  })),
];

// ---- Measurements -------------------------------------------------------------------

interface Run {
  readonly rate: number;
  readonly executions: number;
  /** Latency percentiles, µs. */
  readonly p50Us: number;
  readonly p99Us: number;
  /** CPU time of this process, every worker process and Redis, per execution: what the machine spent, whatever else it ran meanwhile. */
  readonly cpuUsPerExecution: number;
  /** Executions per job, for a cluster (null for the pool). */
  readonly executionsPerJob: number | null;
}

/** CPU time used so far by this process (pool threads and cluster clients), the worker processes and redis-server, in µs. */
async function machineCpuUs(): Promise<number> {
  const own = process.cpuUsage();
  let total = own.user + own.system + redisCpuUs(await admin.info('cpu'));
  for (const set of workerSets) for (const child of set.children) total += processCpuUs(child.pid!) ?? 0;
  return total;
}

/** drive(), with the CPU time every process of the benchmark spent on it, and the jobs a cluster sent. */
async function measureRun(execute: Execute, jobs: (() => number) | null, workload: Workload, inFlight: number, ms: number): Promise<Run> {
  const before = await machineCpuUs();
  const jobsBefore = jobs?.() ?? 0;
  const run = await drive(execute, workload, inFlight, ms);
  const executionsPerJob = jobs === null ? null : run.executions / Math.max(1, jobs() - jobsBefore);
  return { ...run, cpuUsPerExecution: ((await machineCpuUs()) - before) / run.executions, executionsPerJob };
}

/** Keeps `inFlight` executions going for `ms`; executions/s and latency percentiles. */
function drive(execute: Execute, workload: Workload, inFlight: number, ms: number): Promise<Omit<Run, 'cpuUsPerExecution' | 'executionsPerJob'>> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  const began = performance.now();
  const stopAt = began + ms;
  let next = 0;
  let running = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    function launch(): void {
      while (running < inFlight && performance.now() < stopAt) {
        running++;
        const start = performance.now();
        execute(workload.name, workload.input(next++)).then(() => {
          histogram.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000)));
          running--;
          done++;
          launch();
        }, reject);
      }
      if (running === 0) {
        const elapsed = performance.now() - began;
        resolve({
          rate: (done * 1000) / elapsed,
          executions: done,
          p50Us: histogram.getValueAtPercentile(50),
          p99Us: histogram.getValueAtPercentile(99),
        });
      }
    }
    launch();
  });
}

function spread(values: readonly number[], digits: number): string {
  return formatSpread(values, (value) => fixed(value, digits));
}

/** Map run times, given in ms, as min / median / max with their units. */
function mapTimes(ms: readonly number[]): string {
  return formatSpread(
    ms.map((t) => t * 1000),
    formatLatency,
  );
}

const machine = machineInfo();
console.log(`Machine: ${describeMachine(machine)}. Shared with other engineers: compare ratios from the same run.`);
console.log(
  `Pool: ${THREADS} threads in this process. Cluster: redis-server 127.0.0.1:${port} (no persistence) and ${WORKERS} \`statemill worker\` processes × ${workerThreads} threads on this machine. ` +
    `${MEASURE_MS / 1000} s per measurement after ${WARMUP_MS} ms of warm-up, ${ROUNDS} interleaved rounds; executions in flight: 4 × threads × batch (at least 1,024).\n`,
);

const report: Record<string, unknown> = { machine, workers: WORKERS, threads: THREADS, batch: BATCH, rounds: ROUNDS, measureMs: MEASURE_MS };
const rows: Record<string, unknown>[] = [];
const baselineRatios: string[] = [];

try {
  // Registered and checked here: a wrong answer ends the run, and the processes stop with it.
  for (const workload of workloads) {
    pool.register(workload.name, { definition: workload.definition, handlers: workload.handlersModule, options: { clock: 'virtual' } });
    const registration = { definition: workload.definition, handlers: workload.handlersModule, options: { clock: 'virtual' as const } };
    for (const c of clusters) await (workload.heavy ? c.heavy : c.batched).register(workload.name, registration);
    const machine = compile(workload.definition, { handlers: workload.handlers as never, clock: virtualClock() });
    for (let i = 0; i < 32; i++) {
      const expected = await machine.execute(workload.input(i));
      for (const contender of contenders) {
        const got = await contender.execute(workload)(workload.name, workload.input(i));
        if (got.status !== expected.status || !isDeepStrictEqual(got.output, expected.output))
          throw new Error(`${workload.name}: ${contender.label} differs from in-process at input ${i}`);
      }
    }
  }
  pool.register('map', { definition: fanOutDefinition, handlers: poolHandlersModule });
  for (const c of clusters) await c.batched.register('map', { definition: fanOutDefinition, handlers: poolHandlersModule });
  console.log('## Throughput\n');
  console.log(
    '| workload | engine | batch | executions / job (median) | executions/s min / median / max | p50 (median) | p99 (median) | cluster × pool (median of rounds) | CPU µs / execution, all processes (median) |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const workload of workloads) {
    const runs = contenders.map(() => [] as Run[]);
    const inFlight = Math.max(1024, 4 * THREADS * workload.batch);
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with the next contender: the one measured right after the pool paid for the
      // pool's garbage in this process (webhook-normalize: 5–15 % more CPU per execution in that place, whichever cluster it was).
      for (let turn = 0; turn < contenders.length; turn++) {
        const c = (round + turn) % contenders.length;
        const contender = contenders[c]!;
        const execute = contender.execute(workload);
        await drive(execute, workload, inFlight, WARMUP_MS);
        const jobs = contender.jobs;
        runs[c]!.push(await measureRun(execute, jobs === null ? null : () => jobs(workload), workload, inFlight, MEASURE_MS));
      }
    }
    for (const [c, contender] of contenders.entries()) {
      const measured = runs[c]!;
      const ratios = runs[c]!.map((run, round) => run.rate / runs[0]![round]!.rate);
      const ratio = c === 0 ? '' : `${fixed(median(ratios), 2)} (${spread(ratios, 2)})`;
      console.log(
        `| ${workload.name} | ${contender.label} | ${workload.batch} | ${c === 0 ? '' : fixed(median(measured.map((r) => r.executionsPerJob ?? 0)), 0)} | ${formatSpread(
          measured.map((r) => r.rate),
          formatRate,
        )} | ${formatLatency(median(measured.map((r) => r.p50Us)))} | ${formatLatency(median(measured.map((r) => r.p99Us)))} | ${ratio} | ${fixed(median(measured.map((r) => r.cpuUsPerExecution)), 1)} |`,
      );
      rows.push({ workload: workload.name, engine: contender.label, batch: workload.batch, runs: measured, ratios: c === 0 ? null : ratios });
    }
    if (contenders.length > 2) {
      const againstBaseline = runs[1]!.map((run, round) => run.rate / runs[2]![round]!.rate);
      baselineRatios.push(`${workload.name}: ${fixed(median(againstBaseline), 2)} (${spread(againstBaseline, 2)})`);
    }
  }
  report.throughput = rows;
  if (baselineRatios.length > 0)
    console.log(`\nThis checkout's cluster ÷ the baseline checkout's, executions/s, median (min / median / max) of rounds: ${baselineRatios.join('; ')}`);

  if (!skipped.has('map')) {
    console.log(`\n## Map of ${MAP_ITEMS.toLocaleString('en-US')} items of ≈0.2 ms (runMap)\n`);
    const items = Array.from({ length: MAP_ITEMS }, (_, seed) => ({ rounds: itemRounds, seed }));
    const request = {
      state: '/States/Each',
      inputs: items,
      maxConcurrency: 0,
      toleratedFailures: -1,
      parent: { executionName: 'bench', executionInput: { items }, executionStartMs: Date.now(), remainingMs: 3_600_000, variables: [] },
    };
    const expected = (await compile(fanOutDefinition, { handlers: benchHandlers }).execute({ items })).output as { hash: number }[];
    // The block size the cluster chose before it sized blocks by the workers' threads (a 64th of the items), beside the default, in the same run.
    const sixtyFourth = Math.max(1, Math.ceil(MAP_ITEMS / 64));
    const clusterSixtyFourth = createCluster({ connection: url, prefix: PREFIX, mapBlockSize: sixtyFourth });
    await clusterSixtyFourth.register('map', { definition: fanOutDefinition, handlers: poolHandlersModule });
    const mappers = [
      (r: typeof request) => pool.runMap('map', r),
      (r: typeof request) => cluster.runMap('map', r),
      (r: typeof request) => clusterSixtyFourth.runMap('map', r),
    ];
    for (const mapper of mappers) {
      const result = await mapper(request);
      if (
        !isDeepStrictEqual(
          (result.outputs as { hash: number }[]).map((o) => o.hash),
          expected.map((o) => o.hash),
        )
      )
        throw new Error('runMap outputs differ from in-process');
    }
    const times = mappers.map(() => [] as number[]);
    for (let run = 0; run < MAP_RUNS; run++) {
      for (const [m, mapper] of mappers.entries()) {
        const began = performance.now();
        await mapper(request);
        times[m]!.push(performance.now() - began);
      }
    }
    await clusterSixtyFourth.close();
    const mapRatios = times[1]!.map((t, run) => t / times[0]![run]!);
    const sixtyFourthRatios = times[2]!.map((t, run) => t / times[0]![run]!);
    console.log('| engine | time min / median / max | cluster ÷ pool time (median of runs) |');
    console.log('|---|---:|---:|');
    console.log(`| pool.runMap, ${THREADS} threads | ${mapTimes(times[0]!)} | |`);
    console.log(
      `| cluster.runMap, ${WORKERS} workers × ${workerThreads} | ${mapTimes(times[1]!)} | ${fixed(median(mapRatios), 2)} (${spread(mapRatios, 2)}) |`,
    );
    console.log(
      `| cluster.runMap, blocks of ${sixtyFourth} (a 64th: the former default) | ${mapTimes(times[2]!)} | ${fixed(median(sixtyFourthRatios), 2)} (${spread(sixtyFourthRatios, 2)}) |`,
    );
    report.map = {
      items: MAP_ITEMS,
      poolMs: times[0],
      clusterMs: times[1],
      ratios: mapRatios,
      sixtyFourthBlocks: { blockSize: sixtyFourth, clusterMs: times[2], ratios: sixtyFourthRatios },
    };
  }

  if (!skipped.has('redis')) {
    console.log('\n## What Redis does per job\n');
    console.log('A fixed run after CONFIG RESETSTAT; commands from INFO commandstats, CPU from INFO cpu (user + sys of the whole redis-server).\n');
    console.log(
      '| workload | engine | batch | executions | jobs | commands / job | commands / execution | Redis CPU µs / job | Redis CPU µs / execution | network in + out bytes / execution | one Redis, executions/s ceiling |',
    );
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const redisCosts: Record<string, unknown>[] = [];
    for (const workload of workloads.filter((w) => !w.heavy)) {
      for (const { label, batched: cluster } of clusters) {
        const executions = 40 * BATCH;
        await admin.config('RESETSTAT');
        const cpuBefore = redisCpuUs(await admin.info('cpu'));
        const bytesBefore = networkBytes(await admin.info('stats'));
        const batchesBefore = cluster.metrics().batches;
        await Promise.all(Array.from({ length: executions }, (_, i) => cluster.execute(workload.name, workload.input(i))));
        // Let the workers' last acknowledgements land before reading the counters.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const cpu = redisCpuUs(await admin.info('cpu')) - cpuBefore;
        const bytes = networkBytes(await admin.info('stats')) - bytesBefore;
        const stats = commandStats(await admin.info('commandstats'));
        const jobs = cluster.metrics().batches - batchesBefore;
        // The INFO and CONFIG calls of this measurement, and the idle polling of the other queues, are not the workload's.
        const calls = [...stats.entries()].filter(([name]) => !['info', 'config'].includes(name)).reduce((sum, [, n]) => sum + n, 0);
        const perJobUs = cpu / jobs;
        console.log(
          `| ${workload.name} | ${label} | ${BATCH} | ${executions} | ${jobs} | ${fixed(calls / jobs, 1)} | ${fixed(calls / executions, 2)} | ${fixed(perJobUs, 0)} | ${fixed(cpu / executions, 1)} | ${fixed(bytes / executions, 0)} | ${fixed((executions * 1e6) / cpu, 0)} |`,
        );
        redisCosts.push({
          workload: workload.name,
          engine: label,
          batch: BATCH,
          executions,
          jobs,
          commands: Object.fromEntries(stats),
          cpuUs: cpu,
          networkBytes: bytes,
        });
      }
    }
    report.redis = redisCosts;
    console.log('\nCommands by name (last run: calls, µs inside Redis):', commandTimes(await admin.info('commandstats')));
  }
  console.log(`\nLoad average at the end: ${machineInfo().loadAverage.join(' / ')}`);
  if (args.json !== undefined) writeFileSync(args.json, JSON.stringify(report, null, 2));
} finally {
  await shutDown();
}
