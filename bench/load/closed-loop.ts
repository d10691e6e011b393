/**
 * Closed-loop load: `concurrency` lanes, each starting its next execution as soon as its
 * previous one ends, for a fixed time. Measures throughput and per-execution latency.
 * A synchronous subject (the baseline) runs in a tight loop without awaiting anything.
 */
import { nanosecondHistogram, summarizeLatency, type Histogram, type LatencySummary } from '../histogram.js';
import { isPromiseLike, type Subject } from '../engines/subject.js';
import { collectGarbage } from '../gc.js';

export interface ClosedLoopOptions {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Record into this histogram (to merge rounds); a fresh one by default. */
  readonly histogram?: Histogram;
  /** Called now and then with the executions done so far (for the progress line). */
  readonly onProgress?: (executions: number, elapsedMs: number) => void;
}

export interface LoadResult {
  readonly executions: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  /** This process's CPU time (user + system, all its threads) over the measured executions, in µs. */
  readonly cpuUs: number;
  readonly latency: LatencySummary;
}

const PROGRESS_EVERY_MS = 250;

/**
 * The warm-up of a round of interleaved measurements: the whole warm-up before the first, at
 * most one round's length before each later one. closedLoop() collects all garbage before it
 * measures, and a full collection made while none of a subject's objects are alive (its
 * previous round ended two collections ago) lets their hidden classes die, and with them
 * the optimized code built on them: V8 deoptimizes it ("weak objects") and optimizes it
 * again inside the measured time. After one such collection the engine had 32 functions
 * deoptimized and 45 optimized again, the hand-written loop 7 and 13; over the next 300 ms an
 * execution that retries cost the engine 11× its steady CPU time, the loop 1.5× (on this
 * machine, under load). Without a warm-up after the collection every round after the first
 * charged the engine that recompilation. Every contender warms up alike.
 */
export function roundWarmupMs(round: number, warmupMs: number, roundMs: number): number {
  return round === 0 ? warmupMs : Math.min(warmupMs, roundMs);
}

export async function closedLoop(subject: Subject, inputs: readonly unknown[], options: ClosedLoopOptions): Promise<LoadResult> {
  collectGarbage();
  if (options.warmupMs > 0) await drive(subject, inputs, options.concurrency, options.warmupMs, null, undefined);
  const histogram = options.histogram ?? nanosecondHistogram();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const executions = await drive(subject, inputs, options.concurrency, options.durationMs, histogram, options.onProgress);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = performance.now() - started;
  return { executions, elapsedMs, perSecond: (executions * 1000) / elapsedMs, cpuUs: cpu.user + cpu.system, latency: summarizeLatency(histogram) };
}

async function drive(
  subject: Subject,
  inputs: readonly unknown[],
  concurrency: number,
  durationMs: number,
  histogram: Histogram | null,
  onProgress: ClosedLoopOptions['onProgress'],
): Promise<number> {
  const started = performance.now();
  const deadline = started + durationMs;
  let next = 0;
  let done = 0;
  let lastProgress = started;

  function record(begin: number, end: number): void {
    done++;
    histogram?.recordValue(Math.max(1, Math.round((end - begin) * 1e6)));
    if (onProgress !== undefined && end - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = end;
      onProgress(done, end - started);
    }
  }

  async function lane(): Promise<void> {
    for (;;) {
      const begin = performance.now();
      if (begin >= deadline) return;
      const input = inputs[next++ % inputs.length];
      const out = subject.run(input);
      if (isPromiseLike(out)) await out;
      record(begin, performance.now());
    }
  }

  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, concurrency); i++) lanes.push(lane());
  await Promise.all(lanes);
  return done;
}
