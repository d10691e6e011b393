/**
 * Shared by the pool benchmarks (bench/standalone/pool-*.ts): timing loops, the machine line, and the
 * workflows and handlers they measure. Run any of them with
 *   node --import tsx/esm bench/standalone/pool-<name>.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describeMachine, machineInfo } from '../machine.js';
import { median } from '../median.js';

export const poolHandlersModule = new URL(import.meta.url.endsWith('.ts') ? './pool-handlers.ts' : './pool-handlers.js', import.meta.url);

export const cores = availableParallelism();

/** Six states of trivial work: three Tasks, a Pass, a Choice, a Succeed. */
export const trivialDefinition = {
  StartAt: 'Receive',
  States: {
    Receive: { Type: 'Task', Resource: 'receive', ResultPath: '$.received', Next: 'Stamp' },
    Stamp: { Type: 'Pass', Result: 'v1', ResultPath: '$.version', Next: 'Price' },
    Price: { Type: 'Task', Resource: 'price', ResultPath: '$.price', Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.price.total', NumericGreaterThan: 100, Next: 'Flag' }], Default: 'Done' },
    Flag: { Type: 'Task', Resource: 'flag', ResultPath: '$.flag', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** One Task burning `ms` of CPU per call. */
export const cpuDefinition = { StartAt: 'Burn', States: { Burn: { Type: 'Task', Resource: 'burn', End: true } } };

/** A Map over `$.items` whose iterations each burn the item's hash rounds, saying when and on which thread. */
export const fanOutDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 0,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Burn', States: { Burn: { Type: 'Task', Resource: 'burnTimed', End: true } } },
      End: true,
    },
  },
};

export function smallInput(i: number): unknown {
  return { orderId: `order-${i}`, customer: `c-${i % 97}`, amount: (i % 250) + 0.5, lines: i % 5 };
}

/** A structured workflow context: nested objects and 16 line items, about 2 KB of JSON. */
export function orderContext(i: number): unknown {
  const items = [];
  for (let k = 0; k < 16; k++) {
    items.push({ sku: `SKU-${i * 16 + k}`, name: `Widget ${k}`, quantity: (k % 5) + 1, unitPrice: 9.99 + k, tags: ['stock', k % 2 === 0 ? 'even' : 'odd'] });
  }
  return {
    orderId: `order-${i}`,
    placedAt: '2026-01-15T09:00:05.000Z',
    customer: {
      id: `c-${i % 97}`,
      name: 'Jane Doe',
      email: 'jane@example.com',
      address: { street: '1 Main St', city: 'Springfield', zip: '12345', country: 'US' },
    },
    items,
    totals: { net: 1234.5, tax: 98.76, currency: 'USD' },
    flags: { rush: i % 3 === 0, gift: false },
  };
}

export function printMachine(): void {
  console.log(`Machine: ${describeMachine(machineInfo())}. Shared with other engineers: figures vary run to run; compare ratios from the same run.`);
}

export function fixed(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Executions per second of `run`, which keeps `inFlight` executions going for `ms` (after `warmupMs`). */
export async function throughput(start: (i: number) => Promise<unknown>, inFlight: number, ms: number, warmupMs: number): Promise<number> {
  if (warmupMs > 0) await drive(start, inFlight, warmupMs);
  const began = performance.now();
  const done = await drive(start, inFlight, ms);
  return (done * 1000) / (performance.now() - began);
}

function drive(start: (i: number) => Promise<unknown>, inFlight: number, ms: number): Promise<number> {
  const stopAt = performance.now() + ms;
  let next = 0;
  let done = 0;
  let running = 0;
  return new Promise((resolve, reject) => {
    function launch(): void {
      while (running < inFlight && performance.now() < stopAt) {
        running++;
        start(next++).then(finished, reject);
      }
      if (running === 0) resolve(done);
    }
    function finished(): void {
      running--;
      done++;
      launch();
    }
    launch();
  });
}

/** Calls `fn` until `ms` have passed; returns calls per second. For synchronous work. */
export function syncThroughput(fn: (i: number) => void, ms: number): number {
  const stopAt = performance.now() + ms;
  const began = performance.now();
  let i = 0;
  while ((i & 63) !== 0 || performance.now() < stopAt) fn(i++);
  return (i * 1000) / (performance.now() - began);
}

/** The hash loop of pool-handlers.ts, as source for bare worker threads. */
const bareWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
function burn(rounds, seed) { let h = seed | 0; for (let i = 0; i < rounds; i++) { h ^= h << 13; h ^= h >>> 17; h ^= h << 5; h = (h + i) | 0; } return h; }
burn(2000000, 1);
const began = performance.now();
let calls = 0;
while (performance.now() - began < workerData.ms) burn(workerData.rounds, calls++);
parentPort.postMessage(calls / ((performance.now() - began) / 1000));
`;

/**
 * What `threads` bare worker threads (no pool, no messages) achieve running `rounds`-round
 * hash calls for `ms`: the machine's own ceiling at that moment, for comparison with the
 * pool. Calls per second, all threads together.
 */
export async function bareThreads(threads: number, rounds: number, ms: number): Promise<number> {
  const rates = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(bareWorkerSource, { eval: true, workerData: { rounds, ms } });
          worker.once('message', (rate: number) => {
            resolve(rate);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  return rates.reduce((a, b) => a + b, 0);
}

/**
 * Hash rounds that take about `ms` per call on an idle core of this machine, measured
 * where items run: in a worker thread alone (bareThreads), as the median of three 150 ms
 * samples. Timing burn() on the main thread before the pools start was off by up to 35%
 * either way: each thread compiles the loop on its own, and this VM's cores speed up and
 * slow down from one moment to the next. Benchmarks still report what an item cost in
 * their own rounds.
 */
export async function roundsFor(ms: number): Promise<number> {
  const trialRounds = 100_000;
  const rates: number[] = [];
  for (let sample = 0; sample < 3; sample++) rates.push(await bareThreads(1, trialRounds, 150));
  return Math.max(1, Math.round((trialRounds * ms * median(rates)) / 1000));
}

/** CPU time so far of each thread of this process (µs, by thread id), from Linux's /proc; null elsewhere. */
export function threadCpuTimes(): Map<string, number> | null {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const ticksPerSecond = 100;
  const times = new Map<string, number>();
  for (const thread of threads) {
    try {
      const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
      // Fields after the command name: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(thread, ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return times;
}

/** CPU spent between two `threadCpuTimes()`, per execution: the main thread, the `workers` busiest other threads (each), and all the rest together. */
export interface CpuSplit {
  readonly main: number;
  readonly worker: number;
  readonly rest: number;
}

export function cpuSplit(before: Map<string, number> | null, after: Map<string, number> | null, workers: number, executions: number): CpuSplit | null {
  if (before === null || after === null || executions === 0) return null;
  const main = String(process.pid);
  const others: number[] = [];
  let mainUs = 0;
  for (const [thread, time] of after) {
    const spent = time - (before.get(thread) ?? 0);
    if (thread === main) mainUs = spent;
    else others.push(spent);
  }
  others.sort((a, b) => b - a);
  const busiest = others.slice(0, workers).reduce((a, b) => a + b, 0);
  const rest = others.slice(workers).reduce((a, b) => a + b, 0);
  return { main: mainUs / executions, worker: workers === 0 ? 0 : busiest / workers / executions, rest: rest / executions };
}
