import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { Database } from '../../storage/prisma.js';
import type { ClientCache } from './client-cache.js';
import { PrismaAdapter } from './prisma-adapter.js';
import { RedisAdapter } from './redis-adapter.js';

/** Models that are configuration, not session state: always in the database. */
const DURABLE_MODELS = new Set(['Client', 'InitialAccessToken', 'RegistrationAccessToken']);

/**
 * The oidc-provider `adapter` option: Redis for protocol state when configured, else the
 * database; clients in the database, read through the in-memory client cache.
 */
export function createOidcAdapterFactory(db: Database, redis: Redis | undefined, now: () => Date, clients: ClientCache): (model: string) => Adapter {
  return (model) => {
    if (model === 'Client') return clients.wrap(new PrismaAdapter(model, db, now));
    return redis && !DURABLE_MODELS.has(model) ? new RedisAdapter(model, redis, now) : new PrismaAdapter(model, db, now);
  };
}
