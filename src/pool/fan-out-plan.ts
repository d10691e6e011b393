/**
 * Map fan-out, the parts both threads share: how a Map's items are cut into chunks, and
 * how the chunks' outcomes are put back together in item order. The main thread only ever
 * forwards chunk bytes; the thread that asked (a worker running the execution, or the main
 * thread itself) encodes the items and decodes the outcomes.
 */
import type { MapIterationsRequest, MapIterationsResult } from '../compile/context.js';
import { BatchWriter, readBatch, type DecoderEntry } from './codec.js';
import { Outcome, type IterationOutcome } from './protocol.js';

/** What a Map state hands over to run its iterations across the pool (the engine's MapExecutor request). */
export type MapFanOutRequest = MapIterationsRequest;

/** Outputs in item order, failures, and whether dispatch stopped past the tolerance. */
export type MapFanOutResult = MapIterationsResult;

export type MapIterationFailure = MapIterationsResult['failures'][number];

export interface FanOutPlan {
  /** Item count of each chunk, in order. */
  readonly counts: number[];
  /** Iterations in flight at once within one chunk; 0 for no limit. */
  readonly concurrency: number;
  readonly maxChunksInFlight: number;
}

/** The smallest chunk is about 1/SMALLEST_SHARE of one thread's share of the items. */
const SMALLEST_SHARE = 16;

/**
 * Cuts `count` items into chunks for `threads` threads. Chunk sizes shrink as the items run
 * out (each takes half of a thread's share of what is left, down to a floor), so the first
 * chunks amortise their messages and the last ones leave no thread idle while another
 * finishes a big one. At most threads + 1 chunks run at once: each thread takes its next
 * chunk as it finishes one (one spare hides the round trip), which balances uneven items.
 *
 * MaxConcurrency m > 0 holds across the pool: each chunk runs at most c = ⌊m / threads⌋ (at
 * least 1) iterations at once, and at most ⌊m / c⌋ chunks run at once.
 */
export function planFanOut(count: number, threads: number, maxConcurrency: number): FanOutPlan {
  const concurrency = maxConcurrency > 0 ? Math.max(1, Math.floor(maxConcurrency / threads)) : 0;
  const byConcurrency = maxConcurrency > 0 ? Math.max(1, Math.floor(maxConcurrency / concurrency)) : Infinity;
  const maxChunksInFlight = Math.min(threads + 1, byConcurrency);
  const floor = Math.max(1, concurrency, Math.ceil(count / (threads * SMALLEST_SHARE)));
  const counts: number[] = [];
  for (let left = count; left > 0; ) {
    const size = Math.min(left, Math.max(floor, Math.ceil(left / (2 * threads))));
    counts.push(size);
    left -= size;
  }
  return { counts, concurrency, maxChunksInFlight };
}

/** The chunks' bytes: each holds its items' inputs in order. Throws when an input cannot be encoded. */
export function packChunks(inputs: readonly unknown[], counts: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const count of counts) {
    const writer = new BatchWriter();
    for (let i = 0; i < count; i++) writer.add(inputs[at++]);
    chunks.push(writer.finish());
  }
  return chunks;
}

/** Puts the chunks' outcomes (null: chunk not run) back together in item order. */
export function collectOutcomes(outcomes: readonly (Uint8Array | null)[], counts: readonly number[], stopped: boolean, decoder: DecoderEntry): MapFanOutResult {
  const outputs: unknown[] = [];
  const failures: MapIterationFailure[] = [];
  let index = 0;
  for (let c = 0; c < counts.length; c++) {
    const bytes = outcomes[c];
    const values = bytes === null || bytes === undefined ? null : (readBatch(bytes, decoder) as IterationOutcome[]);
    for (let i = 0; i < counts[c]!; i++, index++) {
      const outcome = values === null ? null : values[i]!;
      if (outcome === null || outcome[0] === Outcome.NotRun) outputs.push(undefined);
      else if (outcome[0] === Outcome.Succeeded) outputs.push(outcome[1]);
      else {
        outputs.push(undefined);
        failures.push({ index, error: outcome[1], cause: outcome[2] });
      }
    }
  }
  return { outputs, failures, stopped };
}

/** Outcome bytes for a chunk lost with its worker: every item failed with the fault. */
export function lostChunkOutcomes(count: number, error: string, cause: string): Uint8Array {
  const writer = new BatchWriter();
  for (let i = 0; i < count; i++) writer.add([Outcome.Failed, error, cause]);
  return writer.finish();
}
