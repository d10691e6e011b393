/**
 * The pool, main side: executions are packed as they are submitted into one batch per
 * workflow, batches go to the threads as task slots free up (an open batch keeps filling
 * until one does), results come back as one buffer per batch. The main thread encodes
 * inputs and decodes results and does little else per execution, since on few cores it is
 * the pool's bottleneck: names are derived rather than sent, and outputs come back as
 * patches over the inputs they pass through (protocol.ts, output-patch.ts).
 *
 * Every submitted execution settles exactly once: with its result, with a FAILED result
 * naming a PoolFault when its thread died under it, or by a rejection at submission.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { ExecutionResult, type ExecutionStatus } from '../run/result.js';
import { executionNameProblem } from '../run/names.js';
import { BatchWriter, encodeFailure, readBatch, type DecoderEntry } from './codec.js';
import { Dispatcher, LostTask } from './dispatcher.js';
import { PoolError, PoolErrorCodes, PoolFaults, type ErrorData, type PoolErrorCode } from './errors.js';
import { collectOutcomes, planFanOut, type MapFanOutRequest, type MapFanOutResult } from './fan-out-plan.js';
import { FanOut } from './fan-out.js';
import type { Fault } from './faults.js';
import { latencyHistogram, summarize, type Histogram, type LatencySummary } from './latency.js';
import { loadResult, type LoadOptions, type LoadResult } from './load-result.js';
import {
  BatchNames,
  INPUT_REFUSED,
  MAP_FAN_OUT,
  PayloadFormats,
  STATUSES,
  StatusCodes,
  SUCCEEDED_AS_PATCH,
  TaskKinds,
  type LoadFailure,
  type LoadReply,
  type MapFanOutMessage,
  type MapFanOutReply,
  type MapItemsReply,
  type RunTask,
} from './protocol.js';
import { applyPatch, snapshotOf } from './output-patch.js';
import { Queue } from './queue.js';
import { createWorkflow, type FillingBatch, type RegisterOptions, type Workflow } from './registry.js';
import { SharedItems } from './shared-items.js';
import { Submission } from './submission.js';
import { moduleFileUrl } from './module-url.js';

export interface PoolOptions {
  /** Worker threads. Default: the number of cores (os.availableParallelism()). */
  readonly threads?: number;
  /**
   * Most executions in one message to a worker. Default 256. Executions submitted in one
   * tick travel together, and while every worker is busy a batch keeps filling; a lone
   * execution on an idle pool is sent at once.
   */
  readonly batch?: number;
  /** A batch is also sent once its inputs reach this many bytes. Default 1 MiB. */
  readonly maxBatchBytes?: number;
  /** Most executions waiting to be sent; past it `execute` rejects with ERR_POOL_QUEUE_FULL. Default 10,000. */
  readonly maxQueue?: number;
  /**
   * Execution batches in flight per worker. Default 3: one runs while the others wait their
   * turn in the worker, so it starts the next batch at once even when the main thread is
   * slow to wake for a result and send more (about 1 ms on a small VM; with 2, one worker
   * spent 10–15% of its time waiting, measured).
   */
  readonly batchesPerWorker?: number;
  /** How long a worker may go without progress before it is terminated. Default: per workflow, its execution time limit + 1 s. */
  readonly hangTimeoutMs?: number;
  /** msgpackr build that decodes messages. Default 'no-eval' (see the README's worker pool section). */
  readonly decoder?: DecoderEntry;
  /** Per-thread V8 heap limits (worker_threads resourceLimits). */
  readonly resourceLimits?: ResourceLimits;
  /** Default for `register`: Map states fan their iterations out across the pool. Default false. */
  readonly mapFanOut?: boolean;
  /** Maps with fewer items run inside their own worker even when fan-out is on. Default 16. */
  readonly mapFanOutMinItems?: number;
}

export interface PoolExecuteOptions {
  /** Execution name (`$$.Execution.Name`); a UUID by default. */
  readonly name?: string;
  /**
   * The input is JSON text: a string, or its UTF-8 bytes (a Buffer or Uint8Array). The main
   * thread forwards it as it is and the worker parses it, once; text that does not parse
   * rejects with ERR_POOL_INPUT_NOT_JSON. The payload limit applies to its UTF-8 bytes.
   * The result's `input` is the text as given.
   */
  readonly inputJson?: boolean;
  /** The result's `output` is the output's JSON text (a string), written by the worker. */
  readonly outputJson?: boolean;
}

export interface PoolMetrics {
  /** Executions accepted by `execute`. */
  readonly submitted: number;
  /** Executions sent to a worker. */
  readonly started: number;
  /**
   * Executions sent to a worker again because their thread died before starting them (a
   * thread that dies fails only the executions it was running; the rest of its batches run
   * elsewhere).
   */
  readonly requeued: number;
  readonly succeeded: number;
  /** FAILED results, PoolFaults included. */
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  /** `execute` calls refused (full queue, closed pool, unencodable input, unknown workflow, workflow that will not load). */
  readonly rejected: number;
  /** Executions lost with their thread (FAILED with a PoolFault). */
  readonly faults: number;
  /** Worker errors outside any task (e.g. a stray rejection while idle). */
  readonly workerErrors: number;
  /** Executions waiting to be sent. */
  readonly queueDepth: number;
  readonly executionsInFlight: number;
  /** Per worker: event-loop utilisation since the thread started (0–1). */
  readonly workers: readonly { readonly threadId: number; readonly utilization: number }[];
  /** Submission-to-settlement latency of settled executions (µs). */
  readonly latency: LatencySummary;
}

/** Executions of one workflow travelling in one task. */
class Batch implements FillingBatch {
  /** Batches are sent in the order they were started. */
  readonly sequence: number;
  readonly workflow: Workflow;
  readonly writer: BatchWriter;
  readonly entries: Submission[];
  /** Per entry, the name its caller chose or null; null while no caller chose one. */
  names: (string | null)[] | null;
  /** What the names of its unnamed executions are made from (protocol.ts, BatchNames). */
  readonly nameBase: string;
  /** Per entry, 1 when its output may come back as a patch; null while none may. */
  patchable: Uint8Array | null;
  /** Per entry, its PayloadFormats; null while every one travels as values. */
  formats: Uint8Array | null;
  bytes: Uint8Array | null;
  /** The first execution not yet settled: the batch runs from here (see RunTask.first). */
  first: number;
  /** Times it was lost with a thread before any more of it started. */
  retries: number;
  constructor(sequence: number, workflow: Workflow, writer: BatchWriter) {
    this.sequence = sequence;
    this.workflow = workflow;
    this.writer = writer;
    this.entries = [];
    this.names = null;
    this.nameBase = randomUUID();
    this.patchable = null;
    this.formats = null;
    this.bytes = null;
    this.first = 0;
    this.retries = 0;
  }

  /** Executions not yet settled. */
  get remaining(): number {
    return this.entries.length - this.first;
  }
}

/** What became of an execution a worker had: its result, or the refusal its caller gets; undefined while unknown. */
type Outcome = ExecutionResult | PoolError | undefined;

/** How often a batch is sent again after a thread died before starting any more of it. */
const MAX_RETRIES = 3;

type Counter = 'submitted' | 'started' | 'requeued' | 'rejected' | 'faults' | 'workerErrors' | ExecutionStatus;

/** Emits 'drain' when the queue has room again after filling up, and 'workerError' for worker errors outside any task. */
export class Pool extends EventEmitter {
  readonly threads: number;
  readonly batchSize: number;
  /** While a thread can take a batch at once, batches go out at this size. */
  private readonly eagerBatchSize: number;
  readonly maxQueue: number;
  private readonly maxBatchBytes: number;
  private readonly batchTaskLimit: number;
  private readonly hangTimeoutMs: number | null;
  private readonly decoder: DecoderEntry;
  private readonly mapFanOut: boolean;
  private readonly mapFanOutMinItems: number;
  private readonly dispatcher: Dispatcher;
  private readonly workflows: Map<string, Workflow>;
  private readonly workflowsByKey: Map<number, Workflow>;
  private nextKey: number;
  private readonly ready: Queue<Batch>;
  /** Batches still taking executions, oldest first. */
  private readonly open: Batch[];
  private batchesStarted: number;
  private flushScheduled: boolean;
  private readonly fanOuts: FanOut[];
  private queued: number;
  private batchTasks: number;
  private executionsInFlight: number;
  private drainWanted: boolean;
  private closing: Promise<void> | null;
  private whenIdle: (() => void) | null;
  private readonly counts: Record<Counter, number>;
  private readonly latency: Histogram;

  constructor(options: PoolOptions = {}) {
    super();
    this.threads = positiveInteger(options.threads ?? availableParallelism(), 'threads');
    this.batchSize = positiveInteger(options.batch ?? 256, 'batch');
    this.eagerBatchSize = Math.ceil(this.batchSize / 4);
    this.maxQueue = positiveInteger(options.maxQueue ?? 10_000, 'maxQueue');
    this.maxBatchBytes = positiveInteger(options.maxBatchBytes ?? 1 << 20, 'maxBatchBytes');
    const perWorker = positiveInteger(options.batchesPerWorker ?? 3, 'batchesPerWorker');
    this.batchTaskLimit = this.threads * perWorker;
    this.hangTimeoutMs = options.hangTimeoutMs ?? null;
    if (this.hangTimeoutMs !== null && !(this.hangTimeoutMs > 0)) throw invalid('hangTimeoutMs must be a positive number');
    this.decoder = options.decoder ?? 'no-eval';
    if (this.decoder !== 'eval' && this.decoder !== 'no-eval') throw invalid("decoder must be 'eval' or 'no-eval'");
    this.mapFanOut = options.mapFanOut ?? false;
    this.mapFanOutMinItems = options.mapFanOutMinItems ?? 16;
    // One more task per worker than execution batches use: room for Map fan-out tasks, so an
    // execution waiting on its Map's fan-out can never hold every slot its fan-out needs.
    this.dispatcher = new Dispatcher({ threads: this.threads, tasksPerWorker: perWorker + 1, decoder: this.decoder, resourceLimits: options.resourceLimits });
    this.dispatcher.on('workerError', (error: unknown) => {
      this.counts.workerErrors++;
      this.emit('workerError', error);
    });
    this.dispatcher.on('message', (message: unknown) => this.workerMessage(message));
    this.workflows = new Map();
    this.workflowsByKey = new Map();
    this.nextKey = 1;
    this.ready = new Queue();
    this.open = [];
    this.batchesStarted = 0;
    this.flushScheduled = false;
    this.fanOuts = [];
    this.queued = 0;
    this.batchTasks = 0;
    this.executionsInFlight = 0;
    this.drainWanted = false;
    this.closing = null;
    this.whenIdle = null;
    this.counts = { submitted: 0, started: 0, requeued: 0, rejected: 0, faults: 0, workerErrors: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 };
    this.latency = latencyHistogram();
  }

  /** Executions waiting to be sent to a worker. */
  get queueSize(): number {
    return this.queued;
  }

  /** True once the queue is full (`maxQueue` waiting), until the 'drain' event. */
  get needsDrain(): boolean {
    return this.drainWanted;
  }

  /**
   * Registers a workflow under `id`. The definition is validated here (a DefinitionError
   * lists every problem); each worker compiles it with the handlers module the first time
   * it runs it.
   */
  register(id: string, registration: RegisterOptions): void {
    if (this.closing !== null) throw new PoolError(PoolErrorCodes.CLOSED, 'the pool is closed');
    if (this.workflows.has(id)) throw new PoolError(PoolErrorCodes.DUPLICATE_WORKFLOW, `a workflow is already registered as '${id}'`);
    const key = this.nextKey++;
    const workflow = createWorkflow(id, registration, key, {
      hangTimeoutMs: this.hangTimeoutMs,
      mapFanOut: this.mapFanOut,
      mapFanOutMinItems: this.mapFanOutMinItems,
    });
    this.workflows.set(id, workflow);
    this.workflowsByKey.set(key, workflow);
    this.dispatcher.watchEvery(workflow.hangTimeoutMs);
  }

  /**
   * Runs one execution of workflow `id` on a worker. Resolves with the same result object
   * as in-process `execute`; rejects only when the execution is refused at submission.
   */
  execute(id: string, input: unknown = {}, options?: PoolExecuteOptions): Promise<ExecutionResult> {
    if (this.closing !== null) return this.refuse(PoolErrorCodes.CLOSED, 'the pool is closed');
    const workflow = this.workflows.get(id);
    if (workflow === undefined) return this.refuse(PoolErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`);
    if (this.queued >= this.maxQueue) {
      this.drainWanted = true;
      return this.refuse(PoolErrorCodes.QUEUE_FULL, `the pool's queue is full: maxQueue (${this.maxQueue}) executions are waiting to be sent`);
    }
    // Without a name, it is named after its batch's UUID (protocol.ts, BatchNames) on both threads.
    const name = options?.name ?? null;
    const nameProblem = name === null ? null : executionNameProblem(name);
    if (nameProblem !== null) return this.refuse(PoolErrorCodes.INVALID_OPTION, nameProblem);
    const format = options === undefined ? 0 : (options.inputJson === true ? PayloadFormats.INPUT_JSON : 0) | (options.outputJson === true ? PayloadFormats.OUTPUT_JSON : 0);
    if ((format & PayloadFormats.INPUT_JSON) !== 0 && typeof input !== 'string' && !(input instanceof Uint8Array)) {
      return this.refuse(PoolErrorCodes.INVALID_OPTION, 'with inputJson the input must be JSON text: a string, or its UTF-8 bytes in a Buffer or Uint8Array');
    }
    const batch = (workflow.filling as Batch | null) ?? this.startBatch(workflow);
    try {
      batch.writer.add(input);
    } catch (thrown) {
      // The writer may hold half of the failed value's shapes: send what it has, start afresh.
      this.seal(batch);
      if (batch.entries.length > 0) this.ready.push(batch);
      return this.refuse(PoolErrorCodes.INPUT_NOT_ENCODABLE, `the input cannot be sent to a worker thread: ${encodeFailure(thrown)}`, thrown);
    }
    if (name !== null) {
      batch.names ??= new Array<string | null>(batch.entries.length).fill(null);
      batch.names.push(name);
    } else if (batch.names !== null) batch.names.push(null);
    if (format !== 0) (batch.formats ??= new Uint8Array(this.batchSize))[batch.entries.length] = format;
    // An output sent as JSON text is sent whole: the main thread would only turn a patch back into text.
    const snapshot = (format & PayloadFormats.OUTPUT_JSON) === 0 ? snapshotOf(input) : null;
    if (snapshot !== null) (batch.patchable ??= new Uint8Array(this.batchSize))[batch.entries.length] = 1;
    const submitted = performance.now();
    const result = new Promise<ExecutionResult>((resolve, reject) => {
      batch.entries.push(new Submission(input, snapshot, name, submitted, resolve, reject));
    });
    this.queued++;
    this.counts.submitted++;
    // Like a stream's write(): once the queue is full, callers may wait for 'drain'.
    if (this.queued >= this.maxQueue) this.drainWanted = true;
    if (batch.entries.length >= this.batchSize || batch.writer.byteLength >= this.maxBatchBytes || (batch.entries.length >= this.eagerBatchSize && this.canSendBatch())) {
      this.seal(batch);
      this.ready.push(batch);
      this.pump();
    }
    return result;
  }

  /**
   * Runs a Map state's iterations across the pool: `request.state` points at a Map state of
   * workflow `id`, whose processor runs each input. Outputs come back in item order;
   * MaxConcurrency holds across the pool; dispatch stops once more iterations failed than
   * `toleratedFailures`. This is what a Map that opts into fan-out calls.
   */
  runMap(id: string, request: MapFanOutRequest): Promise<MapFanOutResult> {
    if (this.closing !== null) return Promise.reject(new PoolError(PoolErrorCodes.CLOSED, 'the pool is closed'));
    const workflow = this.workflows.get(id);
    if (workflow === undefined) return Promise.reject(new PoolError(PoolErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`));
    if (!workflow.mapStates.has(request.state)) return Promise.reject(invalid(`no Map state at ${request.state}`));
    const plan = planFanOut(request.inputs.length, this.threads, request.maxConcurrency);
    let items: SharedItems;
    try {
      items = SharedItems.pack(request.inputs, plan.blockSize, request.parent);
    } catch (thrown) {
      return Promise.reject(new PoolError(PoolErrorCodes.INPUT_NOT_ENCODABLE, `a Map item cannot be sent to a worker thread: ${encodeFailure(thrown)}`, { cause: thrown }));
    }
    return new Promise((resolve) => {
      this.startFanOut(workflow, request.state, items, plan.concurrencies, request.toleratedFailures, (replies, stopped) =>
        resolve(collectOutcomes(items.count, items.blockSize, replies, stopped, this.decoder)),
      );
    });
  }

  /**
   * Sharded load mode: every thread generates its own inputs with `options.generator` and
   * runs them itself, returning only counts and a latency histogram. Runs on an idle pool
   * only, so that each thread takes one share.
   */
  async load(id: string, options: LoadOptions): Promise<LoadResult> {
    if (this.closing !== null) throw new PoolError(PoolErrorCodes.CLOSED, 'the pool is closed');
    const workflow = this.workflows.get(id);
    if (workflow === undefined) throw new PoolError(PoolErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`);
    const executions = options.executionsPerThread ?? Infinity;
    const durationMs = options.durationMs ?? Infinity;
    if (executions === Infinity && durationMs === Infinity) throw invalid('load needs executionsPerThread or durationMs');
    if (this.dispatcher.busySlots > 0 || this.queued > 0) throw invalid('load runs on an idle pool: wait for submitted executions to settle first');
    const generator = moduleUrl(options.generator, 'load: generator');
    const concurrency = positiveInteger(options.concurrency ?? 1, 'concurrency');
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: this.threads }, (_, i) =>
        this.dispatcher
          .send(
            (slot) => ({
              kind: TaskKinds.Load,
              workflow: workflow.ref,
              slot,
              generator,
              generatorExport: options.generatorExport ?? 'generateInput',
              generatorOptions: options.generatorOptions ?? null,
              seed: (options.seed ?? 1) + i,
              executions,
              durationMs,
              concurrency,
            }),
            workflow.hangTimeoutMs,
          )
          .then(
            (reply) => {
              this.pump();
              if (isLoadFailure(reply)) throw workflowLoadError(reply.loadError);
              return reply as LoadReply;
            },
            (lost: LostTask) => {
              this.pump();
              throw new PoolError(PoolErrorCodes.WORKER_LOST, lost.fault?.cause ?? 'the load task was lost with its worker thread before it started');
            },
          ),
      ),
    );
    return loadResult(replies, performance.now() - started);
  }

  /** Counters, queue depth, per-worker utilisation and latency, as of now. */
  metrics(): PoolMetrics {
    const c = this.counts;
    return {
      submitted: c.submitted,
      started: c.started,
      requeued: c.requeued,
      succeeded: c.SUCCEEDED,
      failed: c.FAILED,
      timedOut: c.TIMED_OUT,
      aborted: c.ABORTED,
      rejected: c.rejected,
      faults: c.faults,
      workerErrors: c.workerErrors,
      queueDepth: this.queued,
      executionsInFlight: this.executionsInFlight,
      workers: this.dispatcher.utilization(),
      latency: summarize(this.latency),
    };
  }

  /**
   * Stops taking work, runs everything already submitted to completion, then stops the
   * threads. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      this.whenIdle = resolve;
    }).then(() => this.dispatcher.destroy());
    this.flush();
    return this.closing;
  }

  private refuse(code: PoolErrorCode, message: string, cause?: unknown): Promise<never> {
    this.counts.rejected++;
    return Promise.reject(new PoolError(code, message, cause === undefined ? undefined : { cause }));
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

  /** Hands work to free task slots: Map fan-out tasks first, then execution batches. */
  private pump(): void {
    while (this.dispatcher.freeSlots > 0) {
      const fanOut = this.fanOuts.find((f) => f.wantsSlot);
      if (fanOut !== undefined) {
        this.sendMapItems(fanOut);
        continue;
      }
      if (this.batchTasks >= this.batchTaskLimit) break;
      const batch = this.nextBatch();
      if (batch === undefined) break;
      this.sendBatch(batch);
    }
    if (this.drainWanted && this.queued < this.maxQueue) {
      this.drainWanted = false;
      process.nextTick(() => this.emit('drain'));
    }
    // batchTasks as well as busy slots: a slot is free again a turn before the pool hears
    // that its batch was lost unstarted and queues it again.
    if (this.whenIdle !== null && this.queued === 0 && this.batchTasks === 0 && this.dispatcher.busySlots === 0 && this.fanOuts.length === 0) {
      const idle = this.whenIdle;
      this.whenIdle = null;
      idle();
    }
  }

  private sendBatch(batch: Batch): void {
    const workflow = batch.workflow;
    const count = batch.entries.length;
    const first = batch.first;
    const bytes = (batch.bytes ??= batch.writer.finish());
    this.queued -= count - first;
    this.batchTasks++;
    this.executionsInFlight += count - first;
    if (first === 0 && batch.retries === 0) this.counts.started += count;
    const task = (slot: number): RunTask => ({ kind: TaskKinds.Run, workflow: workflow.ref, slot, count, first, batch: bytes, names: batch.names, nameBase: batch.nameBase, patchable: batch.patchable, formats: batch.formats });
    this.dispatcher.send(task, workflow.hangTimeoutMs).then(
      (reply: unknown) => this.batchDone(batch, reply),
      (lost: LostTask) => this.batchLost(batch, lost),
    );
  }

  private batchDone(batch: Batch, reply: unknown): void {
    this.batchTasks--;
    this.executionsInFlight -= batch.remaining;
    if (isLoadFailure(reply)) {
      const error = workflowLoadError(reply.loadError);
      for (let i = batch.first; i < batch.entries.length; i++) batch.entries[i]!.reject(error);
      this.counts.rejected += batch.remaining;
    } else {
      this.settleBatch(batch, reply as Uint8Array);
    }
    this.pump();
  }

  /** Settles every execution of the batch from its first on, from the stream of results its task wrote (RunReply). */
  private settleBatch(batch: Batch, reply: Uint8Array): void {
    let results: Outcome[];
    try {
      results = this.readResults(batch, reply);
      for (let i = batch.first; i < results.length; i++) if (results[i] === undefined) throw new Error(`execution ${i} has no result`);
    } catch (thrown) {
      this.failExecutions(batch, batch.first, batch.entries.length, null, { error: PoolFaults.WorkerCrashed, cause: `The worker's reply cannot be decoded: ${encodeFailure(thrown)}` });
      return;
    }
    const now = performance.now();
    for (let i = batch.first; i < results.length; i++) this.settle(batch.entries[i]!, results[i]!, now);
  }

  /** The outcomes a RunReply stream holds (protocol.ts), by index in the batch; throws when it cannot be read. */
  private readResults(batch: Batch, stream: Uint8Array): Outcome[] {
    const values = readBatch(stream, this.decoder);
    const workflow = batch.workflow;
    const entries = batch.entries;
    const names = batch.names;
    const generated = new BatchNames(batch.nameBase);
    const ids = BatchNames.ids(batch.nameBase);
    const results = new Array<Outcome>(entries.length);
    const t0 = values[0] as number;
    for (let r = 1; r < values.length; r++) {
      const record = values[r] as unknown[];
      const i = record[0] as number;
      const entry = entries[i]!;
      const code = record[1] as number;
      if (code === INPUT_REFUSED) {
        results[i] = new PoolError(PoolErrorCodes.INPUT_NOT_JSON, record[2] as string);
        continue;
      }
      let output: unknown;
      let error: string | null | undefined;
      let cause: string | null | undefined;
      let at = 2;
      if (code === StatusCodes.SUCCEEDED) output = record[at++];
      else if (code === SUCCEEDED_AS_PATCH) output = applyPatch(record[at++] as unknown[], entry.snapshot!);
      else {
        error = record[at++] as string | null | undefined;
        cause = record[at++] as string | null | undefined;
      }
      const startMs = t0 + (record[at++] as number);
      const stopMs = startMs + (record[at] as number);
      const name = (names === null ? null : names[i]) ?? generated.of(i);
      const status = code === SUCCEEDED_AS_PATCH ? 'SUCCEEDED' : STATUSES[code]!;
      results[i] = new ExecutionResult(`${workflow.executionArnPrefix}${name}:${ids.of(i)}`, workflow.stateMachineArn, name, status, startMs, stopMs, entry.input, output, error, cause);
    }
    return results;
  }

  /**
   * The batch's thread died under it, or before starting it. What its executions had done
   * decides each one's fate: one that ended settles with its result (the worker wrote it to
   * shared memory as it ended), one that was running fails with the fault, and one that had
   * not started has had no effect, so it runs again on another thread.
   */
  private batchLost(batch: Batch, lost: LostTask): void {
    this.batchTasks--;
    this.executionsInFlight -= batch.remaining;
    const count = batch.entries.length;
    let next = batch.first;
    if (lost.fault !== null) {
      const startedBefore = Math.max(batch.first, lost.startedBefore);
      let ended: Outcome[] = [];
      try {
        if (lost.replies.length > 0) ended = this.readResults(batch, lost.replies);
      } catch {
        // What the area held cannot be read: the executions that ended count as running.
        ended = [];
      }
      const now = performance.now();
      for (let i = batch.first; i < startedBefore; i++) {
        const result = ended[i];
        if (result !== undefined) this.settle(batch.entries[i]!, result, now);
      }
      this.failExecutions(batch, batch.first, startedBefore, ended, lost.fault);
      next = startedBefore;
    }
    if (next === count) {
      batch.first = count;
    } else if (next > batch.first || batch.retries < MAX_RETRIES) {
      // Not started: nothing of it ran, so it runs again, first in line.
      if (next === batch.first) batch.retries++;
      this.counts.requeued += count - next;
      batch.first = next;
      this.queued += count - next;
      this.ready.unshift(batch);
    } else {
      this.failExecutions(batch, next, count, null, lost.fault ?? { error: PoolFaults.WorkerCrashed, cause: `The batch was lost with ${MAX_RETRIES + 1} worker threads before any of them started it.` });
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
      this.counts.faults++;
      this.settle(entry, new ExecutionResult(`${workflow.executionArnPrefix}${name}:${ids.of(i)}`, workflow.stateMachineArn, name, 'FAILED', entry.submittedMs, stopMs, entry.input, undefined, fault.error, fault.cause), now);
    }
  }

  /** `now`: performance.now() as the batch settles. A PoolError refuses the execution: it never ran. */
  private settle(entry: Submission, result: ExecutionResult | PoolError, now: number): void {
    if (result instanceof PoolError) {
      this.counts.rejected++;
      entry.reject(result);
      return;
    }
    this.counts[result.status]++;
    this.latency.recordValue(Math.max(1, Math.round((now - entry.submittedAt) * 1000)));
    entry.resolve(result);
  }

  /** A worker asks to fan a Map out (fan-out-client.ts); the answer goes back on the port it sent. */
  private workerMessage(message: unknown): void {
    const request = message as MapFanOutMessage;
    if (request === null || typeof request !== 'object' || request.type !== MAP_FAN_OUT) return;
    const port = request.port;
    const workflow = this.workflowsByKey.get(request.workflowKey);
    if (workflow === undefined) {
      port.postMessage({ error: { name: 'PoolError', message: `no workflow is registered under key ${request.workflowKey}` } } satisfies MapFanOutReply);
      port.close();
      return;
    }
    const items = new SharedItems(request.items);
    const fanOut = this.startFanOut(workflow, request.state, items, request.concurrencies, request.tolerated, (replies, stopped) => {
      port.postMessage({ replies, stopped } satisfies MapFanOutReply, replies.map((reply) => reply.outcomes.buffer as ArrayBuffer));
      port.close();
    });
    // The asking thread died: its execution has failed already, so stop its tasks.
    port.once('close', () => fanOut.cancel());
  }

  private startFanOut(
    workflow: Workflow,
    state: string,
    items: SharedItems,
    concurrencies: readonly number[],
    tolerated: number,
    done: (replies: MapItemsReply[], stopped: boolean) => void,
  ): FanOut {
    const fanOut = new FanOut(workflow, state, items, concurrencies, tolerated, (replies, stopped) => {
      const at = this.fanOuts.indexOf(fanOut);
      if (at >= 0) this.fanOuts.splice(at, 1);
      done(replies, stopped);
      this.pump();
    });
    if (!fanOut.isFinished) this.fanOuts.push(fanOut);
    this.pump();
    return fanOut;
  }

  private sendMapItems(fanOut: FanOut): void {
    const workflow = fanOut.workflow;
    const { task, concurrency } = fanOut.take();
    this.dispatcher
      .send(
        (slot) => ({
          kind: TaskKinds.MapItems,
          workflow: workflow.ref,
          slot,
          state: fanOut.state,
          items: fanOut.items.buffer,
          task,
          concurrency,
          tolerated: fanOut.tolerated,
        }),
        workflow.hangTimeoutMs,
      )
      .then(
        (reply: unknown) => {
          if (isLoadFailure(reply)) {
            const error = workflowLoadError(reply.loadError);
            fanOut.taskRefused(task, error.code, error.message);
          } else {
            fanOut.taskDone(task, reply as MapItemsReply);
          }
          this.pump();
        },
        (lost: LostTask) => {
          fanOut.taskLost(task, lost.fault);
          this.pump();
        },
      );
  }
}

export function createPool(options?: PoolOptions): Pool {
  return new Pool(options);
}

function moduleUrl(module: string | URL, what: string): string {
  const url = moduleFileUrl(module);
  if (url !== null) return url;
  throw invalid(`${what} must be a file: URL or an absolute path`);
}

function isLoadFailure(reply: unknown): reply is LoadFailure {
  return reply !== null && typeof reply === 'object' && 'loadError' in reply;
}

const poolErrorCodes = new Set<string>(Object.values(PoolErrorCodes));

/**
 * A PoolError for work a worker could not set up: a workflow it could not load (a
 * DefinitionError's problems come along), or a load generator it could not use.
 */
function workflowLoadError(data: ErrorData): PoolError & { problems: unknown[] | null } {
  const code = data.code !== null && poolErrorCodes.has(data.code) ? (data.code as PoolErrorCode) : PoolErrorCodes.WORKFLOW_LOAD;
  const error = new PoolError(code, data.message) as PoolError & { problems: unknown[] | null };
  error.problems = data.problems;
  return error;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw invalid(`${name} must be a positive integer`);
  return value;
}

function invalid(message: string): PoolError {
  return new PoolError(PoolErrorCodes.INVALID_OPTION, message);
}
