/**
 * The cluster, worker side: one process per host (`statemill worker`) takes jobs from the
 * cluster's BullMQ queues and answers on the submitting client's results stream. Execution
 * batches go to its runner threads (runner.ts), one per thread of the host, each taking
 * batches from Redis itself and running them in-thread; Map blocks and load shards run on a
 * thread pool the main thread starts when the first of them comes.
 *
 * Delivery is at-least-once: a worker that dies mid-job leaves the job locked until its
 * lock expires, then BullMQ's stalled-job check hands it to another worker, which runs the
 * whole batch again (so a handler of an execution the dead worker had started may run
 * twice). The client keeps the first answer for each job, so each execution settles once.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { Worker as ThreadWorker } from 'node:worker_threads';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { readValue } from '../pool/codec.js';
import { encodeHistogram } from '../pool/latency.js';
import { createPool, type Pool, type PoolOptions } from '../pool/pool.js';
import { answer, AnswerWriter, messageOf } from './answers.js';
import { ClusterFaults, MAX_TIMER_MS, invalidOption } from './errors.js';
import { firstProblem, integerProblem, optionsShapeProblem, stringProblem, type OptionProblem } from '../options.js';
import { MAX_THREADS, poolOptionsProblem } from '../pool/checks.js';
import {
  ClusterKeys,
  limitsFromWire,
  Queues,
  type BlockJobData,
  type BlockReply,
  type IterationParent,
  type JobFailure,
  type LoadJobData,
  type LoadShardReply,
  type WorkerRecord,
  type WorkflowRecord,
} from './protocol.js';
import { connect, type ClusterConnection } from './redis.js';
import { HeldSlots, RunnerBeat, type RunnerData, type RunnerMessage } from './runner-protocol.js';
import { moduleFileUrl } from '../pool/module-url.js';

export interface ClusterWorkerOptions {
  /** Where Redis is: a redis:// URL or ioredis options. */
  readonly connection: ClusterConnection;
  /** The cluster's prefix, as its clients use it. Default 'statemill'. */
  readonly prefix?: string;
  /** Runner threads of this host (and threads of its pool for Map blocks and load shards). Default: the number of cores. */
  readonly threads?: number;
  /** Execution batches this worker runs at once, shared out over its runner threads. Default: 3 per thread. */
  readonly concurrency?: number;
  /** A handlers module (file: URL or absolute path) used for every workflow instead of the one it was registered with. */
  readonly handlers?: string | URL;
  /** How long a job stays locked to this worker without renewal; a dead worker's jobs wait this long. Default 30,000 ms. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (whose worker died). Default 30,000 ms. */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall before BullMQ fails it for good. Default 1. */
  readonly maxStalledCount?: number;
  /** Options of this host's pool for Map blocks and load shards (threads above takes precedence). */
  readonly pool?: PoolOptions;
}

/** How often a worker says it is alive (liveWorkers() counts those seen in the last 10 s). */
const HEARTBEAT_MS = 2_000;
/** How often the hang watchdog looks at the runner threads. */
const WATCH_MS = 250;
/** Beyond its batches' time limit, how long a runner thread may make no progress before it counts as hung (as the pool's). */
const HANG_GRACE_MS = 1_000;

export class ClusterWorker {
  readonly id: string;
  readonly threads: number;
  readonly concurrency: number;
  private readonly keys: ClusterKeys;
  private readonly redis: Redis;
  private readonly poolOptions: PoolOptions;
  private pool: Pool | null = null;
  private readonly handlers: string | null;
  private readonly runnerData: Omit<RunnerData, 'beat' | 'held'>;
  private readonly runners: RunnerThread[] = [];
  private readonly workers: Worker[];
  /** Connections handed to BullMQ, which leaves connections it was given open on close. */
  private readonly connections: Redis[] = [];
  /** Pool workflow id by registration key, or why it cannot run here. */
  private readonly workflows = new Map<string, Promise<{ poolId: string; record: WorkflowRecord } | JobFailure>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly watchdog: NodeJS.Timeout;
  private closing: Promise<void> | null = null;
  /** Whether its queues ever connected to Redis: until then a close cannot wait for them (they wait for Redis). */
  private connected = false;

  constructor(options: ClusterWorkerOptions) {
    if (options === null || typeof options !== 'object') throw invalidOption('a cluster worker needs { connection }');
    const problem = firstProblem(
      optionsShapeProblem(options, WORKER_OPTIONS),
      stringProblem(options.prefix, 'prefix'),
      integerProblem(options.threads, 'threads', 1, MAX_THREADS),
      integerProblem(options.lockDurationMs, 'lockDurationMs', 1, MAX_TIMER_MS),
      integerProblem(options.stalledIntervalMs, 'stalledIntervalMs', 1, MAX_TIMER_MS),
      integerProblem(options.maxStalledCount, 'maxStalledCount', 0),
      prefixed('pool.', poolOptionsProblem(options.pool)),
    );
    if (problem !== null) throw invalidOption(`option '${problem.option}' ${problem.problem}`);
    this.id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.keys = new ClusterKeys(options.prefix ?? 'statemill');
    this.threads = options.threads ?? availableParallelism();
    if (!(Number.isInteger(this.threads) && this.threads > 0)) throw invalidOption('threads must be a positive integer');
    this.poolOptions = { maxQueue: 1_000_000, ...options.pool, threads: this.threads };
    this.concurrency = options.concurrency ?? this.threads * 3;
    if (!(Number.isInteger(this.concurrency) && this.concurrency > 0)) throw invalidOption('concurrency must be a positive integer');
    this.handlers = options.handlers === undefined ? null : moduleUrl(options.handlers);
    this.redis = connect(options.connection);
    const common = {
      prefix: this.keys.prefix,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
    };
    this.runnerData = {
      connection: options.connection,
      prefix: this.keys.prefix,
      concurrency: Math.ceil(this.concurrency / this.threads),
      handlers: this.handlers,
      lockDurationMs: common.lockDuration,
      stalledIntervalMs: common.stalledInterval,
      maxStalledCount: common.maxStalledCount,
    };
    for (let i = 0; i < this.threads; i++) this.runners.push(this.startRunner());
    const worker = (queue: string, concurrency: number, process: (job: Job) => Promise<void>): Worker => {
      const connection = connect(options.connection);
      this.connections.push(connection);
      const bullWorker = new Worker(queue, process, { ...common, concurrency, connection });
      bullWorker.on('error', () => {});
      return bullWorker;
    };
    this.workers = [worker(Queues.mapBlocks, this.threads * 2, (job) => this.runBlock(job)), worker(Queues.loads, 1, (job) => this.runLoad(job))];
    Promise.all(this.workers.map((w) => w.waitUntilReady())).then(
      () => (this.connected = true),
      () => {},
    );
    this.heartbeat = setInterval(() => this.sayAlive(), HEARTBEAT_MS);
    this.watchdog = setInterval(() => this.checkHung(), WATCH_MS);
    this.sayAlive();
  }

  /** Resolves once the worker's queues are connected and taking jobs (rejects when a runner thread cannot start). */
  async ready(): Promise<void> {
    await Promise.all([...this.workers.map((worker) => worker.waitUntilReady()), ...this.runners.map((runner) => runner.ready)]);
  }

  /**
   * Finishes the jobs it is running, takes no more, stops its threads. A worker whose queues
   * never reached Redis holds no jobs: it stops at once rather than wait for Redis, which
   * BullMQ's close and every Redis command would do forever.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = (async () => {
      clearInterval(this.heartbeat);
      clearInterval(this.watchdog);
      if (!this.connected) return this.abandon();
      await Promise.allSettled([...this.workers.map((worker) => worker.close()), ...this.runners.map((runner) => runner.close())]);
      await this.pool?.close();
      await this.redis.hdel(this.keys.workers, this.id).catch(() => {});
      this.redis.disconnect();
      for (const connection of this.connections) connection.disconnect();
    })();
    return this.closing;
  }

  /** Stops a worker that never reached Redis: its connections first, so that BullMQ's forced close returns. */
  private async abandon(): Promise<void> {
    this.redis.disconnect();
    for (const connection of this.connections) connection.disconnect();
    await Promise.allSettled([
      ...this.workers.map((worker) => worker.close(true)),
      ...this.runners.map((runner) => (runner.started ? runner.close() : runner.thread.terminate())),
    ]);
    await this.pool?.close();
  }

  /** A runner thread; one that ends (a handler ended the thread, or the hang watchdog terminated it) is replaced; BullMQ re-runs the batches a thread that ended on its own held. */
  private startRunner(): RunnerThread {
    const runner = new RunnerThread({
      ...this.runnerData,
      beat: new SharedArrayBuffer(RunnerBeat.length * Int32Array.BYTES_PER_ELEMENT),
      held: HeldSlots.allocate(this.runnerData.concurrency),
    });
    runner.thread.once('exit', () => {
      if (this.closing !== null || !runner.started) return;
      const index = this.runners.indexOf(runner);
      if (index >= 0) this.runners[index] = this.startRunner();
    });
    return runner;
  }

  /**
   * The hang watchdog: a runner thread holding batches that made no progress (its event loop
   * did not turn and no execution started) for longer than the longest time limit of those
   * batches plus a grace is terminated and replaced, and this thread answers for its batches:
   * the execution it was blocked in, when known, TIMED_OUT (States.Timeout, as its time limit
   * passed), every other one FAILED with Cluster.RunnerHung. If BullMQ hands a batch out again
   * after its lock lapsed, its inputs are gone with this answer and the re-run answers nothing new.
   */
  private checkHung(): void {
    const now = Date.now();
    for (const runner of this.runners) {
      const stalledMs = runner.stalledMs(now);
      const longestTimeLimitMs = runner.held.longestTimeLimitMs();
      if (runner.hung || longestTimeLimitMs < 0 || stalledMs <= longestTimeLimitMs + HANG_GRACE_MS) continue;
      runner.hung = true;
      const runningBatch = Atomics.load(runner.beat, RunnerBeat.RUNNING_BATCH);
      const runningIndex = Atomics.load(runner.beat, RunnerBeat.RUNNING_INDEX);
      const held = runner.held.held();
      void runner.thread.terminate();
      process.stderr.write(
        `statemill worker: a runner thread made no progress for ${stalledMs} ms and was terminated; ${held.length} batch(es) answered for it\n`,
      );
      for (const batch of held) {
        const answered = new AnswerWriter(null);
        for (let i = 0; i < batch.count; i++) answered.hung(batch.serial === runningBatch && i === runningIndex, batch.timeLimitMs, stalledMs);
        answer(this.redis, this.keys, batch.client, batch.jobId, 'batch', answered.answer).catch(() => {});
      }
    }
  }

  /** This host's pool, for Map blocks and load shards: started by the first of them. */
  private hostPool(): Pool {
    return (this.pool ??= createPool(this.poolOptions));
  }

  private sayAlive(): void {
    const record: WorkerRecord = { threads: this.threads, concurrency: this.concurrency, host: hostname(), pid: process.pid, seen: Date.now() };
    this.redis.hset(this.keys.workers, this.id, JSON.stringify(record)).catch(() => {});
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
        reply = await this.hostPool().runMap(workflow.poolId, { state: data.state, inputs, parent, maxConcurrency: data.concurrency, toleratedFailures });
      } catch (thrown) {
        reply = { fault: ClusterFaults.WorkflowLoad, message: messageOf(thrown) };
      }
    }
    await answer(this.redis, this.keys, data.client, job.id!, 'block', reply);
  }

  private async runLoad(job: Job): Promise<void> {
    const data = job.data as LoadJobData;
    let reply: LoadShardReply | JobFailure;
    const workflow = await this.workflow(data.workflow);
    if ('fault' in workflow) reply = workflow;
    else {
      try {
        const result = await this.hostPool().load(workflow.poolId, {
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
    await answer(this.redis, this.keys, data.client, job.id!, 'load', reply);
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
          this.hostPool().register(key, {
            definition: record.definition,
            handlers: this.handlers ?? record.handlers ?? undefined,
            options: { ...record.options, limits: limitsFromWire(record.options.limits) },
          });
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

const WORKER_OPTIONS: readonly (keyof ClusterWorkerOptions)[] = [
  'connection',
  'prefix',
  'threads',
  'concurrency',
  'handlers',
  'lockDurationMs',
  'stalledIntervalMs',
  'maxStalledCount',
  'pool',
];

function prefixed(prefix: string, problem: OptionProblem | null): OptionProblem | null {
  return problem === null || problem.option.startsWith(prefix) ? problem : { option: prefix + problem.option, problem: problem.problem };
}

export function createClusterWorker(options: ClusterWorkerOptions): ClusterWorker {
  return new ClusterWorker(options);
}

function moduleUrl(module: string | URL): string {
  const url = moduleFileUrl(module);
  if (url !== null) return url;
  throw invalidOption('handlers must be a file: URL or an absolute path');
}

/** A runner thread (runner.ts), the batches it holds and how long since it made progress. */
class RunnerThread {
  readonly thread: ThreadWorker;
  readonly ready: Promise<void>;
  readonly beat: Int32Array;
  /** Batches it runs now. */
  readonly held: HeldSlots;
  started = false;
  /** Terminated by the watchdog. */
  hung = false;
  private lastBeat = 0;
  private lastBeatAt = Date.now();
  constructor(data: RunnerData) {
    this.beat = new Int32Array(data.beat);
    this.held = new HeldSlots(data.held);
    this.thread = new ThreadWorker(new URL(runnerFile()), { workerData: data });
    this.ready = new Promise((resolve, reject) => {
      this.thread.on('message', (message: RunnerMessage) => {
        if (message.type === 'ready') {
          this.started = true;
          resolve();
        }
      });
      this.thread.once('error', (error) => {
        process.stderr.write(`statemill worker: a runner thread failed: ${messageOf(error)}\n`);
        reject(error);
      });
      this.thread.once('exit', (code) => reject(new Error(`a runner thread exited (${code}) before it was ready`)));
    });
    this.ready.catch(() => {});
  }

  /** Milliseconds since the thread last made progress. */
  stalledMs(now: number): number {
    const beat = Atomics.load(this.beat, RunnerBeat.BEAT);
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      this.lastBeatAt = now;
    }
    return now - this.lastBeatAt;
  }

  /** Lets it finish the batches it holds, then ends it. */
  async close(): Promise<void> {
    if (this.thread.threadId === -1) return;
    const exited = new Promise<void>((resolve) => this.thread.once('exit', () => resolve()));
    // Once it says it closed, nothing of a handler's (a stray timer) may keep it alive.
    this.thread.on('message', (message: RunnerMessage) => message.type === 'closed' && void this.thread.terminate());
    this.thread.postMessage({ type: 'close' } satisfies RunnerMessage);
    await exited;
  }
}

/** Under tsx (tests, benchmarks) threads need tsx registered first (runner-source.mjs); the built package runs runner.js. */
function runnerFile(): string {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './runner-source.mjs' : './runner.js', here).href;
}
