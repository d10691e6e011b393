import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBenchOptions } from '../../bench/options.js';
import { writeCharts } from '../../bench/report/chart.js';
import { renderMarkdown } from '../../bench/report/markdown.js';
import { writeResults } from '../../bench/report/results.js';
import { renderSummary } from '../../bench/report/table.js';
import { REPORT_SCHEMA, type BenchReport, type ThroughputRecord } from '../../bench/report/types.js';

const latency = { count: 10, meanUs: 12, p50Us: 10, p90Us: 20, p99Us: 30, p999Us: 40, maxUs: 50 };

function row(
  engine: ThroughputRecord['engine'],
  mode: ThroughputRecord['mode'],
  perSecond: number,
  threads: number | null = null,
  batch: number | null = null,
): ThroughputRecord {
  return {
    workflow: 'order-processing',
    engine,
    mode,
    concurrency: 1,
    threads,
    batch,
    executions: 100,
    elapsedMs: 1000,
    perSecond,
    usPerExecution: 1e6 / perSecond,
    latency,
    roundsPerSecond: [perSecond],
    roundsCpuUsPerExecution: [],
  };
}

function report(): BenchReport {
  return {
    schema: REPORT_SCHEMA,
    label: 'unit',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    command: ['--quick'],
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      nodeVersion: 'v20.0.0',
      v8Version: '11',
      platform: 'linux',
      memoryGiB: 4,
      freeMemoryGiB: 2,
      loadAverage: [0.5, 0.4, 0.3],
    },
    machineNote: 'Shared with other work.',
    options: parseBenchOptions(['--quick', '--note', 'Shared VM.']),
    verification: [
      {
        workflow: 'order-processing',
        engine: 'statemill',
        inputs: 4,
        matched: 3,
        status: 'mismatch',
        detail: 'input #2: /output/total: expected 1, got 2',
        note: null,
      },
    ],
    throughput: [
      row('baseline', 'inproc', 40_000),
      row('statemill', 'inproc', 10_000),
      row('statemill-pool', 'pool', 8000, 2, 16),
      row('statemill-pool', 'pool', 12_000, 2, 64),
    ],
    comparisons: [
      {
        workflow: 'order-processing',
        baselineUs: 25,
        statemillUs: 100,
        ratioToBaseline: 4,
        cpuRatioToBaseline: 4.2,
        peerUs: null,
        speedupOverPeer: null,
        peer: 'no JSONata support',
        statemillOverheadUs: 75,
        peerOverheadUs: null,
        overheadSpeedupOverPeer: null,
      },
    ],
    latency: [],
    fanout: [{ items: 100, mode: 'inproc', threads: 1, itemUs: 200, idealMs: 20, measuredMs: 22, ratioToIdeal: 1.1, runs: 3 }],
    retry: {
      rounds: 5,
      failingCallUs: 5,
      engineNoRetryUs: 3,
      engineOneRetryUs: 20,
      engineOverheadUs: 12,
      handWrittenNoRetryUs: 1,
      handWrittenOneRetryUs: 12,
      handWrittenOverheadUs: 6,
      ratio: 2,
      cpuRatio: 1.8,
    },
    micro: [],
    skipped: ['video-transcode, sharded load mode: not available'],
    notes: [],
  };
}

test('the summary shows verdicts against the targets, unsupported peers and wrong answers', () => {
  const text = renderSummary(report());
  assert.match(text, /Test CPU, 2 cores, Node v20\.0\.0/);
  assert.match(text, /order-processing\s+25\.0 µs\s+100 µs\s+4\.00×\s+NO\s+4\.20×\s+n\/a: no JSONata support/);
  assert.match(text, /statemill\s+3\.0 µs\s+20\.0 µs\s+12\.0 µs\s+2\.00× yes\s+1\.80×/);
  assert.match(text, /5 interleaved rounds, each measuring both sides/);
  assert.match(text, /Answers that were not verified/);
  assert.match(text, /3\/4\s+input #2: \/output\/total: expected 1, got 2/);
  assert.match(text, /Not measured:\n  - video-transcode, sharded load mode/);
});

test('the Markdown report carries the machine, the tables and the charts', () => {
  const markdown = renderMarkdown(report(), ['unit-pool.svg']);
  assert.match(markdown, /^# statemill bench: unit/);
  assert.match(markdown, /- Machine: Test CPU, 2 cores/);
  assert.match(markdown, /\| workload \| baseline \| statemill \|/);
  assert.match(markdown, /!\[unit-pool\.svg\]\(unit-pool\.svg\)/);
});

test('results and charts are written as files', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'statemill-bench-'));
  try {
    const charts = await writeCharts(report(), directory);
    assert.equal(
      charts.map((c) => c.file),
      ['unit-inprocess.svg', 'unit-pool.svg', 'unit-latency.svg'],
    );
    const svg = await readFile(charts[1]!.path, 'utf8');
    assert.match(svg, /^<svg/);
    assert.match(svg, /Shared VM\./);
    const written = await writeResults(
      report(),
      directory,
      charts.map((c) => c.file),
    );
    assert.is((JSON.parse(await readFile(written.json, 'utf8')) as BenchReport).schema, REPORT_SCHEMA);
    assert.match(await readFile(written.markdown, 'utf8'), /unit-latency\.svg/);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test.run();
