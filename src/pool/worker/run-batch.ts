/** A batch of executions on a worker thread: runs them and writes their results as they end. */
import { move } from 'piscina';
import { StatesErrors } from '../../run/errors.js';
import type { ExecutionResult } from '../../run/result.js';
import type { ProgressBoard } from '../board.js';
import { AreaWriter, encodeFailure, readBatch } from '../codec.js';
import { describeError, PoolFaults } from '../errors.js';
import { InputSnapshot, outputPatch } from '../output-patch.js';
import { BatchNames, INPUT_REFUSED, PayloadFormats, StatusCodes, SUCCEEDED_AS_PATCH, type PoolWorkerData, type RunTask } from '../protocol.js';
import type { CompiledWorkflow } from './workflows.js';

/**
 * Runs every execution of the batch from `first` on at once. Each result goes to the slot's
 * reply area as its execution ends (RunReply), so the main thread keeps it if the thread
 * dies later; the board counts the executions started, so it knows which were running.
 */
export function runBatch(workflow: CompiledWorkflow, task: RunTask, board: ProgressBoard, data: PoolWorkerData): Promise<unknown> {
  const inputs = readBatch(task.batch, data.decoder);
  const machine = workflow.machine;
  const names = task.names;
  const generated = new BatchNames(task.nameBase);
  const ids = BatchNames.ids(task.nameBase);
  const patchable = task.patchable;
  const formats = task.formats;
  const slot = task.slot;
  const reply = new ReplyWriter(data.replyAreas[slot]!, slot, board);
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
  constructor(area: SharedArrayBuffer, slot: number, board: ProgressBoard) {
    this.writer = new AreaWriter(area, (bytes) => board.wrote(slot, bytes));
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
        record =
          typeof text === 'string'
            ? [index, StatusCodes.SUCCEEDED, text, start, took]
            : [index, StatusCodes.FAILED, PoolFaults.OutputNotEncodable, text.cause, start, took];
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
