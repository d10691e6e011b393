/** What the worker's main thread and its runner threads share: answering a client, and how results and failures are written. */
import type { Redis } from 'ioredis';
import { packValue } from '../pool/codec.js';
import type { ExecutionResult } from '../run/result.js';
import { StatesErrors } from '../run/errors.js';
import { ClusterFaults } from './errors.js';
import { type ClusterKeys, type ResultRecord } from './protocol.js';

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

/**
 * A result as it travels: its name left out when it is `name` (the one the batch gave it or
 * its caller chose), its ARN when it is the one the client builds from the name and
 * `executionId`, the state machine's when it is the workflow's.
 */
export function recordOf(
  result: ExecutionResult,
  arns: { readonly stateMachineArn: string; readonly executionArnPrefix: string },
  name: string,
  executionId: string,
): ResultRecord {
  const prefix = arns.executionArnPrefix;
  const arn = result.executionArn;
  // prefix + name + ':' + executionId, compared without building it.
  const built =
    result.name === name &&
    arn.length === prefix.length + name.length + 1 + executionId.length &&
    arn.startsWith(prefix) &&
    arn.startsWith(name, prefix.length) &&
    arn.endsWith(executionId) &&
    arn.charCodeAt(prefix.length + name.length) === COLON;
  const startMs = result.startDate.getTime();
  return [
    result.status,
    result.name === name ? null : result.name,
    built ? null : arn,
    result.stateMachineArn === arns.stateMachineArn ? null : result.stateMachineArn,
    startMs,
    result.stopDate.getTime() - startMs,
    result.output,
    result.error,
    result.cause,
    result.history ?? null,
  ];
}

const COLON = 58;

/** An execution this host could not run (its workflow does not load here): FAILED, as the pool fails a load error, under the name and ARN the client builds. */
export function refusedRecord(message: string): ResultRecord {
  return ['FAILED', null, null, null, Date.now(), 0, undefined, ClusterFaults.WorkflowLoad, message, null];
}

/** An execution of a batch whose runner thread the hang watchdog terminated (worker.ts): the one blocking it TIMED_OUT, the others lost with it; under the name and ARN the client builds. */
export function hungRecord(blocking: boolean, timeLimitMs: number, stalledMs: number): ResultRecord {
  const now = Date.now();
  if (blocking)
    return [
      'TIMED_OUT',
      null,
      null,
      null,
      now,
      0,
      undefined,
      StatesErrors.Timeout,
      `The execution ran longer than its limit of ${timeLimitMs / 1000} seconds.`,
      null,
    ];
  const cause = `The runner thread running this execution made no progress for ${stalledMs} ms, past its batch's time limit of ${timeLimitMs} ms, and was terminated.`;
  return ['FAILED', null, null, null, now, 0, undefined, ClusterFaults.RunnerHung, cause, null];
}

export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) {
    const cause = thrown.cause instanceof Error ? `: ${thrown.cause.message}` : '';
    return `${thrown.message}${cause}`;
  }
  return String(thrown);
}
