/**
 * Map fan-out, the parts both threads share: how many tasks a fan-out runs and how many
 * iterations each may have in flight, and how the tasks' outcomes are put back together in
 * item order. The items themselves travel in shared memory (shared-items.ts); the main
 * thread only forwards the buffer and the outcome bytes, and the thread that asked (a
 * worker running the execution, or the main thread itself) encodes the items and decodes
 * the outcomes.
 */
import type { MapIterationsRequest, MapIterationsResult } from '../run/iterations.js';
import { BatchWriter, readBatch, type DecoderEntry } from './codec.js';
import { Outcome, type IterationOutcome, type MapItemsReply } from './protocol.js';
import { blockSizeFor } from './shared-items.js';

/** What a Map state hands over to run its iterations across the pool (the engine's MapExecutor request). */
export type MapFanOutRequest = MapIterationsRequest;

/** Outputs in item order, failures, and whether dispatch stopped past the tolerance. */
export type MapFanOutResult = MapIterationsResult;

export type MapIterationFailure = MapIterationsResult['failures'][number];

export interface FanOutPlan {
  /** Items per block of the shared items. */
  readonly blockSize: number;
  /** One entry per task: the most iterations it runs at once, 0 for no limit. */
  readonly concurrencies: number[];
}

/**
 * One task per thread (no more than there are blocks): each claims blocks until none are
 * left, so the threads share the items however unevenly they run. MaxConcurrency m > 0
 * holds across the pool: at most m tasks, whose limits add up to m.
 */
export function planFanOut(count: number, threads: number, maxConcurrency: number): FanOutPlan {
  const blockSize = blockSizeFor(count, threads);
  const blocks = Math.ceil(count / blockSize);
  const tasks = Math.max(1, Math.min(threads, blocks, maxConcurrency > 0 ? maxConcurrency : Infinity));
  const concurrencies: number[] = [];
  for (let i = 0; i < tasks; i++) {
    concurrencies.push(maxConcurrency > 0 ? Math.floor(maxConcurrency / tasks) + (i < maxConcurrency % tasks ? 1 : 0) : 0);
  }
  return { blockSize, concurrencies };
}

/**
 * Puts the tasks' outcomes back together in item order: each reply lists the blocks its
 * task claimed and their items' outcomes in that order. Items no reply covers did not run.
 */
export function collectOutcomes(count: number, blockSize: number, replies: readonly MapItemsReply[], stopped: boolean, decoder: DecoderEntry): MapFanOutResult {
  const outputs = new Array<unknown>(count).fill(undefined);
  const failures: MapIterationFailure[] = [];
  let events = 0;
  for (const reply of replies) {
    events += reply.events;
    const outcomes = readBatch(reply.outcomes, decoder) as IterationOutcome[];
    let at = 0;
    for (const block of reply.blocks) {
      const end = Math.min(count, (block + 1) * blockSize);
      for (let index = block * blockSize; index < end; index++) {
        const outcome = outcomes[at++]!;
        if (outcome[0] === Outcome.Succeeded) outputs[index] = outcome[1];
        else if (outcome[0] === Outcome.Failed) failures.push({ index, error: outcome[1], cause: outcome[2] });
      }
    }
  }
  failures.sort((a, b) => a.index - b.index);
  return { outputs, failures, stopped, events };
}

/** Outcome bytes for `count` items lost with their worker: every one failed with the fault. */
export function lostOutcomes(count: number, error: string, cause: string): Uint8Array {
  const writer = new BatchWriter();
  for (let i = 0; i < count; i++) writer.add([Outcome.Failed, error, cause]);
  return writer.finish();
}
