import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { Database } from '../../storage/prisma.js';
import { PrismaAdapter } from './prisma-adapter.js';
import { RedisAdapter } from './redis-adapter.js';

/** Models that are configuration, not session state: always in the database. */
const DURABLE_MODELS = new Set(['Client', 'InitialAccessToken', 'RegistrationAccessToken']);

/** The oidc-provider `adapter` option: Redis for protocol state when configured, else the database. */
export function createOidcAdapterFactory(db: Database, redis: Redis | undefined, now: () => Date): (model: string) => Adapter {
  return (model) => (redis && !DURABLE_MODELS.has(model) ? new RedisAdapter(model, redis, now) : new PrismaAdapter(model, db, now));
}
