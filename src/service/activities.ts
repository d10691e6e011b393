import type { Clock } from '../run/clock.js';
import { checkEncryption, ownedKey } from './configurations.js';
import type { ActivityRecord } from './records.js';
import type { Registry } from './registry.js';
import { checkName, checkTags, page, pageRequest, parseArn, requireString } from './requests.js';
import type { ServiceIntegration } from './seam.js';
import type * as T from './types.js';

/** What GetActivityTask hands a worker: the token to answer with, and the task's input as JSON text. */
export interface ActivityTask {
  readonly taskToken: string;
  readonly input: string;
}

/** How long GetActivityTask waits for a task before answering without one (AWS: 60 seconds). */
export const activityPollMs = 60_000;

interface Poller {
  resolve(task: ActivityTask | null): void;
  cancel(): void;
}

/**
 * The tasks of one activity waiting for workers, and the workers waiting for tasks: a task
 * goes to the longest-waiting worker, else waits (first scheduled, first taken). An
 * execution that reaches an activity Task schedules it here; GetActivityTask takes.
 */
export class ActivityQueue {
  private readonly tasks: ActivityTask[] = [];
  private readonly pollers: Poller[] = [];

  /** Hands a task to a waiting worker, or keeps it until one asks. */
  schedule(task: ActivityTask): void {
    const poller = this.pollers.shift();
    if (poller !== undefined) {
      poller.cancel();
      poller.resolve(task);
    } else this.tasks.push(task);
  }

  /** Withdraws a task no worker has taken yet (its execution stopped or timed out); true when it was waiting. */
  withdraw(taskToken: string): boolean {
    const at = this.tasks.findIndex((t) => t.taskToken === taskToken);
    if (at < 0) return false;
    this.tasks.splice(at, 1);
    return true;
  }

  /**
   * The next task, waiting up to `ms` of `clock` for one; null when none came, or when
   * `signal` aborts first (the worker hung up: a task must not go to a poll nobody reads).
   */
  take(clock: Clock, ms: number, signal?: AbortSignal): Promise<ActivityTask | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const ready = this.tasks.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const leave = (): void => {
        const at = this.pollers.indexOf(poller);
        if (at >= 0) this.pollers.splice(at, 1);
      };
      const abandoned = (): void => {
        poller.cancel();
        leave();
        resolve(null);
      };
      const poller: Poller = {
        resolve(task) {
          signal?.removeEventListener('abort', abandoned);
          resolve(task);
        },
        cancel: clock.schedule(ms, () => {
          leave();
          poller.resolve(null);
        }),
      };
      signal?.addEventListener('abort', abandoned, { once: true });
      this.pollers.push(poller);
    });
  }

  /** Answers every waiting worker with no task (the service is closing or the activity was deleted). */
  release(): void {
    for (const poller of this.pollers.splice(0)) {
      poller.cancel();
      poller.resolve(null);
    }
  }
}

/** The activity operations: the registry of activities, and the workers' GetActivityTask on their queues. */
export class Activities {
  private readonly queues = new Map<string, ActivityQueue>();
  /** Set by releaseActivityPolls(): GetActivityTask answers at once. */
  private pollsReleased = false;

  constructor(
    private readonly registry: Registry,
    private readonly integrations: readonly ServiceIntegration[],
  ) {}

  async createActivity(request: T.CreateActivityInput): Promise<T.CreateActivityOutput> {
    const name = checkName(request?.name);
    const tags = checkTags(request.tags);
    checkEncryption(request.encryptionConfiguration);
    const arn = this.registry.arn('activity', name);
    const existing = this.registry.activities.get(arn);
    if (existing !== undefined) return { activityArn: arn, creationDate: existing.creationDate };
    const activity: ActivityRecord = { arn, name, creationDate: this.registry.now() };
    this.registry.activities.set(arn, activity);
    if (tags.length > 0) this.registry.tags.set(arn, new Map(tags.map((t) => [t.key, t.value])));
    return { activityArn: arn, creationDate: activity.creationDate };
  }

  /**
   * The queue of an existing activity's tasks (created on first use): an execution that
   * reaches a Task whose Resource is this activity schedules its task here.
   */
  activityQueue(arn: unknown): ActivityQueue {
    const activity = this.registry.activity(arn);
    let queue = this.queues.get(activity.arn);
    if (queue === undefined) {
      queue = new ActivityQueue();
      this.queues.set(activity.arn, queue);
    }
    return queue;
  }

  /**
   * A worker's long poll: the next task of the activity, or `{}` after 60 seconds without one,
   * or at once when `signal` aborts (the endpoint aborts it when the worker's connection closes).
   */
  async getActivityTask(request: T.GetActivityTaskInput, signal?: AbortSignal): Promise<T.GetActivityTaskOutput> {
    const r = request ?? ({} as T.GetActivityTaskInput);
    if (r.workerName !== undefined && r.workerName !== null) requireString(r.workerName, 'workerName');
    const queue = this.activityQueue(r.activityArn);
    if (this.registry.closed || this.pollsReleased) return {};
    const task = await queue.take(this.registry.clock, activityPollMs, signal);
    if (task === null) return {};
    for (const integration of this.integrations) integration.activityTaken?.(task.taskToken, r.workerName ?? undefined);
    return { taskToken: task.taskToken, input: task.input };
  }

  async describeActivity(request: T.DescribeActivityInput): Promise<T.DescribeActivityOutput> {
    const activity = this.registry.activity(request?.activityArn);
    return { activityArn: activity.arn, name: activity.name, creationDate: activity.creationDate, encryptionConfiguration: ownedKey };
  }

  async listActivities(request: T.ListActivitiesInput = {}): Promise<T.ListActivitiesOutput> {
    const paging = pageRequest(request);
    const all = [...this.registry.activities.values()].map((a) => ({ activityArn: a.arn, name: a.name, creationDate: a.creationDate }));
    const p = page(all, paging, 'ListActivities', this.registry.clock.now(), (a) => a.activityArn);
    return { activities: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async deleteActivity(request: T.DeleteActivityInput): Promise<T.EmptyOutput> {
    parseArn(request?.activityArn, 'activityArn', ['activity']);
    this.registry.activities.delete(request.activityArn);
    this.queues.get(request.activityArn)?.release();
    this.queues.delete(request.activityArn);
    this.registry.tags.delete(request.activityArn);
    return {};
  }

  /**
   * Ends every pending GetActivityTask long poll now, and has later ones answer at once,
   * with no task: an endpoint that is stopping lets its workers go instead of holding their
   * requests for 60 seconds.
   */
  releaseActivityPolls(): void {
    this.pollsReleased = true;
    for (const queue of this.queues.values()) queue.release();
  }
}
