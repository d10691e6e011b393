/**
 * Latency histograms (hdr-histogram-js). In-process runs record nanoseconds; the pool's
 * sharded load mode records microseconds; summaries are always in microseconds.
 */
import * as hdr from 'hdr-histogram-js';
import { percentile } from '../src/pool/latency.js';

export type Histogram = hdr.Histogram;

export interface LatencySummary {
  count: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

export function nanosecondHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: 3 });
}

function rounded(value: number): number {
  return value >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
}

/** Percentiles in microseconds; `unitNs` is the size of one recorded unit in nanoseconds. */
export function summarizeLatency(histogram: Histogram, unitNs = 1): LatencySummary {
  const us = unitNs / 1000;
  return {
    count: histogram.totalCount,
    meanUs: rounded(histogram.mean * us),
    p50Us: rounded(percentile(histogram, 50) * us),
    p90Us: rounded(percentile(histogram, 90) * us),
    p99Us: rounded(percentile(histogram, 99) * us),
    p999Us: rounded(percentile(histogram, 99.9) * us),
    maxUs: rounded(histogram.maxValue * us),
  };
}
