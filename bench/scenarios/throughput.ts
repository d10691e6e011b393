/**
 * Throughput of several engines on one workflow, measured in interleaved rounds (A B C,
 * A B C, …) so that a noisy neighbour slows all of them alike; each figure is the median
 * of its rounds, and ratios come from the same run.
 */
import { nanosecondHistogram, summarizeLatency, type Histogram } from '../histogram.js';
import { closedLoop } from '../load/closed-loop.js';
import type { Subject } from '../engines/subject.js';
import type { ModeName } from '../options.js';
import type { Progress } from '../progress.js';
import { formatLatency, formatRate } from '../units.js';
import type { ComparisonRecord, ThroughputRecord } from '../report/types.js';
import { median } from '../median.js';

export interface Contender {
  readonly subject: Subject;
  readonly mode: ModeName;
  readonly concurrency: number;
  readonly threads: number | null;
  readonly batch: number | null;
}

export interface Timing {
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly rounds: number;
}

export function contenderLabel(workflow: string, contender: Contender): string {
  const parts = [workflow, contender.subject.engine];
  if (contender.threads !== null) parts.push(`${contender.threads} threads`, `batch ${contender.batch}`);
  parts.push(contender.concurrency === 1 ? 'sequential' : `${contender.concurrency} in flight`);
  return parts.join(' · ');
}

export async function measureThroughput(
  workflow: string,
  contenders: readonly Contender[],
  inputs: readonly unknown[],
  timing: Timing,
  progress: Progress,
): Promise<ThroughputRecord[]> {
  const state = contenders.map(() => ({
    histogram: nanosecondHistogram() as Histogram,
    rates: [] as number[],
    cpuUsPerExecution: [] as number[],
    executions: 0,
    elapsedMs: 0,
  }));
  const roundMs = timing.durationMs / timing.rounds;
  for (let round = 0; round < timing.rounds; round++) {
    for (let c = 0; c < contenders.length; c++) {
      const contender = contenders[c]!;
      const own = state[c]!;
      const roundNote = timing.rounds > 1 ? ` (round ${round + 1}/${timing.rounds})` : '';
      progress.start(contenderLabel(workflow, contender) + roundNote);
      const result = await closedLoop(contender.subject, inputs, {
        concurrency: contender.concurrency,
        durationMs: roundMs,
        warmupMs: timing.warmupMs,
        histogram: own.histogram,
        onProgress: (executions, elapsedMs) => progress.update(executions, elapsedMs),
      });
      own.rates.push(result.perSecond);
      own.cpuUsPerExecution.push(result.cpuUs / result.executions);
      own.executions += result.executions;
      own.elapsedMs += result.elapsedMs;
      progress.done(`${formatRate(result.perSecond)}/s, p50 ${formatLatency(result.latency.p50Us)}`);
    }
  }
  return contenders.map((contender, c) => throughputRecord(workflow, contender, state[c]!));
}

/** What one contender measured over its rounds, summed up as a ThroughputRecord. */
export interface Measured {
  readonly histogram: Histogram;
  readonly rates: readonly number[];
  /** This process's CPU time per execution in each round (µs), where it measures the contender. */
  readonly cpuUsPerExecution?: readonly number[];
  readonly executions: number;
  readonly elapsedMs: number;
}

export function throughputRecord(workflow: string, contender: Contender, own: Measured): ThroughputRecord {
  const perSecond = median(own.rates);
  return {
    workflow,
    engine: contender.subject.engine,
    mode: contender.mode,
    concurrency: contender.concurrency,
    threads: contender.threads,
    batch: contender.batch,
    executions: own.executions,
    elapsedMs: Math.round(own.elapsedMs),
    perSecond: Math.round(perSecond * 10) / 10,
    usPerExecution: Math.round(1e7 / perSecond) / 10,
    latency: summarizeLatency(own.histogram),
    roundsPerSecond: own.rates.map((rate) => Math.round(rate * 10) / 10),
    roundsCpuUsPerExecution: (own.cpuUsPerExecution ?? []).map((us) => Math.round(us * 100) / 100),
  };
}

function ratio(numerator: number, denominator: number): number {
  return Math.round((numerator / denominator) * 100) / 100;
}

/**
 * How much longer `slower` takes per execution than `faster` (times per execution, by round),
 * round by round (the rounds ran side by side, so a slow spell of the machine touches both),
 * then the median; `null` when the two have no rounds in common.
 */
function roundRatio(slower: readonly number[], faster: readonly number[]): number | null {
  if (slower.length === 0 || slower.length !== faster.length) return null;
  return ratio(median(slower.map((time, round) => time / faster[round]!)), 1);
}

/** `roundRatio` of wall-clock time per execution, or the ratio of the medians where rounds differ. */
function wallRatio(slower: ThroughputRecord, faster: ThroughputRecord): number {
  const timesOf = (record: ThroughputRecord) => record.roundsPerSecond.map((rate) => 1 / rate);
  return roundRatio(timesOf(slower), timesOf(faster)) ?? ratio(slower.usPerExecution, faster.usPerExecution);
}

/** statemill against the baseline and the peer, from the sequential figures of one run. */
export function compare(workflow: string, records: readonly ThroughputRecord[], peerStatus: string): ComparisonRecord | null {
  const sequential = (engine: string) => records.find((r) => r.workflow === workflow && r.engine === engine && r.mode === 'inproc' && r.concurrency === 1);
  const statemill = sequential('statemill');
  if (statemill === undefined) return null;
  const baseline = sequential('baseline');
  const peer = sequential('aws-local-stepfunctions');
  const statemillOverheadUs = baseline === undefined ? null : Math.round((statemill.usPerExecution - baseline.usPerExecution) * 10) / 10;
  const peerOverheadUs = baseline === undefined || peer === undefined ? null : Math.round((peer.usPerExecution - baseline.usPerExecution) * 10) / 10;
  return {
    workflow,
    baselineUs: baseline?.usPerExecution ?? null,
    statemillUs: statemill.usPerExecution,
    ratioToBaseline: baseline === undefined ? null : wallRatio(statemill, baseline),
    cpuRatioToBaseline: baseline === undefined ? null : roundRatio(statemill.roundsCpuUsPerExecution, baseline.roundsCpuUsPerExecution),
    peerUs: peer?.usPerExecution ?? null,
    speedupOverPeer: peer === undefined ? null : wallRatio(peer, statemill),
    peer: peer === undefined ? peerStatus : 'measured',
    statemillOverheadUs,
    peerOverheadUs,
    overheadSpeedupOverPeer:
      statemillOverheadUs === null || peerOverheadUs === null || statemillOverheadUs <= 0 ? null : ratio(peerOverheadUs, statemillOverheadUs),
  };
}
