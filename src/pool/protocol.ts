/**
 * The messages between the main thread and the pool's workers. Execution data (inputs,
 * outputs, Map items) always travels as msgpack bytes written by `codec.ts`; the objects
 * below carry only those buffers, small scalars and the names callers chose. A batch's
 * bytes are copied into the message (the main thread keeps them to send the batch again if
 * its thread dies before starting it); replies are transferred; a Map fan-out's items stay
 * in one SharedArrayBuffer every task of the fan-out reads (shared-items.ts).
 */
import type { MessagePort } from 'node:worker_threads';
import type { IterationParent } from '../run/iterations.js';
import type { Limits } from '../run/limits.js';
import type { ExecutionStatus } from '../run/result.js';
import type { DecoderEntry } from './codec.js';
import type { ErrorData } from './errors.js';

export const TaskKinds = {
  /** Run a batch of executions of one workflow. */
  Run: 1,
  /** Run a Map state's iterations, claiming them from the fan-out's shared items (Map fan-out). */
  MapItems: 2,
  /** Generate inputs and run executions inside the worker: one shard of the sharded load mode. */
  Shard: 3,
} as const;

/** Compile options of a registered workflow that can cross threads (no functions). */
export interface WorkflowOptions {
  /** 'virtual' gives each worker's copy of the workflow its own `virtualClock()`. Default 'real'. */
  readonly clock?: 'real' | 'virtual';
  readonly limits?: Partial<Limits>;
  readonly stateMachineName?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly roleArn?: string;
}

/** Limits as JSON carries them: Infinity (no limit) as the string 'Infinity'. */
export type WireLimits = Readonly<Record<string, number | 'Infinity'>>;

/** What a worker needs to compile a workflow: JSON text of this, sent with every task. */
export interface WorkflowSpec {
  readonly id: string;
  readonly definition: unknown;
  /** file: URL of the module exporting `handlers`; null: the workflow calls no handler. */
  readonly handlers: string | null;
  /** The options without `limits`, which travel in `limits`. */
  readonly options: WorkflowOptions;
  readonly limits: WireLimits;
  /** Names of the Map states whose iterations fan out across the pool; true for all. */
  readonly mapFanOut: boolean | readonly string[];
  /** Maps with fewer items than this run in their own worker. */
  readonly mapFanOutMinItems: number;
}

/**
 * A workflow as tasks name it. `key` is unique per registration in the pool's lifetime, so
 * a worker compiles once per key; `spec` is the JSON text of the WorkflowSpec, copied with
 * each task (a memcpy) and parsed only by a worker that has not seen the key yet.
 */
export interface WorkflowRef {
  readonly key: number;
  readonly spec: string;
}

interface TaskBase {
  readonly workflow: WorkflowRef;
  /** The task's slot on the progress board (see board.ts). */
  readonly slot: number;
}

/** A batch of executions of one workflow. */
export interface RunTask extends TaskBase {
  readonly kind: typeof TaskKinds.Run;
  readonly count: number;
  /**
   * The first execution to run; those before it have settled. Above 0 when the batch is sent
   * again after its thread died having started only some of it (board.ts).
   */
  readonly first: number;
  /** The `count` inputs, one msgpack value each, in order. */
  readonly batch: Uint8Array;
  /** Per execution, the name its caller chose or null; null when no caller chose one. */
  readonly names: (string | null)[] | null;
  /** The UUID the names of this batch's unnamed executions are made from (see BatchNames). */
  readonly nameBase: string;
  /** Per execution, 1 when its output may come back as a patch over its input (output-patch.ts); null for none. */
  readonly patchable: Uint8Array | null;
  /** Per execution, its PayloadFormats flags; null when every one travels as values. */
  readonly formats: Uint8Array | null;
}

/**
 * How an execution's payloads travel. INPUT_JSON: its input in the batch is JSON text (a
 * string, or UTF-8 bytes) that the worker parses, the main thread having only forwarded
 * it. OUTPUT_JSON: its output comes back as JSON text the worker wrote.
 */
export const PayloadFormats = { INPUT_JSON: 1, OUTPUT_JSON: 2 } as const;

/**
 * The results of a RunTask, written to the task slot's reply area as each execution ends
 * (board.ts), in the order they end: a msgpack stream of `t0`, then one array per execution
 * holding its index in the batch, its status code (STATUSES), what that status carries, and
 * its times in whole milliseconds (what a Date keeps of them):
 *
 *   SUCCEEDED:  [index, 0, output, start - t0, stop - start]
 *               [index, 4, patch, start - t0, stop - start]   (output-patch.ts: the output over the input)
 *   otherwise:  [index, code, error, cause, start - t0, stop - start]
 *   refused:    [index, 5, message]   (a JSON text input that does not parse: no execution ran)
 *
 * The task's reply is the stream's length when it fits in the reply area, or the stream
 * itself when it outgrew it. Nothing the main thread knows already (input, name, input
 * values the output kept) comes back, and the small integers take a byte or two where
 * dates would take nine.
 */
export type RunReply = number | Uint8Array;

/** The statuses of RunReply, by code. */
export const STATUSES: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
export const StatusCodes: Readonly<Record<ExecutionStatus, number>> = { SUCCEEDED: 0, FAILED: 1, TIMED_OUT: 2, ABORTED: 3 };
/** The RunReply code of a SUCCEEDED execution whose output comes as a patch over its input. */
export const SUCCEEDED_AS_PATCH = 4;
/** The RunReply code of an execution refused before it started: its JSON text input does not parse. */
export const INPUT_REFUSED = 5;

/**
 * Names for a batch's executions that the caller did not name: execution i gets the
 * batch's random UUID with its last 32 bits XORed with i. Both threads derive the same
 * names, so they never cross; they stay unique and in UUID v4 form. `BatchNames.ids` gives
 * the UUIDs that end each execution's Express ARN the same way, from other bits.
 */
export class BatchNames {
  private readonly prefix: string;
  private readonly tail: number;
  /** The name up to its last two hex digits, for indexes whose XOR leaves the same `headBits`. */
  private head: string;
  private headBits: number;
  /** The ARN ids of a batch: its names with bit 30 flipped, so no id equals a name of the batch. */
  static ids(nameBase: string): BatchNames {
    return new BatchNames(nameBase, 0x40000000);
  }
  constructor(nameBase: string, flip = 0) {
    this.prefix = nameBase.slice(0, 28);
    this.tail = (Number.parseInt(nameBase.slice(28), 16) ^ flip) >>> 0;
    this.head = '';
    this.headBits = -1;
  }

  of(index: number): string {
    const bits = (this.tail ^ index) >>> 0;
    // Only the last byte changes from one index to the next: the rest is built once per 256.
    if (bits >>> 8 !== this.headBits) {
      this.headBits = bits >>> 8;
      this.head = this.prefix + this.headBits.toString(16).padStart(6, '0');
    }
    return this.head + HEX_BYTES[bits & 0xff]!;
  }
}

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** What iterations see of the execution that runs the Map (see machine.iterations()). */
export type IterationContext = IterationParent;

/**
 * A task of a Map fan-out: it claims blocks of the fan-out's items from shared memory
 * (shared-items.ts) and runs them until none are left or the fan-out stops.
 */
export interface MapItemsTask extends TaskBase {
  readonly kind: typeof TaskKinds.MapItems;
  /** JSON pointer of the Map state in the workflow definition, e.g. /States/Transcode. */
  readonly state: string;
  /** The fan-out's SharedItems buffer. */
  readonly items: SharedArrayBuffer;
  /** The task's number within its fan-out (1 or more), which marks the blocks it claims. */
  readonly task: number;
  /** Most iterations of this task in flight at once; 0 for no limit. */
  readonly concurrency: number;
  /** Failed iterations the Map tolerates (-1: none); past them every task of the fan-out stops. */
  readonly tolerated: number;
}

/** The blocks a MapItemsTask claimed, in claim order; one IterationOutcome per item of those blocks, in the same order; how many failed; the history events their iterations counted (MapIterations.events). */
export interface MapItemsReply {
  readonly blocks: number[];
  readonly outcomes: Uint8Array;
  readonly failures: number;
  readonly events: number;
}

/** [0, output] succeeded, [1, error, cause] failed, [2] not run (the fan-out stopped first). */
export type IterationOutcome = [0, unknown] | [1, string | null, string | null] | [2];

export const Outcome = { Succeeded: 0, Failed: 1, NotRun: 2 } as const;

/** One thread's share of the sharded load mode (`pool.load`). */
export interface ShardTask extends TaskBase {
  readonly kind: typeof TaskKinds.Shard;
  /** file: URL of the module exporting the input generator. */
  readonly generator: string;
  readonly generatorExport: string;
  readonly generatorOptions: Readonly<Record<string, number | string | boolean>> | null;
  readonly seed: number;
  /** Stop after this many executions (Infinity: run until `durationMs`). */
  readonly executions: number;
  readonly durationMs: number;
  /** Executions in flight at once inside the worker. */
  readonly concurrency: number;
}

export interface ShardReply {
  readonly threadId: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  readonly elapsedMs: number;
  /** Latency histogram in microseconds, hdr-histogram compressed base64. */
  readonly histogram: string;
}

export type WorkerTask = RunTask | MapItemsTask | ShardTask;

/**
 * The reply of a task that could not set up: its workflow would not compile (or its handlers
 * module would not import), or its shard's input generator would not run. Sent as data,
 * since errors thrown across threads lose their fields.
 */
export interface SetupFailure {
  readonly setupError: ErrorData;
}

/** A worker's request to fan a Map out across the pool, posted on its parentPort. */
export interface MapFanOutMessage {
  readonly type: typeof MAP_FAN_OUT;
  readonly workflowKey: number;
  readonly state: string;
  /** The items and the IterationContext, packed by the asking worker (a SharedItems buffer). */
  readonly items: SharedArrayBuffer;
  /** Per task to run, its most iterations in flight (0: no limit). */
  readonly concurrencies: number[];
  /** Failed iterations the Map tolerates; -1 for none. */
  readonly tolerated: number;
  /** Where the main thread sends the MapFanOutReply. */
  readonly port: MessagePort;
}

export const MAP_FAN_OUT = 'statemill:map-fan-out';

/** Every task's reply (and, for tasks lost with their thread, the failures of the items they had claimed); or why the fan-out failed. */
export type MapFanOutReply =
  { readonly replies: MapItemsReply[]; readonly stopped: boolean } | { readonly error: { readonly name: string; readonly message: string } };

/** `workerData` of every pool worker. */
export interface PoolWorkerData {
  readonly board: SharedArrayBuffer;
  /** The board's reply areas, one per slot. */
  readonly replyAreas: readonly SharedArrayBuffer[];
  readonly threads: number;
  readonly decoder: DecoderEntry;
}
