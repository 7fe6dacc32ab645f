import { Redis } from 'ioredis';

/** One client per process; every key under REDIS_PREFIX so deployments and test runs never collide. */
export function createRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, { keyPrefix, lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
}
