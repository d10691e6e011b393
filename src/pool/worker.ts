/**
 * The code each pool thread runs: piscina calls the default export once per task. A task
 * stamps the progress board when it starts, whenever one of its executions starts, and on
 * every heartbeat of the thread's event loop: that is how the main thread tells a busy
 * worker from a hung one.
 *
 * Faults are left to crash the thread on purpose: an uncaught exception, an unhandled
 * rejection or `process.exit()` ends the thread, piscina fails every task in flight on it,
 * and the main thread settles their executions as FAILED and gets a fresh thread.
 */
import { move } from 'piscina';
import { threadId, workerData } from 'node:worker_threads';
import type { IterationEnd as MapIterationOutcome } from '../run/iterations.js';
import { StatesErrors } from '../run/errors.js';
import type { ExecutionResult } from '../run/result.js';
import { ProgressBoard } from './board.js';
import { AreaWriter, BatchWriter, encodeFailure, readBatch } from './codec.js';
import { describeError, errorData, PoolFaults } from './errors.js';
import { runLoad } from './load.js';
import { InputSnapshot, outputPatch } from './output-patch.js';
import { SharedItems } from './shared-items.js';
import {
  BatchNames,
  INPUT_REFUSED,
  Outcome,
  PayloadFormats,
  StatusCodes,
  SUCCEEDED_AS_PATCH,
  TaskKinds,
  type IterationOutcome,
  type LoadFailure,
  type LoadReply,
  type MapItemsReply,
  type MapItemsTask,
  type PoolWorkerData,
  type RunTask,
  type WorkerTask,
} from './protocol.js';
import { workflowFor, type LoadedWorkflow } from './workflows.js';

const data = workerData as PoolWorkerData;
const board = new ProgressBoard(data.board, data.replyAreas);

/** Board slots of the tasks running on this thread, stamped by the heartbeat. */
const active = new Set<number>();
let heartbeat: NodeJS.Timeout | null = null;

/**
 * While tasks run, the event loop stamps their slots every HEARTBEAT_MS: a task waiting on
 * I/O (or on its Map's fan-out) stays alive, and only a thread whose event loop is blocked
 * (and which starts or ends no execution) goes stale.
 */
const HEARTBEAT_MS = 50;

/** Stamps the active tasks' slots; stops once none are left (not at each task's end: a steady stream of tasks would start and stop it every time). */
function beat(): void {
  if (active.size === 0 && heartbeat !== null) {
    clearInterval(heartbeat);
    heartbeat = null;
  }
  for (const slot of active) board.touch(slot);
}

export default function runTask(task: WorkerTask): Promise<unknown> {
  board.start(task.slot, threadId);
  active.add(task.slot);
  if (heartbeat === null) heartbeat = setInterval(beat, HEARTBEAT_MS);
  let run: Promise<unknown>;
  try {
    const workflow = workflowFor(task.workflow);
    run = workflow instanceof Promise ? workflow.then((w) => runOn(w, task), loadFailure) : runOn(workflow, task);
  } catch (thrown) {
    run = Promise.reject(thrown);
  }
  return run.finally(function taskEnded() {
    active.delete(task.slot);
  });
}

function runOn(workflow: LoadedWorkflow, task: WorkerTask): Promise<unknown> {
  if (task.kind === TaskKinds.Run) return runBatch(workflow, task);
  if (task.kind === TaskKinds.MapItems) return runMapItems(workflow, task);
  // A generator that cannot be loaded or throws is the caller's setup error: sent as data.
  return runLoad(workflow, task, board).then((reply): LoadReply => reply, loadFailure);
}

function loadFailure(thrown: unknown): LoadFailure {
  const data = errorData(thrown);
  const cause = thrown instanceof Error ? thrown.cause : undefined;
  // The compile error underneath says what is wrong (its problems list, or the import error).
  return { loadError: cause === undefined ? data : { ...errorData(cause), code: data.code, message: `${data.message}: ${describeError(cause)}` } };
}

/**
 * Runs every execution of the batch from `first` on at once. Each result goes to the slot's
 * reply area as its execution ends (RunReply), so the main thread keeps it if the thread
 * dies later; the board counts the executions started, so it knows which were running.
 */
function runBatch(workflow: LoadedWorkflow, task: RunTask): Promise<unknown> {
  const inputs = readBatch(task.batch, data.decoder);
  const machine = workflow.machine;
  const names = task.names;
  const generated = new BatchNames(task.nameBase);
  const ids = BatchNames.ids(task.nameBase);
  const patchable = task.patchable;
  const formats = task.formats;
  const slot = task.slot;
  const reply = new ReplyWriter(slot);
  // Most executions end synchronously; only those that wait are awaited.
  const waiting: Promise<void>[] = [];
  for (let i = task.first; i < task.count; i++) {
    board.startExecution(slot, i);
    const format = formats === null ? 0 : formats[i]!;
    let input = inputs[i];
    if ((format & PayloadFormats.INPUT_JSON) !== 0) {
      const text = jsonInput(input as string | Uint8Array, workflow.payloadBytes);
      if (typeof text !== 'string') {
        reply.addUnrun(i, text);
        continue;
      }
      input = parseInput(text);
      if (input instanceof SyntaxError) {
        reply.addRefused(i, `the input is not valid JSON: ${input.message}`);
        continue;
      }
    }
    const outputJson = (format & PayloadFormats.OUTPUT_JSON) !== 0;
    const snapshot = patchable !== null && patchable[i] === 1 ? new InputSnapshot(input as Record<string, unknown>) : null;
    const result = machine.run(input, { name: (names === null ? null : names[i]) ?? generated.of(i), executionId: ids.of(i) });
    if (result instanceof Promise) waiting.push(result.then((settled) => reply.add(i, settled, snapshot, outputJson)));
    else reply.add(i, result, snapshot, outputJson);
  }
  if (waiting.length === 0) return Promise.resolve(reply.finish());
  return Promise.all(waiting).then(() => reply.finish());
}

/** Why an execution did not run: the error and cause it fails with. */
interface Unrun {
  readonly error: string;
  readonly cause: string;
}

/**
 * A JSON text input as a string, or why it fails unrun: over the payload limit, counted in
 * UTF-8 bytes of the text as given (AWS counts StartExecution's input as sent), which spares
 * parsing it. The engine measures the parsed value again, as it does every input.
 */
function jsonInput(input: string | Uint8Array, payloadBytes: number): string | Unrun {
  const bytes = typeof input === 'string' ? (input.length * 3 <= payloadBytes ? 0 : Buffer.byteLength(input)) : input.byteLength;
  if (bytes > payloadBytes) {
    return { error: StatesErrors.DataLimitExceeded, cause: `The execution input exceeds the maximum of ${payloadBytes} bytes.` };
  }
  if (typeof input === 'string') return input;
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    return thrown instanceof SyntaxError ? thrown : new SyntaxError(String(thrown));
  }
}

/** The output as JSON text, or why it cannot be written as JSON (a BigInt, a cycle). */
function jsonOutput(output: unknown): string | Unrun {
  try {
    return JSON.stringify(output) ?? 'null';
  } catch (thrown) {
    return { error: PoolFaults.OutputNotEncodable, cause: `The execution's output cannot be written as JSON text: ${describeError(thrown)}.` };
  }
}

/** Writes a batch's results to its slot's reply area (RunReply in protocol.ts). */
class ReplyWriter {
  private readonly writer: AreaWriter;
  /** The start time the others are written against; NaN until the first result. */
  private t0: number;
  constructor(slot: number) {
    this.writer = new AreaWriter(data.replyAreas[slot]!, (bytes) => board.wrote(slot, bytes));
    this.t0 = Number.NaN;
  }

  /** Execution `index` ended with `result`; `snapshot` is its input's when its output may go as a patch; `outputJson`: send the output as JSON text. */
  add(index: number, result: ExecutionResult, snapshot: InputSnapshot | null, outputJson: boolean): void {
    const start = this.start(result.startDate.getTime());
    const took = result.stopDate.getTime() - result.startDate.getTime();
    let record: unknown[];
    if (result.status === 'SUCCEEDED') {
      const patch = snapshot === null ? null : outputPatch(snapshot, result.output);
      if (patch !== null) record = [index, SUCCEEDED_AS_PATCH, patch, start, took];
      else if (!outputJson) record = [index, StatusCodes.SUCCEEDED, result.output, start, took];
      else {
        const text = jsonOutput(result.output);
        record = typeof text === 'string' ? [index, StatusCodes.SUCCEEDED, text, start, took] : [index, StatusCodes.FAILED, PoolFaults.OutputNotEncodable, text.cause, start, took];
      }
    } else record = [index, StatusCodes[result.status], result.error, result.cause, start, took];
    try {
      this.writer.add(record);
    } catch (thrown) {
      const cause = `The execution's output cannot be sent back from the worker thread: ${encodeFailure(thrown)}.`;
      this.writer.add([index, StatusCodes.FAILED, PoolFaults.OutputNotEncodable, cause, start, took]);
    }
  }

  /** Execution `index` failed before it could run. */
  addUnrun(index: number, unrun: Unrun): void {
    this.writer.add([index, StatusCodes.FAILED, unrun.error, unrun.cause, this.start(Date.now()), 0]);
  }

  /** Execution `index` was refused: it never ran, and its caller's execute() rejects. */
  addRefused(index: number, message: string): void {
    this.start(Date.now());
    this.writer.add([index, INPUT_REFUSED, message]);
  }

  /** `startMs` as the records carry it: against the first record's start, written before the first record. */
  private start(startMs: number): number {
    if (Number.isNaN(this.t0)) {
      this.t0 = startMs;
      this.writer.add(startMs);
    }
    return startMs - this.t0;
  }

  /** The task's RunReply; a stream that outgrew the area is moved, not copied, to the main thread. */
  finish(): unknown {
    const reply = this.writer.finish();
    return typeof reply === 'number' ? reply : move(reply);
  }
}

/**
 * Runs a Map fan-out's items: claims a block of them from the fan-out's shared items,
 * runs its iterations (at most `concurrency` at once; 0: no limit), claims the next, and
 * so on until none are left or the fan-out stops (too many failures). Replies with the
 * blocks it claimed and one outcome per item of them, in claim order. Outcomes are encoded
 * as they come, so the reply is ready as soon as the last iteration ends.
 */
function runMapItems(workflow: LoadedWorkflow, task: MapItemsTask): Promise<unknown> {
  const items = new SharedItems(task.items);
  const iterations = workflow.iterations(task.state, items.context(data.decoder));
  const limit = task.concurrency > 0 ? task.concurrency : Infinity;
  const slot = task.slot;
  const blocks: number[] = [];
  /** Per item claimed, its outcome; undefined while it runs or waits to. */
  const outcomes: (IterationOutcome | undefined)[] = [];
  const writer = new BatchWriter();
  /** Outcomes written so far, from the first; -1 once one could not be encoded. */
  let written = 0;
  /** The inputs of the block claimed last, the index of its first item, and where its outcomes start. */
  let inputs: unknown[] = [];
  let first = 0;
  let base = 0;
  let next = 0;
  let inFlight = 0;
  let failures = 0;
  let exhausted = false;
  let replied = false;
  return new Promise((resolve) => {
    function settle(at: number, outcome: MapIterationOutcome): void {
      if ('output' in outcome) outcomes[at] = [Outcome.Succeeded, outcome.output];
      else {
        outcomes[at] = [Outcome.Failed, outcome.error, outcome.cause];
        failures++;
        if (items.addFailures(1) > task.tolerated) items.stop();
      }
      write();
    }
    function write(): void {
      if (written < 0) return;
      try {
        for (let outcome = outcomes[written]; outcome !== undefined; outcome = outcomes[++written]) writer.add(outcome);
      } catch {
        written = -1;
      }
    }
    function claimBlock(): boolean {
      const block = items.claim(task.task);
      if (block < 0) return false;
      blocks.push(block);
      inputs = items.read(block, data.decoder);
      first = items.firstOf(block);
      base = outcomes.length;
      next = 0;
      outcomes.length += inputs.length;
      return true;
    }
    function finish(): void {
      // Only the block claimed last can hold items never started: the fan-out stopped first.
      for (let at = base + next; at < outcomes.length; at++) outcomes[at] = NOT_RUN;
      write();
      const all = outcomes as IterationOutcome[];
      resolve(written < 0 ? itemsReplyOneByOne(blocks, all, failures) : { blocks, outcomes: writer.finish(), failures });
    }
    function launch(): void {
      const sliceEnds = performance.now() + SLICE_MS;
      while (!exhausted && inFlight < limit) {
        if (next === inputs.length) {
          if (performance.now() > sliceEnds) {
            setImmediate(launch);
            return;
          }
          if (!claimBlock()) {
            exhausted = true;
            break;
          }
        }
        if (items.stopped) {
          exhausted = true;
          break;
        }
        const at = base + next;
        board.touch(slot);
        const outcome = iterations.run(inputs[next], first + next);
        next++;
        if (!(outcome instanceof Promise)) {
          settle(at, outcome);
          continue;
        }
        inFlight++;
        outcome.then((settled) => {
          inFlight--;
          board.touch(slot);
          settle(at, settled);
          launch();
        });
      }
      if (exhausted && inFlight === 0 && !replied) {
        replied = true;
        finish();
      }
    }
    launch();
  });
}

const NOT_RUN: IterationOutcome = [Outcome.NotRun];

/**
 * A fan-out task runs its blocks back to back for at most this long before it lets the
 * thread's other work run (executions waiting on I/O or timers, tasks queued behind it).
 */
const SLICE_MS = 10;

/** The slow path after an output failed to encode: fail just the iterations whose outputs cannot travel. */
function itemsReplyOneByOne(blocks: number[], outcomes: IterationOutcome[], failures: number): MapItemsReply {
  const writer = new BatchWriter();
  for (const outcome of outcomes) {
    let value: IterationOutcome = outcome;
    try {
      new BatchWriter().add(outcome);
    } catch (thrown) {
      value = [Outcome.Failed, PoolFaults.OutputNotEncodable, `The iteration's output cannot be sent back from the worker thread: ${encodeFailure(thrown)}.`];
      failures++;
    }
    writer.add(value);
  }
  return { blocks, outcomes: writer.finish(), failures };
}
