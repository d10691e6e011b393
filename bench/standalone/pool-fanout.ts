/**
 * Map fan-out across the pool: one Map of 1,000 items, each about 0.2 ms of CPU, spread
 * over T threads with pool.runMap, and as a whole execution whose Map fans out from inside
 * a worker (register with mapFanOut). Target: done in at most 1.2 × (1,000 × 0.2 ms / T).
 *
 * "0.2 ms" is calibrated, and this VM's cores speed up and slow down by a third from one
 * moment to the next, so the ideal is also given as measured in the same rounds: the same
 * items run one after another on the main thread (the in-process Map), over T. Each item
 * says which thread ran it and when, which gives the timeline of each fan-out: how long
 * before the first item started, how far apart the threads finished, how long after the
 * last item the result was back, and how much of the threads' time went to items.
 * The in-process Map and the pools take turns, round after round; figures are medians.
 *
 *   node --import tsx/esm bench/standalone/pool-fanout.ts [items, default 1000] [ms per item, default 0.2]
 */
import { compile } from '../../src/compile/machine.js';
import { createPool, type Pool } from '../../src/pool/index.js';
import { handlers } from './pool-handlers.js';
import { bareThreads, cores, fanOutDefinition, fixed, poolHandlersModule, printMachine, roundsFor } from './pool-support.js';
import { median } from '../median.js';

const ITEMS = Number(process.argv[2] ?? 1000);
const ITEM_MS = Number(process.argv[3] ?? 0.2);
const RUNS = 9;

const rounds = await roundsFor(ITEM_MS);
const items = Array.from({ length: ITEMS }, (_, seed) => ({ rounds, seed }));
const machine = compile(fanOutDefinition, { handlers });

/** What an iteration of fanOutDefinition returns (the burnTimed handler). */
interface TimedItem {
  readonly hash: number;
  readonly thread: number;
  readonly start: number;
  readonly end: number;
}

/** One fan-out seen from its items: when it was asked for and done, and when each item ran where. */
interface Timeline {
  /** First item started, after the call (ms). */
  readonly startLatency: number;
  /** Last item ended on the thread that finished first, to the last item of all (ms). */
  readonly finishSpread: number;
  /** Last item ended, to the result back with the caller (ms). */
  readonly endLatency: number;
  /** Time spent in items over threads × the whole call. */
  readonly busy: number;
}

function timeline(outputs: unknown[], began: number, ended: number, threads: number): Timeline {
  const timed = outputs as TimedItem[];
  const lastByThread = new Map<number, number>();
  let first = Infinity;
  let last = 0;
  let busy = 0;
  for (const item of timed) {
    first = Math.min(first, item.start);
    last = Math.max(last, item.end);
    busy += item.end - item.start;
    lastByThread.set(item.thread, Math.max(lastByThread.get(item.thread) ?? 0, item.end));
  }
  const finishes = [...lastByThread.values()];
  return {
    startLatency: first - began,
    finishSpread: finishes.length < threads ? last - began : last - Math.min(...finishes),
    endLatency: ended - last,
    busy: busy / (threads * (ended - began)),
  };
}

function hashes(outputs: unknown): number[] {
  return (outputs as TimedItem[]).map((item) => item.hash);
}

const now = () => performance.timeOrigin + performance.now();

async function inProcessMs(): Promise<{ ms: number; output: unknown }> {
  const began = performance.now();
  const result = await machine.execute({ items });
  return { ms: performance.now() - began, output: result.output };
}

printMachine();
console.log(`${ITEMS} items of ${rounds.toLocaleString('en-US')} hash rounds (≈${ITEM_MS} ms each when calibrated); medians of ${RUNS} interleaved rounds.\n`);

const pools: Pool[] = [];
try {
  const expected = hashes((await inProcessMs()).output);
  const parent = { executionName: 'bench', executionInput: { items }, executionStartMs: Date.now(), remainingMs: Infinity, variables: [] };
  const request = { state: '/States/Each', inputs: items, maxConcurrency: 0, toleratedFailures: -1, parent };
  for (let threads = 1; threads <= cores; threads++) {
    const pool = createPool({ threads });
    pools.push(pool);
    pool.register('fan', { definition: fanOutDefinition, handlers: poolHandlersModule, mapFanOut: true });
    const first = await pool.runMap('fan', request);
    if (JSON.stringify(hashes(first.outputs)) !== JSON.stringify(expected)) throw new Error('fan-out outputs differ from the in-process Map');
    const whole = await pool.execute('fan', { items });
    if (JSON.stringify(hashes(whole.output)) !== JSON.stringify(expected)) throw new Error('the fanned-out execution differs from the in-process one');
  }
  const local: number[] = [];
  const times: number[][] = pools.map(() => []);
  const timelines: Timeline[][] = pools.map(() => []);
  const executions: number[][] = pools.map(() => []);
  const bare: number[][] = pools.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    local.push((await inProcessMs()).ms);
    for (const [i, pool] of pools.entries()) {
      let began = now();
      const result = await pool.runMap('fan', request);
      const ended = now();
      times[i]!.push(ended - began);
      timelines[i]!.push(timeline(result.outputs, began, ended, i + 1));
      began = now();
      await pool.execute('fan', { items });
      executions[i]!.push(now() - began);
      bare[i]!.push(await bareThreads(i + 1, rounds, 200));
    }
  }
  const localMs = median(local);
  const bareOne = median(bare[0]!);
  console.log(
    `What an item cost in these rounds: ${fixed((localMs / ITEMS) * 1000, 0)} µs on the main thread (the in-process Map, ${fixed(localMs)} ms for all), ` +
      `${fixed(1e6 / bareOne, 0)} µs in a bare worker thread (the hash loop alone); nominal ${fixed(ITEM_MS * 1000, 0)} µs.`,
  );
  console.log(
    'The measured ideal is the in-process Map over T; "bare threads × one" is what T bare worker threads (no pool) got against one in the same rounds: the parallelism the shared machine gave.\n',
  );
  console.log('"runMap" is the Map alone; "execute" is a whole execution whose Map, running in a worker, fans out through the main thread.\n');
  console.log(
    '| threads | runMap ms (median) | best | execute ms (median) | nominal ideal ms | measured ideal ms | target 1.2 × nominal ideal | runMap × nominal ideal | runMap × measured ideal | bare threads × one |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [i, samples] of times.entries()) {
    const threads = i + 1;
    const nominal = (ITEMS * ITEM_MS) / threads;
    const measured = localMs / threads;
    const ms = median(samples);
    console.log(
      `| ${threads} | ${fixed(ms)} | ${fixed(Math.min(...samples))} | ${fixed(median(executions[i]!))} | ${fixed(nominal)} | ${fixed(measured)} | ${fixed(1.2 * nominal)} | ${fixed(ms / nominal, 2)} | ${fixed(ms / measured, 2)} | ${fixed(median(bare[i]!) / bareOne, 2)} |`,
    );
  }
  console.log('\nTimelines of the runMap calls (medians):\n');
  console.log('| threads | call to first item ms | threads finished within ms | last item to result ms | threads busy with items |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const [i, samples] of timelines.entries()) {
    const of = (field: keyof Timeline) => median(samples.map((t) => t[field]));
    console.log(
      `| ${i + 1} | ${fixed(of('startLatency'), 2)} | ${fixed(of('finishSpread'), 2)} | ${fixed(of('endLatency'), 2)} | ${fixed(of('busy') * 100, 0)}% |`,
    );
  }
} finally {
  await Promise.all(pools.map((pool) => pool.close()));
}
