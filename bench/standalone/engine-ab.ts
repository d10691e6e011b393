/**
 * Two builds of the engine side by side in one process (issue 20): the same shapes as
 * bench/standalone/engine-shapes.ts (a Map of N items with ItemSelector + Task + ResultSelector, a
 * Parallel, one retry), the built-in workloads, the engine's own share of them (`…-engine`:
 * handlers replaying a recorded answer), and the payload-size walk alone over each
 * workload's inputs (`bound-…`), each run by build A and build B in
 * interleaved rounds, so a change is judged on this noisy machine by the ratio B / A from
 * the same run (min / median / max over rounds). Outputs are compared before timing.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/a   # at the commit before
 *   npx tsc -p tsconfig.json --outDir /tmp/b   # at the commit after
 *   node --import tsx/esm bench/standalone/engine-ab.ts --a /tmp/a --b /tmp/b [--rounds 9] [--time 200] [--only map-1000,account-opening] [--clock cpu]
 *
 * `--clock cpu` times each round by the process's CPU time (process.cpuUsage()) instead of
 * the wall clock: on a machine shared with other work, time spent descheduled then does not
 * count. The last column compares each build's fastest round, the one least disturbed.
 *
 * A build directory holds `src/index.js` (tsc's output); it needs a package.json saying
 * `"type": "module"` in it or above it, and a node_modules (a link to this checkout's) there too.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { builtinWorkloads } from '../../workloads/index.js';
import type { Workload } from '../../workloads/types.js';
import { median } from '../median.js';
import { replayingHandlers } from './replaying-handlers.js';
import { flaky, mapDefinition, mapInput, MAP_LIMITS, parallelDefinition, parallelInput, price, retryDefinition, timePerCall } from './shapes.js';

const { values: args } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '9' },
    time: { type: 'string', default: '200' },
    only: { type: 'string' },
    clock: { type: 'string', default: 'wall' },
  },
});
if (args.clock !== 'wall' && args.clock !== 'cpu') throw new Error('--clock: wall or cpu');
if (args.a === undefined || args.b === undefined) throw new Error('--a and --b: the two build directories');
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args.time);
const ONLY = args.only?.split(',') ?? null;

/** Microseconds of CPU time per call of `fn`, over `ms` milliseconds of wall time. */
async function cpuTimePerCall(fn: () => unknown, ms: number): Promise<number> {
  let calls = 0;
  const start = process.cpuUsage();
  const end = performance.now() + ms;
  do {
    const r = fn();
    if (r instanceof Promise) await r;
    calls++;
  } while (performance.now() < end);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}
const time = args.clock === 'cpu' ? cpuTimePerCall : timePerCall;

/** What this harness uses of a build. */
interface Engine {
  compile(
    definition: unknown,
    options?: Record<string, unknown>,
  ): { run(input: unknown): unknown; execute(input: unknown): Promise<{ output: unknown; status: string }> };
  virtualClock(): unknown;
  /** From the build's src/run/limits.js: the payload-size bound every state's check starts with. */
  payloadBound(value: unknown, limit: number): number;
}

async function load(dir: string): Promise<Engine> {
  const index = (await import(pathToFileURL(resolve(dir, 'src/index.js')).href)) as Omit<Engine, 'payloadBound'>;
  const limits = (await import(pathToFileURL(resolve(dir, 'src/run/limits.js')).href)) as Pick<Engine, 'payloadBound'>;
  return { compile: index.compile, virtualClock: index.virtualClock, payloadBound: limits.payloadBound };
}
const engines = { A: await load(args.a), B: await load(args.b) };

type Run = () => unknown;
interface Case {
  readonly name: string;
  readonly make: (engine: Engine) => Run;
}

const output = (r: unknown) => r as { status: string; output: unknown; error?: string; cause?: string };
function runOf(machine: ReturnType<Engine['compile']>, input: unknown): Run {
  return () => {
    const r = machine.run(input);
    return r instanceof Promise ? r.then((settled) => output(settled).output) : output(r).output;
  };
}

const cases: Case[] = [];
for (const n of [10, 1_000, 100_000]) {
  const input = mapInput(n);
  cases.push({
    name: `map-${n}`,
    make: (e) => runOf(e.compile(mapDefinition(0), { handlers: { price }, limits: MAP_LIMITS }), input),
  });
}
for (const branches of [2, 10]) {
  const definition = parallelDefinition(branches);
  cases.push({ name: `parallel-${branches}`, make: (e) => runOf(e.compile(definition, { handlers: { price } }), parallelInput) });
}
{
  cases.push({
    name: 'retry',
    make: (e) => {
      const machine = e.compile(retryDefinition, { handlers: { flaky }, clock: e.virtualClock() });
      return () => machine.execute({ n: 1 }).then((r) => r.output);
    },
  });
}
/** A workload's JSONPath definition and its JSONata twin, each with its case-name suffix. */
function twinsOf(workload: Workload): [string, Record<string, unknown>][] {
  return workload.jsonataDefinition === null
    ? [['', workload.definition]]
    : [
        ['', workload.definition],
        ['-jsonata', workload.jsonataDefinition],
      ];
}
for (const workload of builtinWorkloads) {
  const inputs = Array.from({ length: 64 }, (_, i) => workload.generateInput(1, i, workload.sizes.quick));
  for (const [language, definition] of twinsOf(workload)) {
    cases.push({
      name: `${workload.name}${language}`,
      make: (e) => {
        const machine = e.compile(definition, { handlers: workload.handlers, clock: e.virtualClock() });
        let i = 0;
        return () => {
          const r = machine.run(inputs[i++ & 63]);
          return r instanceof Promise ? r.then((s) => s) : r;
        };
      },
    });
  }
}

for (const workload of builtinWorkloads) {
  if (workload.name === 'video-transcode') continue; // asynchronous handlers: a replayed promise would be shared
  const inputs = Array.from({ length: 64 }, (_, i) => workload.generateInput(1, i, workload.sizes.quick));
  for (const [language, definition] of twinsOf(workload)) {
    cases.push({
      name: `${workload.name}${language}-engine`,
      make: (e) => {
        const machine = e.compile(definition, { handlers: replayingHandlers(workload.handlers), clock: e.virtualClock() });
        let i = 0;
        return () => machine.run(inputs[i++ & 63]);
      },
    });
  }
}

// The payload-size walk alone, over each workload's inputs (whether it fits is the answer compared).
for (const workload of builtinWorkloads) {
  const inputs = Array.from({ length: 64 }, (_, i) => workload.generateInput(1, i, workload.sizes.quick));
  cases.push({
    name: `bound-${workload.name}`,
    make: (e) => {
      let i = 0;
      return () => e.payloadBound(inputs[i++ & 63], 262_144) <= 262_144;
    },
  });
}

const comparable = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (x !== null && typeof x === 'object' && 'startDate' in x ? { ...x, startDate: 0, stopDate: 0, executionArn: 0, name: 0 } : x));

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`A: ${args.a}\nB: ${args.b}\nclock: ${args.clock}`);
const rows: Record<string, string>[] = [];
for (const c of cases) {
  if (ONLY !== null && !ONLY.includes(c.name)) continue;
  const a = c.make(engines.A);
  const b = c.make(engines.B);
  // Answers first: both builds must agree.
  for (let i = 0; i < 64; i++) {
    const [outA, outB] = [await a(), await b()];
    if (comparable(outA) !== comparable(outB)) throw new Error(`${c.name}: the two builds' outputs differ`);
  }
  await time(a, ROUND_MS / 2);
  await time(b, ROUND_MS / 2);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      ta.push(await time(a, ROUND_MS));
      tb.push(await time(b, ROUND_MS));
    } else {
      tb.push(await time(b, ROUND_MS));
      ta.push(await time(a, ROUND_MS));
    }
  }
  const ratios = tb.map((t, i) => t / ta[i]!).sort((x, y) => x - y);
  rows.push({
    case: c.name,
    'A µs': median(ta).toFixed(2),
    'B µs': median(tb).toFixed(2),
    'B/A min': ratios[0]!.toFixed(3),
    'B/A median': median(ratios).toFixed(3),
    'B/A max': ratios[ratios.length - 1]!.toFixed(3),
    'fastest B / fastest A': (Math.min(...tb) / Math.min(...ta)).toFixed(3),
  });
}
console.table(rows);
