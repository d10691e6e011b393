/**
 * Reads V8 CPU profiles (.cpuprofile, as `node --cpu-prof` or the inspector writes them) into
 * where a thread spent its time: self time by area (garbage collection, BullMQ, ioredis,
 * msgpackr, the engine, node's own socket and thread code…) and by function, within a time
 * window, so the cluster's part of a run can be told from the rest.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ThreadTime {
  /** µs sampled in the window, idle included. */
  readonly totalUs: number;
  /** µs the thread was not idle. */
  readonly busyUs: number;
  /** Self time by area, costliest first. */
  readonly areas: readonly [area: string, us: number][];
  /** Self time by function (`name area:line`), costliest first. */
  readonly functions: readonly [fn: string, us: number][];
}

/** The area a function belongs to, from its script's URL. */
export function areaOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8 and native (program)';
  if (url === '') return functionName.startsWith('(') ? functionName : 'native';
  if (url.includes('/node_modules/bullmq/')) return 'bullmq';
  if (url.includes('/node_modules/ioredis/') || url.includes('/node_modules/@ioredis/') || url.includes('/node_modules/redis-parser/')) return 'ioredis';
  if (url.includes('/node_modules/msgpackr/')) return 'msgpackr';
  if (url.includes('/node_modules/hdr-histogram-js/')) return 'latency histogram';
  if (url.includes('/node_modules/')) return url.slice(url.lastIndexOf('/node_modules/') + 14).split('/')[0]!;
  if (url.startsWith('node:net') || url.startsWith('node:internal/stream') || url.includes('stream_base')) return 'node sockets and streams';
  if (url.startsWith('node:internal/worker') || url.includes('worker_threads') || url.includes('per_context/messageport')) return 'node thread messages';
  if (url.startsWith('node:')) return 'node (other)';
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1).replace(/\.(ts|js)$/, '');
  const bench = url.indexOf('/bench/');
  if (bench >= 0) return 'bench driver';
  return url;
}

/** Self time of `file`'s thread between `fromUs` and `toUs` (the profile's own clock: µs, as startTime), or all of it. */
export function threadTime(file: string, window?: { readonly fromUs: number; readonly toUs: number }): ThreadTime {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let busy = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) continue;
    const node = byId.get(profile.samples[i]!)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(functionName, url);
    total += delta;
    if (area === 'idle') continue;
    busy += delta;
    areas.set(area, (areas.get(area) ?? 0) + delta);
    const fn = `${functionName || '(anonymous)'} ${area}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalUs: total, busyUs: busy, areas: sorted(areas), functions: sorted(functions) };
}

/** The profile's start and end on its own clock (µs). */
export function profileSpan(file: string): { readonly startUs: number; readonly endUs: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  return { startUs: profile.startTime, endUs: profile.endTime };
}

/** A thread's busy time as lines: areas with their share, then the top functions. */
export function describeThread(title: string, time: ThreadTime, perUnit: { readonly count: number; readonly unit: string }, top = 12): string {
  const share = (us: number) => `${((100 * us) / Math.max(1, time.busyUs)).toFixed(1)} %`;
  const per = (us: number) => `${(us / perUnit.count).toFixed(2)} µs/${perUnit.unit}`;
  const lines = [`### ${title}: busy ${(time.busyUs / 1000).toFixed(0)} ms of ${(time.totalUs / 1000).toFixed(0)} ms sampled, ${per(time.busyUs)}`, ''];
  lines.push('| area | share of busy | per ' + perUnit.unit + ' |', '|---|---:|---:|');
  for (const [area, us] of time.areas.slice(0, top)) lines.push(`| ${area} | ${share(us)} | ${per(us)} |`);
  lines.push('', '| function (self time) | share of busy |', '|---|---:|');
  for (const [fn, us] of time.functions.slice(0, top)) lines.push(`| ${fn.replace(/\|/g, '\\|')} | ${share(us)} |`);
  return lines.join('\n');
}

/** A node of a sampling heap profile (HeapProfiler.stopSampling). */
export interface AllocationNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly AllocationNode[];
}

/** Bytes allocated per function (where the allocation happened), costliest first, as lines. */
export function describeAllocations(head: AllocationNode, perUnit: { readonly count: number; readonly unit: string }, top = 12): string {
  const sites = new Map<string, number>();
  let total = 0;
  const visit = (node: AllocationNode, caller: string) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const here = `${functionName || '(anonymous)'} ${areaOf(functionName, url)}:${lineNumber + 1}`;
    const site = `${here} ← ${caller}`;
    if (node.selfSize > 0) {
      sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) visit(child, here);
  };
  visit(head, '');
  const lines = [
    `### client allocations: ${(total / perUnit.count).toFixed(0)} bytes/${perUnit.unit}`,
    '',
    `| where (← caller) | bytes/${perUnit.unit} |`,
    '|---|---:|',
  ];
  for (const [site, bytes] of [...sites.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`| ${site.replace(/\|/g, '\\|')} | ${(bytes / perUnit.count).toFixed(0)} |`);
  return lines.join('\n');
}
