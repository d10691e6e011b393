/**
 * The progress board: shared memory through which workers tell the main thread which task
 * runs on which thread and when it last made progress. piscina neither says which worker
 * took a task nor times tasks out, and its per-task AbortSignal makes a worker run that
 * task alone; the board gives the main thread both answers with no messages at all.
 *
 * One slot per task in flight. The main thread clears a slot before dispatching into it;
 * the worker stamps its threadId when the task starts and the time whenever the task makes
 * progress (an execution starts or ends). A slot whose thread is 0 never started, so a task
 * lost with its worker before starting can be run again safely.
 */
export class ProgressBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly threads: Int32Array;
  private readonly stamps: Float64Array;

  constructor(bufferOrSlots: SharedArrayBuffer | number) {
    this.buffer =
      typeof bufferOrSlots === 'number' ? new SharedArrayBuffer(bufferOrSlots * (Float64Array.BYTES_PER_ELEMENT + Int32Array.BYTES_PER_ELEMENT)) : bufferOrSlots;
    const slots = this.buffer.byteLength / (Float64Array.BYTES_PER_ELEMENT + Int32Array.BYTES_PER_ELEMENT);
    this.stamps = new Float64Array(this.buffer, 0, slots);
    this.threads = new Int32Array(this.buffer, slots * Float64Array.BYTES_PER_ELEMENT, slots);
  }

  get slots(): number {
    return this.threads.length;
  }

  clear(slot: number): void {
    Atomics.store(this.threads, slot, 0);
    this.stamps[slot] = 0;
  }

  /** Worker side: the task in `slot` starts on thread `threadId`. */
  start(slot: number, threadId: number): void {
    this.stamps[slot] = stampNow();
    Atomics.store(this.threads, slot, threadId);
  }

  /** Worker side: the task in `slot` made progress. */
  touch(slot: number): void {
    this.stamps[slot] = stampNow();
  }

  /** The thread running the task in `slot`, or 0 when it has not started. */
  threadOf(slot: number): number {
    return Atomics.load(this.threads, slot);
  }

  /** When the task in `slot` last made progress (ms since the epoch). */
  lastProgress(slot: number): number {
    return this.stamps[slot]!;
  }
}

/** This thread's performance.timeOrigin, read once: its getter made every stamp half again as dear (208 ns against 132, measured). */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * Milliseconds since the epoch, to a fraction of a millisecond: the watchdog blames the
 * slot its thread stamped last, and a heartbeat in the same millisecond as a task's start
 * must not tie with it.
 */
function stampNow(): number {
  return TIME_ORIGIN + performance.now();
}
