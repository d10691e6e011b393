import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compare } from '../../bench/scenarios/throughput.js';
import type { ThroughputRecord } from '../../bench/report/types.js';

const latency = { count: 10, meanUs: 12, p50Us: 10, p90Us: 20, p99Us: 30, p999Us: 40, maxUs: 50 };

/** A sequential in-process record with these rounds (executions/s, CPU µs per execution). */
function sequential(engine: ThroughputRecord['engine'], roundsPerSecond: number[], roundsCpuUsPerExecution: number[]): ThroughputRecord {
  const sorted = [...roundsPerSecond].sort((a, b) => a - b);
  const perSecond = sorted[sorted.length >> 1]!;
  return {
    workflow: 'w',
    engine,
    mode: 'inproc',
    concurrency: 1,
    threads: null,
    batch: null,
    executions: 100,
    elapsedMs: 1000,
    perSecond,
    usPerExecution: 1e6 / perSecond,
    latency,
    roundsPerSecond,
    roundsCpuUsPerExecution,
  };
}

test('the ratio to the baseline is taken round by round, then the median', () => {
  // A slow spell of the machine in rounds 2 and 3 slows both contenders alike: each round's
  // ratio is 2; the ratio of the medians (100,000 / 40,000) would say 2.5.
  const baseline = sequential('baseline', [100_000, 20_000, 25_000], [10, 50, 40]);
  const statemill = sequential('statemill', [50_000, 10_000, 12_500], [20, 100, 80]);
  const comparison = compare('w', [baseline, statemill], 'skipped')!;
  assert.is(comparison.ratioToBaseline, 2);
  assert.is(comparison.cpuRatioToBaseline, 2);
  assert.is(comparison.statemillUs, 80);
  assert.is(comparison.baselineUs, 40);
});

test('the CPU-time ratio leaves out a round the machine took from one contender', () => {
  // Round 2 of statemill lost wall time to other processes; its CPU time did not change.
  const baseline = sequential('baseline', [100_000, 100_000, 100_000], [10, 10, 10]);
  const statemill = sequential('statemill', [50_000, 20_000, 20_000], [15, 15, 15]);
  const comparison = compare('w', [baseline, statemill], 'skipped')!;
  assert.is(comparison.ratioToBaseline, 5);
  assert.is(comparison.cpuRatioToBaseline, 1.5);
});

test('rounds that do not pair up fall back to the ratio of the medians; no CPU figures, no CPU ratio', () => {
  const baseline = sequential('baseline', [100_000, 80_000], []);
  const statemill = sequential('statemill', [40_000, 50_000, 45_000], []);
  const comparison = compare('w', [baseline, statemill], 'skipped')!;
  assert.is(comparison.ratioToBaseline, 2.22);
  assert.is(comparison.cpuRatioToBaseline, null);
});

test('the peer is compared round by round with statemill', () => {
  const baseline = sequential('baseline', [100_000, 50_000, 100_000], [10, 20, 10]);
  const statemill = sequential('statemill', [50_000, 25_000, 50_000], [20, 40, 20]);
  const peer = sequential('aws-local-stepfunctions', [1000, 500, 1000], [1000, 2000, 1000]);
  const comparison = compare('w', [baseline, statemill, peer], 'measured')!;
  assert.is(comparison.speedupOverPeer, 50);
  assert.is(comparison.peer, 'measured');
});

test.run();
