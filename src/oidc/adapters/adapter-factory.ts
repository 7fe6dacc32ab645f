import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { DirectSql } from '../../storage/direct-sql.js';
import { RedisAdapter } from './redis-adapter.js';
import { SqlAdapter } from './sql-adapter.js';

/** Models that are configuration, not session state: always in the database. */
const DURABLE_MODELS = new Set(['InitialAccessToken', 'RegistrationAccessToken']);

/**
 * The oidc-provider `adapter` option: Redis for protocol state when configured, else the
 * database; clients through the one Client store of the process (database + client cache).
 */
export function createOidcAdapterFactory(sql: DirectSql, redis: Redis | undefined, now: () => Date, clients: Adapter): (model: string) => Adapter {
  return (model) => {
    if (model === 'Client') return clients;
    return redis && !DURABLE_MODELS.has(model) ? new RedisAdapter(model, redis, now) : new SqlAdapter(model, sql, now);
  };
}
