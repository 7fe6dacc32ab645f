// Composition root: builds every long-lived part once. Nothing else calls `new` on them.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import type { Config } from './config/env.js';
import { developmentCookieKeys } from './config/dev-secrets.js';
import { createPasswordHasher, type Argon2Parameters } from './accounts/password-hasher.js';
import { createAuditLog } from './audit/audit-log.js';
import type { FlowDeps } from './flows/flow-deps.js';
import { createLogger, type Logger } from './log.js';
import { createOidcAdapterFactory } from './oidc/adapters/adapter-factory.js';
import { createProvider, type ProviderPages } from './oidc/provider.js';
import { loadSigningKeys } from './oidc/signing-keys.js';
import { createDatabase, type Database } from './storage/prisma.js';
import { createRedis } from './storage/redis.js';

export interface Deps {
  config: Config;
  db: Database;
  redis: Redis | undefined;
  provider: Provider;
  flows: FlowDeps;
  log: Logger;
  cookieKeys: string[];
  close(): Promise<void>;
}

export interface DepsOverrides {
  now?: () => Date;
  log?: Logger;
  argon2?: Argon2Parameters;
}

/** A value generated once and shared by every instance through the database. */
async function sharedSecret(db: Database, name: string): Promise<string> {
  const existing = await db.secret.findUnique({ where: { name } });
  if (existing) return existing.value;
  await db.secret.createMany({ data: [{ name, value: randomBytes(32).toString('base64url') }] }).catch(() => undefined);
  return (await db.secret.findUniqueOrThrow({ where: { name } })).value;
}

export async function createDeps(config: Config, pages: ProviderPages, overrides: DepsOverrides = {}): Promise<Deps> {
  const now = overrides.now ?? (() => new Date());
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const db = createDatabase(config.DATABASE_URL);
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, config.REDIS_PREFIX) : undefined;
  const cookieKeys = config.COOKIE_KEYS ?? await developmentCookieKeys(config.DATA_DIR);
  const provider = createProvider(config, {
    db,
    adapter: createOidcAdapterFactory(db, redis, now),
    signingKeys: await loadSigningKeys(db, config.JWKS_FILE),
    cookieKeys,
    pairwiseSalt: await sharedSecret(db, 'pairwise_salt'),
    pages,
  });
  const flows: FlowDeps = { db, now, log, passwords: await createPasswordHasher(overrides.argon2), audit: createAuditLog(db, now) };
  return {
    config, db, redis, provider, flows, log, cookieKeys,
    async close() {
      await db.$disconnect();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
