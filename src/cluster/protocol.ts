/**
 * What travels through Redis between cluster clients and workers. Executions go out in
 * batches, one BullMQ job per batch; Map items in blocks, one job per block; a load run as
 * one job per shard. Payloads are msgpack (the pool's batch format, pool/codec.ts). A batch's
 * inputs are stored as bytes under their own key beside the job, not in the job's data:
 * BullMQ keeps job data as JSON text and hands it through its Lua scripts, which cost Redis
 * ~6 ms per job of 256 × 2 KB inputs as base64 (25 µs per execution, bench/standalone/cluster.ts),
 * against well under 1 ms as a plain SET and GET. Block payloads are small and stay base64. Every answer goes back on the
 * submitting client's own results stream (one Redis stream per client), tagged with the id
 * of the job it answers, so a client reads only its own answers and a re-run job's second
 * answer is recognised and dropped.
 */
import { machineArns, type MachineArns } from '../run/arns.js';
import type { IterationParent, MapIterationsResult } from '../run/iterations.js';

/** Names of the queues and Redis keys of one cluster, all under one prefix. */
export class ClusterKeys {
  /** BullMQ's key prefix for the cluster's queues. */
  readonly prefix: string;
  /** Hash: workflow key (`id@version`) → its registration as JSON (WorkflowRecord). */
  readonly workflows: string;
  /** Hash: worker id → JSON of WorkerRecord, refreshed while the worker runs. */
  readonly workers: string;
  constructor(prefix: string) {
    this.prefix = prefix;
    this.workflows = `${prefix}:workflows`;
    this.workers = `${prefix}:workers`;
  }

  /** The results stream of one client. */
  results(clientId: string): string {
    return `${this.prefix}:results:${clientId}`;
  }

  /** The inputs of a batch job, as msgpack bytes; deleted with the answer, expiring after a day otherwise. */
  payload(jobId: string): string {
    return `${this.prefix}:payload:${jobId}`;
  }

  /** Set once a fanned-out Map has failed past its tolerance: workers skip its remaining blocks. */
  mapStopped(mapId: string): string {
    return `${this.prefix}:map-stopped:${mapId}`;
  }
}

export const Queues = {
  executions: 'executions',
  mapBlocks: 'map-blocks',
  loads: 'loads',
} as const;

/** A registered workflow as workers read it from Redis. */
export interface WorkflowRecord {
  readonly id: string;
  readonly definition: unknown;
  /** file: URL of the handlers module (null: none); a worker started with --handlers uses its own instead. */
  readonly handlers: string | null;
  /** Compile options that can cross processes (pool/protocol.ts WorkflowOptions). */
  readonly options: Record<string, unknown>;
  /** Map states (by name, or true for all) whose items fan out over the cluster when the execution runs on a worker. */
  readonly mapFanOut?: boolean | readonly string[];
  /** Maps with fewer items run in the execution's own thread. */
  readonly mapFanOutMinItems?: number;
}

export interface WorkerRecord {
  readonly threads: number;
  readonly concurrency: number;
  readonly host: string;
  readonly pid: number;
  /** Last time the worker said it is alive (ms since the epoch). */
  readonly seen: number;
}

/** A batch of executions; its inputs (msgpack values one after another, pool/codec.ts BatchWriter) are at ClusterKeys.payload(job id). */
export interface BatchJobData {
  readonly client: string;
  readonly workflow: string;
  /** A UUID of the batch's own, from which names and execution ids of those without a caller's name are made (pool/protocol.ts BatchNames). */
  readonly nameBase: string;
  /** Per execution, the name its caller chose or null; null when none chose one. */
  readonly names: (string | null)[] | null;
}

/** A block of one fanned-out Map's items: payload = msgpack [inputs, parent, toleratedFailures]. */
export interface BlockJobData {
  readonly client: string;
  readonly workflow: string;
  readonly map: string;
  /** JSON pointer of the Map state. */
  readonly state: string;
  /** Most iterations of this block in flight at once; 0 for no limit. */
  readonly concurrency: number;
  readonly payload: string;
}

/** One shard of a load run. */
export interface LoadJobData {
  readonly client: string;
  readonly workflow: string;
  readonly generator: string;
  readonly generatorExport: string;
  readonly generatorOptions: Record<string, number | string | boolean> | null;
  readonly seed: number;
  /** Executions per worker thread; null for no limit (durationMs then bounds the run). */
  readonly executionsPerThread: number | null;
  readonly durationMs: number | null;
  readonly concurrency: number;
}

/**
 * How a batch's executions ended, as one flat array (one array to write and read, not one
 * per execution): the first execution's start (ms since the epoch), then for each execution
 * in batch order its code (ResultCode), its start relative to the first, its duration, and
 * then only the fields its code says it carries, in ResultCarries order. What the client can
 * build itself is left out: the name when it is the batch's generated one (BatchNames.of over
 * the batch's nameBase) or the caller's; the execution ARN when it is the workflow's prefix +
 * name + ':' + the batch's generated id (BatchNames.ids); the state machine's when it is the
 * workflow's (arnsOf). A trivial result is its code, two small integers and its output.
 */
export type BatchAnswer = unknown[];

/** The low two bits of a result's code: its status, as pool/protocol.ts STATUSES orders them. */
export const RESULT_STATUS_BITS = 3;

/** The other bits of a result's code: the optional fields that follow it, in this order. */
export const ResultCarries = {
  OUTPUT: 4,
  ERROR: 8,
  CAUSE: 16,
  NAME: 32,
  EXECUTION_ARN: 64,
  STATE_MACHINE_ARN: 128,
  HISTORY: 256,
} as const;

/** A block's outcome: the pool's fan-out result for its items, or null when it was skipped because the Map stopped. */
export type BlockReply = MapIterationsResult | null;

/** A load shard's outcome: a worker's pool.load figures, the histogram as hdr's compressed base64. */
export interface LoadShardReply {
  readonly worker: string;
  readonly threads: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  readonly elapsedMs: number;
  readonly histogram: string;
}

/** A failure that kept a worker from running a job at all (the workflow does not load there). */
export interface JobFailure {
  readonly fault: string;
  readonly message: string;
}

export type { IterationParent };

/** The ARNs results name, from a workflow's options as they came over the wire: the engine's one scheme (run/arns.ts). */
export function arnsOf(options: { readonly region?: unknown; readonly accountId?: unknown; readonly stateMachineName?: unknown }): MachineArns {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return machineArns({ region: text(options.region), accountId: text(options.accountId), stateMachineName: text(options.stateMachineName) }, false);
}

/** Limits as a registration stores them in JSON: Infinity (no limit) as the string 'Infinity'. */
export function limitsToWire(limits: unknown): Record<string, number | 'Infinity'> | undefined {
  if (limits === null || typeof limits !== 'object') return undefined;
  const wire: Record<string, number | 'Infinity'> = {};
  for (const [field, value] of Object.entries(limits)) wire[field] = value === Infinity ? 'Infinity' : (value as number);
  return wire;
}

export function limitsFromWire(wire: unknown): Record<string, number> | undefined {
  if (wire === null || typeof wire !== 'object') return undefined;
  const limits: Record<string, number> = {};
  for (const [field, value] of Object.entries(wire)) limits[field] = value === 'Infinity' ? Infinity : (value as number);
  return limits;
}
