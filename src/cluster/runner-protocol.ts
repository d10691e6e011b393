/** What a cluster worker's main thread (worker.ts) and its runner threads (runner.ts) tell each other. */
import type { ClusterConnection } from './redis.js';

/** What the host's main thread gives each runner thread. */
export interface RunnerData {
  readonly connection: ClusterConnection;
  readonly prefix: string;
  /** Batches this thread runs at once. */
  readonly concurrency: number;
  readonly handlers: string | null;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  /** The hang watchdog's view of this thread (RunnerBeat). */
  readonly beat: SharedArrayBuffer;
}

/**
 * Shared with the host's main thread, which watches it (worker.ts): BEAT counts up every
 * BEAT_MS while the thread's event loop turns; RUNNING_BATCH and RUNNING_INDEX name the
 * execution whose synchronous part runs now (-1 between executions), so a thread stuck in a
 * synchronous handler can be blamed on that execution.
 */
export const RunnerBeat = { BEAT: 0, RUNNING_BATCH: 1, RUNNING_INDEX: 2, length: 3 } as const;
export const BEAT_MS = 100;

/** A batch this thread holds, as the watchdog needs it to answer for the batch if the thread hangs. */
export interface HeldBatch {
  readonly jobId: string;
  /** Numbers this thread's batches, as RUNNING_BATCH names them. */
  readonly serial: number;
  readonly client: string;
  readonly names: (string | null)[] | null;
  readonly count: number;
  /** The workflow's execution time limit (TimeoutSeconds or limits.executionMs, whichever is less). */
  readonly timeLimitMs: number;
}

/** Messages between the host's main thread and a runner thread. */
export type RunnerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'close' }
  | { readonly type: 'closed' }
  /**
   * It starts running `batch`, and no longer holds the `released` ones (answered, or their
   * answer failed and BullMQ will retry them). Releases ride on the next batch's message, or
   * go alone at the next beat when none comes: one message per batch, not two.
   */
  | { readonly type: 'holds'; readonly batch: HeldBatch; readonly released: readonly string[] }
  | { readonly type: 'released'; readonly jobIds: readonly string[] };
