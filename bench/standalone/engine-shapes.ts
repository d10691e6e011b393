/**
 * The engine's cost on workflow shapes the built-in workloads do not stress, each against
 * the same steps written by hand (issue 20): a Map over N items whose iteration is
 * ItemSelector + one Task (trivial synchronous handler) + ResultSelector, at N = 10, 1,000
 * and 100,000, with MaxConcurrency 0 and 1; a Parallel of 2 to 10 branches; a Task that
 * fails once and is retried (virtual clock). Engine and hand-written code run in the same
 * process in interleaved rounds, so the ratios hold on a noisy machine; the report gives
 * the ratio's min / median / max over the rounds, and the heap a 100,000-item Map's result
 * keeps per item. For the Maps, a third side, the floor: the hand-written loop plus the
 * per-item work ASL requires of any engine (see floorMap), so engine / floor is what the
 * engine itself adds.
 *
 *   node --expose-gc --import tsx/esm bench/standalone/engine-shapes.ts [--rounds 7] [--time 300] [--only map,parallel,retry]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { compile, virtualClock, type Machine } from '../../src/index.js';
import { payloadBound } from '../../src/run/limits.js';
import { median } from '../median.js';
import {
  flaky,
  mapDefinition,
  mapInput,
  MAP_LIMITS,
  parallelDefinition,
  parallelInput,
  price,
  retryDefinition,
  timePerCall,
  type PriceItem,
} from './shapes.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    time: { type: 'string', default: '300' },
    only: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args.time);
const ONLY = args.only?.split(',') ?? null;

interface Shape {
  readonly name: string;
  readonly group: 'map' | 'parallel' | 'retry';
  /** One execution of the engine, and the same steps by hand; both return the output. */
  readonly engine: () => unknown;
  readonly hand: () => unknown;
  /** The hand-written code plus the per-item work ASL requires of any engine (Map only). */
  readonly floor?: () => unknown;
}

/** The Map written by hand: select, call, select the result, per item. */
function handMap(input: { currency: string; items: PriceItem[] }): unknown[] {
  const items = input.items;
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const result = price({ id: item.id, price: item.price, currency: input.currency });
    out[i] = { total: result.total };
  }
  return out;
}

/**
 * The hand-written loop plus the work ASL requires per item that the loop leaves out: the
 * handler gets its input and a context as objects it may keep (here they are kept, so V8
 * cannot optimise them away as it does in handMap), its result is checked against the
 * payload limit, and the execution's deadline is checked after it returns, which reads the
 * clock. The floor an engine can approach: engine / floor is the engine's own overhead.
 */
function floorMap(input: { currency: string; items: PriceItem[] }, deadlineMs: number): unknown[] {
  const items = input.items;
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const selected = { id: item.id, price: item.price, currency: input.currency };
    const ctx = { attempt: 1 };
    handed.input = selected;
    handed.ctx = ctx;
    const result = price(selected);
    if (payloadBound(result, MAP_LIMITS.payloadBytes) > MAP_LIMITS.payloadBytes) throw new Error('result over the payload limit');
    if (Date.now() > deadlineMs) throw new Error('timed out');
    out[i] = { total: result.total };
  }
  return out;
}

/** What the last handler call was given: kept, as a handler may keep it. */
const handed: { input: unknown; ctx: unknown } = { input: null, ctx: null };

/** One execution's output (a long one yields to the event loop every 10,000 transitions, so may be a promise). */
function run(machine: Machine, input: unknown): () => unknown {
  return () => {
    const r = machine.run(input);
    return r instanceof Promise ? r.then((settled) => settled.output) : r.output;
  };
}

const shapes: Shape[] = [];
for (const n of [10, 1_000, 100_000]) {
  for (const maxConcurrency of [0, 1]) {
    const input = mapInput(n);
    const machine = compile(mapDefinition(maxConcurrency), { handlers: { price }, limits: MAP_LIMITS });
    shapes.push({
      name: `Map ${n.toLocaleString('en')} items, MaxConcurrency ${maxConcurrency}`,
      group: 'map',
      engine: run(machine, input),
      hand: () => handMap(input),
      floor: () => floorMap(input, Date.now() + 300_000),
    });
  }
}

for (const branches of [2, 5, 10]) {
  const definition = parallelDefinition(branches);
  const input = parallelInput;
  const machine = compile(definition, { handlers: { price } });
  const hand = () => {
    const out = new Array<unknown>(branches);
    for (let i = 0; i < branches; i++) out[i] = price({ id: input.id, price: input.price, currency: input.currency });
    return out;
  };
  shapes.push({ name: `Parallel of ${branches} branches`, group: 'parallel', engine: run(machine, input), hand });
}

{
  const clock = virtualClock();
  const machine = compile(retryDefinition, { handlers: { flaky }, clock });
  const input = { n: 1 };
  const hand = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return flaky(input, { attempt });
      } catch (error) {
        if ((error as Error).name !== 'Service.Busy' || attempt > 2) throw error;
        await clock.sleep(1000 * 2 ** (attempt - 1));
      }
    }
  };
  shapes.push({ name: 'Task retried once (virtual clock)', group: 'retry', engine: () => machine.execute(input).then((r) => r.output), hand });
}

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const rows: Record<string, string>[] = [];
for (const shape of shapes) {
  if (ONLY !== null && !ONLY.includes(shape.group)) continue;
  // Answers first: the engine must produce what the hand-written code does.
  const [engineOut, handOut] = [await shape.engine(), await shape.hand()];
  if (JSON.stringify(engineOut) !== JSON.stringify(handOut)) throw new Error(`${shape.name}: the engine's output differs from the hand-written one`);
  const floor = shape.floor;
  if (floor !== undefined && JSON.stringify(await floor()) !== JSON.stringify(handOut)) throw new Error(`${shape.name}: the floor's output differs`);
  await timePerCall(shape.engine, ROUND_MS / 2);
  await timePerCall(shape.hand, ROUND_MS / 2);
  if (floor !== undefined) await timePerCall(floor, ROUND_MS / 2);
  const engine: number[] = [];
  const hand: number[] = [];
  const floors: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order, so no side always runs first.
    const sides = [
      async () => engine.push(await timePerCall(shape.engine, ROUND_MS)),
      async () => hand.push(await timePerCall(shape.hand, ROUND_MS)),
      ...(floor === undefined ? [] : [async () => floors.push(await timePerCall(floor, ROUND_MS))]),
    ];
    for (let k = 0; k < sides.length; k++) await sides[(round + k) % sides.length]!();
  }
  const ratios = engine.map((e, i) => e / hand[i]!).sort((a, b) => a - b);
  const overFloor = floors.map((f, i) => engine[i]! / f).sort((a, b) => a - b);
  rows.push({
    shape: shape.name,
    'engine µs': median(engine).toFixed(2),
    'hand µs': median(hand).toFixed(2),
    'ratio min': ratios[0]!.toFixed(2),
    'ratio median': median(ratios).toFixed(2),
    'ratio max': ratios[ratios.length - 1]!.toFixed(2),
    'floor µs': floors.length === 0 ? '' : median(floors).toFixed(2),
    'engine / floor (median)': overFloor.length === 0 ? '' : median(overFloor).toFixed(2),
  });
}
console.table(rows);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc !== undefined && (ONLY === null || ONLY.includes('map'))) {
  const n = 100_000;
  const input = mapInput(n);
  const machine = compile(mapDefinition(0), { handlers: { price }, limits: MAP_LIMITS });
  const retained = async (fn: () => unknown) => {
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = await fn();
    gc();
    gc();
    const bytes = process.memoryUsage().heapUsed - before;
    if (kept === undefined) throw new Error('no result');
    return bytes / n;
  };
  // Each measured twice, the second kept: the first may collect what came before it.
  const engineRun = run(machine, input);
  const handRun = () => handMap(input);
  await retained(handRun);
  const hand = await retained(handRun);
  await retained(engineRun);
  const engine = await retained(engineRun);
  console.log(`heap kept per item by a ${n.toLocaleString('en')}-item Map's result: engine ${engine.toFixed(0)} B, hand-written ${hand.toFixed(0)} B`);
} else if (gc === undefined) console.log('(run with node --expose-gc to report heap per item)');
