/**
 * Soak: one million executions through a pool with maxQueue 10,000, submitted as fast as
 * backpressure allows (the submitter waits for 'drain' whenever the queue is full). Peak
 * RSS must stay flat after warm-up. Samples RSS and the peak RSS so far (the whole process:
 * main thread and workers) every 50,000 settled executions; every 1,000th result is checked.
 *
 *   node --import tsx/esm bench/pool-soak.ts [executions, default 1000000] [threads, default cores]
 */
import { once } from 'node:events';
import { createPool } from '../src/pool/index.js';
import { cores, fixed, poolHandlersModule, printMachine, smallInput, trivialDefinition } from './pool-support.js';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const THREADS = Number(process.argv[3] ?? cores);
const MAX_QUEUE = 10_000;
const SAMPLE_EVERY = 50_000;
const WARMUP = 100_000;

printMachine();
const pool = createPool({ threads: THREADS, maxQueue: MAX_QUEUE });
pool.register('trivial', { definition: trivialDefinition, handlers: poolHandlersModule });

const mb = (bytes: number) => bytes / 2 ** 20;
const samples: { settled: number; seconds: number; rssMb: number; peakRssMb: number; heapMb: number; queue: number }[] = [];
let settled = 0;
let wrong = 0;
const began = performance.now();

function check(i: number, output: unknown): void {
  settled++;
  if (i % 1000 === 0) {
    const o = output as { price?: { total?: number } };
    if (o.price?.total !== ((i % 250) + 0.5) * 1.2) wrong++;
  }
  if (settled % SAMPLE_EVERY === 0) {
    const memory = process.memoryUsage();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    samples.push({ settled, seconds: (performance.now() - began) / 1000, rssMb: mb(memory.rss), peakRssMb, heapMb: mb(memory.heapUsed), queue: pool.queueSize });
  }
}

const pending = new Set<Promise<void>>();
for (let i = 0; i < TOTAL; i++) {
  const p: Promise<void> = pool.execute('trivial', smallInput(i)).then((result) => {
    check(i, result.output);
    pending.delete(p);
  });
  pending.add(p);
  if (pool.needsDrain) await once(pool, 'drain');
}
await Promise.all(pending);
const seconds = (performance.now() - began) / 1000;
await pool.close();

console.log(`\n${TOTAL.toLocaleString('en-US')} executions on ${THREADS} threads in ${fixed(seconds)} s (${fixed(TOTAL / seconds, 0)}/s); ${wrong} wrong outputs among the checked ones.\n`);
console.log('| settled | s | RSS MB | peak RSS so far MB | main heap MB | queue |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const s of samples) console.log(`| ${s.settled.toLocaleString('en-US')} | ${fixed(s.seconds)} | ${fixed(s.rssMb)} | ${fixed(s.peakRssMb)} | ${fixed(s.heapMb)} | ${s.queue} |`);
const after = samples.filter((s) => s.settled > WARMUP);
if (after.length > 0) {
  const rss = after.map((s) => s.rssMb);
  const peaks = after.map((s) => s.peakRssMb);
  console.log(`\nAfter warm-up (${WARMUP.toLocaleString('en-US')}): RSS ${fixed(Math.min(...rss))}–${fixed(Math.max(...rss))} MB; peak RSS ${fixed(peaks[0]!)} MB at the first sample, ${fixed(peaks[peaks.length - 1]!)} MB at the end.`);
}
if (wrong > 0) process.exitCode = 1;
