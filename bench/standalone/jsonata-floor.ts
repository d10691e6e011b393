/**
 * How close account-opening's JSONata twin can get (issue 20, target 3): the engine running
 * the twin, against the twin written by hand doing only what AWS's semantics oblige
 * (account-opening-floor.ts: the same handler calls, size checks, quotas and Conditions),
 * against the workload's hand-written baseline (which checks nothing), in interleaved
 * rounds of one process. Per round, each subject's CPU time per execution
 * (process.cpuUsage(), so time other processes take does not count); the ratios engine ÷
 * floor, floor ÷ baseline and engine ÷ baseline round by round, min / median / max. The
 * `…, engine share` rows run the engine and the floor with handlers that replay their first
 * answer (as engine-ab.ts's `…-engine` cases), so what is left is each one's own work; the
 * last table is each caller's time with the real handlers less its time with the replaying
 * ones (the handler calls' share, the same replaying handlers on both sides), round by round.
 * Every subject's outcome is checked against the baseline's first.
 *
 *   node --import tsx/esm bench/standalone/jsonata-floor.ts [--rounds 21] [--time 200] [--build /tmp/b]
 *
 * `--build` runs another build's tsc output (see engine-ab.ts for building one) as the engine.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { accountOpening } from '../../workloads/account-opening/workload.js';
import type { WorkloadHandlers } from '../../workloads/types.js';
import { median } from '../median.js';
import { runAccountOpeningFloor } from './account-opening-floor.js';
import { replayingHandlers } from './replaying-handlers.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '21' },
    time: { type: 'string', default: '200' },
    build: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args.time);

interface Engine {
  compile(definition: unknown, options?: Record<string, unknown>): { run(input: unknown): unknown };
  virtualClock(): unknown;
}
const engine = (await import(
  args.build === undefined ? new URL('../../src/index.js', import.meta.url).href : pathToFileURL(resolve(args.build, 'src/index.js')).href
)) as Engine;

const inputs = Array.from({ length: 64 }, (_, i) => accountOpening.generateInput(1, i, accountOpening.sizes.quick));
const replaying = replayingHandlers(accountOpening.handlers);
const machine = (definition: unknown, handlers: WorkloadHandlers) => engine.compile(definition, { handlers, clock: engine.virtualClock() });
const jsonata = machine(accountOpening.jsonataDefinition, accountOpening.handlers);
const jsonpath = machine(accountOpening.definition, accountOpening.handlers);
const jsonataReplaying = machine(accountOpening.jsonataDefinition, replaying);

type Subject = (input: unknown) => unknown;
const subjects: Record<string, Subject> = {
  baseline: (input) => accountOpening.baseline(input),
  floor: (input) => runAccountOpeningFloor(input, accountOpening.handlers),
  'engine, JSONata': (input) => jsonata.run(input),
  'engine, JSONPath': (input) => jsonpath.run(input),
  'floor, engine share': (input) => runAccountOpeningFloor(input, replaying),
  'engine, JSONata, engine share': (input) => jsonataReplaying.run(input),
};

// Answers first: every subject's outcome is the baseline's (the replaying ones after their first answers, which are the real ones).
const outcome = (r: unknown) => {
  const { status, output, error } = r as { status: string; output?: unknown; error?: unknown };
  return status === 'SUCCEEDED' ? { status, output } : { status, error };
};
for (const [name, run] of Object.entries(subjects)) {
  if (name.endsWith('engine share')) continue;
  for (const input of inputs) {
    if (!isDeepStrictEqual(outcome(run(input)), outcome(accountOpening.baseline(input)))) throw new Error(`${name}: an outcome differs from the baseline's`);
  }
}

/** Microseconds of CPU time per execution over `ms` milliseconds of wall time, cycling through the inputs. */
function cpuTimePerCall(run: Subject, ms: number): number {
  let calls = 0;
  const start = process.cpuUsage();
  const end = performance.now() + ms;
  do {
    run(inputs[calls & 63]);
    calls++;
  } while (performance.now() < end);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load at start ${load()}`);
console.log(`engine: ${args.build ?? 'this checkout'}; ${ROUNDS} rounds of ${ROUND_MS} ms per subject, CPU clock`);
const names = Object.keys(subjects);
for (const name of names) cpuTimePerCall(subjects[name]!, ROUND_MS / 2);
const times = new Map<string, number[]>(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Each round starts with another subject, so none always follows the same one.
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length]!;
    times.get(name)!.push(cpuTimePerCall(subjects[name]!, ROUND_MS));
  }
}
console.log(`load at end ${load()}`);
console.table(names.map((name) => ({ subject: name, 'CPU µs, median round': median(times.get(name)!).toFixed(2) })));

/** Min / median / max of per-round values, under the column `column` naming them. */
function spread(column: string, name: string, values: number[]): Record<string, string> {
  const sorted = [...values].sort((x, y) => x - y);
  return { [column]: name, min: sorted[0]!.toFixed(2), median: median(sorted).toFixed(2), max: sorted[sorted.length - 1]!.toFixed(2) };
}
function ratio(over: string, under: string): Record<string, string> {
  const b = times.get(under)!;
  return spread(
    'ratio',
    `${over} ÷ ${under}`,
    times.get(over)!.map((t, i) => t / b[i]!),
  );
}
console.table([
  ratio('engine, JSONata', 'floor'),
  ratio('floor', 'baseline'),
  ratio('engine, JSONata', 'baseline'),
  ratio('engine, JSONPath', 'floor'),
  ratio('engine, JSONPath', 'baseline'),
  ratio('engine, JSONata, engine share', 'floor, engine share'),
]);

/** Per round: `real` less `replaying`, in µs. */
function difference(real: string, replaying: string): Record<string, string> {
  const b = times.get(replaying)!;
  return spread(
    'handler calls, µs',
    `${real} − ${replaying}`,
    times.get(real)!.map((t, i) => t - b[i]!),
  );
}
console.table([difference('engine, JSONata', 'engine, JSONata, engine share'), difference('floor', 'floor, engine share')]);
