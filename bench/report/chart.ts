/**
 * Charts of a run, rendered to SVG by Apache ECharts (server-side rendering, no browser):
 * in-process throughput per engine, pool throughput against threads and batch size, and
 * latency percentiles. ECharts is a development dependency: without it, no charts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchReport, ThroughputRecord } from './types.js';

interface ChartApi {
  init(
    dom: null,
    theme: null,
    options: { renderer: 'svg'; ssr: true; width: number; height: number },
  ): {
    setOption(option: Record<string, unknown>): void;
    renderToSVGString(): string;
    dispose(): void;
  };
}

export interface WrittenChart {
  /** File name, relative to the results directory (as the Markdown report links it). */
  readonly file: string;
  readonly path: string;
}

const WIDTH = 900;
const HEIGHT = 420;
/** Room for a legend of up to three rows (workloads × thread counts). */
const POOL_HEIGHT = 500;
const FONT = { fontFamily: 'Helvetica, Arial, sans-serif' };

async function loadECharts(): Promise<ChartApi | null> {
  try {
    return (await import('echarts')) as unknown as ChartApi;
  } catch {
    return null;
  }
}

function render(api: ChartApi, option: Record<string, unknown>, height = HEIGHT): string {
  const chart = api.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: FONT, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function engineLabel(record: ThroughputRecord): string {
  return record.concurrency === 1 ? record.engine : `${record.engine} (${record.concurrency} in flight)`;
}

/** The machine and, when the run recorded one, what else it was doing (figures never go without it). */
function subtitle(report: BenchReport): string {
  const m = report.machine;
  const machine = `${m.cpuModel}, ${m.cores} cores, Node ${m.nodeVersion}, load ${m.loadAverage.join('/')} · ${report.startedAt.slice(0, 10)}`;
  return report.options.note === null ? machine : `${machine}\n${report.options.note}`;
}

/** Executions per second of each engine on each workload, in-process (log scale: they span orders of magnitude). */
function inProcessOption(report: BenchReport): Record<string, unknown> | null {
  const records = report.throughput.filter((r) => r.mode === 'inproc');
  if (records.length === 0) return null;
  const workflows = [...new Set(records.map((r) => r.workflow))];
  const series = [...new Set(records.map(engineLabel))].map((label) => ({
    name: label,
    type: 'bar',
    data: workflows.map((w) => records.find((r) => r.workflow === w && engineLabel(r) === label)?.perSecond ?? null),
    label: { show: true, position: 'top', fontSize: 9, formatter: (p: { value: number }) => Math.round(p.value).toLocaleString('en-US') },
  }));
  return {
    title: { text: 'In-process executions per second (higher is better)', subtext: subtitle(report), left: 'center' },
    legend: { bottom: 0, itemGap: 28 },
    grid: { top: 84, bottom: 60, left: 70, right: 20 },
    xAxis: { type: 'category', data: workflows },
    yAxis: { type: 'log', name: 'executions/s', logBase: 10 },
    series,
  };
}

/** Pool throughput against batch size, one line per workload and thread count. */
function poolOption(report: BenchReport): Record<string, unknown> | null {
  const records = report.throughput.filter((r) => r.mode === 'pool' && r.threads !== null && r.batch !== null);
  if (records.length === 0) return null;
  const batches = [...new Set(records.map((r) => r.batch!))].sort((a, b) => a - b);
  const lines = [...new Set(records.map((r) => `${r.workflow} · ${r.threads} thread${r.threads === 1 ? '' : 's'}`))];
  const series = lines.map((name) => ({
    name,
    type: 'line',
    symbolSize: 7,
    data: batches.map(
      (batch) => records.find((r) => `${r.workflow} · ${r.threads} thread${r.threads === 1 ? '' : 's'}` === name && r.batch === batch)?.perSecond ?? null,
    ),
  }));
  return {
    title: { text: 'Pool executions per second against threads and batch size', subtext: subtitle(report), left: 'center' },
    legend: { bottom: 0, itemGap: 20 },
    grid: { top: 84, bottom: 120, left: 70, right: 30 },
    xAxis: { type: 'category', name: 'batch size', nameLocation: 'middle', nameGap: 28, data: batches.map(String) },
    yAxis: { type: 'log', name: 'executions/s', logBase: 10 },
    series,
  };
}

/** p50 … max latency, from the open-loop runs when there are any, else from the sequential runs. */
function latencyOption(report: BenchReport): Record<string, unknown> | null {
  const rows =
    report.latency.length > 0
      ? report.latency.map((r) => ({ name: `${r.workflow} @ ${Math.round(r.targetPerSecond)}/s`, latency: r.latency }))
      : report.throughput
          .filter((r) => r.engine === 'statemill' && r.mode === 'inproc' && r.concurrency === 1)
          .map((r) => ({ name: r.workflow, latency: r.latency }));
  if (rows.length === 0) return null;
  const percentiles = [
    ['p50', 'p50Us'],
    ['p90', 'p90Us'],
    ['p99', 'p99Us'],
    ['p99.9', 'p999Us'],
    ['max', 'maxUs'],
  ] as const;
  return {
    title: {
      text: report.latency.length > 0 ? 'statemill latency percentiles, open loop at a target rate (µs)' : 'statemill latency percentiles, sequential (µs)',
      subtext: subtitle(report),
      left: 'center',
    },
    legend: { bottom: 0, itemGap: 28 },
    grid: { top: 84, bottom: 60, left: 70, right: 20 },
    xAxis: { type: 'category', data: rows.map((r) => r.name) },
    yAxis: { type: 'log', name: 'µs', logBase: 10 },
    series: percentiles.map(([name, key]) => ({ name, type: 'bar', data: rows.map((r) => Math.max(0.01, r.latency[key])) })),
  };
}

export async function writeCharts(report: BenchReport, directory: string): Promise<WrittenChart[]> {
  const api = await loadECharts();
  if (api === null) return [];
  const charts: [string, Record<string, unknown> | null, number][] = [
    ['inprocess', inProcessOption(report), HEIGHT],
    ['pool', poolOption(report), POOL_HEIGHT],
    ['latency', latencyOption(report), HEIGHT],
  ];
  const written: WrittenChart[] = [];
  await mkdir(directory, { recursive: true });
  for (const [kind, option, height] of charts) {
    if (option === null) continue;
    const file = `${report.label}-${kind}.svg`;
    const path = join(directory, file);
    await writeFile(path, render(api, option, height));
    written.push({ file, path });
  }
  return written;
}
