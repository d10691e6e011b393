/**
 * Main side of one Map fan-out: hands its tasks to the pool as task slots free up (ahead
 * of execution batches, so an execution waiting on its Map is never starved by others),
 * gathers their replies, and makes sure every item ends up with an outcome. Tasks share
 * the items through shared memory (shared-items.ts), so a task lost with its thread fails
 * only the blocks it had claimed, and a replacement task carries on with the rest.
 */
import { PoolFaults } from './errors.js';
import { lostOutcomes } from './fan-out-plan.js';
import type { Fault } from './faults.js';
import type { MapItemsReply } from './protocol.js';
import type { Workflow } from './registry.js';
import type { SharedItems } from './shared-items.js';

/** Tasks lost without claiming anything that a fan-out replaces; at one more, the items nobody took fail (as a batch lost before it started is sent again at most 3 times). */
const MAX_FRUITLESS_LOSSES = 3;

export class FanOut {
  readonly workflow: Workflow;
  readonly state: string;
  readonly items: SharedItems;
  /** Failed iterations the Map tolerates; -1 for none (the first failure stops it). */
  readonly tolerated: number;
  /** Past this many failed iterations, the fan-out stops. */
  private readonly allowed: number;
  /** Per task still to send, its concurrency. */
  private readonly unsent: number[];
  /** The tasks sent and not yet ended, with their concurrency. */
  private readonly running: Map<number, number>;
  private nextTask: number;
  private readonly replies: MapItemsReply[];
  private failures: number;
  private fruitlessLosses: number;
  /** Why the last task lost with its thread was lost. */
  private lastFault: Fault | null;
  private finished: boolean;
  /** True once a stop waits for the end of the turn to settle. */
  private settling: boolean;
  private readonly done: (replies: MapItemsReply[], stopped: boolean) => void;

  constructor(
    workflow: Workflow,
    state: string,
    items: SharedItems,
    concurrencies: readonly number[],
    tolerated: number,
    done: (replies: MapItemsReply[], stopped: boolean) => void,
  ) {
    this.workflow = workflow;
    this.state = state;
    this.items = items;
    this.tolerated = tolerated;
    this.allowed = Math.max(0, tolerated);
    this.unsent = [...concurrencies];
    this.running = new Map();
    this.nextTask = 1;
    this.replies = [];
    this.failures = 0;
    this.fruitlessLosses = 0;
    this.lastFault = null;
    this.done = done;
    this.settling = false;
    this.finished = items.count === 0;
    if (this.finished) queueMicrotask(() => done([], false));
  }

  /** True while it has a task to send now. */
  get wantsSlot(): boolean {
    return !this.finished && this.unsent.length > 0 && !this.items.stopped && this.items.claimed < this.items.blocks;
  }

  /** True once it has settled; the pool drops it then. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** The next task to send, by number, and its concurrency (call only when `wantsSlot`). */
  take(): { task: number; concurrency: number } {
    const concurrency = this.unsent.pop()!;
    const task = this.nextTask++;
    this.running.set(task, concurrency);
    return { task, concurrency };
  }

  taskDone(task: number, reply: MapItemsReply): void {
    const concurrency = this.end(task);
    if (this.finished) return;
    this.replies.push(reply);
    this.failures += reply.failures;
    this.carryOn(concurrency);
  }

  /** Task `task` ended with its thread; `fault` is null when it never started. */
  taskLost(task: number, fault: Fault | null): void {
    const concurrency = this.end(task);
    if (this.finished) return;
    const blocks = fault === null ? [] : this.items.claimedBy(task);
    if (fault !== null) {
      this.lastFault = fault;
      this.fail(blocks, fault.error, fault.cause);
    }
    if (blocks.length === 0 && ++this.fruitlessLosses > MAX_FRUITLESS_LOSSES) {
      const why = fault ?? {
        error: PoolFaults.WorkerCrashed,
        cause: `The Map's items were lost with ${this.fruitlessLosses} worker threads before any of them took one.`,
      };
      this.fail(this.items.claimRest(), why.error, why.cause);
    }
    this.carryOn(concurrency, fault !== null);
  }

  /** Task `task` could not set up (its workflow would not compile): every item not yet taken fails with `error`. */
  taskRefused(task: number, error: string, cause: string): void {
    const concurrency = this.end(task);
    if (this.finished) return;
    this.fail(this.items.claimRest(), error, cause);
    this.carryOn(concurrency);
  }

  /** The requester went away (its thread died): start nothing more. */
  cancel(): void {
    if (this.finished) return;
    this.items.stop();
    this.finish(true);
  }

  private end(task: number): number {
    const concurrency = this.running.get(task) ?? 0;
    this.running.delete(task);
    return concurrency;
  }

  /** The items of `blocks` fail with `error`, as one more reply. */
  private fail(blocks: number[], error: string, cause: string): void {
    if (blocks.length === 0) return;
    let count = 0;
    for (const block of blocks) count += this.items.sizeOf(block);
    // Lost with their thread: the iterations' events are unknown.
    this.replies.push({ blocks, outcomes: lostOutcomes(count, error, cause), failures: count, events: 0 });
    this.failures += count;
    if (this.items.addFailures(count) > this.allowed) this.items.stop();
  }

  /**
   * After a task ended with concurrency `concurrency`: finish, wait for the others, or send one
   * in its place. Past the tolerance it stops; when a task lost with its thread stopped it, it
   * settles only after this turn of the event loop: every other task on that thread is lost in
   * the same turn, and the items they had claimed (the one that ended the thread, maybe) are
   * reported too.
   */
  private carryOn(concurrency: number, lostWithThread = false): void {
    if (this.failures > this.allowed) {
      this.items.stop();
      if (!lostWithThread) this.finish(true);
      else if (!this.settling) {
        this.settling = true;
        setImmediate(() => {
          if (!this.finished) this.finish(true);
        });
      }
      return;
    }
    if (!this.items.stopped && this.items.claimed < this.items.blocks) {
      // Tasks end only when nothing is left to claim, unless lost: another takes its place.
      this.unsent.push(concurrency);
      return;
    }
    // Nothing left to claim: tasks not sent yet would find nothing.
    this.unsent.length = 0;
    if (this.running.size > 0) return;
    this.failUnreported();
    this.finish(this.items.stopped);
  }

  /**
   * Blocks claimed but in no reply: their task died between claiming them and marking them
   * as its own, which only a lost task does. They fail with its fault.
   */
  private failUnreported(): void {
    const reported = new Uint8Array(this.items.blocks);
    for (const reply of this.replies) for (const block of reply.blocks) reported[block] = 1;
    const missing: number[] = [];
    for (let block = 0; block < this.items.claimed; block++) if (reported[block] === 0) missing.push(block);
    const fault = this.lastFault ?? { error: PoolFaults.WorkerCrashed, cause: 'The worker thread running these iterations was lost.' };
    this.fail(missing, fault.error, fault.cause);
  }

  private finish(stopped: boolean): void {
    this.finished = true;
    this.done(this.replies, stopped);
  }
}
