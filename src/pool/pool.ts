/**
 * The pool, main side: the public facade. Executions travel in batches (batches.ts), Map
 * iterations in fan-outs (fan-outs.ts), the sharded load mode in one task per thread
 * (shards.ts); all of them take task slots from one dispatcher (dispatcher.ts), and
 * `pump` hands each slot that frees up to the next piece of work: fan-out tasks first.
 *
 * Every submitted execution settles exactly once: with its result, with a FAILED result
 * naming a PoolFault when its thread died under it, or by a rejection at submission.
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { ExecutionResult } from '../run/result.js';
import { Batches } from './batches.js';
import { checkPoolOptions, invalid, positiveInteger } from './checks.js';
import type { DecoderEntry } from './codec.js';
import { Dispatcher } from './dispatcher.js';
import { PoolError, PoolErrorCodes } from './errors.js';
import { firstProblem, optionsShapeProblem, type OptionProblem } from '../options.js';
import type { MapFanOutRequest, MapFanOutResult } from './fan-out-plan.js';
import { FanOuts } from './fan-outs.js';
import { summarize, type LatencySummary } from './latency.js';
import { runShards, type LoadOptions, type LoadResult } from './shards.js';
import { createWorkflow, type RegisterOptions, type Workflow } from './registry.js';
import { Tally } from './tally.js';

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
  /** `execute` calls refused (full queue, closed pool, unencodable input, unknown workflow, workflow that will not compile). */
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

/** Emits 'drain' when the queue has room again after filling up, and 'workerError' for worker errors outside any task. */
export class Pool extends EventEmitter {
  readonly threads: number;
  readonly batchSize: number;
  readonly maxQueue: number;
  private readonly hangTimeoutMs: number | null;
  private readonly mapFanOut: boolean;
  private readonly mapFanOutMinItems: number;
  private readonly dispatcher: Dispatcher;
  private readonly workflows: Map<string, Workflow>;
  private readonly workflowsByKey: Map<number, Workflow>;
  private nextKey: number;
  private readonly tally: Tally;
  private readonly batches: Batches;
  private readonly fanOuts: FanOuts;
  private closing: Promise<void> | null;
  private whenIdle: (() => void) | null;

  constructor(options: PoolOptions = {}) {
    super();
    checkPoolOptions(options);
    this.threads = positiveInteger(options.threads ?? availableParallelism(), 'threads');
    this.batchSize = positiveInteger(options.batch ?? 256, 'batch');
    this.maxQueue = positiveInteger(options.maxQueue ?? 10_000, 'maxQueue');
    const maxBatchBytes = positiveInteger(options.maxBatchBytes ?? 1 << 20, 'maxBatchBytes');
    const perWorker = positiveInteger(options.batchesPerWorker ?? 3, 'batchesPerWorker');
    this.hangTimeoutMs = options.hangTimeoutMs ?? null;
    if (this.hangTimeoutMs !== null && !(this.hangTimeoutMs > 0)) throw invalid('hangTimeoutMs must be a positive number');
    const decoder = options.decoder ?? 'no-eval';
    if (decoder !== 'eval' && decoder !== 'no-eval') throw invalid("decoder must be 'eval' or 'no-eval'");
    this.mapFanOut = options.mapFanOut ?? false;
    this.mapFanOutMinItems = options.mapFanOutMinItems ?? 16;
    // One more task per worker than execution batches use: room for Map fan-out tasks, so an
    // execution waiting on its Map's fan-out can never hold every slot its fan-out needs.
    this.dispatcher = new Dispatcher({ threads: this.threads, tasksPerWorker: perWorker + 1, decoder, resourceLimits: options.resourceLimits });
    this.dispatcher.on('workerError', (error: unknown) => {
      this.tally.counts.workerErrors++;
      this.emit('workerError', error);
    });
    this.workflows = new Map();
    this.workflowsByKey = new Map();
    this.nextKey = 1;
    this.tally = new Tally();
    const pump = () => this.pump();
    this.batches = new Batches(
      { batchSize: this.batchSize, maxBatchBytes, maxQueue: this.maxQueue, batchTaskLimit: this.threads * perWorker, decoder },
      this.dispatcher,
      this.tally,
      pump,
    );
    this.fanOuts = new FanOuts(this.threads, decoder, this.dispatcher, this.workflowsByKey, pump);
    this.dispatcher.on('message', (message: unknown) => this.fanOuts.fromWorker(message));
    this.closing = null;
    this.whenIdle = null;
  }

  /** Executions waiting to be sent to a worker. */
  get queueSize(): number {
    return this.batches.queueSize;
  }

  /** True once the queue is full (`maxQueue` waiting), until the 'drain' event. */
  get needsDrain(): boolean {
    return this.batches.needsDrain;
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
    if (this.closing !== null) return this.tally.refuse(PoolErrorCodes.CLOSED, 'the pool is closed');
    const workflow = this.workflows.get(id);
    if (workflow === undefined) return this.tally.refuse(PoolErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`);
    // Without a name, it is named after its batch's UUID (protocol.ts, BatchNames) on both threads.
    if (options === undefined) return this.batches.submit(workflow, input, null, false, false);
    const problem = optionsShapeProblem(options, EXECUTE_OPTIONS) ?? firstProblem(flagProblem(options, 'inputJson'), flagProblem(options, 'outputJson'));
    if (problem !== null) return this.tally.refuse(PoolErrorCodes.INVALID_OPTION, `execute('${id}', …): option '${problem.option}' ${problem.problem}`);
    return this.batches.submit(workflow, input, options.name ?? null, options.inputJson === true, options.outputJson === true);
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
    return this.fanOuts.run(workflow, request);
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
    const idle = this.dispatcher.busySlots === 0 && this.batches.queueSize === 0;
    return runShards(this.dispatcher, this.threads, workflow, options, idle, () => this.pump());
  }

  /** Counters, queue depth, per-worker utilisation and latency, as of now. */
  metrics(): PoolMetrics {
    const c = this.tally.counts;
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
      queueDepth: this.batches.queueSize,
      executionsInFlight: this.batches.executionsInFlight,
      workers: this.dispatcher.utilization(),
      latency: summarize(this.tally.latency),
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
    this.pump();
    return this.closing;
  }

  /** Hands work to free task slots: Map fan-out tasks first, then execution batches. */
  private pump(): void {
    while (this.dispatcher.freeSlots > 0) {
      if (this.fanOuts.sendNext()) continue;
      if (!this.batches.sendNext()) break;
    }
    if (this.batches.takeDrain()) process.nextTick(() => this.emit('drain'));
    if (this.whenIdle !== null && this.batches.idle && this.dispatcher.busySlots === 0 && this.fanOuts.count === 0) {
      const idle = this.whenIdle;
      this.whenIdle = null;
      idle();
    }
  }
}

/** What pool.execute takes; a `signal` among them is refused, not ignored (a pooled execution cannot be aborted). */
const EXECUTE_OPTIONS: readonly (keyof PoolExecuteOptions)[] = ['name', 'inputJson', 'outputJson'];

/** `inputJson` / `outputJson`: a boolean, or absent; `'yes'` or `1` would otherwise pass as false in silence. */
function flagProblem(options: PoolExecuteOptions, option: 'inputJson' | 'outputJson'): OptionProblem | null {
  const value: unknown = options[option];
  return value === undefined || typeof value === 'boolean' ? null : { option, problem: `must be true or false, not ${typeof value}` };
}

export function createPool(options?: PoolOptions): Pool {
  return new Pool(options);
}
