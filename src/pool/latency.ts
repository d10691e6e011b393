/** Latency histograms: microseconds, 3 significant digits, as hdr-histogram-js records them. */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

export function latencyHistogram(): Histogram {
  return build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** Percentiles of a latency histogram, in microseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/**
 * A percentile, never above the largest value recorded: hdr-histogram answers with the top
 * of the value's bucket (up to 0.1% above it), which for the slowest executions exceeds the
 * exact maximum it keeps, and a table showing p99.9 above max is read as a bug.
 */
export function percentile(histogram: Histogram, percent: number): number {
  return Math.min(histogram.getValueAtPercentile(percent), histogram.maxValue);
}

export function summarize(histogram: Histogram): LatencySummary {
  return {
    count: histogram.totalCount,
    mean: histogram.totalCount === 0 ? 0 : histogram.mean,
    p50: percentile(histogram, 50),
    p90: percentile(histogram, 90),
    p99: percentile(histogram, 99),
    p999: percentile(histogram, 99.9),
    max: histogram.maxValue,
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(text: string): Histogram {
  return decodeFromCompressedBase64(text, 32, false);
}
