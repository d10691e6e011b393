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
  /** The batches it holds, for the hang watchdog (HeldSlots): one slot per batch it runs at once. */
  readonly held: SharedArrayBuffer;
}

/**
 * Shared with the host's main thread, which watches it (worker.ts): BEAT counts up every
 * BEAT_MS while the thread's event loop turns; RUNNING_BATCH and RUNNING_INDEX name the
 * execution whose synchronous part runs now (-1 between executions), so a thread stuck in a
 * synchronous handler can be blamed on that execution.
 */
export const RunnerBeat = { BEAT: 0, RUNNING_BATCH: 1, RUNNING_INDEX: 2, length: 3 } as const;
export const BEAT_MS = 100;

/** A batch a runner thread holds, as the watchdog needs it to answer for the batch if the thread hangs. */
export interface HeldBatch {
  readonly jobId: string;
  /** Numbers this thread's batches, as RUNNING_BATCH names them. */
  readonly serial: number;
  readonly client: string;
  readonly count: number;
  /** The workflow's execution time limit (TimeoutSeconds or limits.executionMs, whichever is less). */
  readonly timeLimitMs: number;
}

/** A slot's bytes: its numbers (Int32 STATE, SERIAL, COUNT, JOB_ID_BYTES, CLIENT_BYTES; Float64 time limit at TIME_LIMIT_AT), then the job id and client id as UTF-8. */
const Slot = { STATE: 0, SERIAL: 1, COUNT: 2, JOB_ID_BYTES: 3, CLIENT_BYTES: 4, TIME_LIMIT_AT: 24, TEXT_AT: 32, BYTES: 256 } as const;
const FREE = 0;
const HELD = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The batches a runner thread holds, in memory shared with the host's main thread: one slot
 * per batch it may run at once. The runner fills a slot when it starts a batch and frees it
 * when the batch is answered (or its answer failed and BullMQ will retry it); the watchdog
 * reads the slots every WATCH_MS, and their text only once the thread hung (when nothing
 * writes them). This replaced a message per batch to the main thread, which cost the runner
 * 3–13 % of its time and woke the main thread for every job.
 */
export class HeldSlots {
  private readonly ints: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  readonly slots: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.slots = buffer.byteLength / Slot.BYTES;
  }

  /** Shared memory for `slots` batches held at once. */
  static allocate(slots: number): SharedArrayBuffer {
    return new SharedArrayBuffer(slots * Slot.BYTES);
  }

  /** Records `batch` in a free slot; returns the slot, for release(). */
  hold(batch: HeldBatch): number {
    for (let slot = 0; slot < this.slots; slot++) {
      const base = (slot * Slot.BYTES) >> 2;
      if (Atomics.load(this.ints, base + Slot.STATE) !== FREE) continue;
      const textAt = slot * Slot.BYTES + Slot.TEXT_AT;
      const room = Slot.BYTES - Slot.TEXT_AT;
      const jobId = encoder.encodeInto(batch.jobId, this.bytes.subarray(textAt, textAt + room));
      const client = encoder.encodeInto(batch.client, this.bytes.subarray(textAt + jobId.written, textAt + room));
      if (jobId.read !== batch.jobId.length || client.read !== batch.client.length) {
        throw new Error(`the hang watchdog cannot hold job '${batch.jobId}' of client '${batch.client}': the ids take more than ${room} bytes`);
      }
      this.ints[base + Slot.SERIAL] = batch.serial;
      this.ints[base + Slot.COUNT] = batch.count;
      this.ints[base + Slot.JOB_ID_BYTES] = jobId.written;
      this.ints[base + Slot.CLIENT_BYTES] = client.written;
      this.view.setFloat64(slot * Slot.BYTES + Slot.TIME_LIMIT_AT, batch.timeLimitMs);
      // Stored last: the watchdog reads a slot only once it is held.
      Atomics.store(this.ints, base + Slot.STATE, HELD);
      return slot;
    }
    throw new Error(`a runner thread was handed more than ${this.slots} batches at once`);
  }

  release(slot: number): void {
    Atomics.store(this.ints, ((slot * Slot.BYTES) >> 2) + Slot.STATE, FREE);
  }

  /** The longest time limit of the batches held now; -1 when none is held. */
  longestTimeLimitMs(): number {
    let longest = -1;
    for (let slot = 0; slot < this.slots; slot++) {
      if (Atomics.load(this.ints, ((slot * Slot.BYTES) >> 2) + Slot.STATE) === HELD) {
        longest = Math.max(longest, this.view.getFloat64(slot * Slot.BYTES + Slot.TIME_LIMIT_AT));
      }
    }
    return longest;
  }

  /** The batches held now. */
  held(): HeldBatch[] {
    const held: HeldBatch[] = [];
    for (let slot = 0; slot < this.slots; slot++) {
      const base = (slot * Slot.BYTES) >> 2;
      if (Atomics.load(this.ints, base + Slot.STATE) !== HELD) continue;
      const textAt = slot * Slot.BYTES + Slot.TEXT_AT;
      const jobIdBytes = this.ints[base + Slot.JOB_ID_BYTES]!;
      const clientBytes = this.ints[base + Slot.CLIENT_BYTES]!;
      held.push({
        // Shared memory cannot be decoded in place: copy it out first.
        jobId: decoder.decode(this.bytes.slice(textAt, textAt + jobIdBytes)),
        client: decoder.decode(this.bytes.slice(textAt + jobIdBytes, textAt + jobIdBytes + clientBytes)),
        serial: this.ints[base + Slot.SERIAL]!,
        count: this.ints[base + Slot.COUNT]!,
        timeLimitMs: this.view.getFloat64(slot * Slot.BYTES + Slot.TIME_LIMIT_AT),
      });
    }
    return held;
  }
}

/** Messages between the host's main thread and a runner thread. */
export type RunnerMessage = { readonly type: 'ready' } | { readonly type: 'close' } | { readonly type: 'closed' };
