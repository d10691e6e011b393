/**
 * The cluster, worker side: one process per host (`statemill worker`) takes jobs from the
 * cluster's BullMQ queues and runs them on its own thread pool — execution batches, Map
 * blocks, load shards — and answers on the submitting client's results stream.
 *
 * Delivery is at-least-once: a worker that dies mid-job leaves the job locked until its
 * lock expires, then BullMQ's stalled-job check hands it to another worker, which runs the
 * whole batch again (so a handler of an execution the dead worker had started may run
 * twice). The client keeps the first answer for each job, so each execution settles once.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { packValue, readBatch, readValue } from '../pool/codec.js';
import { encodeHistogram } from '../pool/latency.js';
import { createPool, type Pool, type PoolOptions } from '../pool/pool.js';
import type { ExecutionResult } from '../run/result.js';
import { ClusterError, ClusterErrorCodes, ClusterFaults } from './errors.js';
import {
  arnsOf,
  ClusterKeys,
  Queues,
  type BatchJobData,
  type BlockJobData,
  type BlockReply,
  type IterationParent,
  type JobFailure,
  type LoadJobData,
  type LoadShardReply,
  type ResultRecord,
  type WorkerRecord,
  type WorkflowRecord,
} from './protocol.js';
import { connect, type ClusterConnection } from './redis.js';

export interface ClusterWorkerOptions {
  /** Where Redis is: a redis:// URL or ioredis options. */
  readonly connection: ClusterConnection;
  /** The cluster's prefix, as its clients use it. Default 'statemill'. */
  readonly prefix?: string;
  /** Worker threads of this host's pool. Default: the number of cores. */
  readonly threads?: number;
  /** Execution batches this worker runs at once. Default: 3 per thread. */
  readonly concurrency?: number;
  /** A handlers module (file: URL or absolute path) used for every workflow instead of the one it was registered with. */
  readonly handlers?: string | URL;
  /** How long a job stays locked to this worker without renewal; a dead worker's jobs wait this long. Default 30,000 ms. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (whose worker died). Default 30,000 ms. */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall before BullMQ fails it for good. Default 1. */
  readonly maxStalledCount?: number;
  /** Options of this host's pool (threads and handlers above take precedence). */
  readonly pool?: PoolOptions;
}

/** How often a worker says it is alive (liveWorkers() counts those seen in the last 10 s). */
const HEARTBEAT_MS = 2_000;

export class ClusterWorker {
  readonly id: string;
  readonly threads: number;
  readonly concurrency: number;
  private readonly keys: ClusterKeys;
  private readonly redis: Redis;
  private readonly pool: Pool;
  private readonly handlers: string | null;
  private readonly workers: Worker[];
  /** Connections handed to BullMQ, which leaves connections it was given open on close. */
  private readonly connections: Redis[] = [];
  /** Pool workflow id by registration key, or why it cannot run here. */
  private readonly workflows = new Map<string, Promise<{ poolId: string; record: WorkflowRecord } | JobFailure>>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing: Promise<void> | null = null;

  constructor(options: ClusterWorkerOptions) {
    if (options === null || typeof options !== 'object') throw invalid('a cluster worker needs { connection }');
    this.id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.keys = new ClusterKeys(options.prefix ?? 'statemill');
    this.pool = createPool({ maxQueue: 1_000_000, ...options.pool, ...(options.threads === undefined ? {} : { threads: options.threads }) });
    this.threads = this.pool.threads;
    this.concurrency = options.concurrency ?? this.threads * 3;
    if (!(Number.isInteger(this.concurrency) && this.concurrency > 0)) throw invalid('concurrency must be a positive integer');
    this.handlers = options.handlers === undefined ? null : moduleUrl(options.handlers);
    this.redis = connect(options.connection);
    const common = {
      prefix: this.keys.prefix,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
    };
    const worker = (queue: string, concurrency: number, process: (job: Job) => Promise<void>): Worker => {
      const connection = connect(options.connection);
      this.connections.push(connection);
      const bullWorker = new Worker(queue, process, { ...common, concurrency, connection });
      bullWorker.on('error', () => {});
      return bullWorker;
    };
    this.workers = [
      worker(Queues.executions, this.concurrency, (job) => this.runBatch(job)),
      worker(Queues.mapBlocks, this.threads * 2, (job) => this.runBlock(job)),
      worker(Queues.loads, 1, (job) => this.runLoad(job)),
    ];
    this.heartbeat = setInterval(() => this.sayAlive(), HEARTBEAT_MS);
    this.sayAlive();
  }

  /** Resolves once the worker's queues are connected and taking jobs. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  /** Finishes the jobs it is running, takes no more, stops its threads. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = (async () => {
      clearInterval(this.heartbeat);
      await Promise.allSettled(this.workers.map((worker) => worker.close()));
      await this.pool.close();
      await this.redis.hdel(this.keys.workers, this.id).catch(() => {});
      this.redis.disconnect();
      for (const connection of this.connections) connection.disconnect();
    })();
    return this.closing;
  }

  private sayAlive(): void {
    const record: WorkerRecord = { threads: this.threads, concurrency: this.concurrency, host: hostname(), pid: process.pid, seen: Date.now() };
    this.redis.hset(this.keys.workers, this.id, JSON.stringify(record)).catch(() => {});
  }

  private async runBatch(job: Job): Promise<void> {
    const data = job.data as BatchJobData;
    const workflow = await this.workflow(data.workflow);
    const inputs = readBatch(Buffer.from(data.payload, 'base64'), 'no-eval');
    let reply: ResultRecord[] | JobFailure;
    if ('fault' in workflow) reply = workflow;
    else {
      const { poolId, record } = workflow;
      reply = await Promise.all(
        inputs.map((input, i) => {
          const name = data.names?.[i] ?? null;
          return this.pool.execute(poolId, input, name === null ? undefined : { name }).then(recordOf, (thrown: unknown) => refusedRecord(record, name, thrown));
        }),
      );
    }
    await this.answer(data.client, job.id!, 'batch', reply);
  }

  private async runBlock(job: Job): Promise<void> {
    const data = job.data as BlockJobData;
    let reply: BlockReply | JobFailure;
    const workflow = await this.workflow(data.workflow);
    if ('fault' in workflow) reply = workflow;
    else if ((await this.redis.exists(this.keys.mapStopped(data.map))) === 1) reply = null;
    else {
      const [inputs, parent, toleratedFailures] = readValue(Buffer.from(data.payload, 'base64'), 'no-eval') as [unknown[], IterationParent, number];
      try {
        reply = await this.pool.runMap(workflow.poolId, { state: data.state, inputs, parent, maxConcurrency: data.concurrency, toleratedFailures });
      } catch (thrown) {
        reply = { fault: ClusterFaults.WorkflowLoad, message: messageOf(thrown) };
      }
    }
    await this.answer(data.client, job.id!, 'block', reply);
  }

  private async runLoad(job: Job): Promise<void> {
    const data = job.data as LoadJobData;
    let reply: LoadShardReply | JobFailure;
    const workflow = await this.workflow(data.workflow);
    if ('fault' in workflow) reply = workflow;
    else {
      try {
        const result = await this.pool.load(workflow.poolId, {
          generator: data.generator,
          generatorExport: data.generatorExport,
          ...(data.generatorOptions === null ? {} : { generatorOptions: data.generatorOptions }),
          ...(data.executionsPerThread === null ? {} : { executionsPerThread: data.executionsPerThread }),
          ...(data.durationMs === null ? {} : { durationMs: data.durationMs }),
          concurrency: data.concurrency,
          seed: data.seed,
        });
        reply = {
          worker: this.id,
          threads: result.threads,
          executions: result.executions,
          succeeded: result.succeeded,
          failed: result.failed,
          timedOut: result.timedOut,
          aborted: result.aborted,
          elapsedMs: result.elapsedMs,
          histogram: encodeHistogram(result.histogram),
        };
      } catch (thrown) {
        reply = { fault: ClusterFaults.WorkflowLoad, message: messageOf(thrown) };
      }
    }
    await this.answer(data.client, job.id!, 'load', reply);
  }

  /** One XADD (and a day's expiry, so a vanished client's stream does not stay) in one round trip. */
  private async answer(client: string, jobId: string, kind: string, reply: unknown): Promise<void> {
    const stream = this.keys.results(client);
    const bytes = packValue(reply);
    await this.redis
      .multi()
      .xadd(stream, '*', 'job', jobId, 'kind', kind, 'data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      .expire(stream, 86_400)
      .exec();
  }

  /** The registration `key` on this host's pool, registered on first use. */
  private workflow(key: string): Promise<{ poolId: string; record: WorkflowRecord } | JobFailure> {
    let found = this.workflows.get(key);
    if (found === undefined) {
      found = this.redis.hget(this.keys.workflows, key).then((text) => {
        if (text === null) {
          this.workflows.delete(key);
          return { fault: ClusterFaults.WorkflowLoad, message: `workflow '${key}' is not registered in this cluster's Redis` };
        }
        const record = JSON.parse(text) as WorkflowRecord;
        try {
          this.pool.register(key, { definition: record.definition, handlers: this.handlers ?? record.handlers, options: record.options });
          return { poolId: key, record };
        } catch (thrown) {
          return { fault: ClusterFaults.WorkflowLoad, message: `workflow '${record.id}' cannot run on worker ${this.id}: ${messageOf(thrown)}` };
        }
      });
      this.workflows.set(key, found);
    }
    return found;
  }
}

export function createClusterWorker(options: ClusterWorkerOptions): ClusterWorker {
  return new ClusterWorker(options);
}

function recordOf(result: ExecutionResult): ResultRecord {
  return [
    result.status,
    result.name,
    result.executionArn,
    result.stateMachineArn,
    result.startDate.getTime(),
    result.stopDate.getTime(),
    result.output,
    result.error,
    result.cause,
    result.history ?? null,
  ];
}

/** An execution this host's pool refused (its workflow does not load here): FAILED, as the pool fails a load error. */
function refusedRecord(record: WorkflowRecord, name: string | null, thrown: unknown): ResultRecord {
  const arns = arnsOf(record.options);
  const executionName = name ?? randomUUID();
  const now = Date.now();
  return ['FAILED', executionName, `${arns.executionArnPrefix}${executionName}`, arns.stateMachineArn, now, now, undefined, ClusterFaults.WorkflowLoad, messageOf(thrown), null];
}

function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) {
    const cause = thrown.cause instanceof Error ? `: ${thrown.cause.message}` : '';
    return `${thrown.message}${cause}`;
  }
  return String(thrown);
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw invalid('handlers must be a file: URL or an absolute path');
}

function invalid(message: string): ClusterError {
  return new ClusterError(ClusterErrorCodes.INVALID_OPTION, message);
}
