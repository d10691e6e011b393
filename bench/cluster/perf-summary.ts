/**
 * Reads a `perf record -a -g` of a cluster run (bench/cluster/profile.ts --perf) into where
 * each process spent its CPU: every sample's stack is charged to the first area found from
 * its leaf up (garbage collection, V8's compiler, BullMQ, ioredis, msgpackr, the engine,
 * node's socket code…, or the kernel when no JavaScript is on the stack). Unlike V8's
 * profiler, perf samples CPU time, not wall time, so a thread descheduled by a busy
 * neighbour is not charged for the wait; and it sees Redis and the kernel too.
 */
import { spawnSync } from 'node:child_process';
import { areaOf } from './cpu-profile.js';

export interface ProcessSamples {
  readonly samples: number;
  /** Samples by area, most first. */
  readonly areas: readonly [area: string, samples: number][];
}

/** Samples of the processes `pids` (by name), leaving out stacks through `excludeFunction` (the handler's own work). */
export function perfSamples(file: string, pids: ReadonlyMap<number, string>, excludeFunction: string | null): Map<string, ProcessSamples> {
  const script = spawnSync('perf', ['script', '-i', file, '-F', 'pid,tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (script.status !== 0) throw new Error(`perf script failed: ${script.stderr}`);
  const counts = new Map<string, Map<string, number>>();
  const excluded = excludeFunction === null ? null : new RegExp(`^JS:[*^~]?${excludeFunction} `);
  for (const sample of script.stdout.split('\n\n')) {
    const lines = sample.split('\n').filter((line) => line.trim() !== '');
    const head = /^\s*(\d+)\/\d+/.exec(lines[0] ?? '');
    const name = head === null ? undefined : pids.get(Number(head[1]));
    if (name === undefined) continue;
    const frames = lines
      .slice(1)
      .map((line) => /^\s*[0-9a-f]+\s+(.*?)(?:\+0x[0-9a-f]+)?\s+\((.*)\)\s*$/.exec(line))
      .filter((m) => m !== null);
    if (excluded !== null && frames.some((m) => excluded.test(m[1]!))) continue;
    const area = areaOfStack(frames.map((m) => [m[1]!, m[2]!] as const));
    const byArea = counts.get(name) ?? new Map<string, number>();
    byArea.set(area, (byArea.get(area) ?? 0) + 1);
    counts.set(name, byArea);
  }
  const summary = new Map<string, ProcessSamples>();
  for (const [name, byArea] of counts) {
    const areas = [...byArea.entries()].sort((a, b) => b[1] - a[1]);
    summary.set(name, { samples: areas.reduce((sum, [, n]) => sum + n, 0), areas });
  }
  return summary;
}

function areaOfStack(frames: readonly (readonly [symbol: string, dso: string])[]): string {
  if (frames.some(([symbol]) => /Scavenge|MarkCompact|ConcurrentMarking|Heap::CollectGarbage|Sweeper/.test(symbol))) return 'garbage collection';
  if (frames.some(([symbol]) => symbol.includes('compiler::') || /Compile(Lazy|Optimized|Baseline)|OptimizingCompileDispatcher|Maglev/.test(symbol)))
    return "V8's compiler";
  for (const [symbol] of frames) {
    // perf-basic-prof names a JavaScript function `JS:*name url:line:column` (* optimised, ^ baseline, ~ interpreted).
    const js = /^JS:[*^~]?(\S*) (\S+?):\d+(?::\d+)?$/.exec(symbol);
    if (js === null) continue;
    const area = areaOf(js[1]!, js[2]!.startsWith('/') ? `file://${js[2]}` : js[2]!);
    if (area !== 'native') return area;
  }
  const [leaf, dso] = frames[0] ?? ['?', '?'];
  if (dso.includes('kernel')) return frames.some(([symbol]) => symbol.includes('do_syscall')) ? 'kernel: system calls' : 'kernel: other';
  if (dso.includes('redis-server')) return 'redis-server';
  return `native: ${leaf.slice(0, 60)}`;
}
