import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nanosecondHistogram, summarizeLatency } from '../../bench/histogram.js';
import { latencyHistogram, summarize } from '../../src/pool/latency.js';

// Values recorded at the bottom of their hdr-histogram bucket: the bucket's top is up to 0.1% higher.
const slowest = [69_380_000, 101_250_000, 135_400_000];

for (const value of slowest) {
  test(`bench: no percentile is above the maximum (slowest execution ${value} ns)`, () => {
    const histogram = nanosecondHistogram();
    for (let i = 0; i < 998; i++) histogram.recordValue(1_000);
    histogram.recordValue(value);
    histogram.recordValue(value);
    const summary = summarizeLatency(histogram);
    assert.is(summary.maxUs, Math.round(value / 1000));
    assert.is(summary.p999Us, summary.maxUs);
    assert.is(summary.p50Us, 1);
  });

  test(`pool metrics: no percentile is above the maximum (slowest execution ${value / 1000} µs)`, () => {
    const histogram = latencyHistogram();
    histogram.recordValue(value / 1000);
    const summary = summarize(histogram);
    assert.is(summary.max, value / 1000);
    for (const p of [summary.p50, summary.p90, summary.p99, summary.p999]) assert.ok(p <= summary.max, `${p} µs > max ${summary.max} µs`);
  });
}

test.run();
