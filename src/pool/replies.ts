/**
 * What the pool makes of its workers' replies: a RunReply stream read back into results
 * (protocol.ts), and a task's report that it could not set up turned into the PoolError its
 * callers get.
 */
import { ExecutionResult } from '../run/result.js';
import type { Batch } from './batch.js';
import { readBatch, type DecoderEntry } from './codec.js';
import { PoolError, PoolErrorCodes, type ErrorData, type PoolErrorCode } from './errors.js';
import { applyPatch } from './output-patch.js';
import { BatchNames, INPUT_REFUSED, STATUSES, StatusCodes, SUCCEEDED_AS_PATCH, type SetupFailure } from './protocol.js';

/** What became of an execution a worker had: its result, or the refusal its caller gets; undefined while unknown. */
export type Outcome = ExecutionResult | PoolError | undefined;

/** The outcomes a RunReply stream holds (protocol.ts), by index in the batch; throws when it cannot be read. */
export function readResults(batch: Batch, stream: Uint8Array, decoder: DecoderEntry): Outcome[] {
  const values = readBatch(stream, decoder);
  const workflow = batch.workflow;
  const entries = batch.entries;
  const names = batch.names;
  const generated = new BatchNames(batch.nameBase);
  const ids = BatchNames.ids(batch.nameBase);
  const results = new Array<Outcome>(entries.length);
  const t0 = values[0] as number;
  for (let r = 1; r < values.length; r++) {
    const record = values[r] as unknown[];
    const i = record[0] as number;
    const entry = entries[i]!;
    const code = record[1] as number;
    if (code === INPUT_REFUSED) {
      results[i] = new PoolError(PoolErrorCodes.INPUT_NOT_JSON, record[2] as string);
      continue;
    }
    let output: unknown;
    let error: string | null | undefined;
    let cause: string | null | undefined;
    let at = 2;
    if (code === StatusCodes.SUCCEEDED) output = record[at++];
    else if (code === SUCCEEDED_AS_PATCH) output = applyPatch(record[at++] as unknown[], entry.snapshot!);
    else {
      error = record[at++] as string | null | undefined;
      cause = record[at++] as string | null | undefined;
    }
    const startMs = t0 + (record[at++] as number);
    const stopMs = startMs + (record[at] as number);
    const name = (names === null ? null : names[i]) ?? generated.of(i);
    const status = code === SUCCEEDED_AS_PATCH ? 'SUCCEEDED' : STATUSES[code]!;
    results[i] = new ExecutionResult({
      executionArn: `${workflow.executionArnPrefix}${name}:${ids.of(i)}`,
      stateMachineArn: workflow.stateMachineArn,
      name,
      status,
      startMs,
      stopMs,
      input: entry.input,
      output,
      error,
      cause,
    });
  }
  return results;
}

export function isSetupFailure(reply: unknown): reply is SetupFailure {
  return reply !== null && typeof reply === 'object' && 'setupError' in reply;
}

const poolErrorCodes = new Set<string>(Object.values(PoolErrorCodes));

/**
 * The PoolError for work a worker could not set up (a SetupFailure): a workflow it could not
 * compile (a DefinitionError's problems come along), or a shard's generator it could not use.
 */
export function setupPoolError(data: ErrorData): PoolError & { problems: unknown[] | null } {
  const code = data.code !== null && poolErrorCodes.has(data.code) ? (data.code as PoolErrorCode) : PoolErrorCodes.WORKFLOW_LOAD;
  const error = new PoolError(code, data.message) as PoolError & { problems: unknown[] | null };
  error.problems = data.problems;
  return error;
}
