/**
 * How a cluster client learns of a job BullMQ gave up on (it stalled more often than allowed,
 * or its processing kept throwing past its attempts): no worker answers such a job, so the
 * client looks for its unanswered jobs in their queue's failed set, every second while it has
 * any. One ZMSCORE per queue with unanswered jobs — a few commands a second — replaces a
 * QueueEvents reader per queue, which parsed some 4.5 events of every job (every add, every
 * move to active and to completed) only to find the rare failure among them.
 *
 * A job in the failed set is there for good (a job BullMQ will retry waits elsewhere), and
 * each job settles through its holder's pending map, so a give-up and an answer to the same
 * job settle it once between them. A failed job stays findable while fewer than
 * `removeOnFail` (1,000) newer ones failed in its queue: far more than can fail in a second.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** How often the failed sets are read while jobs are unanswered. */
export const GIVE_UP_CHECK_MS = 1_000;

/** A queue's unanswered jobs of this client, as their holder (batches, Map blocks, load shards) knows them. */
export interface WatchedQueue {
  readonly queue: Queue;
  readonly jobIds: () => IterableIterator<string>;
}

export class GiveUpWatch {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly watched: readonly WatchedQueue[],
    /** Job `jobId` failed for good, for `reason`. */
    private readonly givenUp: (jobId: string, reason: string) => void,
  ) {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The next check, GIVE_UP_CHECK_MS after the last one ended (checks never overlap). */
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.check().then(
        () => this.schedule(),
        // Redis unreachable: the next check looks again.
        () => this.schedule(),
      );
    }, GIVE_UP_CHECK_MS);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    for (const { queue, jobIds } of this.watched) {
      const ids = [...jobIds()];
      if (ids.length === 0) continue;
      const scores = await this.redis.zmscore(queue.keys.failed!, ...ids);
      const failed = ids.filter((_, i) => scores[i] !== null);
      if (failed.length === 0) continue;
      const pipeline = this.redis.pipeline();
      for (const jobId of failed) pipeline.hget(queue.toKey(jobId), 'failedReason');
      const reasons = (await pipeline.exec()) ?? [];
      failed.forEach((jobId, i) => {
        const reason = reasons[i]?.[1];
        if (!this.stopped) this.givenUp(jobId, typeof reason === 'string' && reason !== '' ? reason : 'BullMQ failed the job');
      });
    }
  }
}
