/**
 * Main side of one Map fan-out: hands its chunks to the pool as task slots free up (ahead
 * of execution batches, so an execution waiting on its Map is never starved by others),
 * keeps at most `maxChunksInFlight` running, counts failures as chunks report them, and
 * stops handing out chunks once more iterations failed than the Map tolerates.
 */
import type { FanOutPlan } from './fan-out-plan.js';
import type { IterationContext } from './protocol.js';
import type { Workflow } from './registry.js';

export class FanOut {
  readonly workflow: Workflow;
  readonly state: string;
  readonly context: IterationContext;
  readonly plan: FanOutPlan;
  readonly chunks: readonly Uint8Array[];
  /** Index of each chunk's first item. */
  readonly firsts: readonly number[];
  /** Each chunk's outcome bytes once it has reported; null until then (and for chunks never run). */
  readonly outcomes: (Uint8Array | null)[];
  private readonly tolerated: number;
  private readonly done: (outcomes: (Uint8Array | null)[], stopped: boolean) => void;
  private next: number;
  /** Chunks handed back unrun, taken again before new ones. */
  private readonly retry: number[];
  private inFlight: number;
  private failures: number;
  private finished: boolean;

  constructor(
    workflow: Workflow,
    state: string,
    context: IterationContext,
    plan: FanOutPlan,
    chunks: readonly Uint8Array[],
    tolerated: number,
    done: (outcomes: (Uint8Array | null)[], stopped: boolean) => void,
  ) {
    this.workflow = workflow;
    this.state = state;
    this.context = context;
    this.plan = plan;
    this.chunks = chunks;
    const firsts: number[] = [];
    let first = 0;
    for (const count of plan.counts) {
      firsts.push(first);
      first += count;
    }
    this.firsts = firsts;
    this.outcomes = chunks.map(() => null);
    this.tolerated = tolerated;
    this.done = done;
    this.next = 0;
    this.retry = [];
    this.inFlight = 0;
    this.failures = 0;
    this.finished = chunks.length === 0;
    if (this.finished) queueMicrotask(() => done([], false));
  }

  /** True while it has a chunk to hand out now. */
  get wantsSlot(): boolean {
    return !this.finished && (this.retry.length > 0 || this.next < this.chunks.length) && this.inFlight < this.plan.maxChunksInFlight;
  }

  /** True once it has settled; the pool drops it then. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Stop after the first failure inside a chunk: the Map tolerates none. */
  get stopOnFailure(): boolean {
    return this.tolerated < 0;
  }

  /** The next chunk to run (call only when `wantsSlot`). */
  take(): number {
    this.inFlight++;
    return this.retry.length > 0 ? this.retry.pop()! : this.next++;
  }

  /** Hands a chunk back unrun (its thread died before starting it), to be taken again. */
  giveBack(chunk: number): void {
    this.inFlight--;
    this.retry.push(chunk);
  }

  chunkDone(chunk: number, outcomes: Uint8Array, failures: number): void {
    this.inFlight--;
    if (this.finished) return;
    this.outcomes[chunk] = outcomes;
    this.failures += failures;
    if (this.tolerated < 0 ? this.failures > 0 : this.failures > this.tolerated) this.finish(true);
    else if (this.next >= this.chunks.length && this.retry.length === 0 && this.inFlight === 0) this.finish(false);
  }

  /** The requester went away (its thread died): hand out no more chunks. */
  cancel(): void {
    if (!this.finished) this.finish(true);
  }

  private finish(stopped: boolean): void {
    this.finished = true;
    this.done(this.outcomes, stopped);
  }
}
