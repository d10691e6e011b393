/** Redis connections: one option (a redis:// URL or ioredis options) makes every connection the cluster needs. */
import { Redis, type RedisOptions } from 'ioredis';
import { ClusterError, ClusterErrorCodes } from './errors.js';

/** Where Redis is: `redis://host:port[/db]` (or rediss://), or ioredis connection options. */
export type ClusterConnection = string | RedisOptions;

/**
 * A new connection. Commands wait through reconnections instead of failing
 * (maxRetriesPerRequest: null, as BullMQ requires): a Redis restart delays work, loses none.
 * Connection errors are not events anyone handles: ioredis reconnects by itself, and a
 * command that cannot complete rejects where it was sent.
 */
export function connect(connection: ClusterConnection): Redis {
  let redis: Redis;
  if (typeof connection === 'string') {
    if (!/^rediss?:\/\//.test(connection)) {
      throw new ClusterError(ClusterErrorCodes.INVALID_OPTION, `connection must be a redis:// URL or ioredis options, not '${connection}'`);
    }
    redis = new Redis(connection, { maxRetriesPerRequest: null });
  } else if (connection !== null && typeof connection === 'object') {
    redis = new Redis({ ...connection, maxRetriesPerRequest: null });
  } else {
    throw new ClusterError(ClusterErrorCodes.INVALID_OPTION, 'connection must be a redis:// URL or ioredis options');
  }
  redis.on('error', ignore);
  return redis;
}

function ignore(): void {}
