/** Input generators of the pool benchmarks, for the sharded load mode (workers import them). */
import { orderContext, smallInput } from './pool-support.js';

export function trivialInput(seed: number, index: number): unknown {
  return smallInput(seed * 1_000_000 + index);
}

export function contextInput(seed: number, index: number): unknown {
  return { ...(orderContext(seed * 1_000_000 + index) as object), amount: index % 250, lines: 16 };
}

export function cpuInput(seed: number, index: number, options?: Readonly<Record<string, number | string | boolean>>): unknown {
  return { rounds: Number(options?.rounds ?? 100_000), seed: seed * 1_000_000 + index };
}
