/**
 * Pooled payloads (issue 20, target 5): one worker thread, 2 KB inputs, the trivial 6-state
 * workflow, against in-process, every ratio from the same round:
 *
 * - in-process from values: `machine.execute(value)`;
 * - in-process from JSON text: parse the text, execute, write the output as text — what a
 *   caller holding JSON text (an HTTP body, a queue message) does without a pool;
 * - the pool from values (msgpack both ways, outputs as patches over inputs);
 * - the pool from JSON text (`inputJson`: the main thread forwards the bytes, the worker parses);
 * - the pool from JSON text to JSON text (`inputJson` + `outputJson`).
 *
 * Inputs are made before timing (4,096 distinct ones, as values and as text), so the figures
 * are the engines' and not the generator's. Every contender's outputs are checked against
 * in-process outputs first. Contenders take turns, round after round; each round's ratios
 * are taken against that round's in-process figures, and the table gives their min, median
 * and max over the rounds. CPU time per execution of the main and worker threads (Linux
 * /proc) shows which thread limits the pool.
 *
 *   node --import tsx/esm bench/standalone/pool-payloads.ts [seconds per measurement, default 2] [rounds, default 5]
 */
import { isDeepStrictEqual } from 'node:util';
import { compile } from '../../src/compile/machine.js';
import { createPool, type PoolExecuteOptions } from '../../src/pool/index.js';
import { median } from '../median.js';
import { contextInput } from './pool-generators.js';
import { handlers } from './pool-handlers.js';
import { cpuSplit, fixed, poolHandlersModule, printMachine, threadCpuTimes, throughput, trivialDefinition, type CpuSplit } from './pool-support.js';

const seconds = Number(process.argv[2] ?? 2);
const ROUNDS = Number(process.argv[3] ?? 5);
const MEASURE_MS = seconds * 1000;
const WARMUP_MS = 500;
const DISTINCT = 4096;
const POOL_IN_FLIGHT = 1024;
const LOCAL_IN_FLIGHT = 64;

const values = Array.from({ length: DISTINCT }, (_, i) => contextInput(1, i));
const texts = values.map((value) => JSON.stringify(value));
const inputBytes = median(texts.map((text) => Buffer.byteLength(text)));

const machine = compile(trivialDefinition, { handlers });
const pool = createPool({ threads: 1, batch: 256 });
pool.register('trivial', { definition: trivialDefinition, handlers: poolHandlersModule });

interface Contender {
  readonly label: string;
  readonly pooled: boolean;
  /** Starts execution `i`; resolves with its output, as text where the contender answers in text. */
  readonly start: (i: number) => Promise<unknown>;
  /** The output `start` resolved with, as a value (for the check before timing). */
  readonly outputValue: (output: unknown) => unknown;
}

const asIs = (output: unknown) => output;
const parsed = (output: unknown) => JSON.parse(output as string) as unknown;

function pooled(label: string, options: PoolExecuteOptions, text: boolean): Contender {
  return {
    label,
    pooled: true,
    start: (i) => {
      const at = i % DISTINCT;
      return pool.execute('trivial', text ? texts[at] : values[at], options).then((r) => r.output);
    },
    outputValue: options.outputJson ? parsed : asIs,
  };
}

const fromValues: Contender = {
  label: 'in-process, values',
  pooled: false,
  start: (i) => machine.execute(values[i % DISTINCT]).then((r) => r.output),
  outputValue: asIs,
};
const fromText: Contender = {
  label: 'in-process, JSON text in and out',
  pooled: false,
  start: (i) => machine.execute(JSON.parse(texts[i % DISTINCT]!)).then((r) => JSON.stringify(r.output)),
  outputValue: parsed,
};
const contenders: Contender[] = [
  fromValues,
  fromText,
  pooled('pool, values', {}, false),
  pooled('pool, JSON text in (inputJson)', { inputJson: true }, true),
  pooled('pool, JSON text in and out (inputJson, outputJson)', { inputJson: true, outputJson: true }, true),
];

for (const contender of contenders) {
  for (let i = 0; i < 64; i++) {
    const [got, expected] = await Promise.all([contender.start(i), fromValues.start(i)]);
    if (!isDeepStrictEqual(contender.outputValue(got), expected)) throw new Error(`${contender.label}: output differs from in-process at input ${i}`);
  }
}

printMachine();
console.log(
  `1 worker thread, batch 256, a 2 KB workflow context (median ${inputBytes} bytes of JSON) through the trivial 6-state workflow. ` +
    `${seconds} s per measurement after ${WARMUP_MS} ms of warm-up, ${ROUNDS} interleaved rounds; ${POOL_IN_FLIGHT} executions kept submitted to the pool, ${LOCAL_IN_FLIGHT} in-process.\n`,
);

interface Measured {
  readonly rate: number;
  readonly cpu: CpuSplit | null;
}

const runs = new Map<Contender, Measured[]>(contenders.map((c) => [c, []]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const contender of contenders) {
      const inFlight = contender.pooled ? POOL_IN_FLIGHT : LOCAL_IN_FLIGHT;
      await throughput(contender.start, inFlight, WARMUP_MS, 0);
      const before = threadCpuTimes();
      const began = performance.now();
      const rate = await throughput(contender.start, inFlight, MEASURE_MS, 0);
      const executions = (rate * (performance.now() - began)) / 1000;
      runs.get(contender)!.push({ rate, cpu: cpuSplit(before, threadCpuTimes(), contender.pooled ? 1 : 0, executions) });
    }
    process.stderr.write(`round ${round + 1} of ${ROUNDS} done\n`);
  }
} finally {
  await pool.close();
}

/** min / median / max of `values`. */
function spread(values: number[], digits: number): string {
  return `${fixed(Math.min(...values), digits)} / ${fixed(median(values), digits)} / ${fixed(Math.max(...values), digits)}`;
}

function ratios(contender: Contender, base: Contender): number[] {
  const mine = runs.get(contender)!;
  const theirs = runs.get(base)!;
  return mine.map((m, round) => m.rate / theirs[round]!.rate);
}

/**
 * Per round, what the ratio would be if each thread had a core of its own: the baseline's CPU
 * time per execution over that of the contender's busier thread.
 */
function ownCoreRatios(contender: Contender, base: Contender): number[] {
  const mine = runs.get(contender)!;
  const theirs = runs.get(base)!;
  const ratios: number[] = [];
  mine.forEach((m, round) => {
    const baseCpu = theirs[round]!.cpu;
    if (m.cpu !== null && baseCpu !== null) ratios.push(baseCpu.main / Math.max(m.cpu.main, contender.pooled ? m.cpu.worker : 0));
  });
  return ratios;
}

function cpu(contender: Contender, part: 'main' | 'worker'): string {
  const cpus = runs
    .get(contender)!
    .map((m) => m.cpu)
    .filter((c): c is CpuSplit => c !== null);
  return cpus.length === 0 || (part === 'worker' && !contender.pooled) ? '' : fixed(median(cpus.map((c) => c[part])), 1);
}

console.log(
  'Each cell: min / median / max over the rounds. "Own cores": the ratio if every thread had a core to itself (baseline CPU µs per execution over the busier pool thread\'s).\n',
);
console.log(
  '| contender | executions/s | × in-process from values | × in-process from JSON text | × from values, own cores | × from JSON text, own cores | main CPU µs/exec | worker CPU µs/exec |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const contender of contenders) {
  const rates = runs.get(contender)!.map((m) => m.rate);
  const own = (base: Contender) => {
    const r = ownCoreRatios(contender, base);
    return r.length === 0 ? '' : spread(r, 2);
  };
  console.log(
    `| ${contender.label} | ${spread(rates, 0)} | ${spread(ratios(contender, fromValues), 2)} | ${spread(ratios(contender, fromText), 2)} | ${own(fromValues)} | ${own(fromText)} | ${cpu(contender, 'main')} | ${cpu(contender, 'worker')} |`,
  );
}
