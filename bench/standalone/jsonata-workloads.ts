/**
 * The built-in workloads' JSONata twins against their hand-written baselines and their
 * JSONPath twins, for one or two builds of the engine in one process (issue 20, targets 3
 * and 4): time per execution, sequential latency percentiles and bytes allocated per
 * execution, each subject interleaved round by round with the others, so ratios come from
 * the same run on a shared, noisy machine. Outputs are checked against the baseline first.
 *
 * Bytes per execution are also counted by V8's sampling heap profiler ('B/exec sampled'),
 * which sees every allocation and moves less between runs than the heap growth.
 *
 * Time is the process's CPU time (user + system) per execution, which other processes on
 * the machine disturb less than wall time; `--wall` measures wall time instead. Latencies
 * are per execution, wall clock, in the same rounds. Bytes per execution are measured as
 * engine-alloc.ts does, when the process runs with --expose-gc (and a large young
 * generation, so no collection runs inside a batch).
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/a   # at the commit before (see engine-ab.ts for the build directory)
 *   npx tsc -p tsconfig.json --outDir /tmp/b   # at the commit after
 *   node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 --import tsx/esm \
 *     bench/standalone/jsonata-workloads.ts --a /tmp/a --b /tmp/b [--rounds 15] [--time 200]
 *
 * Without --a/--b, this checkout's own source is the one build. `--workload <name>` runs one
 * workload; `--execute` times `machine.execute()` (a promise per execution, as `statemill
 * bench` calls it) instead of `machine.run()`. `--cpu-latency` records each execution's CPU
 * time (the process's, GC threads included, read before and after each call: about a
 * microsecond added to every subject alike) instead of its wall time, so that the percentiles
 * show what the engine costs and not when other processes took the cores.
 *
 * The tail: a young-generation collection (scavenge) costs 0.3–2 ms, far above an
 * execution's own time, so a subject's p99.9 is a collection's pause as soon as more than one
 * execution in a thousand meets one — that is, when it allocates more than a thousandth of a
 * semi-space per execution. The table gives, per subject, the executions per scavenge in its
 * own rounds (the collections whose start fell inside them) and the scavenges' median pause.
 */
import { cpus, loadavg } from 'node:os';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { median } from '../median.js';
import { sampledBytesPerCall } from './heap-sampling.js';

const { values: args } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '15' },
    time: { type: 'string', default: '200' },
    wall: { type: 'boolean', default: false },
    workload: { type: 'string' },
    execute: { type: 'boolean', default: false },
    'cpu-latency': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args.time);

interface Machine {
  run(input: unknown): unknown;
  execute(input: unknown): Promise<unknown>;
}
interface Engine {
  compile(definition: unknown, options?: Record<string, unknown>): Machine;
  virtualClock(): unknown;
}
interface Workload {
  readonly name: string;
  readonly definition: unknown;
  readonly jsonataDefinition: unknown;
  readonly handlers: Record<string, unknown>;
  readonly sizes: { readonly quick: Record<string, unknown> };
  generateInput(seed: number, index: number, options: Record<string, unknown>): unknown;
  baseline(input: unknown): unknown;
}

async function load(dir: string | null): Promise<{ label: string; engine: Engine; workloads: readonly Workload[] }> {
  const src = dir === null ? new URL('../../src/index.js', import.meta.url).href : pathToFileURL(resolve(dir, 'src/index.js')).href;
  const wl = dir === null ? new URL('../../workloads/index.js', import.meta.url).href : pathToFileURL(resolve(dir, 'workloads/index.js')).href;
  const engine = (await import(src)) as Engine;
  const { builtinWorkloads } = (await import(wl)) as { builtinWorkloads: readonly Workload[] };
  return { label: dir ?? 'this checkout', engine, workloads: builtinWorkloads };
}
const builds = args.a === undefined ? [await load(null)] : [await load(args.a), ...(args.b === undefined ? [] : [await load(args.b)])];

/** One thing timed: a function of the execution's number. */
interface Subject {
  readonly name: string;
  readonly call: (i: number) => unknown;
  readonly times: number[];
  readonly latency: hdr.Histogram;
  /** The wall-clock windows of its timed rounds, to attribute collections to it. */
  readonly windows: [number, number][];
  bytes: number;
  sampledBytes: number;
}

/** Every young-generation collection of the run: start (performance.now() time) and pause, ms. */
const scavenges: [number, number][] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as { detail?: { kind?: number } }).detail;
    if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavenges.push([entry.startTime, entry.duration]);
  }
}).observe({ entryTypes: ['gc'] });

const gc = (globalThis as { gc?: () => void }).gc;
const settle = async (r: unknown) => (r instanceof Promise ? await r : r);
const outcomeOf = (r: unknown) => {
  const result = r as { status?: string; output?: unknown; error?: unknown; cause?: unknown };
  return result.status === 'SUCCEEDED' ? result.output : [result.error, result.cause];
};

/** CPU (or wall) microseconds per call over `ms` of wall time; each call's wall (or CPU) time into `latency`. */
async function timeCalls(call: (i: number) => unknown, ms: number, latency: hdr.Histogram | null, windows: [number, number][] | null): Promise<number> {
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  const cpu = process.cpuUsage();
  let before = start;
  if (args['cpu-latency'] && latency !== null) {
    do {
      const own = process.cpuUsage();
      const r = call(calls);
      if (r instanceof Promise) await r;
      calls++;
      const used = process.cpuUsage(own);
      latency.recordValue(Math.max(1, (used.user + used.system) * 1000));
      before = performance.now();
    } while (before < end);
  } else {
    do {
      const r = call(calls);
      if (r instanceof Promise) await r;
      calls++;
      const now = performance.now();
      latency?.recordValue(Math.round((now - before) * 1e6));
      before = now;
    } while (before < end);
  }
  windows?.push([start, before]);
  if (args.wall) return ((performance.now() - start) * 1000) / calls;
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / calls;
}

const SAMPLED_CALLS = 20_000;

/** Median bytes allocated per call (engine-alloc.ts's method). */
async function allocated(call: (i: number) => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) await settle(call(i));
  for (let batch = 0; batch < 15; batch++) {
    gc!();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      const r = call(i);
      if (r instanceof Promise) await r;
    }
    samples.push((process.memoryUsage().heapUsed - before) / 200);
  }
  return median(samples);
}

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(builds.map((b, i) => `build ${String.fromCharCode(65 + i)}: ${b.label}`).join('\n'));
console.log(
  `${ROUNDS} rounds of ${ROUND_MS} ms per subject, ${args.wall ? 'wall' : 'CPU'} time per execution, latency percentiles in ${args['cpu-latency'] ? 'CPU' : 'wall'} time`,
);

const chosen = builds[0]!.workloads.filter((w) => args.workload === undefined || w.name === args.workload);
if (chosen.length === 0) throw new Error(`no workload '${args.workload}'`);
if (args.execute) console.log('engines called through machine.execute() (a promise per execution)');
for (const workload of chosen) {
  if (workload.jsonataDefinition === null) {
    console.log(`\n${workload.name}: no JSONata twin (skipped, as statemill bench --jsonata skips it)`);
    continue;
  }
  const inputs = Array.from({ length: 64 }, (_, i) => workload.generateInput(1, i, workload.sizes.quick));
  const subject = (name: string, call: (i: number) => unknown): Subject => ({
    name,
    call,
    times: [],
    latency: hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: 3 }),
    windows: [],
    bytes: NaN,
    sampledBytes: NaN,
  });
  const subjects: Subject[] = [subject('baseline', (i) => workload.baseline(inputs[i & 63]))];
  const first = builds[0]!.engine;
  const jsonPath = first.compile(workload.definition, { handlers: workload.handlers, clock: first.virtualClock() });
  const runOf = (machine: Machine) => (args.execute ? (i: number) => machine.execute(inputs[i & 63]) : (i: number) => machine.run(inputs[i & 63]));
  subjects.push(subject(`JSONPath (${builds.length > 1 ? 'A' : 'engine'})`, runOf(jsonPath)));
  builds.forEach((build, b) => {
    const own = build.workloads.find((w) => w.name === workload.name)!;
    const machine = build.engine.compile(own.jsonataDefinition, { handlers: own.handlers, clock: build.engine.virtualClock() });
    subjects.push(subject(`JSONata${builds.length > 1 ? ` (${String.fromCharCode(65 + b)})` : ''}`, runOf(machine)));
  });

  // Answers first: every subject must end as the baseline does.
  for (let i = 0; i < 64; i++) {
    const expected = outcomeOf(await settle(subjects[0]!.call(i)));
    for (const s of subjects.slice(1)) {
      const got = outcomeOf(await settle(s.call(i)));
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(expected)))) {
        throw new Error(`${workload.name}, ${s.name}: input ${i} ends differently from the baseline`);
      }
    }
  }
  for (const s of subjects) await timeCalls(s.call, ROUND_MS, null, null);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) s.times.push(await timeCalls(s.call, ROUND_MS, s.latency, s.windows));
  }
  await new Promise((resolve) => setTimeout(resolve, 20)); // the rounds' collections reach the observer
  if (gc !== undefined) for (const s of subjects) s.bytes = await allocated(s.call);
  for (const s of subjects) s.sampledBytes = await sampledBytesPerCall(s.call, SAMPLED_CALLS);

  const base = subjects[0]!;
  // With two builds, each build's JSONata twin against build A's, round by round (the rounds sit side by side).
  const firstJsonata = subjects[2]!;
  const row = (s: Subject) => {
    const ratios = s.times.map((t, r) => t / base.times[r]!).sort((x, y) => x - y);
    const againstA = s.times.map((t, r) => t / firstJsonata.times[r]!);
    const µs = (percentile: number) => s.latency.getValueAtPercentile(percentile) / 1000;
    const p999 = µs(99.9);
    const own = scavenges.filter(([at]) => s.windows.some(([from, to]) => at >= from && at < to));
    return {
      subject: s.name,
      'µs/exec (median)': median(s.times).toFixed(2),
      '× baseline min': ratios[0]!.toFixed(2),
      '× baseline median': median(ratios).toFixed(2),
      '× baseline max': ratios[ratios.length - 1]!.toFixed(2),
      ...(builds.length > 1 ? { 'JSONata × A (median)': s.name.startsWith('JSONata') ? median(againstA).toFixed(3) : '' } : {}),
      'p50 µs': µs(50).toFixed(1),
      'p99 µs': µs(99).toFixed(1),
      'p99.9 µs': p999.toFixed(1),
      'p99.9 × baseline': (p999 / (base.latency.getValueAtPercentile(99.9) / 1000)).toFixed(2),
      'exec/scavenge': own.length === 0 ? '—' : (s.latency.totalCount / own.length).toFixed(0),
      'scavenge ms': own.length === 0 ? '—' : median(own.map(([, pause]) => pause)).toFixed(2),
      'B/exec': Number.isNaN(s.bytes) ? '—' : s.bytes.toFixed(0),
      'B × baseline': Number.isNaN(s.bytes) ? '—' : (s.bytes / base.bytes).toFixed(2),
      'B/exec sampled': s.sampledBytes.toFixed(0),
    };
  };
  console.log(`\n${workload.name}`);
  console.table(subjects.map(row));
}
