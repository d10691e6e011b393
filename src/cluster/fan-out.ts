/**
 * The cluster client's Map fan-out (runMap): a Map's items go out in blocks, one job each, at
 * most MaxConcurrency blocks at a time; outputs land in item order as blocks answer, and once
 * more items failed than tolerated the Map settles stopped and workers skip its blocks not
 * yet started.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MapIterationsRequest, MapIterationsResult } from '../run/iterations.js';
import { packValue, readValue } from '../pool/codec.js';
import { ClusterFaults } from './errors.js';
import type { BlockJobData, BlockReply, ClusterKeys, JobFailure } from './protocol.js';
import type { ClusterWorkflow } from './submission.js';

/** A Map's items fanned out as blocks; settles once every block answered or it stopped. */
class FanOut {
  readonly outputs: unknown[];
  readonly failures: { index: number; error: string | null; cause: string | null }[] = [];
  /** History events the answered blocks' iterations counted. */
  events = 0;
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

/**
 * Blocks a Map's items go out in when the client chose no block size: 2 per worker thread,
 * which is as many as the workers run at once (each takes 2 blocks per thread), so every
 * block starts at once instead of waiting for a slot; 64 when no worker said it is alive.
 * Each block costs a job's Redis round trips and a host-pool dispatch (~1 ms in all on 2
 * cores): a 64th of 1,000 items of 0.2 ms (63 blocks) spent as much on blocks as on items
 * (results/cluster-2026-12-06-r2.md: 1.7–1.9× the pool's time; 8 blocks per thread 1.2×,
 * 4 per thread 1.15×, 2 per thread 1.0×).
 */
function blocksFor(threads: number): number {
  return threads > 0 ? threads * 2 : 64;
}

export class MapFanOuts {
  /** Map blocks not yet answered, by job id: their fan-out and block index. */
  private readonly pending = new Map<string, { fanOut: FanOut; block: number }>();
  private sequence = 0;
  /** Fan-outs waiting to learn the workers' threads before sending their blocks. */
  private sizing = 0;

  constructor(
    private readonly clientId: string,
    private readonly keys: ClusterKeys,
    private readonly redis: Redis,
    private readonly queue: Queue,
    /** Items per block; null to size blocks by the threads of the live workers (blocksFor). */
    private readonly blockSize: number | null,
    /** Runner threads of the workers alive now (0 when unknown). */
    private readonly threads: () => Promise<number>,
    private readonly jobAttempts: number,
    /** Called when blocks settled other than by an answer the client read. */
    private readonly changed: () => void,
  ) {}

  /** Blocks sent and not yet answered, and fan-outs about to send theirs. */
  get size(): number {
    return this.pending.size + this.sizing;
  }

  /** Job ids of the blocks sent and not yet answered. */
  jobIds(): IterableIterator<string> {
    return this.pending.keys();
  }

  /** Runs `request`'s items over the cluster in blocks of `workflow`; `request` has at least one item. */
  async run(workflow: ClusterWorkflow, request: MapIterationsRequest): Promise<MapIterationsResult> {
    const count = request.inputs.length;
    const maxConcurrency = request.maxConcurrency;
    let blockSize = this.blockSize;
    if (blockSize === null) {
      this.sizing++;
      blockSize = Math.ceil(count / blocksFor(await this.threads()));
      this.sizing--;
    }
    const blocks = Math.ceil(count / blockSize);
    // With MaxConcurrency m, m blocks run at once, each one item at a time.
    const maxBlocks = maxConcurrency > 0 ? maxConcurrency : Infinity;
    return new Promise((resolve) => {
      const fanOut = new FanOut(`${this.clientId}-m${this.sequence++}`, workflow, request, blockSize, blocks, maxBlocks, resolve);
      this.sendBlocks(fanOut);
    });
  }

  /** The answer to job `jobId`; false when it is not a pending block (answered already). */
  answered(jobId: string, data: Buffer): boolean {
    const pending = this.pending.get(jobId);
    if (pending === undefined) return false;
    this.pending.delete(jobId);
    this.blockAnswered(pending.fanOut, pending.block, readValue(data, 'no-eval') as BlockReply | JobFailure);
    return true;
  }

  /** BullMQ gave up on job `jobId`: its items fail as Cluster.BatchFailed. False when it is not a pending block. */
  lost(jobId: string, reason: string): boolean {
    const pending = this.pending.get(jobId);
    if (pending === undefined) return false;
    this.pending.delete(jobId);
    this.blockAnswered(pending.fanOut, pending.block, { fault: ClusterFaults.BatchFailed, message: reason });
    return true;
  }

  /** Settles every unfinished fan-out, its unanswered items failed as Cluster.ClientClosed. */
  abandon(): void {
    for (const { fanOut } of this.pending.values()) {
      if (!fanOut.done) {
        for (let index = 0; index < fanOut.request.inputs.length; index++) {
          if (fanOut.outputs[index] === undefined) fanOut.failures.push({ index, error: ClusterFaults.ClientClosed, cause: 'the cluster client closed first' });
        }
        this.end(fanOut, true);
      }
    }
  }

  private sendBlocks(fanOut: FanOut): void {
    const jobs: { name: string; data: BlockJobData; opts: { jobId: string; removeOnComplete: boolean; removeOnFail: number; attempts: number } }[] = [];
    while (fanOut.next < fanOut.blocks && fanOut.inFlight < fanOut.maxBlocks) {
      const block = fanOut.next++;
      fanOut.inFlight++;
      const jobId = `${fanOut.id}-${block}`;
      this.pending.set(jobId, { fanOut, block });
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
      .then(() => this.queue.addBulk(jobs))
      .catch((thrown: unknown) => {
        for (const job of jobs) this.lost(job.opts.jobId, `the block could not be queued: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
        this.changed();
      });
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
      fanOut.events += reply.events ?? 0;
    }
    const tolerated = fanOut.request.toleratedFailures;
    if (fanOut.failures.length > 0 && fanOut.failures.length > tolerated) {
      this.end(fanOut, true);
      // Workers skip the blocks not yet started; the ones running finish and are ignored.
      this.redis.set(this.keys.mapStopped(fanOut.id), '1', 'EX', 3600).catch(() => {});
      return;
    }
    if (fanOut.next < fanOut.blocks) this.sendBlocks(fanOut);
    else if (fanOut.inFlight === 0) this.end(fanOut, false);
  }

  private end(fanOut: FanOut, stopped: boolean): void {
    fanOut.done = true;
    for (const [jobId, pending] of this.pending) if (pending.fanOut === fanOut) this.pending.delete(jobId);
    fanOut.failures.sort((a, b) => a.index - b.index);
    fanOut.resolve({ outputs: fanOut.outputs, failures: fanOut.failures, stopped, events: fanOut.events });
  }
}
