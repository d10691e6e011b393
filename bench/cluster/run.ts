/**
 * `statemill bench --cluster --workers N`: the cluster (BullMQ on Redis, src/cluster) against
 * the local pool at the same total thread count, in the same run. A redis-server and N
 * `statemill worker` processes start on this machine, each process standing for a host with
 * threads ÷ N threads; the pool gets all the threads in this process. Every workload's answers
 * are checked first — in-process, through the pool and through the cluster, against the
 * expected outcomes — then the pool and the cluster take turns, round after round, so a noisy
 * neighbour slows both alike; the ratio is the median of the per-round ratios.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCluster, type Cluster } from '../../src/cluster/index.js';
import { poolSubject } from '../engines/pool.js';
import type { Subject } from '../engines/subject.js';
import { describeMachine, machineInfo, type MachineInfo } from '../machine.js';
import { median } from '../median.js';
import { outcomeOf, type Outcome } from '../outcome.js';
import { clusterLayout, type BenchOptions, type ClusterBenchOptions } from '../options.js';
import type { Progress } from '../progress.js';
import { defaultLabel } from '../report/results.js';
import type { Table } from '../report/summary.js';
import { renderTable } from '../report/table.js';
import type { ThroughputRecord, VerificationRecord } from '../report/types.js';
import { compiledSubject, selectWorkflows } from '../run.js';
import { contenderLabel, throughputRecord, type Contender } from '../scenarios/throughput.js';
import { nanosecondHistogram } from '../histogram.js';
import { closedLoop } from '../load/closed-loop.js';
import { formatLatency, formatRate, formatSpread } from '../units.js';
import { verifySubject } from '../scenarios/verify.js';
import type { BenchWorkflow } from '../workflow.js';
import { processCpuUs, startRedis, startWorkers, stopWithSignals, thisCheckout, type BenchRedis, type WorkerProcesses } from './processes.js';

export const CLUSTER_REPORT_SCHEMA = 'statemill-bench-cluster/1';

export interface ClusterBenchReport {
  schema: typeof CLUSTER_REPORT_SCHEMA;
  label: string;
  startedAt: string;
  finishedAt: string;
  command: string[];
  machine: MachineInfo;
  loadAverageAtEnd: [number, number, number];
  workers: number;
  threads: number;
  threadsPerWorker: number;
  batch: number;
  /** Executions kept in flight against each engine. */
  inFlight: number;
  verification: VerificationRecord[];
  throughput: ThroughputRecord[];
  /** Per workload: cluster ÷ pool executions/s of each round, and their median. */
  ratios: { workflow: string; rounds: number[]; median: number }[];
  /**
   * CPU time of every process of the run (this one: the pool's threads and the cluster
   * client; the worker processes; Redis) per execution, per round, for each throughput
   * record in order; empty where /proc cannot be read. What an execution costs the machine,
   * whatever else runs on it.
   */
  cpuUsPerExecution: number[][];
  skipped: string[];
}

export interface ClusterBenchRun {
  readonly report: ClusterBenchReport;
  readonly answersCorrect: boolean;
}

/** The cluster client as a benchmark subject; it shares the run's Redis and worker processes with the other workflows. */
function clusterSubject(workflow: BenchWorkflow, cluster: Cluster, threads: number, batch: number): Subject {
  const id = workflow.name;
  return {
    engine: 'statemill-cluster',
    note: `${threads} threads over the worker processes, batch ${batch}, virtual clock`,
    run: (input) => cluster.execute(id, input),
    outcome: async (input) => outcomeOf(await cluster.execute(id, input)),
    close: async () => {},
  };
}

/** Runs the whole comparison; the caller prints or saves the report. */
export async function runClusterBench(
  options: BenchOptions,
  settings: ClusterBenchOptions,
  argv: readonly string[],
  progress: Progress,
): Promise<ClusterBenchRun> {
  const { threads, threadsEach, batch } = clusterLayout(options, settings);
  const workflows = await selectWorkflows(options);
  const started = new Date();
  const machine = machineInfo();
  const inFlight = options.poolConcurrency ?? Math.max(1024, 4 * threads * batch);
  const report: ClusterBenchReport = {
    schema: CLUSTER_REPORT_SCHEMA,
    label: options.label ?? defaultLabel(started).replace(/^bench-/, 'bench-cluster-'),
    startedAt: started.toISOString(),
    finishedAt: '',
    command: [...argv],
    machine,
    loadAverageAtEnd: machine.loadAverage,
    workers: settings.workers,
    threads,
    threadsPerWorker: threadsEach,
    batch,
    inFlight,
    verification: [],
    throughput: [],
    ratios: [],
    cpuUsPerExecution: [],
    skipped: [],
  };
  progress.note(`starting redis-server and ${settings.workers} worker process(es) × ${threadsEach} thread(s) …`);
  const redis: BenchRedis = await startRedis();
  let workers: WorkerProcesses | null = null;
  let cluster: Cluster | null = null;
  let answersCorrect = true;
  // Workers first: they need Redis to stop.
  const removeSignalHandlers = stopWithSignals(async () => {
    await workers?.stop();
    await redis.stop();
  });
  try {
    const prefix = `bench-${randomUUID().slice(0, 8)}`;
    workers = await startWorkers({
      url: redis.url,
      prefix,
      processes: settings.workers,
      threadsEach,
      concurrency: settings.workerConcurrency,
      source: thisCheckout(),
    });
    cluster = createCluster({ connection: redis.url, prefix, batch, maxQueue: Math.max(100_000, inFlight) });
    const timing = { durationMs: options.durationMs, warmupMs: options.warmupMs, rounds: options.rounds };
    for (const workflow of workflows) {
      if (workflow.handlersModule === null) {
        report.skipped.push(`${workflow.name}: its handlers are not in a module that other processes can load`);
        continue;
      }
      await cluster.register(workflow.name, { definition: workflow.definition, handlers: workflow.handlersModule, options: { clock: 'virtual' } });
      const pool = await poolSubject(workflow, { threads, batch });
      if (typeof pool === 'string') {
        report.skipped.push(`${workflow.name}: ${pool}`);
        continue;
      }
      try {
        const subjects = [pool, clusterSubject(workflow, cluster, threads, batch)];
        if (!(await verified(workflow, subjects, report, progress))) {
          answersCorrect = false;
          continue;
        }
        const contenders: Contender[] = subjects.map((subject, i) => ({ subject, mode: i === 0 ? 'pool' : 'cluster', concurrency: inFlight, threads, batch }));
        const machineCpu = () => machineCpuUs(redis, workers!);
        const measured = await measureRounds(workflow, contenders, timing, progress, machineCpu);
        const [poolRecord, clusterRecord] = measured.map((m) => m.record);
        report.throughput.push(poolRecord!, clusterRecord!);
        report.cpuUsPerExecution.push(...measured.map((m) => m.cpuUsPerExecution));
        const rounds = clusterRecord!.roundsPerSecond.map((rate, round) => Math.round((rate / poolRecord!.roundsPerSecond[round]!) * 100) / 100);
        report.ratios.push({ workflow: workflow.name, rounds, median: median(rounds) });
      } finally {
        await pool.close();
      }
    }
  } finally {
    removeSignalHandlers();
    await cluster?.close();
    await workers?.stop();
    await redis.stop();
  }
  report.loadAverageAtEnd = machineInfo().loadAverage;
  report.finishedAt = new Date().toISOString();
  return { report, answersCorrect };
}

/** CPU time (µs) this process, the worker processes and Redis have used; null off Linux. */
function machineCpuUs(redis: BenchRedis, workers: WorkerProcesses): number | null {
  const own = process.cpuUsage();
  let total = own.user + own.system;
  for (const pid of [redis.pid, ...workers.children.map((child) => child.pid!)]) {
    const used = processCpuUs(pid);
    if (used === null) return null;
    total += used;
  }
  return total;
}

/**
 * The contenders in interleaved rounds (A B, A B, …), as measureThroughput does, with the
 * CPU time every process spent on each round.
 */
async function measureRounds(
  workflow: BenchWorkflow,
  contenders: readonly Contender[],
  timing: { readonly durationMs: number; readonly warmupMs: number; readonly rounds: number },
  progress: Progress,
  machineCpu: () => number | null,
): Promise<{ record: ThroughputRecord; cpuUsPerExecution: number[] }[]> {
  const state = contenders.map(() => ({ histogram: nanosecondHistogram(), rates: [] as number[], cpu: [] as number[], executions: 0, elapsedMs: 0 }));
  const roundMs = timing.durationMs / timing.rounds;
  for (let round = 0; round < timing.rounds; round++) {
    for (const [c, contender] of contenders.entries()) {
      const own = state[c]!;
      progress.start(`${contenderLabel(workflow.name, contender)}${timing.rounds > 1 ? ` (round ${round + 1}/${timing.rounds})` : ''}`);
      if (round === 0 && timing.warmupMs > 0)
        await closedLoop(contender.subject, workflow.inputs, { concurrency: contender.concurrency, durationMs: timing.warmupMs, warmupMs: 0 });
      const before = machineCpu();
      const result = await closedLoop(contender.subject, workflow.inputs, {
        concurrency: contender.concurrency,
        durationMs: roundMs,
        warmupMs: 0,
        histogram: own.histogram,
        onProgress: (executions, elapsedMs) => progress.update(executions, elapsedMs),
      });
      const after = machineCpu();
      if (before !== null && after !== null) own.cpu.push(Math.round(((after - before) / result.executions) * 10) / 10);
      own.rates.push(result.perSecond);
      own.executions += result.executions;
      own.elapsedMs += result.elapsedMs;
      progress.done(`${formatRate(result.perSecond)}/s, p50 ${formatLatency(result.latency.p50Us)}`);
    }
  }
  return contenders.map((contender, c) => ({ record: throughputRecord(workflow.name, contender, state[c]!), cpuUsPerExecution: state[c]!.cpu }));
}

/** In-process statemill, the pool and the cluster on every input, against the expected outcomes (statemill's own when none are known). */
async function verified(workflow: BenchWorkflow, subjects: readonly Subject[], report: ClusterBenchReport, progress: Progress): Promise<boolean> {
  progress.start(`${workflow.name}: checking answers`);
  const statemill = compiledSubject(workflow);
  try {
    const expected: readonly Outcome[] = workflow.expected ?? (await Promise.all(workflow.inputs.map((input) => statemill.outcome(input))));
    let allOk = true;
    for (const subject of [statemill, ...subjects]) {
      const record = await verifySubject(workflow.name, subject, workflow.inputs, expected);
      report.verification.push(record);
      if (record.status !== 'ok') allOk = false;
    }
    progress.done(allOk ? `answers match in-process, pool and cluster (${workflow.inputs.length} inputs)` : 'WRONG ANSWERS: not timed');
    return allOk;
  } finally {
    await statemill.close();
  }
}

export function clusterTables(report: ClusterBenchReport): Table[] {
  const throughput: Table = {
    title: `Pool and cluster at ${report.threads} threads (executions/s over ${report.throughput[0]?.roundsPerSecond.length ?? 0} interleaved rounds; ratios from the same run)`,
    headers: [
      'workload',
      'engine',
      'threads',
      'batch',
      'executions/s min / median / max',
      'p50',
      'p99',
      'cluster × pool (per-round min – max)',
      'CPU µs / execution',
    ],
    alignRight: [false, false, true, true, true, true, true, true, true],
    rows: report.throughput.map((record, r) => {
      const cpu = report.cpuUsPerExecution[r] ?? [];
      const ratio = report.ratios.find((entry) => entry.workflow === record.workflow);
      const cell =
        record.mode === 'cluster' && ratio !== undefined
          ? `${ratio.median.toFixed(2)}× (${Math.min(...ratio.rounds).toFixed(2)} – ${Math.max(...ratio.rounds).toFixed(2)})`
          : '';
      const engine = record.mode === 'cluster' ? `cluster, ${report.workers} workers × ${report.threadsPerWorker}` : `pool, ${report.threads} threads`;
      return [
        record.workflow,
        engine,
        String(record.threads),
        String(record.batch),
        formatSpread(record.roundsPerSecond, formatRate),
        formatLatency(record.latency.p50Us),
        formatLatency(record.latency.p99Us),
        cell,
        cpu.length === 0 ? 'n/a' : median(cpu).toFixed(1),
      ];
    }),
    notes: [
      `${report.inFlight} executions in flight against each engine; latency from submission to result, over all rounds`,
      'CPU µs / execution: the CPU time of this process (pool threads, cluster client), the worker processes and Redis over a round, per execution (median of rounds): what an execution costs the machine whatever else runs on it; pool ÷ cluster of it is the throughput ratio to expect where both are CPU-bound',
      `cluster: redis-server on 127.0.0.1 (no persistence) and ${report.workers} \`statemill worker\` processes on this machine, each standing for a host: client, Redis and workers share its cores`,
    ],
  };
  const verification: Table = {
    title: 'Answers checked before timing (each engine against the expected outcomes)',
    headers: ['workload', 'engine', 'matched', 'first difference'],
    alignRight: [false, false, true, false],
    rows: report.verification.map((v) => [v.workflow, v.engine, `${v.matched}/${v.inputs}`, v.detail ?? '']),
    notes: [],
  };
  return [throughput, verification];
}

export function renderClusterSummary(report: ClusterBenchReport): string {
  const sections = [
    `statemill bench --cluster — ${describeMachine(report.machine)} at the start, ${report.loadAverageAtEnd.join(' / ')} at the end`,
    'The machine may be shared: compare ratios from the same run.',
    '',
  ];
  for (const table of clusterTables(report)) sections.push(table.title, renderTable(table), ...table.notes.map((note) => `  ${note}`), '');
  if (report.skipped.length > 0) sections.push('Not measured:', ...report.skipped.map((reason) => `  - ${reason}`), '');
  return sections.join('\n');
}

/** `<label>.json` and `<label>.md` (the same tables as Markdown) in `directory`. */
export async function writeClusterResults(report: ClusterBenchReport, directory: string): Promise<{ json: string; markdown: string }> {
  await mkdir(directory, { recursive: true });
  const json = join(directory, `${report.label}.json`);
  const markdown = join(directory, `${report.label}.md`);
  await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    `# statemill bench --cluster: ${report.label}`,
    '',
    `- Machine: ${describeMachine(report.machine)} at the start, ${report.loadAverageAtEnd.join(' / ')} at the end`,
    `- Run: ${report.startedAt} to ${report.finishedAt}`,
    `- Command: \`statemill bench ${report.command.join(' ')}\``,
    '',
  ];
  for (const table of clusterTables(report)) {
    lines.push(
      `## ${table.title}`,
      '',
      `| ${table.headers.map(cell).join(' | ')} |`,
      `| ${table.alignRight.map((right) => (right ? '---:' : '---')).join(' | ')} |`,
    );
    for (const row of table.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
    lines.push('', ...table.notes.map((note) => `- ${note}`), '');
  }
  await writeFile(markdown, lines.join('\n'));
  return { json, markdown };
}
