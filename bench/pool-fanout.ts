/**
 * Map fan-out across the pool: one Map of 1,000 items, each about 0.2 ms of CPU, spread
 * over T threads with pool.runMap, and as a whole execution whose Map fans out from inside
 * a worker (register with mapFanOut). Target: done in at most 1.2 × (1,000 × 0.2 ms / T).
 * The ideal is also given from the measured cost of the same items run one after another
 * on the main thread (the in-process Map), since "0.2 ms" is calibrated, not exact. The
 * in-process Map and the pools take turns, round after round; figures are medians.
 *
 *   node --import tsx/esm bench/pool-fanout.ts [items, default 1000] [ms per item, default 0.2]
 */
import { isDeepStrictEqual } from 'node:util';
import { compile } from '../src/compile/machine.js';
import { createPool, type Pool } from '../src/pool/index.js';
import { handlers } from './pool-handlers.js';
import { bareThreads, cores, fanOutDefinition, fixed, poolHandlersModule, printMachine, roundsFor } from './pool-support.js';
import { median } from './median.js';

const ITEMS = Number(process.argv[2] ?? 1000);
const ITEM_MS = Number(process.argv[3] ?? 0.2);
const RUNS = 9;

const rounds = roundsFor(ITEM_MS);
const items = Array.from({ length: ITEMS }, (_, seed) => ({ rounds, seed }));
const machine = compile(fanOutDefinition, { handlers });

async function inProcessMs(): Promise<{ ms: number; output: unknown }> {
  const began = performance.now();
  const result = await machine.execute({ items });
  return { ms: performance.now() - began, output: result.output };
}

printMachine();
console.log(`${ITEMS} items of ${rounds.toLocaleString('en-US')} hash rounds (≈${ITEM_MS} ms each when calibrated); medians of ${RUNS} interleaved rounds.\n`);

const pools: Pool[] = [];
try {
  const expected = (await inProcessMs()).output;
  const parent = { executionName: 'bench', executionInput: { items }, executionStartMs: Date.now(), remainingMs: Infinity, variables: [] };
  const request = { state: '/States/Each', inputs: items, maxConcurrency: 0, toleratedFailures: -1, parent };
  for (let threads = 1; threads <= cores; threads++) {
    const pool = createPool({ threads });
    pools.push(pool);
    pool.register('fan', { definition: fanOutDefinition, handlers: poolHandlersModule, mapFanOut: true });
    const first = await pool.runMap('fan', request);
    if (!isDeepStrictEqual(first.outputs, expected)) throw new Error('fan-out outputs differ from the in-process Map');
    const whole = await pool.execute('fan', { items });
    if (!isDeepStrictEqual(whole.output, expected)) throw new Error('the fanned-out execution differs from the in-process one');
  }
  const local: number[] = [];
  const times: number[][] = pools.map(() => []);
  const executions: number[][] = pools.map(() => []);
  const bare: number[][] = pools.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    local.push((await inProcessMs()).ms);
    for (const [i, pool] of pools.entries()) {
      let began = performance.now();
      await pool.runMap('fan', request);
      times[i]!.push(performance.now() - began);
      began = performance.now();
      await pool.execute('fan', { items });
      executions[i]!.push(performance.now() - began);
      bare[i]!.push(await bareThreads(i + 1, rounds, 200));
    }
  }
  const localMs = median(local);
  console.log(`In-process Map (iterations one after another on the main thread): ${fixed(localMs)} ms, so ${fixed((localMs / ITEMS) * 1000, 0)} µs per item.`);
  console.log('The last column is what bare worker threads (a hash loop, no pool) got in the same rounds, against one: the parallelism the shared machine gave.\n');
  console.log('"runMap" is the Map alone; "execute" is a whole execution whose Map, running in a worker, fans out through the main thread.\n');
  console.log('| threads | runMap ms (median) | best | execute ms (median) | target 1.2 × nominal ideal | runMap × nominal ideal | runMap × measured ideal | bare threads × one |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  const bareOne = median(bare[0]!);
  for (const [i, samples] of times.entries()) {
    const threads = i + 1;
    const nominal = (ITEMS * ITEM_MS) / threads;
    const measured = localMs / threads;
    const ms = median(samples);
    console.log(
      `| ${threads} | ${fixed(ms)} | ${fixed(Math.min(...samples))} | ${fixed(median(executions[i]!))} | ${fixed(1.2 * nominal)} | ${fixed(ms / nominal, 2)} | ${fixed(ms / measured, 2)} | ${fixed(median(bare[i]!) / bareOne, 2)} |`,
    );
  }
} finally {
  await Promise.all(pools.map((pool) => pool.close()));
}
