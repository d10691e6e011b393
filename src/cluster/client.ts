/**
 * The cluster, client side: the pool's surface (register, execute, runMap, load, metrics,
 * close, maxQueue with needsDrain/'drain') over BullMQ queues that worker processes on
 * any number of hosts take work from (worker.ts). Executions submitted in one tick travel
 * together as one job; answers come back on this client's own Redis stream. This file is
 * the facade and its lifecycle; the jobs it hands out live beside it: execution batches
 * (submission.ts), Map fan-out (fan-out.ts), sharded load (sharded-load.ts), and the
 * answers' stream (result-stream.ts).
 *
 * Every submitted execution settles exactly once: with the first answer for its batch (a
 * batch BullMQ re-runs after a worker died answers again, and that answer is dropped), with
 * a FAILED result naming a ClusterFault when BullMQ gives up on the batch (give-ups.ts) or the client
 * closes first, or by a rejection at submission.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DefinitionError } from '../asl/problems.js';
import { validate } from '../compile/validate/validate.js';
import type { MapIterationsRequest, MapIterationsResult } from '../run/iterations.js';
import { loadPlan } from '../pool/checks.js';
import { encodeFailure } from '../pool/codec.js';
import { latencyHistogram, summarize, type Histogram, type LatencySummary } from '../pool/latency.js';
import type { LoadOptions, LoadResult } from '../pool/shards.js';
import { handlersModule } from '../pool/registry.js';
import type { WorkflowOptions } from '../pool/protocol.js';
import type { ExecutionResult, ExecutionStatus } from '../run/result.js';
import { ClusterError, ClusterErrorCodes, MAX_TIMER_MS, invalidOption, type ClusterErrorCode } from './errors.js';
import { firstProblem, integerProblem, machineNameProblem, optionsShapeProblem, stringProblem } from '../options.js';
import { MapFanOuts } from './fan-out.js';
import { GiveUpWatch } from './give-ups.js';
import { ClusterKeys, limitsToWire, Queues, type WorkerRecord, type WorkflowRecord } from './protocol.js';
import { connect, type ClusterConnection } from './redis.js';
import { ResultStream } from './result-stream.js';
import { ShardedLoads } from './sharded-load.js';
import { ClusterWorkflow, ExecutionBatches, type Submission } from './submission.js';

export interface ClusterOptions {
  /** Where Redis is: a redis:// URL or ioredis options. */
  readonly connection: ClusterConnection;
  /** Prefix of every queue and key, so several clusters can share one Redis. Default 'statemill'. */
  readonly prefix?: string;
  /** Most executions in one job. Default 256. */
  readonly batch?: number;
  /**
   * Most executions in one job while the workers are busy: when this client's unanswered jobs
   * are as many as the live workers can use (a running and a ready batch per thread, or their
   * --concurrency if less), the open batch keeps filling across ticks, up to an even share of
   * the client's executions in flight per slot and at most this size, and goes out when an
   * answer frees a slot. Default 16 × batch; equal to batch to send every tick's executions at once.
   */
  readonly busyBatch?: number;
  /** Most executions submitted and not yet settled; past it `execute` rejects with ERR_CLUSTER_QUEUE_FULL. Default 10,000. */
  readonly maxQueue?: number;
  /** Items per job when a Map fans out. Default: the items shared into 2 blocks per thread of the live workers, as many as they run at once (64 blocks when none is known). */
  readonly mapBlockSize?: number;
  /** How long `close()` waits for answers before settling what is left as Cluster.ClientClosed. Default 30,000 ms. */
  readonly closeTimeoutMs?: number;
  /** Times BullMQ runs a job whose processing threw (Redis unreachable mid-answer). Default 3. */
  readonly jobAttempts?: number;
}

export interface ClusterRegisterOptions {
  /** The state machine definition (ASL JSON as an object). */
  readonly definition: unknown;
  /**
   * The handlers module: a file: URL or an absolute path, the same on every host (or give
   * workers --handlers). Not needed by a workflow none of whose states calls a handler.
   */
  readonly handlers?: string | URL;
  /** Compile options that can cross processes, as for the pool. */
  readonly options?: WorkflowOptions;
  /**
   * Map states whose items fan out over the cluster's workers (in blocks, as runMap) when an
   * execution reaches them on a worker: true for all, or their names. Default false: a Map
   * runs in the thread running its execution.
   */
  readonly mapFanOut?: boolean | readonly string[];
  /** Maps with fewer items run in the execution's own thread even when they fan out. Default 16. */
  readonly mapFanOutMinItems?: number;
}

export interface ClusterExecuteOptions {
  /** Execution name (`$$.Execution.Name`); a UUID by default. */
  readonly name?: string;
}

export interface ClusterLoadOptions extends LoadOptions {
  /** Worker processes to run it on (one shard each). Default: the workers alive now. */
  readonly workers?: number;
}

export interface ClusterMetrics {
  readonly submitted: number;
  /** Executions whose batch was handed to Redis. */
  readonly started: number;
  /** Jobs those executions travelled in. */
  readonly batches: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  readonly rejected: number;
  /** Executions settled with a ClusterFault. */
  readonly faults: number;
  /** Executions not yet handed to Redis. */
  readonly queueDepth: number;
  readonly executionsInFlight: number;
  /** Answers dropped because their job had already been answered (a re-run batch). */
  readonly duplicateAnswers: number;
  /** Submission-to-settlement latency of settled executions (µs). */
  readonly latency: LatencySummary;
}

type Counter = 'submitted' | 'rejected' | 'duplicateAnswers' | ExecutionStatus;

const DEFAULT_PREFIX = 'statemill';

/** Emits 'drain' when executions can be submitted again after the queue filled up. */
export class Cluster extends EventEmitter {
  /** This client's id: its jobs' ids and its results stream carry it. */
  readonly clientId: string;
  readonly batchSize: number;
  readonly busyBatchSize: number;
  readonly maxQueue: number;
  private readonly keys: ClusterKeys;
  private readonly closeTimeoutMs: number;
  private readonly redis: Redis;
  private readonly executionsQueue: Queue;
  private readonly blocksQueue: Queue;
  private readonly loadsQueue: Queue;
  private readonly giveUps: GiveUpWatch;
  private readonly workflows = new Map<string, ClusterWorkflow>();
  private readonly batches: ExecutionBatches;
  private readonly fanOuts: MapFanOuts;
  private readonly loads: ShardedLoads;
  private readonly results: ResultStream;
  private unsettled = 0;
  private drainWanted = false;
  private closing: Promise<void> | null = null;
  private whenIdle: (() => void) | null = null;
  private readonly counts: Record<Counter, number>;
  private readonly latency: Histogram;
  /** Threads of the live workers, as last read, and when (runMap sizes blocks by it). */
  private threadsSeen: { threads: Promise<number>; at: number } | null = null;
  /** Batches the live workers can use at once (per worker its concurrency, at most 2 per thread), as last read; 0 until read. */
  private slotsSeen = 0;

  constructor(options: ClusterOptions) {
    super();
    if (options === null || typeof options !== 'object') throw invalidOption('createCluster needs { connection }');
    const problem = firstProblem(
      optionsShapeProblem(options, CLUSTER_OPTIONS),
      stringProblem(options.prefix, 'prefix'),
      options.closeTimeoutMs === undefined || typeof options.closeTimeoutMs === 'number' ? null : { option: 'closeTimeoutMs', problem: 'must be a number' },
    );
    if (problem !== null) throw invalidOption(`option '${problem.option}' ${problem.problem}`);
    this.clientId = randomUUID();
    this.keys = new ClusterKeys(options.prefix ?? DEFAULT_PREFIX);
    this.batchSize = positiveInteger(options.batch ?? 256, 'batch');
    this.busyBatchSize = positiveInteger(options.busyBatch ?? 16 * this.batchSize, 'busyBatch');
    if (this.busyBatchSize < this.batchSize) throw invalidOption('busyBatch must be at least batch');
    this.maxQueue = positiveInteger(options.maxQueue ?? 10_000, 'maxQueue');
    const mapBlockSize = options.mapBlockSize === undefined ? null : positiveInteger(options.mapBlockSize, 'mapBlockSize');
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    if (!(this.closeTimeoutMs >= 0)) throw invalidOption('closeTimeoutMs must be a number ≥ 0');
    if (this.closeTimeoutMs > MAX_TIMER_MS) throw invalidOption(`closeTimeoutMs must be at most ${MAX_TIMER_MS} (about 24.8 days), not ${this.closeTimeoutMs}`);
    const jobAttempts = positiveInteger(options.jobAttempts ?? 3, 'jobAttempts');
    this.redis = connect(options.connection);
    const reader = connect(options.connection);
    const queueOptions = { connection: this.redis, prefix: this.keys.prefix };
    this.executionsQueue = new Queue(Queues.executions, queueOptions);
    this.blocksQueue = new Queue(Queues.mapBlocks, queueOptions);
    this.loadsQueue = new Queue(Queues.loads, queueOptions);
    // A connection error is retried by ioredis; BullMQ prints errors nobody listens for.
    for (const queue of [this.executionsQueue, this.blocksQueue, this.loadsQueue]) queue.on('error', () => {});
    this.counts = { submitted: 0, rejected: 0, duplicateAnswers: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 };
    this.latency = latencyHistogram();
    const checkIdle = () => this.checkIdle();
    this.batches = new ExecutionBatches(
      this.clientId,
      this.keys,
      this.redis,
      this.executionsQueue,
      this.batchSize,
      this.busyBatchSize,
      () => this.liveSlots(),
      jobAttempts,
      (entry, status, result, now) => this.finish(entry, status, result, now),
      checkIdle,
    );
    this.fanOuts = new MapFanOuts(this.clientId, this.keys, this.redis, this.blocksQueue, mapBlockSize, () => this.liveThreads(), jobAttempts, checkIdle);
    this.loads = new ShardedLoads(this.clientId, this.loadsQueue);
    this.results = new ResultStream(this.keys.results(this.clientId), reader, (jobId, kind, data) => this.answer(jobId, kind, data));
    this.giveUps = new GiveUpWatch(
      this.redis,
      [
        { queue: this.executionsQueue, jobIds: () => this.batches.jobIds() },
        { queue: this.blocksQueue, jobIds: () => this.fanOuts.jobIds() },
        { queue: this.loadsQueue, jobIds: () => this.loads.jobIds() },
      ],
      (jobId, reason) => this.jobFailed(jobId, reason),
    );
  }

  /** True once `maxQueue` executions are unsettled, until the 'drain' event. */
  get needsDrain(): boolean {
    return this.drainWanted;
  }

  /** Executions not yet handed to Redis. */
  get queueSize(): number {
    return this.batches.unsent;
  }

  /**
   * Registers a workflow under `id`: validated here (a DefinitionError lists every
   * problem), then stored in Redis for the workers. Executions submitted at once wait for
   * the store; the returned promise tells when it is done.
   */
  register(id: string, registration: ClusterRegisterOptions): Promise<void> {
    if (this.closing !== null) throw new ClusterError(ClusterErrorCodes.CLOSED, 'the cluster client is closed');
    if (typeof id !== 'string' || id === '') throw invalidOption('a workflow id must be a non-empty string');
    if (this.workflows.has(id)) throw new ClusterError(ClusterErrorCodes.DUPLICATE_WORKFLOW, `a workflow is already registered as '${id}'`);
    if (registration === null || typeof registration !== 'object') throw invalidOption(`register('${id}', …) needs { definition, handlers? }`);
    const problems = validate(registration.definition);
    if (problems.length > 0) throw new DefinitionError(problems);
    const mapFanOut = registration.mapFanOut ?? false;
    if (typeof mapFanOut !== 'boolean' && !(Array.isArray(mapFanOut) && mapFanOut.every((name) => typeof name === 'string'))) {
      throw invalidOption(`workflow '${id}': mapFanOut must be a boolean or an array of Map state names`);
    }
    const mapFanOutMinItems = positiveInteger(registration.mapFanOutMinItems ?? 16, `workflow '${id}': mapFanOutMinItems`);
    const name = machineNameProblem(registration.options?.stateMachineName, 'options.stateMachineName');
    if (name !== null) throw invalidOption(`workflow '${id}': ${name.option} ${name.problem}`);
    const record: WorkflowRecord = {
      id,
      definition: registration.definition,
      handlers: handlersModule(id, registration.handlers, registration.definition, invalidOption),
      options: { ...(registration.options ?? {}), limits: limitsToWire(registration.options?.limits) } as Record<string, unknown>,
      ...(mapFanOut === false ? {} : { mapFanOut, mapFanOutMinItems }),
    };
    const text = JSON.stringify(record);
    const key = `${id}@${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    const stored = this.redis.hset(this.keys.workflows, key, text).then(
      () => undefined,
      (thrown: unknown) => {
        throw new ClusterError(ClusterErrorCodes.REDIS, `workflow '${id}' could not be stored in Redis`, { cause: thrown });
      },
    );
    const workflow = new ClusterWorkflow(id, key, stored, registration.options ?? {});
    this.workflows.set(id, workflow);
    stored.catch(() => {});
    return stored;
  }

  /**
   * Runs one execution of workflow `id` on some worker. Resolves with the same result
   * object as in-process `execute`; rejects only when the execution is refused at submission.
   */
  execute(id: string, input: unknown = {}, options?: ClusterExecuteOptions): Promise<ExecutionResult> {
    if (this.closing !== null) return this.refuse(ClusterErrorCodes.CLOSED, 'the cluster client is closed');
    const workflow = this.workflows.get(id);
    if (workflow === undefined) return this.refuse(ClusterErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`);
    if (this.unsettled >= this.maxQueue) {
      this.drainWanted = true;
      return this.refuse(ClusterErrorCodes.QUEUE_FULL, `the cluster client's queue is full: maxQueue (${this.maxQueue}) executions are unsettled`);
    }
    const shape = options === undefined ? null : optionsShapeProblem(options, ['name']);
    if (shape !== null) return this.refuse(ClusterErrorCodes.INVALID_OPTION, `execute('${id}', …): option '${shape.option}' ${shape.problem}`);
    const name = options?.name ?? null;
    if (name !== null && typeof name !== 'string') return this.refuse(ClusterErrorCodes.INVALID_OPTION, 'the execution name must be a string');
    const batch = this.batches.filling(workflow);
    try {
      batch.writer.add(input);
    } catch (thrown) {
      // The writer may hold half of the failed value's shapes: send what it has, start afresh.
      workflow.filling = null;
      return this.refuse(ClusterErrorCodes.INPUT_NOT_ENCODABLE, `the input cannot be sent to a worker: ${encodeFailure(thrown)}`, thrown);
    }
    this.unsettled++;
    this.counts.submitted++;
    if (this.unsettled >= this.maxQueue) this.drainWanted = true;
    return this.batches.add(batch, input, name);
  }

  /**
   * Takes a registration stored by another client as workflow `id`, without storing it again:
   * how a worker's runner thread fans out the Maps of the executions it runs.
   * @internal
   */
  adopt(id: string, key: string, options: WorkflowOptions): void {
    if (!this.workflows.has(id)) this.workflows.set(id, new ClusterWorkflow(id, key, Promise.resolve(), options));
  }

  /**
   * Runs a Map state's iterations across the cluster's workers, in blocks of items (one job
   * each): outputs come back in item order; MaxConcurrency holds across the cluster; once
   * more iterations failed than `toleratedFailures`, the remaining blocks are skipped.
   */
  runMap(id: string, request: MapIterationsRequest): Promise<MapIterationsResult> {
    if (this.closing !== null) return Promise.reject(new ClusterError(ClusterErrorCodes.CLOSED, 'the cluster client is closed'));
    const workflow = this.workflows.get(id);
    if (workflow === undefined) return Promise.reject(new ClusterError(ClusterErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`));
    if (request.inputs.length === 0) return Promise.resolve({ outputs: [], failures: [], stopped: false });
    return this.fanOuts.run(workflow, request);
  }

  /**
   * Sharded load mode on the workers: each takes one shard and runs it on its own pool
   * (pool.load), generating its own inputs; only counts and histograms come back.
   */
  async load(id: string, options: ClusterLoadOptions): Promise<LoadResult> {
    if (this.closing !== null) throw new ClusterError(ClusterErrorCodes.CLOSED, 'the cluster client is closed');
    const workflow = this.workflows.get(id);
    if (workflow === undefined) throw new ClusterError(ClusterErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`);
    const plan = loadPlan(options, ['workers']);
    if (typeof plan === 'string') throw invalidOption(plan);
    const workers = integerProblem(options.workers, 'workers', 1);
    if (workers !== null) throw invalidOption(`option '${workers.option}' ${workers.problem}`);
    const shards = options.workers ?? (await this.liveWorkers()).length;
    if (shards === 0) throw invalidOption('load needs at least one live worker (start `statemill worker`, or pass workers)');
    await workflow.stored;
    return this.loads.run(workflow, options, plan, shards);
  }

  /** The worker processes that said they were alive in the last 10 s. */
  async liveWorkers(): Promise<(WorkerRecord & { readonly id: string })[]> {
    const all = await this.redis.hgetall(this.keys.workers);
    const now = Date.now();
    return Object.entries(all)
      .map(([id, text]) => ({ id, ...(JSON.parse(text) as WorkerRecord) }))
      .filter((worker) => now - worker.seen < 10_000);
  }

  /** Runner threads of the workers alive now, read at most every 5 s; 0 when Redis cannot tell. */
  private liveThreads(): Promise<number> {
    const now = performance.now();
    if (this.threadsSeen === null || now - this.threadsSeen.at > 5_000) {
      const threads = this.liveWorkers().then(
        (workers) => {
          // A thread runs one batch at a time: one running and one ready to start are all a thread can use.
          this.slotsSeen = workers.reduce((sum, worker) => sum + Math.min(worker.concurrency, 2 * worker.threads), 0);
          return workers.reduce((sum, worker) => sum + worker.threads, 0);
        },
        () => 0,
      );
      this.threadsSeen = { threads, at: now };
    }
    return this.threadsSeen.threads;
  }

  /** Batches the live workers can use at once, as last read; starts a new read every 5 s. */
  private liveSlots(): number {
    void this.liveThreads();
    return this.slotsSeen;
  }

  metrics(): ClusterMetrics {
    const c = this.counts;
    return {
      submitted: c.submitted,
      started: this.batches.started,
      batches: this.batches.sent,
      succeeded: c.SUCCEEDED,
      failed: c.FAILED,
      timedOut: c.TIMED_OUT,
      aborted: c.ABORTED,
      rejected: c.rejected,
      faults: this.batches.faults,
      queueDepth: this.batches.unsent,
      executionsInFlight: this.unsettled - this.batches.unsent,
      duplicateAnswers: c.duplicateAnswers,
      latency: summarize(this.latency),
    };
  }

  /**
   * Stops taking work and waits for every submitted execution's answer; after
   * `closeTimeoutMs`, what is still unanswered settles as FAILED (Cluster.ClientClosed) and
   * pending runMap/load calls reject. Then closes its Redis connections (its clean-up there
   * waits at most `closeTimeoutMs` too, so an unreachable Redis does not hold close() for ever).
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = (async () => {
      this.batches.flush(true);
      if (!this.idle()) {
        const idle = new Promise<void>((resolve) => (this.whenIdle = resolve));
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs)));
        await Promise.race([idle, late]);
        clearTimeout(timer);
        this.batches.abandon();
        this.fanOuts.abandon();
        this.loads.abandon();
      }
      this.giveUps.stop();
      await this.results.stop();
      // Commands wait through reconnections: with Redis out of reach the clean-up would wait for ever, so it gets closeTimeoutMs.
      const cleanUp = (async () => {
        await Promise.allSettled([...this.workflows.values()].map((workflow) => workflow.stored));
        await this.redis.del(this.keys.results(this.clientId)).catch(() => {});
        await Promise.allSettled([this.executionsQueue.close(), this.blocksQueue.close(), this.loadsQueue.close()]);
      })();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([cleanUp, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs)))]);
      clearTimeout(timer);
      this.redis.disconnect();
    })();
    return this.closing;
  }

  private refuse(code: ClusterErrorCode, message: string, cause?: unknown): Promise<never> {
    this.counts.rejected++;
    return Promise.reject(new ClusterError(code, message, cause === undefined ? undefined : { cause }));
  }

  private answer(jobId: string, kind: string, data: Buffer): void {
    const expected =
      kind === 'batch'
        ? this.batches.answered(jobId, data)
        : kind === 'block'
          ? this.fanOuts.answered(jobId, data)
          : kind === 'load'
            ? this.loads.answered(jobId, data)
            : true;
    if (!expected) this.counts.duplicateAnswers++;
    this.checkIdle();
  }

  /** Settles `entry` with `result`; `now` is performance.now() when its batch settled. */
  private finish(entry: Submission, status: ExecutionStatus, result: ExecutionResult, now: number): void {
    this.counts[status]++;
    this.unsettled--;
    this.latency.recordValue(Math.max(1, Math.round((now - entry.submitted) * 1000)));
    entry.resolve(result);
    if (this.drainWanted && this.unsettled < this.maxQueue) {
      this.drainWanted = false;
      this.emit('drain');
    }
  }

  /** BullMQ gave up on a job: what it carried settles as lost. */
  private jobFailed(jobId: string, reason: string): void {
    if (!this.batches.lost(jobId, reason) && !this.fanOuts.lost(jobId, reason)) this.loads.lost(jobId, reason);
    this.checkIdle();
  }

  private idle(): boolean {
    return this.batches.size === 0 && this.fanOuts.size === 0 && this.loads.size === 0 && this.batches.unsent === 0;
  }

  private checkIdle(): void {
    if (this.whenIdle !== null && this.idle()) {
      const resolve = this.whenIdle;
      this.whenIdle = null;
      resolve();
    }
  }
}

const CLUSTER_OPTIONS: readonly (keyof ClusterOptions)[] = [
  'connection',
  'prefix',
  'batch',
  'busyBatch',
  'maxQueue',
  'mapBlockSize',
  'closeTimeoutMs',
  'jobAttempts',
];

export function createCluster(options: ClusterOptions): Cluster {
  return new Cluster(options);
}

function positiveInteger(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw invalidOption(`${name} must be a positive integer`);
  return value as number;
}
