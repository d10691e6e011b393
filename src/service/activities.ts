import type { Clock } from '../run/clock.js';

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

  /** The next task, waiting up to `ms` of `clock` for one; null when none came. */
  take(clock: Clock, ms: number): Promise<ActivityTask | null> {
    const ready = this.tasks.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const poller: Poller = {
        resolve,
        cancel: clock.schedule(ms, () => {
          const at = this.pollers.indexOf(poller);
          if (at >= 0) this.pollers.splice(at, 1);
          resolve(null);
        }),
      };
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
