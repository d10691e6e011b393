/**
 * The cluster client's executions: submitted ones gather in one batch per workflow until the
 * tick ends (or the batch is full; while the workers are busy, until a slot frees: busy()),
 * go to Redis as one job, and settle from that job's answer — or as a ClusterFault when the
 * job is lost or the client closes first.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BatchWriter, readValue } from '../pool/codec.js';
import { BatchNames, type WorkflowOptions } from '../pool/protocol.js';
import { ExecutionResult, type ExecutionStatus } from '../run/result.js';
import { ClusterFaults } from './errors.js';
import { AnswerReader } from './answers.js';
import { arnsOf, type BatchAnswer, type BatchJobData, type ClusterKeys, type JobFailure } from './protocol.js';

/** A batch's inputs outlive a client that vanished by a day at most. */
const PAYLOAD_TTL_S = 86_400;
/**
 * Past `batch` executions, a batch keeps filling while the workers are busy only as long as
 * its inputs take less than this: larger jobs pay where a job's fixed cost is a large share of
 * its work (small inputs), and a batch of large inputs only grows its buffers.
 */
const BUSY_BATCH_BYTES = 256 * 1024;
/** How long an open batch keeps filling while the workers are busy before it goes out anyway (should a free slot go unnoticed). */
const HOLD_MS = 100;

/** One submitted execution, waiting for its result. */
export class Submission {
  constructor(
    readonly input: unknown,
    readonly submitted: number,
    readonly resolve: (result: ExecutionResult) => void,
  ) {}
}

/** A workflow as a client knows it: where its registration is and the ARNs its results name. */
export class ClusterWorkflow {
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

export class Batch {
  readonly writer = new BatchWriter();
  readonly entries: Submission[] = [];
  /** Names and execution ids of its executions without a caller's name derive from it, on the worker and here alike. */
  readonly nameBase = randomUUID();
  names: (string | null)[] | null = null;
  sent = false;
  constructor(readonly workflow: ClusterWorkflow) {}
}

/** How a settled execution is counted and handed to its caller (the client's backpressure lives there). */
export type Finish = (entry: Submission, status: ExecutionStatus, result: ExecutionResult, now: number) => void;

/** The resolve function of the promise `new Promise(captureResolve)` just made: no closure per execution. */
let capturedResolve: ((result: ExecutionResult) => void) | null = null;
function captureResolve(resolve: (result: ExecutionResult) => void): void {
  capturedResolve = resolve;
}

/** The client's execution batches: filling, sent and not yet answered. */
export class ExecutionBatches {
  /** Executions not yet handed to Redis. */
  unsent = 0;
  /** Executions whose batch was handed to Redis. */
  started = 0;
  /** Jobs those executions travelled in. */
  sent = 0;
  /** Executions settled with a ClusterFault. */
  faults = 0;
  /** Executions in batches handed to Redis and not yet settled. */
  private unanswered = 0;
  private readonly open: Batch[] = [];
  /** Batches handed to Redis and not yet answered, by job id. */
  private readonly pending = new Map<string, Batch>();
  private sequence = 0;
  private flushScheduled = false;
  /**
   * Answers whose settlements' callbacks have yet to run: the slots they freed are refilled
   * only after those (refill()), and their executions count as in flight until then, so
   * executions the callbacks submit at once (a caller keeping N in flight) join the job that
   * refills a slot, instead of a job of `batch` going out before them and the rest waiting
   * for the next slot.
   */
  private refilling = 0;
  private refillingExecutions = 0;
  private readonly refill = (): void => {
    if (--this.refilling > 0) return;
    this.unanswered -= this.refillingExecutions;
    this.refillingExecutions = 0;
    this.slotFreed();
  };
  /** Sends the batches held open while the workers were busy, at the latest HOLD_MS after they were first held. */
  private holdTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clientId: string,
    private readonly keys: ClusterKeys,
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly batchSize: number,
    /** Most executions in one job while the workers are busy (busy()). */
    private readonly busyBatchSize: number,
    /** Batches the live workers can use at once, as last known (0 when unknown). */
    private readonly slots: () => number,
    private readonly jobAttempts: number,
    private readonly finish: Finish,
    /** Called when a batch settled other than by an answer the client read. */
    private readonly changed: () => void,
  ) {}

  /** Batches sent and not yet answered. */
  get size(): number {
    return this.pending.size;
  }

  /** Job ids of the batches sent and not yet answered. */
  jobIds(): IterableIterator<string> {
    return this.pending.keys();
  }

  /** The batch `workflow`'s next execution joins, started when none is filling. */
  filling(workflow: ClusterWorkflow): Batch {
    const filling = workflow.filling;
    if (filling !== null) return filling;
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

  /**
   * Whether `size` executions are short of what a batch may hold while the workers are busy
   * (this client's unanswered jobs as many as the live workers can use). A job sent then
   * would wait in Redis for a slot anyway, so the open batches keep filling instead and go
   * out when an answer frees a slot: fewer, larger jobs, and each job costs client, Redis and
   * worker 2–5 ms of CPU — as much as a few hundred trivial executions, or a quarter to half
   * of the work of sixteen 0.5 ms ones. A batch grows up to an even share of this client's executions in
   * flight per slot (when the queue is long, every slot's job is large; when it is short,
   * none holds work another thread could run), at most busyBatchSize.
   */
  private holdsMore(size: number): boolean {
    const slots = this.slots();
    if (slots === 0 || (this.pending.size < slots && this.refilling === 0)) return false;
    return size < Math.max(this.batchSize, Math.min(this.busyBatchSize, Math.ceil((this.unsent + this.unanswered) / slots)));
  }

  /** Adds an execution whose input the batch's writer holds; sends the batch once full. */
  add(batch: Batch, input: unknown, name: string | null): Promise<ExecutionResult> {
    if (name !== null) {
      batch.names ??= new Array<string | null>(batch.entries.length).fill(null);
      batch.names.push(name);
    } else if (batch.names !== null) batch.names.push(null);
    const submitted = performance.now();
    const result = new Promise<ExecutionResult>(captureResolve);
    batch.entries.push(new Submission(input, submitted, capturedResolve!));
    this.unsent++;
    const size = batch.entries.length;
    if (size >= this.batchSize && (batch.writer.byteLength >= BUSY_BATCH_BYTES || !this.holdsMore(size))) {
      batch.workflow.filling = null;
      this.send(batch);
    }
    return result;
  }

  /** Sends the open batches; while the workers are busy they keep filling, unless `force`. */
  flush(force = false): void {
    this.flushScheduled = false;
    for (const batch of this.open.splice(0)) {
      if (batch.sent || batch.entries.length === 0) {
        if (batch.workflow.filling === batch) batch.workflow.filling = null;
      } else if (!force && this.holdsMore(batch.entries.length) && (batch.entries.length < this.batchSize || batch.writer.byteLength < BUSY_BATCH_BYTES))
        this.open.push(batch);
      else {
        if (batch.workflow.filling === batch) batch.workflow.filling = null;
        this.send(batch);
      }
    }
    if (this.open.length > 0) this.holdTimer ??= setTimeout(() => this.flush(true), HOLD_MS);
    else if (this.holdTimer !== null) {
      clearTimeout(this.holdTimer);
      this.holdTimer = null;
    }
  }

  /** A slot may have freed: the batches held open go out unless the workers are still busy. */
  private slotFreed(): void {
    if (this.open.length > 0 && !this.flushScheduled) this.flush();
  }

  /** The answer to job `jobId`; false when it was answered already (a re-run batch). */
  answered(jobId: string, data: Buffer): boolean {
    const batch = this.take(jobId);
    if (batch === undefined) return false;
    this.refilling++;
    this.refillingExecutions += batch.entries.length;
    try {
      const reply = readValue(data, 'no-eval') as BatchAnswer | JobFailure;
      if (Array.isArray(reply)) this.settleAll(batch, reply);
      else this.settleAs(batch, reply.fault, reply.message);
    } finally {
      // After the callbacks of the settlements above, queued as they resolved.
      queueMicrotask(this.refill);
    }
    return true;
  }

  /** BullMQ gave up on job `jobId` (or it could not be queued); false when it is not a pending batch. */
  lost(jobId: string, reason: string): boolean {
    const batch = this.take(jobId);
    if (batch === undefined) return false;
    this.unanswered -= batch.entries.length;
    this.slotFreed();
    this.redis.del(this.keys.payload(jobId)).catch(() => {});
    this.settleAs(batch, ClusterFaults.BatchFailed, reason);
    return true;
  }

  /** Settles every unanswered execution as Cluster.ClientClosed. */
  abandon(): void {
    for (const [jobId, batch] of this.pending) {
      this.pending.delete(jobId);
      this.unanswered -= batch.entries.length;
      this.settleAs(batch, ClusterFaults.ClientClosed, 'the cluster client closed before the execution was answered');
    }
  }

  /** Takes job `jobId` off the unanswered ones: its batch, or undefined when it is not one of them. */
  private take(jobId: string): Batch | undefined {
    const batch = this.pending.get(jobId);
    if (batch !== undefined) this.pending.delete(jobId);
    return batch;
  }

  private send(batch: Batch): void {
    const jobId = `${this.clientId}-b${this.sequence++}`;
    batch.sent = true;
    this.pending.set(jobId, batch);
    this.unsent -= batch.entries.length;
    this.unanswered += batch.entries.length;
    this.started += batch.entries.length;
    this.sent++;
    const data: BatchJobData = { client: this.clientId, workflow: batch.workflow.key, nameBase: batch.nameBase, names: batch.names };
    const bytes = batch.writer.finish();
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const options = { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: this.jobAttempts, backoff: { type: 'fixed', delay: 100 } };
    // The inputs' SET and the job's add go out together: Redis runs one connection's commands in order, so no worker can take the job before its inputs are there.
    batch.workflow.stored
      .then(() => Promise.all([this.redis.set(this.keys.payload(jobId), payload, 'EX', PAYLOAD_TTL_S), this.queue.add('batch', data, options)]))
      .catch((thrown: unknown) => {
        if (this.lost(jobId, `the batch could not be queued: ${thrown instanceof Error ? thrown.message : String(thrown)}`)) this.changed();
      });
  }

  /** Every execution of `batch` as its answer says it ended, under the names and execution ids the batch gave them where the answer leaves them out. */
  private settleAll(batch: Batch, answer: BatchAnswer): void {
    const workflow = batch.workflow;
    const generated = new BatchNames(batch.nameBase);
    const ids = BatchNames.ids(batch.nameBase);
    const reader = new AnswerReader(answer);
    const entries = batch.entries;
    // Every execution of the batch settles now: one clock reading for its latencies.
    const now = performance.now();
    for (let i = 0; i < entries.length && reader.next(); i++) {
      const entry = entries[i]!;
      const name = reader.name ?? batch.names?.[i] ?? generated.of(i);
      const result = new ExecutionResult({
        executionArn: reader.executionArn ?? `${workflow.executionArnPrefix}${name}:${ids.of(i)}`,
        stateMachineArn: reader.stateMachineArn ?? workflow.stateMachineArn,
        name,
        status: reader.status,
        startMs: reader.startMs,
        stopMs: reader.stopMs,
        input: entry.input,
        output: reader.output,
        error: reader.error,
        cause: reader.cause,
        history: reader.history as ExecutionResult['history'],
      });
      this.finish(entry, reader.status, result, now);
    }
  }

  private settleAs(batch: Batch, fault: string, cause: string): void {
    const now = Date.now();
    const settled = performance.now();
    batch.entries.forEach((entry, i) => {
      const name = batch.names?.[i] ?? randomUUID();
      this.faults++;
      const result = new ExecutionResult({
        executionArn: `${batch.workflow.executionArnPrefix}${name}`,
        stateMachineArn: batch.workflow.stateMachineArn,
        name,
        status: 'FAILED',
        startMs: now,
        stopMs: now,
        input: entry.input,
        output: undefined,
        error: fault,
        cause,
      });
      this.finish(entry, 'FAILED', result, settled);
    });
  }
}
