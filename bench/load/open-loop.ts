/**
 * Open-loop load at a target rate: execution k is due at start + k / rate whether or not
 * earlier ones have finished, and its latency counts from when it was due, not from when
 * it was started. A stall therefore shows up in every execution it delayed, which corrects
 * the coordinated omission a closed loop suffers.
 */
import { nanosecondHistogram, summarizeLatency, type LatencySummary } from '../histogram.js';
import { isPromiseLike, type Subject } from '../engines/subject.js';

export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Most executions in flight; past it the dispatcher waits (their latency keeps counting). */
  readonly maxInFlight: number;
  readonly onProgress?: (executions: number, elapsedMs: number) => void;
}

export interface OpenLoopResult {
  readonly targetPerSecond: number;
  readonly achievedPerSecond: number;
  readonly executions: number;
  readonly elapsedMs: number;
  readonly latency: LatencySummary;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms >= 1 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

export async function openLoop(subject: Subject, inputs: readonly unknown[], options: OpenLoopOptions): Promise<OpenLoopResult> {
  const histogram = nanosecondHistogram();
  const intervalMs = 1000 / options.ratePerSecond;
  const started = performance.now();
  const deadline = started + options.durationMs;
  let scheduled = 0;
  let done = 0;
  let inFlight = 0;
  let lastProgress = started;
  let slotFreed: (() => void) | null = null;

  function finish(dueAt: number): void {
    const end = performance.now();
    histogram.recordValue(Math.max(1, Math.round((end - dueAt) * 1e6)));
    done++;
    inFlight--;
    if (slotFreed !== null) {
      const wake = slotFreed;
      slotFreed = null;
      wake();
    }
    if (options.onProgress !== undefined && end - lastProgress >= 250) {
      lastProgress = end;
      options.onProgress(done, end - started);
    }
  }

  for (;;) {
    const dueAt = started + scheduled * intervalMs;
    if (dueAt >= deadline) break;
    const now = performance.now();
    if (now < dueAt) {
      await pause(dueAt - now);
      continue;
    }
    if (inFlight >= options.maxInFlight) {
      await new Promise<void>((resolve) => (slotFreed = resolve));
      continue;
    }
    const input = inputs[scheduled % inputs.length];
    scheduled++;
    inFlight++;
    const out = subject.run(input);
    if (isPromiseLike(out))
      out.then(
        () => finish(dueAt),
        () => finish(dueAt),
      );
    else finish(dueAt);
    // When behind schedule, still let completions and timers run now and then.
    if (scheduled % 64 === 0) await pause(0);
  }
  while (inFlight > 0) await pause(1);
  const elapsedMs = performance.now() - started;
  return {
    targetPerSecond: options.ratePerSecond,
    achievedPerSecond: (done * 1000) / elapsedMs,
    executions: done,
    elapsedMs,
    latency: summarizeLatency(histogram),
  };
}
