/** What the worker's main thread and its runner threads share: answering a client, and how results and failures are written. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { packValue } from '../pool/codec.js';
import type { ExecutionResult } from '../run/result.js';
import { StatesErrors } from '../run/errors.js';
import { ClusterFaults } from './errors.js';
import { type ClusterKeys, type ResultRecord, type WorkflowRecord } from './protocol.js';

/**
 * One XADD (and a day's expiry, so a vanished client's stream does not stay) in one round
 * trip; for a batch, its inputs' key goes in the same transaction.
 */
export async function answer(redis: Redis, keys: ClusterKeys, client: string, jobId: string, kind: string, reply: unknown): Promise<void> {
  const stream = keys.results(client);
  const bytes = packValue(reply);
  const transaction = redis
    .multi()
    .xadd(stream, '*', 'job', jobId, 'kind', kind, 'data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .expire(stream, 86_400);
  if (kind === 'batch') transaction.del(keys.payload(jobId));
  await transaction.exec();
}

/** A result as it travels; ARNs the client can build from the registration (`arns`) are left out. */
export function recordOf(result: ExecutionResult, arns: { readonly stateMachineArn: string; readonly executionArnPrefix: string }): ResultRecord {
  const executionArn = result.executionArn;
  const built = executionArn.length === arns.executionArnPrefix.length + result.name.length && executionArn.startsWith(arns.executionArnPrefix);
  return [
    result.status,
    result.name,
    built ? null : executionArn,
    result.stateMachineArn === arns.stateMachineArn ? null : result.stateMachineArn,
    result.startDate.getTime(),
    result.stopDate.getTime(),
    result.output,
    result.error,
    result.cause,
    result.history ?? null,
  ];
}

/** An execution this host could not run (its workflow does not load here): FAILED, as the pool fails a load error. */
export function refusedRecord(record: WorkflowRecord, name: string | null, message: string): ResultRecord {
  const executionName = name ?? randomUUID();
  const now = Date.now();
  return ['FAILED', executionName, null, null, now, now, undefined, ClusterFaults.WorkflowLoad, message, null];
}

/** An execution of a batch whose runner thread the hang watchdog terminated (worker.ts): the one blocking it TIMED_OUT, the others lost with it. */
export function hungRecord(name: string | null, blocking: boolean, timeLimitMs: number, stalledMs: number): ResultRecord {
  const executionName = name ?? randomUUID();
  const now = Date.now();
  if (blocking)
    return [
      'TIMED_OUT',
      executionName,
      null,
      null,
      now,
      now,
      undefined,
      StatesErrors.Timeout,
      `The execution ran longer than its limit of ${timeLimitMs / 1000} seconds.`,
      null,
    ];
  const cause = `The runner thread running this execution made no progress for ${stalledMs} ms, past its batch's time limit of ${timeLimitMs} ms, and was terminated.`;
  return ['FAILED', executionName, null, null, now, now, undefined, ClusterFaults.RunnerHung, cause, null];
}

export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) {
    const cause = thrown.cause instanceof Error ? `: ${thrown.cause.message}` : '';
    return `${thrown.message}${cause}`;
  }
  return String(thrown);
}
