/**
 * Main side of the sharded load mode: what `pool.load` takes, the one task it sends each
 * thread, and what it gives back.
 */
import { invalid, loadPlan, moduleUrl } from './checks.js';
import type { Dispatcher, LostTask } from './dispatcher.js';
import { PoolError, PoolErrorCodes } from './errors.js';
import { decodeHistogram, latencyHistogram, summarize, type Histogram, type LatencySummary } from './latency.js';
import { TaskKinds, type ShardReply } from './protocol.js';
import type { Workflow } from './registry.js';
import { isSetupFailure, setupPoolError } from './replies.js';

export interface LoadOptions {
  /** Module exporting the input generator: file: URL or absolute path. */
  readonly generator: string | URL;
  /** Its export name. Default 'generateInput'. */
  readonly generatorExport?: string;
  /** Options passed to the generator as its third argument (plain JSON). */
  readonly generatorOptions?: Readonly<Record<string, number | string | boolean>>;
  /** Executions per thread (default: no limit, run for `durationMs`). */
  readonly executionsPerThread?: number;
  /** How long each thread runs (default: no limit, run `executionsPerThread`). */
  readonly durationMs?: number;
  /** Executions in flight at once inside each thread. Default 1. */
  readonly concurrency?: number;
  /** Seed of the first thread's input stream, 0 to 2^32 - 1; thread i uses seed + i. Default 1. */
  readonly seed?: number;
}

export interface LoadResult {
  readonly threads: number;
  readonly executions: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  /** Wall time of the whole run, from the first task sent to the last reply (ms). */
  readonly elapsedMs: number;
  /** Executions per second across all threads, over `elapsedMs`. */
  readonly throughput: number;
  /** Each thread's own figures. */
  readonly perThread: readonly { readonly threadId: number; readonly executions: number; readonly elapsedMs: number }[];
  /** All executions' latencies (µs), merged. */
  readonly latency: LatencySummary;
  readonly histogram: Histogram;
}

/**
 * Sends every thread one task that generates inputs with `options.generator` and runs them
 * there; `pump` runs as each task ends (its slot is free again). Only on an idle pool
 * (`poolIdle`), so that each thread takes one task.
 */
export async function runShards(
  dispatcher: Dispatcher,
  threads: number,
  workflow: Workflow,
  options: LoadOptions,
  poolIdle: boolean,
  pump: () => void,
): Promise<LoadResult> {
  const plan = loadPlan(options);
  if (typeof plan === 'string') throw invalid(plan);
  if (!poolIdle) throw invalid('load runs on an idle pool: wait for submitted executions to settle first');
  const generator = moduleUrl(options.generator, 'load: generator');
  const started = performance.now();
  // Every thread's task is awaited before a failure is thrown: one thread's setup failure must
  // not leave the others' slots busy, which would refuse the next load as if the pool were busy.
  const settled = await Promise.allSettled(
    Array.from({ length: threads }, (_, i) =>
      dispatcher
        .send(
          (slot) => ({
            kind: TaskKinds.Shard,
            workflow: workflow.ref,
            slot,
            generator,
            generatorExport: options.generatorExport ?? 'generateInput',
            generatorOptions: options.generatorOptions ?? null,
            seed: plan.seed + i,
            executions: plan.executionsPerThread,
            durationMs: plan.durationMs,
            concurrency: plan.concurrency,
          }),
          workflow.hangTimeoutMs,
        )
        .then(
          (reply) => {
            pump();
            if (isSetupFailure(reply)) throw setupPoolError(reply.setupError);
            return reply as ShardReply;
          },
          (lost: LostTask) => {
            pump();
            throw new PoolError(PoolErrorCodes.WORKER_LOST, lost.fault?.cause ?? 'the load task was lost with its worker thread before it started');
          },
        ),
    ),
  );
  const replies: ShardReply[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    replies.push(outcome.value);
  }
  return sumShards(replies, performance.now() - started);
}

/** Adds up the threads' replies. */
function sumShards(replies: readonly ShardReply[], elapsedMs: number): LoadResult {
  return addUpShards(replies, replies.length, elapsedMs, (reply) => reply.threadId);
}

/** What one shard reports: a pool thread's run, or a cluster worker's (all of its threads). */
export type ShardCounts = Pick<ShardReply, 'succeeded' | 'failed' | 'timedOut' | 'aborted' | 'elapsedMs' | 'histogram'>;

/** Shards' counts and latency histograms as one LoadResult; `threads` is how many threads ran them. */
export function addUpShards<Reply extends ShardCounts>(
  replies: readonly Reply[],
  threads: number,
  elapsedMs: number,
  shardId: (reply: Reply, index: number) => number,
): LoadResult {
  const histogram = latencyHistogram();
  let succeeded = 0;
  let failed = 0;
  let timedOut = 0;
  let aborted = 0;
  const perThread = replies.map((reply, i) => {
    histogram.add(decodeHistogram(reply.histogram));
    succeeded += reply.succeeded;
    failed += reply.failed;
    timedOut += reply.timedOut;
    aborted += reply.aborted;
    return { threadId: shardId(reply, i), executions: reply.succeeded + reply.failed + reply.timedOut + reply.aborted, elapsedMs: reply.elapsedMs };
  });
  const executions = succeeded + failed + timedOut + aborted;
  return {
    threads,
    executions,
    succeeded,
    failed,
    timedOut,
    aborted,
    elapsedMs,
    throughput: executions / (elapsedMs / 1000),
    perThread,
    latency: summarize(histogram),
    histogram,
  };
}
