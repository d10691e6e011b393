/**
 * The threads: piscina workers, one task slot per task in flight, the progress board and
 * the watchdog. `send` runs one task and either resolves with the worker's reply or
 * rejects with a LostTask saying whether the task had started and, if it had, why its
 * thread died (the Fault its executions fail with).
 */
import { EventEmitter } from 'node:events';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ProgressBoard } from './board.js';
import type { DecoderEntry } from './codec.js';
import { hangFault, threadFault, type Fault } from './faults.js';
import type { PoolWorkerData, WorkerTask } from './protocol.js';

/**
 * A task that ended with its thread. `fault` is null when the task never started (nothing
 * ran: it may be sent again). For a batch of executions, `startedBefore` and `replies` say
 * how far it got: every execution before that index had started, and `replies` holds the
 * results of those that ended (a RunReply stream; empty when none did).
 */
export class LostTask {
  readonly fault: Fault | null;
  readonly startedBefore: number;
  readonly replies: Uint8Array;
  constructor(fault: Fault | null, startedBefore: number, replies: Uint8Array) {
    this.fault = fault;
    this.startedBefore = startedBefore;
    this.replies = replies;
  }
}

export interface DispatcherOptions {
  readonly threads: number;
  readonly tasksPerWorker: number;
  readonly decoder: DecoderEntry;
  readonly resourceLimits: ResourceLimits | undefined;
}

/** Emits 'workerError' (an error outside any task) and 'message' (a worker's own message). */
export class Dispatcher extends EventEmitter {
  private readonly piscina: Piscina;
  private readonly board: ProgressBoard;
  private readonly free: number[];
  /** Per slot: the hang timeout of the task in it; 0 while free. */
  private readonly timeouts: Float64Array;
  /** Threads the watchdog terminated, with the slot that hung and its timeout. */
  private readonly terminated: Map<number, { slot: number; hangTimeoutMs: number }>;
  private watchdog: NodeJS.Timeout | null;
  private watchPeriodMs: number;

  constructor(options: DispatcherOptions) {
    super();
    const slots = options.threads * options.tasksPerWorker;
    this.board = new ProgressBoard(slots);
    this.free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
    this.timeouts = new Float64Array(slots);
    this.terminated = new Map();
    this.watchdog = null;
    this.watchPeriodMs = 1000;
    const workerData: PoolWorkerData = { board: this.board.buffer, replyAreas: this.board.replyAreas, threads: options.threads, decoder: options.decoder };
    this.piscina = new Piscina({
      filename: workerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: options.tasksPerWorker,
      // Idle workers keep running their event loop, so a stray error surfaces at once
      // instead of failing the next unrelated task.
      atomics: 'disabled',
      recordTiming: false,
      resourceLimits: options.resourceLimits,
      workerData,
    });
    this.piscina.on('error', (error: unknown) => this.emit('workerError', error));
    this.piscina.on('message', (message: unknown) => this.emit('message', message));
  }

  /** Task slots free now. */
  get freeSlots(): number {
    return this.free.length;
  }

  /** Task slots in use. */
  get busySlots(): number {
    return this.board.slots - this.free.length;
  }

  /** The watchdog looks at least this often (a quarter of the shortest hang timeout, within 5 ms–1 s). */
  watchEvery(hangTimeoutMs: number): void {
    const period = Math.min(this.watchPeriodMs, Math.max(5, hangTimeoutMs / 4));
    if (period === this.watchPeriodMs) return;
    this.watchPeriodMs = period;
    if (this.watchdog !== null) {
      this.stopWatchdog();
      this.startWatchdog();
    }
  }

  /** Runs the task `make` builds for a free slot (call only when `freeSlots` > 0). */
  send(make: (slot: number) => WorkerTask, hangTimeoutMs: number): Promise<unknown> {
    const slot = this.free.pop()!;
    this.board.clear(slot);
    this.timeouts[slot] = hangTimeoutMs;
    if (this.watchdog === null) this.startWatchdog();
    return this.piscina.run(make(slot)).then(
      (reply: unknown) => {
        // A RunReply left in the reply area is copied out before the slot can take another task.
        const answer = typeof reply === 'number' ? this.board.takeReply(slot, reply) : reply;
        this.release(slot);
        return answer;
      },
      (error: unknown) => {
        const thread = this.board.threadOf(slot);
        const lost =
          thread === 0
            ? new LostTask(null, 0, EMPTY)
            : new LostTask(this.faultOf(thread, slot, error), this.board.startedBefore(slot), this.board.takeReply(slot));
        this.release(slot);
        throw lost;
      },
    );
  }

  /** Per worker: event-loop utilisation since the thread started (0–1). */
  utilization(): { threadId: number; utilization: number }[] {
    return this.piscina.threads.map((worker) => ({ threadId: worker.threadId, utilization: worker.performance.eventLoopUtilization().utilization }));
  }

  async destroy(): Promise<void> {
    this.stopWatchdog();
    await this.piscina.destroy();
  }

  private release(slot: number): void {
    this.timeouts[slot] = 0;
    this.free.push(slot);
    if (this.free.length === this.board.slots) this.stopWatchdog();
  }

  private startWatchdog(): void {
    this.watchdog = setInterval(() => this.checkHung(), this.watchPeriodMs).unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) {
      clearInterval(this.watchdog);
      this.watchdog = null;
    }
  }

  private faultOf(thread: number, slot: number, error: unknown): Fault {
    const kill = this.terminated.get(thread);
    return kill === undefined ? threadFault(error) : hangFault(kill.hangTimeoutMs, kill.slot === slot);
  }

  /**
   * Terminates the threads that made no progress within their hang timeout. A task that
   * blocks its thread stops every task on it at once; the one to blame is the one stamped
   * last (the others' last stamps came before it took the thread), and its hang timeout
   * decides when the thread counts as hung.
   */
  private checkHung(): void {
    const now = Date.now();
    for (let slot = 0; slot < this.board.slots; slot++) {
      const thread = this.board.threadOf(slot);
      if (this.timeouts[slot] === 0 || thread === 0 || this.terminated.has(thread)) continue;
      const culprit = this.lastStampedOn(thread);
      const hangTimeoutMs = this.timeouts[culprit]!;
      if (now - this.board.lastProgress(culprit) <= hangTimeoutMs) continue;
      const worker = this.piscina.threads.find((w) => w.threadId === thread);
      if (worker === undefined) continue;
      // piscina sees the thread exit and fails every task on it; faultOf then names the hang.
      this.terminated.set(thread, { slot: culprit, hangTimeoutMs });
      void worker.terminate();
    }
  }

  /** The busy slot on `thread` whose task made progress last. */
  private lastStampedOn(thread: number): number {
    let latest = -1;
    for (let slot = 0; slot < this.board.slots; slot++) {
      if (this.timeouts[slot] === 0 || this.board.threadOf(slot) !== thread) continue;
      if (latest < 0 || this.board.lastProgress(slot) > this.board.lastProgress(latest)) latest = slot;
    }
    return latest;
  }
}

const EMPTY = new Uint8Array(0);

/** The worker entry in worker/ beside this module: entry.js once built; from sources, a bootstrap that loads entry.ts through tsx. */
function workerFile(): string {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './worker/entry-source.mjs' : './worker/entry.js', here).href;
}
