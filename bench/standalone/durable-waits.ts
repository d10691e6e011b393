/**
 * What parking a Wait state in the store costs: Standard executions whose main line waits
 * in a Wait state, run through createService() with and without `store`, in the same run.
 *
 *   node --expose-gc --import tsx/esm bench/standalone/durable-waits.ts [--executions 2000] [--rounds 3]
 *
 * The workflow is a Pass, a Wait until a timestamp in the input, and a Pass. Each round
 * starts N executions (every one parks in its Wait: with a store, one write each), then
 * lets them all wake at once and run to their end (with a store, the write that clears the
 * parked record and the one that records the end). Reported per execution: the start's
 * time, and the time from the wake-up to the last end, divided by N; the store's figure
 * beside the one without, and their difference: what durability adds. Then the heap one
 * parked Wait holds: 50,000 Standard executions of compile() waiting in a Wait (no service,
 * no store), heap after a full GC, per execution.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compile } from '../../src/index.js';
import { createService } from '../../src/service/index.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const EXECUTIONS = option('--executions', 2000);
const ROUNDS = option('--rounds', 3);
const roleArn = 'arn:aws:iam::123456789012:role/bench';
const definition = JSON.stringify({
  StartAt: 'Before',
  States: {
    Before: { Type: 'Pass', Result: 1, ResultPath: '$.before', Next: 'Nap' },
    Nap: { Type: 'Wait', TimestampPath: '$.at', Next: 'After' },
    After: { Type: 'Pass', Result: 2, ResultPath: '$.after', End: true },
  },
});

interface Figures {
  startUs: number;
  wakeToEndUs: number;
}

async function round(store: string | undefined): Promise<Figures> {
  const service = createService(store === undefined ? {} : { store });
  const { stateMachineArn } = await service.createStateMachine({ name: 'napping', definition, roleArn });
  // Far enough ahead that every start has parked before the first wakes.
  const wakeAt = Date.now() + 1500 + EXECUTIONS;
  const input = JSON.stringify({ at: new Date(wakeAt).toISOString() });
  const arns: string[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < EXECUTIONS; i++) arns.push((await service.startExecution({ stateMachineArn, name: `e${i}`, input })).executionArn);
  const startUs = ((performance.now() - startedAt) * 1000) / EXECUTIONS;
  if (Date.now() >= wakeAt) throw new Error('the starts took longer than the Wait: raise its lead');
  const ended = await Promise.all(arns.map((executionArn) => service.waitForExecution({ executionArn })));
  const lastEnd = Date.now();
  // Check the answer before reporting a time.
  for (const described of ended) {
    if (described.status !== 'SUCCEEDED' || described.output !== `{"at":"${new Date(wakeAt).toISOString()}","before":1,"after":2}`) {
      throw new Error(`unexpected end: ${JSON.stringify(described)}`);
    }
  }
  await service.close();
  return { startUs, wakeToEndUs: ((lastEnd - wakeAt) * 1000) / EXECUTIONS };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const dir = mkdtempSync(join(tmpdir(), 'statemill-durable-waits-'));
const memory: Figures[] = [];
const stored: Figures[] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    memory.push(await round(undefined));
    stored.push(await round(join(dir, `round-${r}.db`)));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const row = (label: string, pick: (f: Figures) => number) => {
  const without = median(memory.map(pick));
  const withStore = median(stored.map(pick));
  return `| ${label} | ${without.toFixed(0)} µs | ${withStore.toFixed(0)} µs | +${(withStore - without).toFixed(0)} µs |`;
};
console.log(`${EXECUTIONS} Standard executions parked in a Wait, median of ${ROUNDS} rounds; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
console.log('| per execution | in memory | with store | store adds |');
console.log('|---|---:|---:|---:|');
console.log(row('StartExecution (runs to the Wait and parks)', (f) => f.startUs));
console.log(row('wake-up to the end (Wait exits, a Pass, ExecutionSucceeded)', (f) => f.wakeToEndUs));

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc for the heap figure');
const HEAP_EXECUTIONS = 50_000;
const napping = compile(
  { StartAt: 'Before', States: { Before: { Type: 'Pass', Result: 1, ResultPath: '$.before', Next: 'Nap' }, Nap: { Type: 'Wait', Seconds: 3600, End: true } } },
  { workflowType: 'STANDARD' },
);
const inputs = Array.from({ length: HEAP_EXECUTIONS }, (_, i) => ({ i }));
gc();
gc();
const heapBefore = process.memoryUsage().heapUsed;
const waiting: unknown[] = [];
for (let i = 0; i < HEAP_EXECUTIONS; i++) waiting.push(napping.run(inputs[i], { name: `e${i}` }));
gc();
gc();
const perExecution = (process.memoryUsage().heapUsed - heapBefore) / HEAP_EXECUTIONS;
console.log(`heap per Standard execution parked in a Wait (${HEAP_EXECUTIONS} waiting, engine alone): ${perExecution.toFixed(0)} bytes`);
// The waits are an hour long: nothing more to see.
process.exit(0);
