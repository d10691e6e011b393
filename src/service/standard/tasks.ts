import { realClock, scheduleLimit, type Clock } from '../../run/clock.js';
import { TaskTokens, type TokenAnswer } from '../../run/tokens.js';
import type { EndedExecution, Integrations, NestedStart, StartedExecution } from '../../compile/task-patterns.js';
import { ServiceError } from '../errors.js';
import { nestingFault } from '../json-errors.js';
import { longerThan } from '../../run/characters.js';
import { checkRequestModel } from '../request-model.js';
import type { GetActivityTaskInput, GetActivityTaskOutput } from '../types.js';

/** AWS's longest GetActivityTask poll: it answers with no task after 60 seconds. */
const ACTIVITY_POLL_MS = 60_000;
const MAX_OUTPUT_BYTES = 262_144;
const MAX_WORKER_NAME_LENGTH = 80;
const ACTIVITY_ARN = /^arn:aws[\w-]*:states:[^:]+:\d{12}:activity:[^:]+$/;

/** A queue of activity tasks kept elsewhere (the service's), which workers take from. */
export interface ActivityTaskQueue {
  schedule(task: { readonly taskToken: string; readonly input: string }): void;
  withdraw(taskToken: string): boolean;
}

/** What the service does with executions, for nested `states:startExecution` tasks. */
export interface ExecutionHost {
  startExecution(request: NestedStart): StartedExecution | Promise<StartedExecution>;
  executionEnded(executionArn: string): Promise<EndedExecution>;
  stopExecution(executionArn: string, error: string, cause: string): void;
  startSyncExecution?(request: NestedStart): Promise<EndedExecution>;
}

export interface StandardTasksOptions {
  /** Times GetActivityTask's long poll; the real clock by default. */
  clock?: Clock;
  /** True when the activity exists (CreateActivity made it); by default every well-formed activity ARN does. */
  activityExists?(activityArn: string): boolean;
}

export interface SendTaskSuccessInput {
  taskToken: string;
  output: string;
}
export interface SendTaskFailureInput {
  taskToken: string;
  error?: string;
  cause?: string;
}
export interface SendTaskHeartbeatInput {
  taskToken: string;
}

interface ActivityTask {
  readonly taskToken: string;
  readonly input: string;
}

/** Tasks of one activity not yet taken, and workers polling for one. */
interface ActivityQueue {
  readonly tasks: ActivityTask[];
  readonly pollers: ((task: ActivityTask) => void)[];
}

/**
 * What lives between a Standard execution's transitions: task tokens (SendTaskSuccess,
 * SendTaskFailure, SendTaskHeartbeat), activity tasks waiting for workers (GetActivityTask)
 * and, through an ExecutionHost, nested executions. Its operations take and return AWS's
 * request/response shapes and refuse with AWS's exceptions (ServiceError).
 */
export class StandardTasks {
  readonly tokens = new TaskTokens();
  private readonly clock: Clock;
  private readonly activityExists: (activityArn: string) => boolean;
  private readonly activities = new Map<string, ActivityQueue>();

  constructor(options: StandardTasksOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.activityExists = options.activityExists ?? (() => true);
  }

  /**
   * The `integrations` to compile Standard machines with; nested executions go to `host`,
   * activity tasks to `activityQueue`'s queues when given (the service's), else to this
   * object's own (getActivityTask()).
   */
  integrations(host?: ExecutionHost, activityQueue?: (activityArn: string) => ActivityTaskQueue): Integrations {
    // A deleted activity has no queue: nothing to hand out or withdraw (a task restored after a restart waits for its timeout).
    const queueOf = (activityArn: string): ActivityTaskQueue | null => {
      try {
        return activityQueue!(activityArn);
      } catch (error) {
        if (error instanceof ServiceError && error.name === 'ActivityDoesNotExist') return null;
        throw error;
      }
    };
    const integrations: Integrations =
      activityQueue === undefined
        ? {
            tokens: this.tokens,
            activityExists: (activityArn) => this.activityExists(activityArn),
            scheduleActivity: (activityArn, taskToken, input) => this.scheduleActivity(activityArn, taskToken, input),
          }
        : {
            tokens: this.tokens,
            activityExists: (activityArn) => queueOf(activityArn) !== null,
            scheduleActivity: (activityArn, taskToken, input) => void queueOf(activityArn)?.schedule({ taskToken, input: JSON.stringify(input ?? null) }),
            withdrawActivity: (activityArn, taskToken) => void queueOf(activityArn)?.withdraw(taskToken),
          };
    if (host === undefined) return integrations;
    return {
      ...integrations,
      startExecution: (request) => host.startExecution(request),
      executionEnded: (arn) => host.executionEnded(arn),
      stopExecution: (arn, error, cause) => host.stopExecution(arn, error, cause),
      ...(host.startSyncExecution === undefined ? {} : { startSyncExecution: (request: NestedStart) => host.startSyncExecution!(request) }),
    };
  }

  sendTaskSuccess(input: SendTaskSuccessInput): Record<string, never> {
    checkRequestModel('SendTaskSuccess', input);
    checkToken(input?.taskToken);
    if (typeof input.output !== 'string') throw validation('output', 'Member must not be null');
    if (Buffer.byteLength(input.output) > MAX_OUTPUT_BYTES) {
      throw validation('output', `Member must have length less than or equal to ${MAX_OUTPUT_BYTES}`);
    }
    let output: unknown;
    try {
      output = JSON.parse(input.output);
    } catch {
      throw new ServiceError('InvalidOutput', `Invalid Output: '${input.output}'`);
    }
    // Deeper than Jackson reads, the output could not be written back out.
    if (nestingFault(input.output) !== null) throw new ServiceError('InvalidOutput', `Invalid Output: '${input.output}'`);
    answer(this.tokens.succeed(input.taskToken, output));
    return {};
  }

  sendTaskFailure(input: SendTaskFailureInput): Record<string, never> {
    checkRequestModel('SendTaskFailure', input);
    checkToken(input?.taskToken);
    // null is absent, as in the JSON the SDK sends.
    const error = optionalText(input.error, 'error');
    const cause = optionalText(input.cause, 'cause');
    answer(this.tokens.fail(input.taskToken, error, cause));
    return {};
  }

  sendTaskHeartbeat(input: SendTaskHeartbeatInput): Record<string, never> {
    checkRequestModel('SendTaskHeartbeat', input);
    checkToken(input?.taskToken);
    answer(this.tokens.heartbeat(input.taskToken));
    return {};
  }

  /**
   * A task of the activity for a worker: `{ taskToken, input }` as soon as one is
   * scheduled, or `{}` when none comes within 60 seconds (AWS's long poll) or `signal` aborts.
   */
  getActivityTask(input: GetActivityTaskInput, signal?: AbortSignal): Promise<GetActivityTaskOutput> {
    const arn = input?.activityArn;
    if (typeof arn !== 'string') return Promise.reject(validation('activityArn', 'Member must not be null'));
    if (!arn.startsWith('arn:')) return Promise.reject(new ServiceError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`));
    if (!ACTIVITY_ARN.test(arn)) return Promise.reject(new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`));
    if (input.workerName !== undefined && longerThan(input.workerName, MAX_WORKER_NAME_LENGTH)) {
      return Promise.reject(validation('workerName', `Member must have length less than or equal to ${MAX_WORKER_NAME_LENGTH}`));
    }
    if (!this.activityExists(arn)) return Promise.reject(new ServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`));
    const queue = this.queue(arn);
    const ready = this.nextTask(queue);
    if (ready !== null) return Promise.resolve(this.handOut(ready, input.workerName));
    if (signal?.aborted) return Promise.resolve({});
    return new Promise((resolve) => {
      const poller = (task: ActivityTask) => {
        cancel();
        signal?.removeEventListener('abort', giveUp);
        resolve(this.handOut(task, input.workerName));
      };
      const giveUp = () => {
        cancel();
        const at = queue.pollers.indexOf(poller);
        if (at >= 0) queue.pollers.splice(at, 1);
        resolve({});
      };
      // A limit, not a sleep: under virtualClock the poll still waits for a task to come.
      const cancel = scheduleLimit(this.clock, ACTIVITY_POLL_MS, giveUp);
      signal?.addEventListener('abort', giveUp, { once: true });
      queue.pollers.push(poller);
    });
  }

  /** A worker took the activity task: its HeartbeatSeconds run from now, and its history records ActivityStarted. */
  activityStarted(taskToken: string, workerName?: string): void {
    this.tokens.started(taskToken, workerName);
  }

  /** Activity tasks scheduled and not yet taken by a worker (still waiting for their answer). */
  waitingActivityTasks(activityArn: string): number {
    const queue = this.activities.get(activityArn);
    return queue === undefined ? 0 : queue.tasks.filter((t) => this.tokens.isPending(t.taskToken)).length;
  }

  private scheduleActivity(activityArn: string, taskToken: string, input: unknown): void {
    const task: ActivityTask = { taskToken, input: JSON.stringify(input ?? null) };
    const queue = this.queue(activityArn);
    const poller = queue.pollers.shift();
    if (poller !== undefined) poller(task);
    else queue.tasks.push(task);
  }

  /** The oldest queued task still waiting; tasks that timed out or whose execution ended are dropped. */
  private nextTask(queue: ActivityQueue): ActivityTask | null {
    while (queue.tasks.length > 0) {
      const task = queue.tasks.shift()!;
      if (this.tokens.isPending(task.taskToken)) return task;
    }
    return null;
  }

  private handOut(task: ActivityTask, workerName: string | undefined): GetActivityTaskOutput {
    this.activityStarted(task.taskToken, workerName);
    return { taskToken: task.taskToken, input: task.input };
  }

  private queue(activityArn: string): ActivityQueue {
    let queue = this.activities.get(activityArn);
    if (queue === undefined) {
      queue = { tasks: [], pollers: [] };
      this.activities.set(activityArn, queue);
    }
    return queue;
  }
}

/** A text member, its bounds checked with the rest of the request (request-model.ts). */
function optionalText(value: unknown, member: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw validation(member, 'Member must be a string');
  return value;
}

function validation(member: string, constraint: string): ServiceError {
  return new ServiceError('ValidationException', `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** A task token, its bounds checked with the rest of the request (request-model.ts). */
function checkToken(token: unknown): asserts token is string {
  if (typeof token !== 'string') throw validation('taskToken', 'Member must not be null');
}

/** A token that settled nothing, as AWS refuses it. */
function answer(result: TokenAnswer): void {
  switch (result) {
    case 'settled':
      return;
    case 'invalid':
      throw new ServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
    case 'finished':
      throw new ServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    case 'foreign':
      throw new ServiceError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'");
  }
}
