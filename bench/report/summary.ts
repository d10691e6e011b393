/**
 * The tables a run is summarised in, as rows of text: the terminal and the Markdown
 * report render the same content.
 */
import type { BenchReport, ThroughputRecord } from './types.js';
import { formatLatency, formatRate } from '../units.js';

export interface Table {
  title: string;
  headers: string[];
  alignRight: boolean[];
  rows: string[][];
  notes: string[];
}

export const BASELINE_TARGET = 2.0;
export const PEER_TARGET = 10;
export const RETRY_TARGET = 2;

function us(value: number | null): string {
  return value === null ? '—' : formatLatency(value);
}

function times(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)}×`;
}

function verdict(pass: boolean): string {
  return pass ? 'yes' : 'NO';
}

function comparisonTable(report: BenchReport): Table | null {
  if (report.comparisons.length === 0) return null;
  const rows = report.comparisons.map((c) => [
    c.workflow,
    us(c.baselineUs),
    us(c.statemillUs),
    times(c.ratioToBaseline),
    c.ratioToBaseline === null ? '—' : verdict(c.ratioToBaseline <= BASELINE_TARGET),
    times(c.cpuRatioToBaseline ?? null),
    c.peer === 'measured' ? us(c.peerUs) : `n/a: ${c.peer}`,
    times(c.speedupOverPeer),
    c.speedupOverPeer === null ? '—' : verdict(c.speedupOverPeer >= PEER_TARGET),
    us(c.statemillOverheadUs),
    us(c.peerOverheadUs),
    times(c.overheadSpeedupOverPeer),
  ]);
  return {
    title: 'In-process, one execution at a time (time per execution; ratios round by round, from the same run)',
    headers: [
      'workload',
      'baseline',
      'statemill',
      'vs baseline',
      `≤ ${BASELINE_TARGET}×`,
      'CPU-time ratio',
      'aws-local-stepfunctions',
      'statemill faster',
      `≥ ${PEER_TARGET}×`,
      'statemill overhead',
      'ALSF overhead',
      'overhead ratio',
    ],
    alignRight: [false, true, true, true, false, true, true, true, false, true, true, true],
    rows,
    notes: peerNotes(report),
  };
}

function peerNotes(report: BenchReport): string[] {
  const byNote = new Map<string, string[]>();
  for (const v of report.verification) {
    if (v.engine !== 'aws-local-stepfunctions' || v.status !== 'ok' || v.note === null) continue;
    byNote.set(v.note, [...(byNote.get(v.note) ?? []), v.workflow]);
  }
  const notes = [...byNote].map(([note, workflows]) => `aws-local-stepfunctions on ${workflows.join(', ')}: ${note}`);
  notes.push(
    'baseline: the same handlers called by plain code (the limit an engine can approach)',
    'ratios: taken round by round (the contenders ran side by side in interleaved rounds) and the median shown',
    "CPU-time ratio: the same from this process's CPU time per execution (user + system, its garbage collector's threads included), which leaves out what other processes take from a busy machine",
    "overhead: time per execution minus the baseline's, i.e. what the engine adds on top of the handlers",
  );
  return notes;
}

function describeConfiguration(r: ThroughputRecord): string {
  const mode = r.mode === 'inproc' ? 'in-process' : r.mode;
  const pool = r.threads === null ? '' : ` · ${r.threads} thr${r.batch === null ? '' : ` · batch ${r.batch}`}`;
  return `${mode}${pool} · ${r.concurrency === 1 ? 'sequential' : `${r.concurrency} in flight`}`;
}

function throughputTable(report: BenchReport): Table | null {
  if (report.throughput.length === 0) return null;
  return {
    title: 'Throughput and latency per configuration',
    headers: ['workload', 'engine', 'configuration', 'exec/s', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    alignRight: [false, false, false, true, true, true, true, true, true],
    rows: report.throughput.map((r) => [
      r.workflow,
      r.engine,
      describeConfiguration(r),
      formatRate(r.perSecond),
      us(r.latency.p50Us),
      us(r.latency.p90Us),
      us(r.latency.p99Us),
      us(r.latency.p999Us),
      us(r.latency.maxUs),
    ]),
    notes: [],
  };
}

function latencyTable(report: BenchReport): Table | null {
  if (report.latency.length === 0) return null;
  return {
    title: 'Open-loop latency at a target rate (coordinated omission corrected: latency counts from when each execution was due)',
    headers: ['workload', 'engine', 'target/s', 'achieved/s', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    alignRight: [false, false, true, true, true, true, true, true, true],
    rows: report.latency.map((r) => [
      r.workflow,
      r.threads === null ? r.engine : `${r.engine} (${r.threads} thr, batch ${r.batch})`,
      formatRate(r.targetPerSecond),
      formatRate(r.achievedPerSecond),
      us(r.latency.p50Us),
      us(r.latency.p90Us),
      us(r.latency.p99Us),
      us(r.latency.p999Us),
      us(r.latency.maxUs),
    ]),
    notes: [],
  };
}

function fanoutTable(report: BenchReport): Table | null {
  if (report.fanout.length === 0) return null;
  return {
    title: 'Map fan-out: Map entry to exit for N items, against N × item time / threads',
    headers: ['items', 'mode', 'threads', 'item', 'ideal', 'measured', 'vs ideal'],
    alignRight: [true, false, true, true, true, true, true],
    rows: report.fanout.map((r) => [
      r.items.toLocaleString('en-US'),
      r.mode,
      String(r.threads),
      us(r.itemUs),
      us(r.idealMs * 1000),
      us(r.measuredMs * 1000),
      times(r.ratioToIdeal),
    ]),
    notes: [],
  };
}

function retryTable(report: BenchReport): Table | null {
  const r = report.retry;
  if (r === null) return null;
  return {
    title: 'Retry overhead under the virtual clock (cost of one retry beyond the handler call)',
    headers: ['', 'no retry', 'one retry', 'overhead', `ratio (≤ ${RETRY_TARGET}×)`, 'CPU ratio'],
    alignRight: [false, true, true, true, true, true],
    rows: [
      [
        'statemill',
        us(r.engineNoRetryUs),
        us(r.engineOneRetryUs),
        us(r.engineOverheadUs),
        `${times(r.ratio)} ${verdict(r.ratio <= RETRY_TARGET)}`,
        times(r.cpuRatio),
      ],
      ['hand-written loop', us(r.handWrittenNoRetryUs), us(r.handWrittenOneRetryUs), us(r.handWrittenOverheadUs), '', ''],
    ],
    notes: [
      `overhead = one retry − no retry − one failing handler call alone (${us(r.failingCallUs)}); the handler throws an Error made up front,`,
      'so the figures compare the retries, not the cost of capturing a stack at different depths;',
      `${r.rounds} interleaved rounds, each measuring both sides: times are medians of the rounds, ratios taken round by round (CPU ratio: by this process's CPU time)`,
    ],
  };
}

function microTable(report: BenchReport): Table | null {
  if (report.micro.length === 0) return null;
  return {
    title: 'Micro-benchmarks (tinybench)',
    headers: ['task', 'ops/s', 'mean', 'p99'],
    alignRight: [false, true, true, true],
    rows: report.micro.map((m) => [m.name, formatRate(m.opsPerSecond), us(m.meanUs), us(m.p99Us)]),
    notes: [],
  };
}

function verificationTable(report: BenchReport): Table | null {
  const problems = report.verification.filter((v) => v.status === 'mismatch');
  if (problems.length === 0) return null;
  return {
    title: 'Answers that were not verified (these engines were not timed on these workflows)',
    headers: ['workflow', 'engine', 'matched', 'detail'],
    alignRight: [false, false, true, false],
    rows: problems.map((v) => [v.workflow, v.engine, `${v.matched}/${v.inputs}`, v.detail ?? '']),
    notes: [],
  };
}

export function summaryRows(report: BenchReport): Table[] {
  return [comparisonTable, throughputTable, latencyTable, fanoutTable, retryTable, microTable, verificationTable]
    .map((build) => build(report))
    .filter((table): table is Table => table !== null);
}
