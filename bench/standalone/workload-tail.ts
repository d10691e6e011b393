/**
 * The tail of every built-in workload (issue 20, target 4): in-process sequential latency
 * percentiles (p50, p99, p99.9) of statemill running each workload's JSONPath and JSONata
 * twins against its hand-written baseline, in interleaved rounds, with the heap flags Node
 * starts with (no --expose-gc, no semi-space flags: what users run). Outputs are checked
 * against the baseline first.
 *
 *   node --import tsx/esm bench/standalone/workload-tail.ts [--rounds 15] [--time 300] [--workload account-opening] [--build /tmp/b] [--cpu-latency]
 *
 * Per subject: CPU time per execution (the process's user + system time over a round, so
 * time other processes take is not counted) as a ratio to the baseline's in the same round
 * (min / median / max over rounds); each execution's wall time (or, with --cpu-latency, its
 * CPU time) into one histogram over all rounds, whose percentiles are compared with the
 * baseline's; the p99.9 ratio round by round where a round holds at least 2,000 executions;
 * the young-generation collections (scavenges) whose start fell inside the subject's rounds:
 * executions per scavenge, their median and longest pause, and the share of the subject's
 * time spent in them; the other collections there (mark-compact, incremental marking steps,
 * weak callbacks: count and longest pause); and bytes allocated per execution by V8's sampling heap profiler
 * (heap-sampling.ts).
 *
 * Why those: a scavenge pauses the thread for far longer than one execution takes, so once
 * more than one execution in 1,000 meets one, the p99.9 is a scavenge's pause. Executions
 * per scavenge is the semi-space (8 MiB by default on Node 20's 64-bit builds, grown from
 * 1 MiB as the program allocates) over bytes per execution.
 *
 * `--build` runs another build's tsc output (see engine-ab.ts for building one) instead of
 * this checkout's source.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import v8 from 'node:v8';
import * as hdr from 'hdr-histogram-js';
import { median } from '../median.js';
import { sampledBytesPerCall } from './heap-sampling.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    time: { type: 'string', default: '300' },
    workload: { type: 'string' },
    build: { type: 'string' },
    'cpu-latency': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args.time);
const CPU_LATENCY = args['cpu-latency'];
/** Executions a round must hold for its own p99.9 to mean anything (two or more above it). */
const ROUND_P999_CALLS = 2_000;
/** Calls the sampling heap profiler counts: 20,000, or fewer for a slow subject (about a second of its own time). */
const sampledCalls = (cpuMicros: number) => Math.max(200, Math.min(20_000, Math.round(1e6 / cpuMicros)));

interface Machine {
  run(input: unknown): unknown;
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

const root = args.build === undefined ? new URL('../../', import.meta.url).href : pathToFileURL(resolve(args.build) + '/').href;
const engine = (await import(new URL('src/index.js', root).href)) as Engine;
const { builtinWorkloads } = (await import(new URL('workloads/index.js', root).href)) as { builtinWorkloads: readonly Workload[] };

/** Every young-generation collection of the run, and every other (mark-compact, incremental marking, weak callbacks): start (performance.now() time) and pause, ms. */
const scavenges: [number, number][] = [];
const otherCollections: [number, number][] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as { detail?: { kind?: number } }).detail;
    (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? scavenges : otherCollections).push([entry.startTime, entry.duration]);
  }
}).observe({ entryTypes: ['gc'] });

const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: 3 });

/** One thing timed: a function of the execution's number. */
interface Subject {
  readonly name: string;
  readonly call: (i: number) => unknown;
  /** CPU µs per execution, one per round. */
  readonly times: number[];
  /** Nanoseconds per execution, all rounds. */
  readonly latency: hdr.Histogram;
  /** Each round's p99.9 in µs (NaN where the round held too few executions). */
  readonly roundP999: number[];
  /** The wall-clock windows of its timed rounds, to attribute collections to it. */
  readonly windows: [number, number][];
  calls: number;
  sampledBytes: number;
}

const subject = (name: string, call: (i: number) => unknown): Subject => ({
  name,
  call,
  times: [],
  latency: histogram(),
  roundP999: [],
  windows: [],
  calls: 0,
  sampledBytes: NaN,
});

/** One round of `s`: CPU µs per execution; each execution's latency into the subject's histograms. */
async function round(s: Subject, ms: number, record: boolean): Promise<number> {
  const own = histogram();
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  const cpu = process.cpuUsage();
  let before = start;
  if (CPU_LATENCY) {
    do {
      const mark = process.cpuUsage();
      const r = s.call(calls);
      if (r instanceof Promise) await r;
      calls++;
      const used = process.cpuUsage(mark);
      own.recordValue(Math.max(1, (used.user + used.system) * 1000));
      before = performance.now();
    } while (before < end);
  } else {
    do {
      const r = s.call(calls);
      if (r instanceof Promise) await r;
      calls++;
      const now = performance.now();
      own.recordValue(Math.max(1, Math.round((now - before) * 1e6)));
      before = now;
    } while (before < end);
  }
  const used = process.cpuUsage(cpu);
  if (record) {
    s.windows.push([start, before]);
    s.latency.add(own);
    s.roundP999.push(calls >= ROUND_P999_CALLS ? own.getValueAtPercentile(99.9) / 1000 : NaN);
    s.calls += calls;
  }
  own.destroy();
  return (used.user + used.system) / calls;
}

const settle = async (r: unknown) => (r instanceof Promise ? await r : r);
const outcomeOf = (r: unknown) => {
  const result = r as { status?: string; output?: unknown; error?: unknown; cause?: unknown };
  return result.status === 'SUCCEEDED' ? result.output : [result.error, result.cause];
};
const spread = (values: readonly number[], digits = 2) => {
  const known = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return known.length === 0 ? '—' : `${known[0]!.toFixed(digits)} / ${median(known).toFixed(digits)} / ${known[known.length - 1]!.toFixed(digits)}`;
};

const heap = v8.getHeapStatistics();
console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform} ${process.arch}`,
);
console.log(
  `heap flags: ${process.execArgv.filter((a) => a.includes('space') || a.includes('gc')).join(' ') || 'Node defaults'} (heap limit ${(heap.heap_size_limit / 2 ** 20).toFixed(0)} MiB)`,
);
console.log(
  `build: ${args.build ?? 'this checkout (tsx)'}; load at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`${ROUNDS} rounds of ${ROUND_MS} ms per subject, latency in ${CPU_LATENCY ? 'CPU' : 'wall'} time`);

const chosen = builtinWorkloads.filter((w) => args.workload === undefined || w.name === args.workload);
if (chosen.length === 0) throw new Error(`--workload: no built-in workload '${args.workload}'`);
for (const workload of chosen) {
  const inputs = Array.from({ length: 64 }, (_, i) => workload.generateInput(1, i, workload.sizes.quick));
  const subjects: Subject[] = [subject('baseline', (i) => workload.baseline(inputs[i & 63]))];
  for (const [language, definition] of [
    ['JSONPath', workload.definition],
    ['JSONata', workload.jsonataDefinition],
  ] as const) {
    if (definition === null) continue;
    const machine = engine.compile(definition, { handlers: workload.handlers, clock: engine.virtualClock() });
    subjects.push(subject(language, (i) => machine.run(inputs[i & 63])));
  }

  // Answers first: every subject must end as the baseline does.
  for (let i = 0; i < 64; i++) {
    const expected = JSON.stringify(outcomeOf(await settle(subjects[0]!.call(i))));
    for (const s of subjects.slice(1)) {
      const got = JSON.stringify(outcomeOf(await settle(s.call(i))));
      if (!isDeepStrictEqual(JSON.parse(got), JSON.parse(expected)))
        throw new Error(`${workload.name}, ${s.name}: input ${i} ends differently from the baseline`);
    }
  }
  for (const s of subjects) await round(s, ROUND_MS, false);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) s.times.push(await round(s, ROUND_MS, true));
  }
  await new Promise((done) => setTimeout(done, 20)); // the rounds' collections reach the observer
  for (const s of subjects) s.sampledBytes = await sampledBytesPerCall(s.call, sampledCalls(median(s.times)));

  const base = subjects[0]!;
  const µs = (s: Subject, percentile: number) => s.latency.getValueAtPercentile(percentile) / 1000;
  const rows = subjects.map((s) => {
    const inRounds = ([at]: [number, number]) => s.windows.some(([from, to]) => at >= from && at < to);
    const own = scavenges.filter(inRounds);
    const others = otherCollections.filter(inRounds).map(([, pause]) => pause);
    const pauses = own.map(([, pause]) => pause);
    const windowMs = s.windows.reduce((sum, [from, to]) => sum + (to - from), 0);
    return {
      subject: s.name,
      'CPU µs/exec': median(s.times).toFixed(2),
      '× baseline (min / median / max)': s === base ? '' : spread(s.times.map((t, r) => t / base.times[r]!)),
      'p50 µs': µs(s, 50).toFixed(1),
      'p99 µs': µs(s, 99).toFixed(1),
      'p99.9 µs': µs(s, 99.9).toFixed(1),
      'p99.9 × baseline': s === base ? '' : (µs(s, 99.9) / µs(base, 99.9)).toFixed(2),
      'round p99.9 × baseline (min / median / max)': s === base ? '' : spread(s.roundP999.map((p, r) => p / base.roundP999[r]!)),
      'exec/scavenge': own.length === 0 ? '—' : (s.calls / own.length).toFixed(0),
      'scavenge ms (median / max)': own.length === 0 ? '—' : `${median(pauses).toFixed(2)} / ${Math.max(...pauses).toFixed(2)}`,
      'time in scavenges': `${((100 * pauses.reduce((a, b) => a + b, 0)) / windowMs).toFixed(1)}%`,
      'other GCs (count, max ms)': others.length === 0 ? '—' : `${others.length}, ${Math.max(...others).toFixed(2)}`,
      'B/exec': s.sampledBytes.toFixed(0),
      'B × baseline': s === base ? '' : (s.sampledBytes / base.sampledBytes).toFixed(2),
    };
  });
  console.log(`\n${workload.name} (${base.calls} baseline executions timed; load now ${loadavg()[0]!.toFixed(2)})`);
  console.table(rows);
}
