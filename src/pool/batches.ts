/**
 * Executions on their way through the pool in batches: packed as they are submitted into
 * one batch per workflow, sent to the threads as task slots free up (an open batch keeps
 * filling until one does), and settled from the one reply per batch, or as far as a thread
 * that died under the batch got with it. The main thread encodes inputs and decodes results
 * and does little else per execution, since on few cores it is the pool's bottleneck: names
 * are derived rather than sent, and outputs come back as patches over the inputs they pass
 * through (protocol.ts, output-patch.ts).
 */
import { ExecutionResult } from '../run/result.js';
import { executionNameProblem } from '../run/names.js';
import { Batch } from './batch.js';
import { BatchWriter, encodeFailure, type DecoderEntry } from './codec.js';
import type { Dispatcher, LostTask } from './dispatcher.js';
import { PoolErrorCodes, PoolFaults } from './errors.js';
import type { Fault } from './faults.js';
import { snapshotOf } from './output-patch.js';
import { BatchNames, PayloadFormats, TaskKinds, type RunTask } from './protocol.js';
import { Queue } from './queue.js';
import type { Workflow } from './registry.js';
import { isSetupFailure, readResults, setupPoolError, type Outcome } from './replies.js';
import { Submission } from './submission.js';
import type { Tally } from './tally.js';

/** How often a batch is sent again after a thread died before starting any more of it. */
const MAX_RETRIES = 3;

export interface BatchesOptions {
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly maxQueue: number;
  /** Most execution batches in flight at once. */
  readonly batchTaskLimit: number;
  readonly decoder: DecoderEntry;
}

export class Batches {
  private readonly batchSize: number;
  /** While a thread can take a batch at once, batches go out at this size. */
  private readonly eagerBatchSize: number;
  private readonly maxBatchBytes: number;
  private readonly maxQueue: number;
  private readonly batchTaskLimit: number;
  private readonly decoder: DecoderEntry;
  private readonly dispatcher: Dispatcher;
  private readonly tally: Tally;
  /** Hands work to free task slots (the pool's pump). */
  private readonly pump: () => void;
  private readonly ready: Queue<Batch>;
  /** Batches still taking executions, oldest first. */
  private readonly open: Batch[];
  private batchesStarted: number;
  private flushScheduled: boolean;
  private queued: number;
  /** Execution batches sent and not yet back. */
  private batchTasks: number;
  private inFlight: number;
  /** True once the queue filled up, until the pump sees room again. */
  private drainWanted: boolean;

  constructor(options: BatchesOptions, dispatcher: Dispatcher, tally: Tally, pump: () => void) {
    this.batchSize = options.batchSize;
    this.eagerBatchSize = Math.ceil(options.batchSize / 4);
    this.maxBatchBytes = options.maxBatchBytes;
    this.maxQueue = options.maxQueue;
    this.batchTaskLimit = options.batchTaskLimit;
    this.decoder = options.decoder;
    this.dispatcher = dispatcher;
    this.tally = tally;
    this.pump = pump;
    this.ready = new Queue();
    this.open = [];
    this.batchesStarted = 0;
    this.flushScheduled = false;
    this.queued = 0;
    this.batchTasks = 0;
    this.inFlight = 0;
    this.drainWanted = false;
  }

  /** Executions waiting to be sent. */
  get queueSize(): number {
    return this.queued;
  }

  /** Executions sent to a worker and not yet settled. */
  get executionsInFlight(): number {
    return this.inFlight;
  }

  /** True once the queue is full, until the pump sees room again (the pool's 'drain'). */
  get needsDrain(): boolean {
    return this.drainWanted;
  }

  /** True when no execution waits to be sent and no batch is out. */
  get idle(): boolean {
    // batchTasks as well as busy slots: a slot is free again a turn before the pool hears
    // that its batch was lost unstarted and queues it again.
    return this.queued === 0 && this.batchTasks === 0;
  }

  /** True once, when the queue has room again after filling up. */
  takeDrain(): boolean {
    if (!this.drainWanted || this.queued >= this.maxQueue) return false;
    this.drainWanted = false;
    return true;
  }

  /** Adds one execution of `workflow` to its filling batch; the pool's `execute` past its own checks. */
  submit(workflow: Workflow, input: unknown, name: string | null, inputJson: boolean, outputJson: boolean): Promise<ExecutionResult> {
    const tally = this.tally;
    if (this.queued >= this.maxQueue) {
      this.drainWanted = true;
      return tally.refuse(PoolErrorCodes.QUEUE_FULL, `the pool's queue is full: maxQueue (${this.maxQueue}) executions are waiting to be sent`);
    }
    const nameProblem = name === null ? null : executionNameProblem(name);
    if (nameProblem !== null) return tally.refuse(PoolErrorCodes.INVALID_OPTION, nameProblem);
    const format = (inputJson ? PayloadFormats.INPUT_JSON : 0) | (outputJson ? PayloadFormats.OUTPUT_JSON : 0);
    if (inputJson && typeof input !== 'string' && !(input instanceof Uint8Array)) {
      return tally.refuse(PoolErrorCodes.INVALID_OPTION, 'with inputJson the input must be JSON text: a string, or its UTF-8 bytes in a Buffer or Uint8Array');
    }
    const batch = (workflow.filling as Batch | null) ?? this.startBatch(workflow);
    try {
      batch.writer.add(input);
    } catch (thrown) {
      // The writer may hold half of the failed value's shapes: send what it has, start afresh.
      this.seal(batch);
      if (batch.entries.length > 0) this.ready.push(batch);
      return tally.refuse(PoolErrorCodes.INPUT_NOT_ENCODABLE, `the input cannot be sent to a worker thread: ${encodeFailure(thrown)}`, thrown);
    }
    if (name !== null) {
      batch.names ??= new Array<string | null>(batch.entries.length).fill(null);
      batch.names.push(name);
    } else if (batch.names !== null) batch.names.push(null);
    if (format !== 0) (batch.formats ??= new Uint8Array(this.batchSize))[batch.entries.length] = format;
    // An output sent as JSON text is sent whole: the main thread would only turn a patch back into text.
    const snapshot = outputJson ? null : snapshotOf(input);
    if (snapshot !== null) (batch.patchable ??= new Uint8Array(this.batchSize))[batch.entries.length] = 1;
    const submitted = performance.now();
    const result = new Promise<ExecutionResult>((resolve, reject) => {
      batch.entries.push(new Submission(input, snapshot, name, submitted, resolve, reject));
    });
    this.queued++;
    tally.counts.submitted++;
    // Like a stream's write(): once the queue is full, callers may wait for 'drain'.
    if (this.queued >= this.maxQueue) this.drainWanted = true;
    if (
      batch.entries.length >= this.batchSize ||
      batch.writer.byteLength >= this.maxBatchBytes ||
      (batch.entries.length >= this.eagerBatchSize && this.canSendBatch())
    ) {
      this.seal(batch);
      this.ready.push(batch);
      this.pump();
    }
    return result;
  }

  /** Sends the next batch to a free slot (call only when one is free); false when none is to go now. */
  sendNext(): boolean {
    if (this.batchTasks >= this.batchTaskLimit) return false;
    const batch = this.nextBatch();
    if (batch === undefined) return false;
    this.send(batch);
    return true;
  }

  private startBatch(workflow: Workflow): Batch {
    const batch = new Batch(this.batchesStarted++, workflow, new BatchWriter());
    workflow.filling = batch;
    this.open.push(batch);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Everything submitted in the same tick travels together; a lone execution waits for nothing.
      process.nextTick(() => this.flush());
    }
    return batch;
  }

  /** The batch takes no more executions. */
  private seal(batch: Batch): void {
    batch.workflow.filling = null;
    const at = this.open.indexOf(batch);
    if (at >= 0) this.open.splice(at, 1);
  }

  private flush(): void {
    this.flushScheduled = false;
    this.pump();
  }

  /**
   * The batch to send next: the first sealed one (full, or sent back after its thread died)
   * or the oldest open one, whichever was started first. Open batches are sealed only when a thread can take them (or when
   * full): while every slot is busy they keep filling, so a backlog travels in fewer, larger
   * messages, and an idle pool still sends a lone execution at once.
   */
  private nextBatch(): Batch | undefined {
    const sealed = this.ready.peek();
    const open = this.open[0];
    if (open === undefined || (sealed !== undefined && sealed.sequence < open.sequence)) return this.ready.shift();
    this.open.shift();
    open.workflow.filling = null;
    return open;
  }

  /**
   * True when a batch sent now would start at once. A burst of submissions to an idle pool
   * then goes out in several smaller batches, so every thread gets some and the main thread
   * encodes the next while the first runs; once every slot is busy, batches fill up.
   */
  private canSendBatch(): boolean {
    return this.batchTasks < this.batchTaskLimit && this.dispatcher.freeSlots > 0;
  }

  private send(batch: Batch): void {
    const workflow = batch.workflow;
    const count = batch.entries.length;
    const first = batch.first;
    const bytes = (batch.bytes ??= batch.writer.finish());
    this.queued -= count - first;
    this.batchTasks++;
    this.inFlight += count - first;
    if (first === 0 && batch.retries === 0) this.tally.counts.started += count;
    const task = (slot: number): RunTask => ({
      kind: TaskKinds.Run,
      workflow: workflow.ref,
      slot,
      count,
      first,
      batch: bytes,
      names: batch.names,
      nameBase: batch.nameBase,
      patchable: batch.patchable,
      formats: batch.formats,
    });
    this.dispatcher.send(task, workflow.hangTimeoutMs).then(
      (reply: unknown) => this.batchDone(batch, reply),
      (lost: LostTask) => this.batchLost(batch, lost),
    );
  }

  private batchDone(batch: Batch, reply: unknown): void {
    this.batchTasks--;
    this.inFlight -= batch.remaining;
    if (isSetupFailure(reply)) {
      const error = setupPoolError(reply.setupError);
      for (let i = batch.first; i < batch.entries.length; i++) batch.entries[i]!.reject(error);
      this.tally.counts.rejected += batch.remaining;
    } else {
      this.settleBatch(batch, reply as Uint8Array);
    }
    this.pump();
  }

  /** Settles every execution of the batch from its first on, from the stream of results its task wrote (RunReply). */
  private settleBatch(batch: Batch, reply: Uint8Array): void {
    let results: Outcome[];
    try {
      results = readResults(batch, reply, this.decoder);
      for (let i = batch.first; i < results.length; i++) if (results[i] === undefined) throw new Error(`execution ${i} has no result`);
    } catch (thrown) {
      this.failExecutions(batch, batch.first, batch.entries.length, null, {
        error: PoolFaults.WorkerCrashed,
        cause: `The worker's reply cannot be decoded: ${encodeFailure(thrown)}`,
      });
      return;
    }
    const now = performance.now();
    for (let i = batch.first; i < results.length; i++) this.tally.settle(batch.entries[i]!, results[i]!, now);
  }

  /**
   * The batch's thread died under it, or before starting it. What its executions had done
   * decides each one's fate: one that ended settles with its result (the worker wrote it to
   * shared memory as it ended), one that was running fails with the fault, and one that had
   * not started has had no effect, so it runs again on another thread.
   */
  private batchLost(batch: Batch, lost: LostTask): void {
    this.batchTasks--;
    this.inFlight -= batch.remaining;
    const count = batch.entries.length;
    let next = batch.first;
    if (lost.fault !== null) {
      const startedBefore = Math.max(batch.first, lost.startedBefore);
      let ended: Outcome[] = [];
      try {
        if (lost.replies.length > 0) ended = readResults(batch, lost.replies, this.decoder);
      } catch {
        // What the area held cannot be read: the executions that ended count as running.
        ended = [];
      }
      const now = performance.now();
      for (let i = batch.first; i < startedBefore; i++) {
        const result = ended[i];
        if (result !== undefined) this.tally.settle(batch.entries[i]!, result, now);
      }
      this.failExecutions(batch, batch.first, startedBefore, ended, lost.fault);
      next = startedBefore;
    }
    if (next === count) {
      batch.first = count;
    } else if (next > batch.first || batch.retries < MAX_RETRIES) {
      // Not started: nothing of it ran, so it runs again, first in line.
      if (next === batch.first) batch.retries++;
      this.tally.counts.requeued += count - next;
      batch.first = next;
      this.queued += count - next;
      this.ready.unshift(batch);
    } else {
      this.failExecutions(
        batch,
        next,
        count,
        null,
        lost.fault ?? { error: PoolFaults.WorkerCrashed, cause: `The batch was lost with ${MAX_RETRIES + 1} worker threads before any of them started it.` },
      );
      batch.first = count;
    }
    this.pump();
  }

  /** Fails the batch's executions from `from` to before `to` with `fault`, except those with a result in `ended`. */
  private failExecutions(batch: Batch, from: number, to: number, ended: readonly Outcome[] | null, fault: Fault): void {
    const workflow = batch.workflow;
    const stopMs = Date.now();
    const now = performance.now();
    const generated = new BatchNames(batch.nameBase);
    const ids = BatchNames.ids(batch.nameBase);
    for (let i = from; i < to; i++) {
      if (ended !== null && ended[i] !== undefined) continue;
      const entry = batch.entries[i]!;
      // The name its worker gave it, or would have.
      const name = entry.name ?? generated.of(i);
      this.tally.counts.faults++;
      const result = new ExecutionResult({
        executionArn: `${workflow.executionArnPrefix}${name}:${ids.of(i)}`,
        stateMachineArn: workflow.stateMachineArn,
        name,
        status: 'FAILED',
        startMs: entry.submittedMs,
        stopMs,
        input: entry.input,
        output: undefined,
        error: fault.error,
        cause: fault.cause,
      });
      this.tally.settle(entry, result, now);
    }
  }
}
