/**
 * Sharded load mode over the cluster: one job per shard, each worker running its shard on its
 * own pool (pool.load) with inputs it generates; only counts and histograms come back, merged
 * here into the pool's LoadResult.
 */
import type { Queue } from 'bullmq';
import { MAX_SEED, type LoadPlan } from '../pool/checks.js';
import { readValue } from '../pool/codec.js';
import { addUpShards, type LoadOptions, type LoadResult } from '../pool/shards.js';
import { moduleFileUrl } from '../pool/module-url.js';
import { ClusterError, ClusterErrorCodes } from './errors.js';
import type { JobFailure, LoadJobData, LoadShardReply } from './protocol.js';
import type { ClusterWorkflow } from './submission.js';

/** How far apart the shards' seeds are: room for each worker's threads, which add their index. */
const SHARD_SEED_STEP = 1000;

class LoadRun {
  readonly replies: LoadShardReply[] = [];
  constructor(
    readonly shards: number,
    readonly resolve: (replies: LoadShardReply[]) => void,
    readonly reject: (error: Error) => void,
  ) {}
}

export class ShardedLoads {
  /** Shards not yet answered, by job id. */
  private readonly pending = new Map<string, LoadRun>();
  private sequence = 0;

  constructor(
    private readonly clientId: string,
    private readonly queue: Queue,
  ) {}

  /** Shards sent and not yet answered. */
  get size(): number {
    return this.pending.size;
  }

  /** Job ids of the shards sent and not yet answered. */
  jobIds(): IterableIterator<string> {
    return this.pending.keys();
  }

  /** Runs `shards` shards of `options` (checked: `plan`) for `workflow` (stored in Redis already) and merges their figures. */
  async run(workflow: ClusterWorkflow, options: LoadOptions, plan: LoadPlan, shards: number): Promise<LoadResult> {
    const generator = moduleUrl(options.generator);
    const started = performance.now();
    const replies = await new Promise<LoadShardReply[]>((resolve, reject) => {
      const run = new LoadRun(shards, resolve, reject);
      const jobs = Array.from({ length: shards }, (_, shard) => {
        const jobId = `${this.clientId}-l${this.sequence++}`;
        this.pending.set(jobId, run);
        const data: LoadJobData = {
          client: this.clientId,
          workflow: workflow.key,
          generator,
          generatorExport: options.generatorExport ?? 'generateInput',
          generatorOptions: options.generatorOptions ?? null,
          // Wrapped into the seeds' range, which each worker's pool.load checks again.
          seed: (plan.seed + shard * SHARD_SEED_STEP) % (MAX_SEED + 1),
          executionsPerThread: plan.executionsPerThread === Infinity ? null : plan.executionsPerThread,
          durationMs: plan.durationMs === Infinity ? null : plan.durationMs,
          concurrency: plan.concurrency,
        };
        return { name: 'load', data, opts: { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: 1 } };
      });
      this.queue
        .addBulk(jobs)
        .catch((thrown: unknown) => reject(new ClusterError(ClusterErrorCodes.REDIS, 'the load run could not be queued', { cause: thrown })));
    });
    return loadResultOf(replies, performance.now() - started);
  }

  /** The answer to job `jobId`; false when it is not a pending shard. */
  answered(jobId: string, data: Buffer): boolean {
    const run = this.pending.get(jobId);
    if (run === undefined) return false;
    this.pending.delete(jobId);
    const reply = readValue(data, 'no-eval') as LoadShardReply | JobFailure;
    if ('fault' in reply) this.fail(run, reply.message);
    else {
      run.replies.push(reply);
      if (run.replies.length === run.shards) run.resolve(run.replies);
    }
    return true;
  }

  /** BullMQ gave up on job `jobId`: its run rejects. False when it is not a pending shard. */
  lost(jobId: string, reason: string): boolean {
    const run = this.pending.get(jobId);
    if (run === undefined) return false;
    this.fail(run, reason);
    return true;
  }

  /** Rejects every unfinished run. */
  abandon(): void {
    for (const run of new Set(this.pending.values())) this.fail(run, 'the cluster client closed first');
  }

  private fail(run: LoadRun, message: string): void {
    for (const [jobId, pending] of this.pending) if (pending === run) this.pending.delete(jobId);
    run.reject(new ClusterError(ClusterErrorCodes.REDIS, `a load shard failed: ${message}`));
  }
}

/** The workers' shards as one LoadResult: each worker is one entry of perThread, its threads all counted. */
function loadResultOf(replies: readonly LoadShardReply[], elapsedMs: number): LoadResult {
  const threads = replies.reduce((sum, reply) => sum + reply.threads, 0);
  return addUpShards(replies, threads, elapsedMs, (_, index) => index);
}

function moduleUrl(module: string | URL): string {
  const url = moduleFileUrl(module);
  if (url !== null) return url;
  throw new ClusterError(ClusterErrorCodes.INVALID_OPTION, 'load: generator must be a file: URL or an absolute path');
}
