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
 * Runs the subject for `durationMs` after a full garbage collection and `warmupMs` of warm-up.
 * The warm-up comes after the collection, and interleaved rounds need it every time: a full
 * collection made while none of a subject's objects are alive frees the hidden classes V8
 * holds only weakly (those reached by property transitions: class instances with fields,
 * objects built key by key), and the optimised code built on them is thrown away ("weak
 * objects") and rebuilt while the next executions run. Measured with
 * bench/standalone/after-full-gc.ts: statemill's executions in the first 100 ms after such a
 * collection cost 4–6× its steady CPU time, and up to 300 ms pass before it is back (the
 * hand-written baselines 1.4–1.7× for 100 ms); without a warm-up every round after the first
 * charged the engine that recompilation.
 */
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
