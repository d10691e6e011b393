/**
 * The cluster, client side: the pool's surface (register, execute, runMap, load, metrics,
 * close, maxQueue with needsDrain/'drain') over BullMQ queues that worker processes on
 * any number of hosts take work from (worker.ts). Executions submitted in one tick travel
 * together as one job; answers come back on this client's own Redis stream.
 *
 * Every submitted execution settles exactly once: with the first answer for its batch (a
 * batch BullMQ re-runs after a worker died answers again, and that answer is dropped), with
 * a FAILED result naming a ClusterFault when BullMQ gives up on the batch or the client
 * closes first, or by a rejection at submission.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { DefinitionError } from '../asl/problems.js';
import { validate } from '../asl/validate.js';
import type { MapIterationsRequest, MapIterationsResult } from '../run/iterations.js';
import { BatchWriter, encodeFailure, packValue, readValue } from '../pool/codec.js';
import { decodeHistogram, latencyHistogram, summarize, type Histogram, type LatencySummary } from '../pool/latency.js';
import type { LoadOptions, LoadResult } from '../pool/load-result.js';
import type { WorkflowOptions } from '../pool/protocol.js';
import { ExecutionResult, type ExecutionStatus } from '../run/result.js';
import { ClusterError, ClusterErrorCodes, ClusterFaults, type ClusterErrorCode } from './errors.js';
import {
  arnsOf,
  ClusterKeys,
  limitsToWire,
  Queues,
  type BatchJobData,
  type BlockJobData,
  type BlockReply,
  type JobFailure,
  type LoadJobData,
  type LoadShardReply,
  type ResultRecord,
  type WorkerRecord,
  type WorkflowRecord,
} from './protocol.js';
import { connect, type ClusterConnection } from './redis.js';
import { moduleFileUrl } from '../pool/module-url.js';

export interface ClusterOptions {
  /** Where Redis is: a redis:// URL or ioredis options. */
  readonly connection: ClusterConnection;
  /** Prefix of every queue and key, so several clusters can share one Redis. Default 'statemill'. */
  readonly prefix?: string;
  /** Most executions in one job. Default 256. */
  readonly batch?: number;
  /** Most executions submitted and not yet settled; past it `execute` rejects with ERR_CLUSTER_QUEUE_FULL. Default 10,000. */
  readonly maxQueue?: number;
  /** Items per job when a Map fans out. Default: a 64th of the items (at least 1). */
  readonly mapBlockSize?: number;
  /** How long `close()` waits for answers before settling what is left as Cluster.ClientClosed. Default 30,000 ms. */
  readonly closeTimeoutMs?: number;
  /** Times BullMQ runs a job whose processing threw (Redis unreachable mid-answer). Default 3. */
  readonly jobAttempts?: number;
}

export interface ClusterRegisterOptions {
  /** The state machine definition (ASL JSON as an object). */
  readonly definition: unknown;
  /** The handlers module: a file: URL or an absolute path, the same on every host (or give workers --handlers). */
  readonly handlers: string | URL;
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

class Submission {
  constructor(
    readonly input: unknown,
    readonly submitted: number,
    readonly resolve: (result: ExecutionResult) => void,
  ) {}
}

class ClusterWorkflow {
  /** Resolves once workers can read the registration from Redis. */
  readonly stored: Promise<void>;
  readonly stateMachineArn: string;
  readonly executionArnPrefix: string;
  filling: Batch | null;
  constructor(
    readonly id: string,
    /** `id@version`: the registration workers look up; a changed definition is another version. */
    readonly key: string,
    stored: Promise<void>,
    options: WorkflowOptions,
  ) {
    this.stored = stored;
    const arns = arnsOf(options);
    this.stateMachineArn = arns.stateMachineArn;
    this.executionArnPrefix = arns.executionArnPrefix;
    this.filling = null;
  }
}

class Batch {
  readonly writer = new BatchWriter();
  readonly entries: Submission[] = [];
  names: (string | null)[] | null = null;
  sent = false;
  constructor(readonly workflow: ClusterWorkflow) {}
}

/** A Map's items fanned out as blocks; settles once every block answered or it stopped. */
class FanOut {
  readonly outputs: unknown[];
  readonly failures: { index: number; error: string | null; cause: string | null }[] = [];
  next = 0;
  inFlight = 0;
  done = false;
  constructor(
    readonly id: string,
    readonly workflow: ClusterWorkflow,
    readonly request: MapIterationsRequest,
    readonly blockSize: number,
    readonly blocks: number,
    /** Blocks in flight at once (MaxConcurrency across the cluster). */
    readonly maxBlocks: number,
    readonly resolve: (result: MapIterationsResult) => void,
  ) {
    this.outputs = new Array<unknown>(request.inputs.length).fill(undefined);
  }
}

class LoadRun {
  readonly replies: LoadShardReply[] = [];
  constructor(
    readonly shards: number,
    readonly started: number,
    readonly resolve: (replies: LoadShardReply[]) => void,
    readonly reject: (error: Error) => void,
  ) {}
}

type Counter = 'submitted' | 'started' | 'batches' | 'rejected' | 'faults' | 'duplicateAnswers' | ExecutionStatus;

const DEFAULT_PREFIX = 'statemill';
/** A batch's inputs outlive a client that vanished by a day at most. */
const PAYLOAD_TTL_S = 86_400;

/** Emits 'drain' when executions can be submitted again after the queue filled up. */
export class Cluster extends EventEmitter {
  /** This client's id: its jobs' ids and its results stream carry it. */
  readonly clientId: string;
  readonly batchSize: number;
  readonly maxQueue: number;
  private readonly keys: ClusterKeys;
  private readonly mapBlockSize: number | null;
  private readonly closeTimeoutMs: number;
  private readonly jobAttempts: number;
  private readonly redis: Redis;
  private readonly reader: Redis;
  private readonly executionsQueue: Queue;
  private readonly blocksQueue: Queue;
  private readonly loadsQueue: Queue;
  private readonly events: QueueEvents[];
  /** Connections handed to BullMQ, which leaves connections it was given open on close. */
  private readonly connections: Redis[] = [];
  private readonly workflows = new Map<string, ClusterWorkflow>();
  private readonly open: Batch[] = [];
  /** Batches handed to Redis and not yet answered, by job id. */
  private readonly batches = new Map<string, Batch>();
  /** Map blocks not yet answered, by job id: their fan-out and block index. */
  private readonly blocks = new Map<string, { fanOut: FanOut; block: number }>();
  private readonly loads = new Map<string, LoadRun>();
  private sequence = 0;
  private flushScheduled = false;
  private unsent = 0;
  private unsettled = 0;
  private drainWanted = false;
  private closing: Promise<void> | null = null;
  private whenIdle: (() => void) | null = null;
  private readonly counts: Record<Counter, number>;
  private readonly latency: Histogram;
  private readonly reading: Promise<void>;
  private stopReading = false;

  constructor(options: ClusterOptions) {
    super();
    if (options === null || typeof options !== 'object') throw invalid('createCluster needs { connection }');
    this.clientId = randomUUID();
    this.keys = new ClusterKeys(options.prefix ?? DEFAULT_PREFIX);
    this.batchSize = positiveInteger(options.batch ?? 256, 'batch');
    this.maxQueue = positiveInteger(options.maxQueue ?? 10_000, 'maxQueue');
    this.mapBlockSize = options.mapBlockSize === undefined ? null : positiveInteger(options.mapBlockSize, 'mapBlockSize');
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    if (!(this.closeTimeoutMs >= 0)) throw invalid('closeTimeoutMs must be a number ≥ 0');
    this.jobAttempts = positiveInteger(options.jobAttempts ?? 3, 'jobAttempts');
    this.redis = connect(options.connection);
    this.reader = connect(options.connection);
    const queueOptions = { connection: this.redis, prefix: this.keys.prefix };
    this.executionsQueue = new Queue(Queues.executions, queueOptions);
    this.blocksQueue = new Queue(Queues.mapBlocks, queueOptions);
    this.loadsQueue = new Queue(Queues.loads, queueOptions);
    // A connection error is retried by ioredis; BullMQ prints errors nobody listens for.
    for (const queue of [this.executionsQueue, this.blocksQueue, this.loadsQueue]) queue.on('error', () => {});
    // BullMQ answers nothing for a job it gave up on (stalled too often, or kept failing): its 'failed' event is how the client learns.
    this.events = [Queues.executions, Queues.mapBlocks, Queues.loads].map((queue) => {
      const connection = connect(options.connection);
      this.connections.push(connection);
      const events = new QueueEvents(queue, { connection, prefix: this.keys.prefix });
      events.on('failed', ({ jobId, failedReason }) => this.jobFailed(jobId, failedReason));
      events.on('error', () => {});
      return events;
    });
    this.counts = { submitted: 0, started: 0, batches: 0, rejected: 0, faults: 0, duplicateAnswers: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 };
    this.latency = latencyHistogram();
    this.reading = this.readAnswers();
  }

  /** True once `maxQueue` executions are unsettled, until the 'drain' event. */
  get needsDrain(): boolean {
    return this.drainWanted;
  }

  /** Executions not yet handed to Redis. */
  get queueSize(): number {
    return this.unsent;
  }

  /**
   * Registers a workflow under `id`: validated here (a DefinitionError lists every
   * problem), then stored in Redis for the workers. Executions submitted at once wait for
   * the store; the returned promise tells when it is done.
   */
  register(id: string, registration: ClusterRegisterOptions): Promise<void> {
    if (this.closing !== null) throw new ClusterError(ClusterErrorCodes.CLOSED, 'the cluster client is closed');
    if (typeof id !== 'string' || id === '') throw invalid('a workflow id must be a non-empty string');
    if (this.workflows.has(id)) throw new ClusterError(ClusterErrorCodes.DUPLICATE_WORKFLOW, `a workflow is already registered as '${id}'`);
    if (registration === null || typeof registration !== 'object') throw invalid(`register('${id}', …) needs { definition, handlers }`);
    const problems = validate(registration.definition);
    if (problems.length > 0) throw new DefinitionError(problems);
    const mapFanOut = registration.mapFanOut ?? false;
    if (typeof mapFanOut !== 'boolean' && !(Array.isArray(mapFanOut) && mapFanOut.every((name) => typeof name === 'string'))) {
      throw invalid(`workflow '${id}': mapFanOut must be a boolean or an array of Map state names`);
    }
    const mapFanOutMinItems = positiveInteger(registration.mapFanOutMinItems ?? 16, `workflow '${id}': mapFanOutMinItems`);
    const record: WorkflowRecord = {
      id,
      definition: registration.definition,
      handlers: handlersUrl(id, registration.handlers),
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
    const name = options?.name ?? null;
    if (name !== null && typeof name !== 'string') return this.refuse(ClusterErrorCodes.INVALID_OPTION, 'the execution name must be a string');
    const batch = workflow.filling ?? this.startBatch(workflow);
    try {
      batch.writer.add(input);
    } catch (thrown) {
      // The writer may hold half of the failed value's shapes: send what it has, start afresh.
      workflow.filling = null;
      return this.refuse(ClusterErrorCodes.INPUT_NOT_ENCODABLE, `the input cannot be sent to a worker: ${encodeFailure(thrown)}`, thrown);
    }
    if (name !== null) {
      batch.names ??= new Array<string | null>(batch.entries.length).fill(null);
      batch.names.push(name);
    } else if (batch.names !== null) batch.names.push(null);
    const submitted = performance.now();
    const result = new Promise<ExecutionResult>((resolve) => batch.entries.push(new Submission(input, submitted, resolve)));
    this.unsent++;
    this.unsettled++;
    this.counts.submitted++;
    if (this.unsettled >= this.maxQueue) this.drainWanted = true;
    if (batch.entries.length >= this.batchSize) {
      workflow.filling = null;
      this.send(batch);
    }
    return result;
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
    const count = request.inputs.length;
    if (count === 0) return Promise.resolve({ outputs: [], failures: [], stopped: false });
    const maxConcurrency = request.maxConcurrency;
    // With MaxConcurrency m, m blocks run at once, each one item at a time.
    const blockSize = this.mapBlockSize ?? Math.max(1, Math.ceil(count / 64));
    const blocks = Math.ceil(count / blockSize);
    const maxBlocks = maxConcurrency > 0 ? maxConcurrency : Infinity;
    return new Promise((resolve) => {
      const fanOut = new FanOut(`${this.clientId}-m${this.sequence++}`, workflow, request, blockSize, blocks, maxBlocks, resolve);
      this.sendBlocks(fanOut);
    });
  }

  /**
   * Sharded load mode on the workers: each takes one shard and runs it on its own pool
   * (pool.load), generating its own inputs; only counts and histograms come back.
   */
  async load(id: string, options: ClusterLoadOptions): Promise<LoadResult> {
    if (this.closing !== null) throw new ClusterError(ClusterErrorCodes.CLOSED, 'the cluster client is closed');
    const workflow = this.workflows.get(id);
    if (workflow === undefined) throw new ClusterError(ClusterErrorCodes.UNKNOWN_WORKFLOW, `no workflow is registered as '${id}'`);
    const executionsPerThread = options.executionsPerThread ?? null;
    const durationMs = options.durationMs ?? null;
    if (executionsPerThread === null && durationMs === null) throw invalid('load needs executionsPerThread or durationMs');
    const shards = options.workers ?? (await this.liveWorkers()).length;
    if (!(Number.isInteger(shards) && shards > 0)) throw invalid('load needs at least one live worker (start `statemill worker`, or pass workers)');
    await workflow.stored;
    const started = performance.now();
    const replies = await new Promise<LoadShardReply[]>((resolve, reject) => {
      const run = new LoadRun(shards, started, resolve, reject);
      const jobs = Array.from({ length: shards }, (_, shard) => {
        const jobId = `${this.clientId}-l${this.sequence++}`;
        this.loads.set(jobId, run);
        const data: LoadJobData = {
          client: this.clientId,
          workflow: workflow.key,
          generator: moduleUrl(options.generator),
          generatorExport: options.generatorExport ?? 'generateInput',
          generatorOptions: options.generatorOptions ?? null,
          seed: (options.seed ?? 1) + shard * 1000,
          executionsPerThread,
          durationMs,
          concurrency: options.concurrency ?? 1,
        };
        return { name: 'load', data, opts: { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: 1 } };
      });
      this.loadsQueue.addBulk(jobs).catch((thrown: unknown) => reject(new ClusterError(ClusterErrorCodes.REDIS, 'the load run could not be queued', { cause: thrown })));
    });
    return loadResultOf(replies, performance.now() - started);
  }

  /** The worker processes that said they were alive in the last 10 s. */
  async liveWorkers(): Promise<(WorkerRecord & { readonly id: string })[]> {
    const all = await this.redis.hgetall(this.keys.workers);
    const now = Date.now();
    return Object.entries(all)
      .map(([id, text]) => ({ id, ...(JSON.parse(text) as WorkerRecord) }))
      .filter((worker) => now - worker.seen < 10_000);
  }

  metrics(): ClusterMetrics {
    const c = this.counts;
    return {
      submitted: c.submitted,
      started: c.started,
      batches: c.batches,
      succeeded: c.SUCCEEDED,
      failed: c.FAILED,
      timedOut: c.TIMED_OUT,
      aborted: c.ABORTED,
      rejected: c.rejected,
      faults: c.faults,
      queueDepth: this.unsent,
      executionsInFlight: this.unsettled - this.unsent,
      duplicateAnswers: c.duplicateAnswers,
      latency: summarize(this.latency),
    };
  }

  /**
   * Stops taking work and waits for every submitted execution's answer; after
   * `closeTimeoutMs`, what is still unanswered settles as FAILED (Cluster.ClientClosed) and
   * pending runMap/load calls reject. Then closes its Redis connections.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = (async () => {
      this.flush();
      if (!this.idle()) {
        const idle = new Promise<void>((resolve) => (this.whenIdle = resolve));
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs)));
        await Promise.race([idle, late]);
        clearTimeout(timer);
        this.abandonPending();
      }
      await Promise.allSettled([...this.workflows.values()].map((workflow) => workflow.stored));
      this.stopReading = true;
      this.reader.disconnect();
      await this.reading;
      await this.redis.del(this.keys.results(this.clientId)).catch(() => {});
      await Promise.allSettled([...this.events.map((events) => events.close()), this.executionsQueue.close(), this.blocksQueue.close(), this.loadsQueue.close()]);
      this.redis.disconnect();
      for (const connection of this.connections) connection.disconnect();
    })();
    return this.closing;
  }

  private refuse(code: ClusterErrorCode, message: string, cause?: unknown): Promise<never> {
    this.counts.rejected++;
    return Promise.reject(new ClusterError(code, message, cause === undefined ? undefined : { cause }));
  }

  private startBatch(workflow: ClusterWorkflow): Batch {
    const batch = new Batch(workflow);
    workflow.filling = batch;
    this.open.push(batch);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Everything submitted in the same tick travels together.
      process.nextTick(() => this.flush());
    }
    return batch;
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const batch of this.open.splice(0)) {
      if (batch.workflow.filling === batch) batch.workflow.filling = null;
      if (batch.entries.length > 0 && !batch.sent) this.send(batch);
    }
  }

  private send(batch: Batch): void {
    const jobId = `${this.clientId}-b${this.sequence++}`;
    batch.sent = true;
    this.batches.set(jobId, batch);
    this.unsent -= batch.entries.length;
    this.counts.started += batch.entries.length;
    this.counts.batches++;
    const data: BatchJobData = { client: this.clientId, workflow: batch.workflow.key, names: batch.names };
    const bytes = batch.writer.finish();
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const options = { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: this.jobAttempts, backoff: { type: 'fixed', delay: 100 } };
    batch.workflow.stored
      .then(() => this.redis.set(this.keys.payload(jobId), payload, 'EX', PAYLOAD_TTL_S))
      .then(() => this.executionsQueue.add('batch', data, options))
      .catch((thrown: unknown) => this.batchLost(jobId, `the batch could not be queued: ${thrown instanceof Error ? thrown.message : String(thrown)}`));
  }

  private sendBlocks(fanOut: FanOut): void {
    const jobs: { name: string; data: BlockJobData; opts: { jobId: string; removeOnComplete: boolean; removeOnFail: number; attempts: number } }[] = [];
    while (fanOut.next < fanOut.blocks && fanOut.inFlight < fanOut.maxBlocks) {
      const block = fanOut.next++;
      fanOut.inFlight++;
      const jobId = `${fanOut.id}-${block}`;
      this.blocks.set(jobId, { fanOut, block });
      const start = block * fanOut.blockSize;
      const inputs = fanOut.request.inputs.slice(start, start + fanOut.blockSize);
      const data: BlockJobData = {
        client: this.clientId,
        workflow: fanOut.workflow.key,
        map: fanOut.id,
        state: fanOut.request.state,
        concurrency: fanOut.request.maxConcurrency > 0 ? 1 : 0,
        payload: Buffer.from(packValue([inputs, fanOut.request.parent, fanOut.request.toleratedFailures])).toString('base64'),
      };
      jobs.push({ name: 'block', data, opts: { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: this.jobAttempts } });
    }
    if (jobs.length === 0) return;
    fanOut.workflow.stored
      .then(() => this.blocksQueue.addBulk(jobs))
      .catch((thrown: unknown) => {
        for (const job of jobs) this.jobFailed(job.opts.jobId, `the block could not be queued: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
      });
  }

  /** Reads this client's results stream until close(). */
  private async readAnswers(): Promise<void> {
    const stream = this.keys.results(this.clientId);
    let last = '0-0';
    while (!this.stopReading) {
      let reply: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        reply = (await this.reader.xreadBuffer('COUNT', 256, 'BLOCK', 1000, 'STREAMS', stream, last)) as typeof reply;
      } catch {
        if (this.stopReading) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      if (reply === null) continue;
      const ids: string[] = [];
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          last = id.toString();
          ids.push(last);
          this.answer(fields[1]!.toString(), fields[3]!.toString(), fields[5]!);
        }
      }
      this.redis.xdel(stream, ...ids).catch(() => {});
    }
  }

  private answer(jobId: string, kind: string, data: Buffer): void {
    if (kind === 'batch') {
      const batch = this.batches.get(jobId);
      if (batch === undefined) return void this.counts.duplicateAnswers++;
      this.batches.delete(jobId);
      const reply = readValue(data, 'no-eval') as ResultRecord[] | JobFailure;
      if (Array.isArray(reply)) batch.entries.forEach((entry, i) => this.settle(batch.workflow, entry, reply[i]!));
      else this.settleBatchAs(batch, reply.fault, reply.message);
    } else if (kind === 'block') {
      const pending = this.blocks.get(jobId);
      if (pending === undefined) return void this.counts.duplicateAnswers++;
      this.blocks.delete(jobId);
      const reply = readValue(data, 'no-eval') as BlockReply | JobFailure;
      this.blockAnswered(pending.fanOut, pending.block, reply);
    } else if (kind === 'load') {
      const run = this.loads.get(jobId);
      if (run === undefined) return void this.counts.duplicateAnswers++;
      this.loads.delete(jobId);
      const reply = readValue(data, 'no-eval') as LoadShardReply | JobFailure;
      if ('fault' in reply) return this.loadFailed(run, reply.message);
      run.replies.push(reply);
      if (run.replies.length === run.shards) run.resolve(run.replies);
    }
    this.checkIdle();
  }

  private settle(workflow: ClusterWorkflow, entry: Submission, record: ResultRecord): void {
    const [status, name, executionArn, stateMachineArn, startMs, stopMs, output, error, cause, history] = record;
    const events = (history ?? undefined) as ExecutionResult['history'];
    const result = new ExecutionResult(
      executionArn ?? `${workflow.executionArnPrefix}${name}`,
      stateMachineArn ?? workflow.stateMachineArn,
      name,
      status,
      startMs,
      stopMs,
      entry.input,
      output,
      error,
      cause,
      events,
    );
    this.finish(entry, status, result);
  }

  private settleBatchAs(batch: Batch, fault: string, cause: string): void {
    const now = Date.now();
    batch.entries.forEach((entry, i) => {
      const name = batch.names?.[i] ?? randomUUID();
      this.counts.faults++;
      const result = new ExecutionResult(
        `${batch.workflow.executionArnPrefix}${name}`,
        batch.workflow.stateMachineArn,
        name,
        'FAILED',
        now,
        now,
        entry.input,
        undefined,
        fault,
        cause,
      );
      this.finish(entry, 'FAILED', result);
    });
  }

  private finish(entry: Submission, status: ExecutionStatus, result: ExecutionResult): void {
    this.counts[status]++;
    this.unsettled--;
    this.latency.recordValue(Math.max(1, Math.round((performance.now() - entry.submitted) * 1000)));
    entry.resolve(result);
    if (this.drainWanted && this.unsettled < this.maxQueue) {
      this.drainWanted = false;
      this.emit('drain');
    }
  }

  private blockAnswered(fanOut: FanOut, block: number, reply: BlockReply | JobFailure): void {
    fanOut.inFlight--;
    if (fanOut.done) return;
    const start = block * fanOut.blockSize;
    const end = Math.min(fanOut.request.inputs.length, start + fanOut.blockSize);
    if (reply !== null && 'fault' in reply) {
      for (let index = start; index < end; index++) fanOut.failures.push({ index, error: reply.fault, cause: reply.message });
    } else if (reply !== null) {
      for (let i = 0; i < reply.outputs.length; i++) fanOut.outputs[start + i] = reply.outputs[i];
      for (const failure of reply.failures) fanOut.failures.push({ index: start + failure.index, error: failure.error, cause: failure.cause });
    }
    const tolerated = fanOut.request.toleratedFailures;
    if (fanOut.failures.length > 0 && fanOut.failures.length > tolerated) {
      this.endFanOut(fanOut, true);
      // Workers skip the blocks not yet started; the ones running finish and are ignored.
      this.redis.set(this.keys.mapStopped(fanOut.id), '1', 'EX', 3600).catch(() => {});
      return;
    }
    if (fanOut.next < fanOut.blocks) this.sendBlocks(fanOut);
    else if (fanOut.inFlight === 0) this.endFanOut(fanOut, false);
  }

  private endFanOut(fanOut: FanOut, stopped: boolean): void {
    fanOut.done = true;
    for (const [jobId, pending] of this.blocks) if (pending.fanOut === fanOut) this.blocks.delete(jobId);
    fanOut.failures.sort((a, b) => a.index - b.index);
    fanOut.resolve({ outputs: fanOut.outputs, failures: fanOut.failures, stopped });
  }

  private loadFailed(run: LoadRun, message: string): void {
    for (const [jobId, pending] of this.loads) if (pending === run) this.loads.delete(jobId);
    run.reject(new ClusterError(ClusterErrorCodes.REDIS, `a load shard failed: ${message}`));
  }

  /** BullMQ gave up on a job: what it carried settles as lost. */
  private jobFailed(jobId: string, reason: string): void {
    if (this.batches.has(jobId)) this.batchLost(jobId, reason);
    else if (this.blocks.has(jobId)) {
      const pending = this.blocks.get(jobId)!;
      this.blocks.delete(jobId);
      this.blockAnswered(pending.fanOut, pending.block, { fault: ClusterFaults.BatchFailed, message: reason });
    } else if (this.loads.has(jobId)) this.loadFailed(this.loads.get(jobId)!, reason);
    this.checkIdle();
  }

  private batchLost(jobId: string, reason: string): void {
    const batch = this.batches.get(jobId);
    if (batch === undefined) return;
    this.batches.delete(jobId);
    this.redis.del(this.keys.payload(jobId)).catch(() => {});
    this.settleBatchAs(batch, ClusterFaults.BatchFailed, reason);
    this.checkIdle();
  }

  private abandonPending(): void {
    for (const [jobId, batch] of this.batches) {
      this.batches.delete(jobId);
      this.settleBatchAs(batch, ClusterFaults.ClientClosed, 'the cluster client closed before the execution was answered');
    }
    for (const { fanOut } of this.blocks.values()) {
      if (!fanOut.done) {
        for (let index = 0; index < fanOut.request.inputs.length; index++) {
          if (fanOut.outputs[index] === undefined) fanOut.failures.push({ index, error: ClusterFaults.ClientClosed, cause: 'the cluster client closed first' });
        }
        this.endFanOut(fanOut, true);
      }
    }
    for (const run of new Set(this.loads.values())) this.loadFailed(run, 'the cluster client closed first');
  }

  private idle(): boolean {
    return this.batches.size === 0 && this.blocks.size === 0 && this.loads.size === 0 && this.unsent === 0;
  }

  private checkIdle(): void {
    if (this.whenIdle !== null && this.idle()) {
      const resolve = this.whenIdle;
      this.whenIdle = null;
      resolve();
    }
  }
}

export function createCluster(options: ClusterOptions): Cluster {
  return new Cluster(options);
}

function loadResultOf(replies: readonly LoadShardReply[], elapsedMs: number): LoadResult {
  const histogram = latencyHistogram();
  let succeeded = 0;
  let failed = 0;
  let timedOut = 0;
  let aborted = 0;
  let threads = 0;
  const perThread = replies.map((reply, i) => {
    histogram.add(decodeHistogram(reply.histogram));
    succeeded += reply.succeeded;
    failed += reply.failed;
    timedOut += reply.timedOut;
    aborted += reply.aborted;
    threads += reply.threads;
    return { threadId: i, executions: reply.executions, elapsedMs: reply.elapsedMs };
  });
  const executions = succeeded + failed + timedOut + aborted;
  return { threads, executions, succeeded, failed, timedOut, aborted, elapsedMs, throughput: executions / (elapsedMs / 1000), perThread, latency: summarize(histogram), histogram };
}

function handlersUrl(id: string, handlers: string | URL): string {
  const url = moduleFileUrl(handlers);
  if (url !== null) return url;
  throw invalid(`workflow '${id}': handlers must be a file: URL or an absolute path to a module exporting 'handlers'`);
}

function moduleUrl(module: string | URL): string {
  const url = moduleFileUrl(module);
  if (url !== null) return url;
  throw invalid('load: generator must be a file: URL or an absolute path');
}

function positiveInteger(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw invalid(`${name} must be a positive integer`);
  return value as number;
}

function invalid(message: string): ClusterError {
  return new ClusterError(ClusterErrorCodes.INVALID_OPTION, message);
}
