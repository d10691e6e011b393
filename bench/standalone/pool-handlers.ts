/** Handlers of the pool benchmarks (a module, so worker threads can load them). */
import { threadId } from 'node:worker_threads';

/** A fixed amount of CPU work: `rounds` steps of an integer hash; returns the hash so nothing is optimised away. */
export function burn(rounds: number, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < rounds; i++) {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    h = (h + i) | 0;
  }
  return h;
}

export const handlers = {
  receive: (input: { orderId: string; amount: number }) => ({ id: input.orderId, accepted: true }),
  price: (input: { amount: number; lines: number }) => ({ total: input.amount * 1.2, lines: input.lines }),
  flag: () => ({ review: true }),
  burn: (input: { rounds: number; seed: number }) => ({ hash: burn(input.rounds, input.seed) }),
  /** burn, saying which thread ran it and when (ms since the epoch), for fan-out timelines. */
  burnTimed: (input: { rounds: number; seed: number }) => {
    const start = performance.timeOrigin + performance.now();
    const hash = burn(input.rounds, input.seed);
    return { hash, thread: threadId, start, end: performance.timeOrigin + performance.now() };
  },
};
