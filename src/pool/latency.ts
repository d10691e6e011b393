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

export function summarize(histogram: Histogram): LatencySummary {
  const max = histogram.maxValue;
  // A percentile is its bucket's top, up to 0.1% above the exact maximum the histogram keeps.
  return {
    count: histogram.totalCount,
    mean: histogram.totalCount === 0 ? 0 : histogram.mean,
    p50: Math.min(histogram.getValueAtPercentile(50), max),
    p90: Math.min(histogram.getValueAtPercentile(90), max),
    p99: Math.min(histogram.getValueAtPercentile(99), max),
    p999: Math.min(histogram.getValueAtPercentile(99.9), max),
    max,
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(text: string): Histogram {
  return decodeFromCompressedBase64(text, 32, false);
}
