import { median } from './median.js';

/**
 * How the harness writes its figures, in the progress lines and in every table alike, so a
 * figure reads the same wherever it appears: rates per second, and latencies with their unit.
 */

/** Executions (or operations) per second: whole numbers with separators from 100 up, three significant digits below. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return Math.round(perSecond).toLocaleString('en-US');
  return perSecond.toPrecision(3);
}

/** A latency given in microseconds, with its unit: µs below 1 ms, ms from there. */
export function formatLatency(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(us >= 100 ? 0 : 1)} µs`;
}

/** Repeated measurements as min / median / max, each written by `format` (formatRate, formatLatency, …). */
export function formatSpread(values: readonly number[], format: (value: number) => string): string {
  return `${format(Math.min(...values))} / ${format(median(values))} / ${format(Math.max(...values))}`;
}
