/** Answers to a client: how a worker sends one, and a batch's answer as workers write it and clients read it (protocol.ts BatchAnswer). */
import type { Redis } from 'ioredis';
import { packValue } from '../pool/codec.js';
import { STATUSES, StatusCodes } from '../pool/protocol.js';
import type { ExecutionResult, ExecutionStatus } from '../run/result.js';
import { StatesErrors } from '../run/errors.js';
import { ClusterFaults } from './errors.js';
import { RESULT_STATUS_BITS, ResultCarries, type BatchAnswer, type ClusterKeys } from './protocol.js';

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

/** The workflow's ARNs, as the client builds them (protocol.ts arnsOf). */
export interface AnswerArns {
  readonly stateMachineArn: string;
  readonly executionArnPrefix: string;
}

/** Writes a batch's answer (protocol.ts BatchAnswer), execution after execution, in batch order. */
export class AnswerWriter {
  readonly answer: BatchAnswer = [];
  /**
   * Whether an execution ARN of this batch was found to be the one the client builds. The
   * engine builds every ARN of a machine from the name and execution id it is given in one
   * form, so after one full comparison, an execution under the name it was given needs only
   * its ARN's length compared: comparing the characters of each made V8 flatten every ARN
   * (~0.8 µs an execution).
   */
  private builtForm = false;
  constructor(private readonly arns: AnswerArns | null) {}

  /**
   * How `result` ended, leaving out its name when it is `name` (the one the batch gave it or
   * its caller chose), its ARN when it is the one the client builds from the name and
   * `executionId`, the state machine's when it is the workflow's.
   */
  result(result: ExecutionResult, name: string, executionId: string): void {
    const arns = this.arns!;
    const prefix = arns.executionArnPrefix;
    const arn = result.executionArn;
    const sameName = result.name === name;
    const builtLength = arn.length === prefix.length + name.length + 1 + executionId.length;
    let built = sameName && builtLength && this.builtForm;
    if (!built && sameName && builtLength) {
      // prefix + name + ':' + executionId, compared without building it.
      built =
        arn.startsWith(prefix) && arn.startsWith(name, prefix.length) && arn.endsWith(executionId) && arn.charCodeAt(prefix.length + name.length) === COLON;
      this.builtForm = built;
    }
    const sameMachine = result.stateMachineArn === arns.stateMachineArn;
    const history = result.history;
    let code = StatusCodes[result.status];
    if (result.output !== undefined) code |= ResultCarries.OUTPUT;
    if (result.error !== undefined) code |= ResultCarries.ERROR;
    if (result.cause !== undefined) code |= ResultCarries.CAUSE;
    if (!sameName) code |= ResultCarries.NAME;
    if (!built) code |= ResultCarries.EXECUTION_ARN;
    if (!sameMachine) code |= ResultCarries.STATE_MACHINE_ARN;
    if (history !== undefined) code |= ResultCarries.HISTORY;
    const answer = this.answer;
    const startMs = result.startDate.getTime();
    if (answer.length === 0) answer.push(startMs);
    answer.push(code, startMs - (answer[0] as number), result.stopDate.getTime() - startMs);
    if (result.output !== undefined) answer.push(result.output);
    if (result.error !== undefined) answer.push(result.error);
    if (result.cause !== undefined) answer.push(result.cause);
    if (!sameName) answer.push(result.name);
    if (!built) answer.push(arn);
    if (!sameMachine) answer.push(result.stateMachineArn);
    if (history !== undefined) answer.push(history);
  }

  /** An execution this host could not run (its workflow does not load here): FAILED, as the pool fails a load error. */
  refused(message: string): void {
    this.ended('FAILED', ClusterFaults.WorkflowLoad, message);
  }

  /** An execution of a batch whose runner thread the hang watchdog terminated (worker.ts): the one blocking it TIMED_OUT, the others lost with it. */
  hung(blocking: boolean, timeLimitMs: number, stalledMs: number): void {
    if (blocking) this.ended('TIMED_OUT', StatesErrors.Timeout, `The execution ran longer than its limit of ${timeLimitMs / 1000} seconds.`);
    else
      this.ended(
        'FAILED',
        ClusterFaults.RunnerHung,
        `The runner thread running this execution made no progress for ${stalledMs} ms, past its batch's time limit of ${timeLimitMs} ms, and was terminated.`,
      );
  }

  /** An execution that ended without running to its end, under the name and ARN the client builds. */
  private ended(status: ExecutionStatus, error: string, cause: string): void {
    const answer = this.answer;
    const now = Date.now();
    if (answer.length === 0) answer.push(now);
    answer.push(StatusCodes[status] | ResultCarries.ERROR | ResultCarries.CAUSE, now - (answer[0] as number), 0, error, cause);
  }
}

const COLON = 58;

/** Reads a batch's answer (protocol.ts BatchAnswer) one execution at a time into its own fields: nothing is allocated per execution. */
export class AnswerReader {
  status: ExecutionStatus = 'SUCCEEDED';
  startMs = 0;
  stopMs = 0;
  output: unknown = undefined;
  error: string | null | undefined = undefined;
  cause: string | null | undefined = undefined;
  /** null when it is the one the batch gave the execution or its caller chose. */
  name: string | null = null;
  /** null when it is the workflow's prefix + name + ':' + the batch's id for the execution. */
  executionArn: string | null = null;
  /** null when it is the workflow's. */
  stateMachineArn: string | null = null;
  history: unknown = undefined;
  private at = 1;
  private readonly t0: number;
  constructor(private readonly answer: BatchAnswer) {
    this.t0 = answer[0] as number;
  }

  /** Reads the next execution; false when the answer holds no more. */
  next(): boolean {
    const answer = this.answer;
    if (this.at >= answer.length) return false;
    const code = answer[this.at++] as number;
    this.status = STATUSES[code & RESULT_STATUS_BITS]!;
    this.startMs = this.t0 + (answer[this.at++] as number);
    this.stopMs = this.startMs + (answer[this.at++] as number);
    this.output = code & ResultCarries.OUTPUT ? answer[this.at++] : undefined;
    this.error = code & ResultCarries.ERROR ? (answer[this.at++] as string | null) : undefined;
    this.cause = code & ResultCarries.CAUSE ? (answer[this.at++] as string | null) : undefined;
    this.name = code & ResultCarries.NAME ? (answer[this.at++] as string) : null;
    this.executionArn = code & ResultCarries.EXECUTION_ARN ? (answer[this.at++] as string) : null;
    this.stateMachineArn = code & ResultCarries.STATE_MACHINE_ARN ? (answer[this.at++] as string) : null;
    this.history = code & ResultCarries.HISTORY ? answer[this.at++] : undefined;
    return true;
  }
}

export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) {
    const cause = thrown.cause instanceof Error ? `: ${thrown.cause.message}` : '';
    return `${thrown.message}${cause}`;
  }
  return String(thrown);
}
