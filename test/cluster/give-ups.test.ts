/** How a client learns of jobs BullMQ gave up on (give-ups.ts): from the failed sets, for its unanswered jobs only, once each. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { GiveUpWatch, GIVE_UP_CHECK_MS } from '../../src/cluster/give-ups.js';
import { redisMissing, startRedis, type RedisServer } from './support.js';

const missing = redisMissing();
if (missing !== null) console.log(`cluster give-ups: ${missing}`);

const test = suite<{ redis: RedisServer | null }>('cluster give-ups', { redis: null });
test.before(async (context) => {
  if (missing === null) context.redis = await startRedis();
});
test.after(async (context) => {
  await context.redis?.destroy();
});

(missing === null ? test : test.skip)(
  'a job that kept failing past its attempts is reported once with its reason; answered and unwatched jobs are not',
  async (context) => {
    const url = context.redis!.url;
    const redis = new Redis(url, { maxRetriesPerRequest: null });
    const prefix = 'give-ups';
    const queue = new Queue('executions', { connection: redis, prefix });
    // BullMQ leaves a connection it was given open on close.
    const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
    const worker = new Worker(
      'executions',
      async (job) => {
        if (job.id !== 'answered') throw new Error(`job ${job.id} broke`);
      },
      { connection: workerConnection, prefix },
    );
    worker.on('error', () => {});
    const unanswered = new Set(['doomed', 'answered']);
    const reported: [string, string][] = [];
    const watch = new GiveUpWatch(redis, [{ queue, jobIds: () => unanswered.values() }], (jobId, reason) => {
      reported.push([jobId, reason]);
      unanswered.delete(jobId);
    });
    try {
      const options = { attempts: 2, backoff: { type: 'fixed', delay: 10 } };
      await queue.add('batch', {}, { ...options, jobId: 'doomed' });
      await queue.add('batch', {}, { ...options, jobId: 'answered' });
      // Not this client's (not among its unanswered jobs): another client's give-up.
      await queue.add('batch', {}, { ...options, jobId: 'foreign' });
      const until = Date.now() + 10_000;
      while (reported.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      // One more check: nothing is reported twice, and the answered job is not in the failed set.
      await new Promise((resolve) => setTimeout(resolve, GIVE_UP_CHECK_MS + 200));
      assert.equal(reported, [['doomed', 'job doomed broke']]);
      assert.is((await queue.getJob('doomed'))?.attemptsMade, 2, 'reported once every attempt had failed');
      assert.is(await queue.getJobState('foreign'), 'failed');
    } finally {
      watch.stop();
      await worker.close();
      await queue.close();
      redis.disconnect();
      workerConnection.disconnect();
    }
  },
);

(missing === null ? test : test.skip)('a stopped watch reports nothing more', async (context) => {
  const redis = new Redis(context.redis!.url, { maxRetriesPerRequest: null });
  const queue = new Queue('executions', { connection: redis, prefix: 'give-ups-stopped' });
  await redis.zadd(queue.keys.failed!, 1, 'lost');
  await redis.hset(queue.toKey('lost'), 'failedReason', 'stalled');
  const reported: string[] = [];
  const watch = new GiveUpWatch(redis, [{ queue, jobIds: () => ['lost'].values() }], (jobId) => reported.push(jobId));
  watch.stop();
  await new Promise((resolve) => setTimeout(resolve, GIVE_UP_CHECK_MS + 300));
  assert.equal(reported, []);
  await queue.close();
  redis.disconnect();
});

test.run();
