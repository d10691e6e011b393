/**
 * What one retry costs (an execution that retries once − one that does not), for two builds of
 * the engine and the same retry written by hand, in interleaved rounds of one process (issue
 * 20, target 2). Each side sleeps on a virtual clock of its own build, through the same
 * `clock.sleep()` path; every side is called the same way (a promise awaited per execution:
 * the engine by execute(), the loop as an async function), and the failing handler throws an
 * Error made once. Outputs are compared before timing.
 *
 *   node --import tsx/esm bench/standalone/retry-ab.ts --a /tmp/a --b /tmp/b [--rounds 21] [--time 100] [--clock cpu]
 *
 * `--clock cpu` times by the process's CPU time, so that time spent descheduled on a shared
 * machine does not count. Build directories as for engine-ab.ts (tsc's output, with a
 * package.json saying `"type": "module"` and a node_modules link).
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../median.js';

const { values: args } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '21' },
    time: { type: 'string', default: '100' },
    clock: { type: 'string', default: 'cpu' },
  },
});
if (args.a === undefined || args.b === undefined) throw new Error('--a and --b: the two build directories');
if (args.clock !== 'wall' && args.clock !== 'cpu') throw new Error('--clock: wall or cpu');
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args.time);

interface Engine {
  compile(definition: unknown, options: Record<string, unknown>): { execute(input: unknown): Promise<{ status: string; output: unknown }> };
  virtualClock(): { sleep(ms: number): Promise<void> };
}
async function load(dir: string): Promise<Engine> {
  return (await import(pathToFileURL(resolve(dir, 'src/index.js')).href)) as Engine;
}

interface FlakyInput {
  readonly failures: number;
  readonly n: number;
}
/** Made once: a fresh Error's stack capture would be the handler's cost, not the retry's. */
const busy = Object.assign(new Error('busy'), { name: 'Service.Busy' });
function flaky(input: FlakyInput, ctx: { attempt: number }): { n: number } {
  if (ctx.attempt <= input.failures) throw busy;
  return { n: input.n + 1 };
}
const definition = {
  StartAt: 'Call',
  States: {
    Call: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Service.Busy'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 }], End: true },
  },
};

type Run = (input: FlakyInput) => Promise<unknown>;
function engineRun(engine: Engine): Run {
  const machine = engine.compile(definition, { handlers: { flaky }, clock: engine.virtualClock() });
  return (input) => machine.execute(input).then((r) => r.output);
}
/** The Retry field written by hand, on a virtual clock of build A. */
function loopRun(engine: Engine): Run {
  const clock = engine.virtualClock();
  return async function retryByHand(input) {
    for (let attempt = 1; ; attempt++) {
      try {
        return flaky(input, { attempt });
      } catch (error) {
        if ((error as Error).name !== 'Service.Busy' || attempt > 2) throw error;
        await clock.sleep(1000 * 2 ** (attempt - 1));
      }
    }
  };
}

async function perCall(run: Run, input: FlakyInput, ms: number): Promise<number> {
  let calls = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  do {
    await run(input);
    calls++;
  } while (performance.now() < end);
  if (args.clock === 'wall') return ((performance.now() - start) * 1000) / calls;
  const used = process.cpuUsage(cpuStart);
  return (used.user + used.system) / calls;
}

const [a, b] = [await load(args.a), await load(args.b)];
const sides: Record<string, Run> = { A: engineRun(a), B: engineRun(b), loop: loopRun(a) };
const noRetry: FlakyInput = { failures: 0, n: 1 };
const oneRetry: FlakyInput = { failures: 1, n: 1 };
for (const input of [noRetry, oneRetry]) {
  const answers = await Promise.all(Object.values(sides).map((run) => run(input)));
  if (new Set(answers.map((answer) => JSON.stringify(answer))).size !== 1) throw new Error(`the sides answer differently: ${JSON.stringify(answers)}`);
}
for (const run of Object.values(sides)) {
  await perCall(run, noRetry, 300);
  await perCall(run, oneRetry, 300);
}

const overheads: Record<string, number[]> = { A: [], B: [], loop: [] };
const costs: Record<string, { no: number[]; one: number[] }> = { A: { no: [], one: [] }, B: { no: [], one: [] }, loop: { no: [], one: [] } };
for (let round = 0; round < ROUNDS; round++) {
  for (const side of round % 2 === 0 ? ['A', 'B', 'loop'] : ['loop', 'B', 'A']) {
    const no = await perCall(sides[side]!, noRetry, ROUND_MS);
    const one = await perCall(sides[side]!, oneRetry, ROUND_MS);
    costs[side]!.no.push(no);
    costs[side]!.one.push(one);
    overheads[side]!.push(one - no);
  }
}

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`A: ${args.a}\nB: ${args.b}\nclock: ${args.clock}, ${ROUNDS} rounds of ${ROUND_MS} ms per case`);
const us = (value: number) => value.toFixed(2);
console.table(
  Object.keys(sides).map((side) => ({
    side,
    'no retry µs': us(median(costs[side]!.no)),
    'one retry µs': us(median(costs[side]!.one)),
    'overhead µs (median)': us(median(overheads[side]!)),
    'overhead µs (min)': us(Math.min(...overheads[side]!)),
  })),
);
console.table(
  ['A', 'B'].map((side) => {
    const ratios = overheads[side]!.map((overhead, round) => overhead / overheads.loop![round]!);
    return {
      'overhead / loop': side,
      'median of rounds': us(median(ratios)),
      'of medians': us(median(overheads[side]!) / median(overheads.loop!)),
      'of minimums': us(Math.min(...overheads[side]!) / Math.min(...overheads.loop!)),
    };
  }),
);
