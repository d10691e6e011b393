/**
 * Where the cluster spends CPU under load, per process and thread: a redis-server, N worker
 * processes run with --cpu-prof, and a client in this process (profiled through the
 * inspector) keeping executions in flight. After a warm-up, one measured window: the CPU
 * time of every process (client, each worker from /proc, Redis from INFO cpu) per execution
 * and per job, Redis's commands per job (INFO commandstats), and each thread's self time by
 * area and function within the window, from the profiles.
 *
 *   node --import tsx/esm bench/cluster/profile.ts [--workload trivial|cpu] [--batch 256] [--workers 2] [--threads-each 1]
 *     [--seconds 4] [--dir /tmp/statemill-cluster-profile] [--checkout DIR (another checkout's client and workers)] [--top 12] [--heap (the client's allocations by site)]
 *     [--busy-batch N (the client's busyBatch)] [--cpu-only (no profilers: the processes' CPU alone, undisturbed)]
 *     [--perf (with --cpu-only: 'perf record -a -g' over the window, summed up by process and area; start node with --perf-basic-prof-only-functions for the client's JavaScript names)]
 *
 * The profiler costs CPU of its own (a sample every millisecond): compare figures of this
 * script with each other (before and after with --checkout, in one session), not with
 * bench/standalone/cluster.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { createCluster as CreateCluster } from '../../src/cluster/index.js';
import { describeMachine, machineInfo } from '../machine.js';
import { handlers } from '../standalone/pool-handlers.js';
import { cpuDefinition, poolHandlersModule, smallInput, trivialDefinition } from '../standalone/pool-support.js';
import { cpuRoundsFor } from './handler-rounds.js';
import { perfSamples } from './perf-summary.js';
import { describeAllocations, describeThread, threadTime } from './cpu-profile.js';
import { checkoutSource, processCpuUs, startRedis, startWorkers, thisCheckout } from './processes.js';
import { commandStats, commandTimes, redisCpuUs } from './redis-stats.js';

const { values: args } = parseArgs({
  options: {
    workload: { type: 'string', default: 'trivial' },
    batch: { type: 'string', default: '256' },
    workers: { type: 'string', default: '2' },
    'threads-each': { type: 'string', default: '1' },
    seconds: { type: 'string', default: '4' },
    dir: { type: 'string', default: '/tmp/statemill-cluster-profile' },
    checkout: { type: 'string' },
    top: { type: 'string', default: '12' },
    heap: { type: 'boolean', default: false },
    'busy-batch': { type: 'string' },
    'cpu-only': { type: 'boolean', default: false },
    perf: { type: 'boolean', default: false },
  },
});
const BATCH = Number(args.batch);
const WORKERS = Number(args.workers);
const THREADS_EACH = Number(args['threads-each']);
const WINDOW_MS = Number(args.seconds) * 1000;
const WARMUP_MS = 2000;
const TOP = Number(args.top);
const dir = resolve(args.dir!);
const checkout = args.checkout === undefined ? null : resolve(args.checkout);
const profiling = !args['cpu-only'];
// perf samples every process, kernel included (socket system calls, Redis's own functions), without V8's profiler in the way.
const perf = args.perf && !profiling;
const busyBatch = args['busy-batch'] === undefined ? {} : { busyBatch: Number(args['busy-batch']) };
if (args.workload !== 'trivial' && args.workload !== 'cpu') throw new Error('--workload is trivial or cpu');
const heavyRounds = args.workload === 'cpu' ? await cpuRoundsFor(0.5) : 0;
const definition = args.workload === 'cpu' ? cpuDefinition : trivialDefinition;
const input = args.workload === 'cpu' ? (i: number) => ({ rounds: heavyRounds, seed: i }) : smallInput;

const PERF_HZ = 1999;
/** Calls of the CPU-heavy handler timed alone, for its own CPU per call. */
const HANDLER_CALLS = 400;
function handlerCpuUs(): number {
  const began = process.cpuUsage();
  for (let i = 0; i < HANDLER_CALLS; i++) handlers.burn({ rounds: heavyRounds, seed: i });
  const used = process.cpuUsage(began);
  return (used.user + used.system) / HANDLER_CALLS;
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'workers'), { recursive: true });
const { createCluster } = (await import(checkout === null ? '../../src/cluster/index.js' : pathToFileURL(join(checkout, 'src/cluster/index.ts')).href)) as {
  createCluster: typeof CreateCluster;
};

const redis = await startRedis();
const workers = await startWorkers({
  url: redis.url,
  prefix: 'profile',
  processes: WORKERS,
  threadsEach: THREADS_EACH,
  concurrency: null,
  source: checkout === null ? thisCheckout() : checkoutSource(checkout),
  nodeArgs: profiling ? ['--cpu-prof', '--cpu-prof-dir', join(dir, 'workers')] : perf ? ['--perf-basic-prof-only-functions'] : [],
});
const admin = new Redis(redis.url);
const cluster = createCluster({ connection: redis.url, prefix: 'profile', batch: BATCH, ...busyBatch, maxQueue: 1_000_000 });
await cluster.register('w', { definition, handlers: poolHandlersModule });

let next = 0;
let done = 0;
let stopping = false;
let running = 0;
const inFlight = Math.max(1024, 4 * WORKERS * THREADS_EACH * BATCH);
let drained: () => void = () => {};
function launch(): void {
  while (!stopping && running < inFlight) {
    running++;
    cluster.execute('w', input(next++)).then(() => {
      running--;
      done++;
      if (stopping && running === 0) drained();
      else launch();
    });
  }
}

const session = new Session();
session.connect();
if (profiling) await session.post('Profiler.enable');
launch();
await new Promise((r) => setTimeout(r, WARMUP_MS));

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const processesCpu = async () => ({
  client: process.cpuUsage(),
  workers: workers.children.map((child) => processCpuUs(child.pid!) ?? 0),
  redis: redisCpuUs(await admin.info('cpu')),
  // Reads Redis made from its clients' sockets and replies it wrote: each is a socket write (a system call) of a client, or one Redis made.
  redisIo: ioCounts(await admin.info('stats')),
});
const ioCounts = (stats: string) => ({
  reads: Number(/total_reads_processed:(\d+)/.exec(stats)?.[1] ?? 0),
  writes: Number(/total_writes_processed:(\d+)/.exec(stats)?.[1] ?? 0),
});
await admin.config('RESETSTAT');
if (profiling) await session.post('Profiler.start');
// Every allocation of the window, collected or not: what the client's garbage collector has to deal with.
if (profiling && args.heap)
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const before = await processesCpu();
const doneBefore = done;
const batchesBefore = cluster.metrics().batches;
const fromUs = nowUs();
const perfRecord = perf
  ? spawn('perf', ['record', '-F', String(PERF_HZ), '-a', '-g', '-o', join(dir, 'perf.data'), '--', 'sleep', String(WINDOW_MS / 1000)], { stdio: 'ignore' })
  : null;
await new Promise((r) => setTimeout(r, WINDOW_MS));
if (perfRecord !== null && perfRecord.exitCode === null) await new Promise((r) => perfRecord.once('exit', r));
const toUs = nowUs();
const after = await processesCpu();
const executions = done - doneBefore;
const jobs = cluster.metrics().batches - batchesBefore;
const stats = await admin.info('commandstats');
if (profiling) writeFileSync(join(dir, 'client.cpuprofile'), JSON.stringify((await session.post('Profiler.stop')).profile));
const allocations = profiling && args.heap ? (await session.post('HeapProfiler.stopSampling')).profile : null;
writeFileSync(join(dir, 'window.json'), JSON.stringify({ fromUs, toUs, executions }));
stopping = true;
await new Promise<void>((r) => (running === 0 ? r() : (drained = r)));
await cluster.close();
admin.disconnect();
await workers.stop();
await redis.stop();
const handlerUs = args.workload === 'cpu' ? handlerCpuUs() : 0;

const clientUs = after.client.user + after.client.system - before.client.user - before.client.system;
const workerUs = after.workers.map((us, i) => us - before.workers[i]!);
const redisUs = after.redis - before.redis;
const perExecution = (us: number) => (us / executions).toFixed(2);
const perJob = (us: number) => (us / jobs).toFixed(0);
console.log(`Machine: ${describeMachine(machineInfo())}`);
console.log(
  `${checkout ?? 'this checkout'}: ${args.workload} workload, batches of ${BATCH}, ${WORKERS} workers × ${THREADS_EACH} thread(s), ${inFlight} in flight; ` +
    `${WINDOW_MS / 1000} s window after ${WARMUP_MS / 1000} s of warm-up: ${executions} executions (${Math.round((executions * 1000) / WINDOW_MS)}/s), ${jobs} jobs.\n`,
);
console.log('| process | CPU ms in the window | µs / execution | µs / job |', '\n|---|---:|---:|---:|');
console.log(`| client (this process) | ${(clientUs / 1000).toFixed(0)} | ${perExecution(clientUs)} | ${perJob(clientUs)} |`);
workerUs.forEach((us, i) => console.log(`| worker ${i + 1} | ${(us / 1000).toFixed(0)} | ${perExecution(us)} | ${perJob(us)} |`));
console.log(`| redis-server | ${(redisUs / 1000).toFixed(0)} | ${perExecution(redisUs)} | ${perJob(redisUs)} |`);
const total = clientUs + workerUs.reduce((a, b) => a + b, 0) + redisUs;
console.log(`| **all** | ${(total / 1000).toFixed(0)} | **${perExecution(total)}** | ${perJob(total)} |\n`);
if (handlerUs > 0) {
  const above = total - handlerUs * executions;
  console.log(
    `The handler alone (this process's CPU over ${HANDLER_CALLS} calls after the window): ${handlerUs.toFixed(1)} µs a call; all processes above it: ` +
      `${perExecution(above)} µs per execution, ${perJob(above)} µs per job; pool-like ratio handler ÷ all: ${((handlerUs * executions) / total).toFixed(3)}\n`,
  );
}
const calls = [...commandStats(stats).entries()].filter(([name]) => !['info', 'config'].includes(name));
console.log(
  `Redis commands per job: ${(calls.reduce((sum, [, n]) => sum + n, 0) / jobs).toFixed(1)} — ${calls
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${(n / jobs).toFixed(2)}`)
    .join(', ')}`,
);
console.log(
  `Socket reads Redis made per job: ${((after.redisIo.reads - before.redisIo.reads) / jobs).toFixed(1)}; replies it wrote per job: ${((after.redisIo.writes - before.redisIo.writes) / jobs).toFixed(1)}`,
);
console.log(`Redis time by command (calls, µs inside Redis): ${commandTimes(stats)}\n`);

if (perf) {
  const pids = new Map<number, string>([
    [process.pid, 'client'],
    [redis.pid, 'redis-server'],
  ]);
  workers.children.forEach((child, i) => pids.set(child.pid!, `worker ${i + 1}`));
  const summary = perfSamples(join(dir, 'perf.data'), pids, args.workload === 'cpu' ? 'burn' : null);
  console.log(
    `perf, ${PERF_HZ} samples a second of CPU time${args.workload === 'cpu' ? ", the handler's own work (burn) left out" : ''} (${join(dir, 'perf.data')}):\n`,
  );
  console.log('| process | area | µs / job | µs / execution |\n|---|---|---:|---:|');
  const sampleUs = 1e6 / PERF_HZ;
  for (const [name, { samples, areas }] of [...summary.entries()].sort()) {
    console.log(`| ${name} | **all** | **${((samples * sampleUs) / jobs).toFixed(0)}** | ${((samples * sampleUs) / executions).toFixed(2)} |`);
    for (const [area, n] of areas.slice(0, TOP))
      console.log(`| | ${area} | ${((n * sampleUs) / jobs).toFixed(0)} | ${((n * sampleUs) / executions).toFixed(2)} |`);
  }
  console.log();
}
const unit = { count: executions, unit: 'execution' };
if (allocations !== null) console.log(describeAllocations(allocations.head, unit, TOP), '\n');
if (profiling) {
  console.log(describeThread('client, main thread', threadTime(join(dir, 'client.cpuprofile'), { fromUs, toUs }), unit, TOP), '\n');
  for (const file of readdirSync(join(dir, 'workers')).sort()) {
    const time = threadTime(join(dir, 'workers', file), { fromUs, toUs });
    // Threads that did nothing in the window (tsx's, an idle pool's) are left out.
    if (time.busyUs < 0.02 * WINDOW_MS * 1000) continue;
    console.log(describeThread(`worker thread ${file}`, time, unit, TOP), '\n');
  }
}
