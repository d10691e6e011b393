/**
 * What a full garbage collection made while no execution is in flight costs the executions
 * after it: CPU time per execution in short windows right after a forced full collection, for
 * statemill and for the hand-written baseline, in one process.
 *
 *   node --import tsx/esm bench/standalone/after-full-gc.ts [--workload account-opening] [--collections 5] [--window 100]
 *
 * Why: objects built property by property (class instances with fields, JSON assembled from
 * templates) get their hidden classes through transitions, which V8 holds weakly. When no
 * object of such a class is alive, a full collection frees the class, and optimised code
 * that embedded it is thrown away ("weak objects" in --trace-deopt) and rebuilt while the
 * next executions run. `statemill bench` collects garbage before each measured round, so
 * every round warms up again first (bench/load/closed-loop.ts); this shows
 * how long that recovery takes.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { compile, virtualClock } from '../../src/index.js';
import { builtinWorkloads } from '../../workloads/index.js';
import { collectGarbage } from '../gc.js';
import { median } from '../median.js';

const { values: args } = parseArgs({
  options: {
    workload: { type: 'string', default: 'account-opening' },
    collections: { type: 'string', default: '5' },
    window: { type: 'string', default: '100' },
  },
});
const workload = builtinWorkloads.find((w) => w.name === args.workload);
if (workload === undefined) throw new Error(`--workload: no built-in workload '${args.workload}'`);
const collections = Number(args.collections);
const windowMs = Number(args.window);
const WINDOWS = 8;

const inputs = Array.from({ length: 64 }, (_, i) => workload.generateInput(1, i, workload.sizes.quick));
const machine = compile(workload.definition, { handlers: workload.handlers, clock: virtualClock() });
const subjects: Record<string, (i: number) => unknown> = {
  baseline: (i) => workload.baseline(inputs[i & 63]),
  statemill: (i) => machine.execute(inputs[i & 63]),
};

/** CPU µs per execution over `ms` of executions one after another. */
async function window(run: (i: number) => unknown, ms: number): Promise<number> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < ms) {
    const out = run(n++);
    if (out instanceof Promise) await out;
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / n;
}

console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)}`);
console.log(`${workload.name}: CPU µs per execution in ${windowMs} ms windows after a full collection (median of ${collections} collections)\n`);
for (const [name, run] of Object.entries(subjects)) {
  await window(run, 1000);
  const byWindow: number[][] = Array.from({ length: WINDOWS }, () => []);
  for (let c = 0; c < collections; c++) {
    collectGarbage();
    for (let w = 0; w < WINDOWS; w++) byWindow[w]!.push(await window(run, windowMs));
  }
  const steady = median(byWindow[WINDOWS - 1]!);
  const cells = byWindow.map((values) => `${median(values).toFixed(1)} (${(median(values) / steady).toFixed(1)}×)`);
  console.log(`${name.padEnd(10)} ${cells.join('  ')}`);
}
console.log(`\n(×: against the last window; load now ${loadavg()[0]!.toFixed(2)})`);
