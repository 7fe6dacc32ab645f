// The same cases against oidc-provider's reference MemoryAdapter and our adapters (database on
// SQLite and PostgreSQL, Redis), in the spirit of panva's test/adapters/memory_adapter.test.js.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
// The AsyncLocalStorage behind `Provider.ctx`: running inside it is running inside a request.
import providerRequest from 'oidc-provider/lib/helpers/als.js';
import { RedisAdapter } from '../../src/oidc/adapters/redis-adapter.js';
import { ReferenceRedisAdapter } from '../bench/reference-redis-adapter.js';
import { SqlAdapter } from '../../src/oidc/adapters/sql-adapter.js';
import { openDirectSql } from '../../src/storage/direct-sql.js';
import { applyMigrations } from '../../src/storage/migrations.js';
import { createDatabase, type Database } from '../../src/storage/prisma.js';
import { availableBackends } from '../support/backends.js';
import { createTestStorage, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();

interface Subject {
  name: string;
  adapter(model: string): Adapter;
  /** Everything the store holds, as text, to look for leaked identifiers (undefined: not inspectable). */
  dump?: () => Promise<string>;
  close(): Promise<void>;
}

/**
 * A subject on a Redis key prefix of its own (none without Redis). `hashesIdentifiers`: the
 * security case looks for identifiers in what it stores (the example adapter keeps them in clear).
 */
function onRedis(name: string, adapterOf: (model: string, redis: Redis) => Adapter, hashesIdentifiers: boolean): Array<[string, () => Promise<Subject>]> {
  if (!backends.includes('postgresql+redis')) return [];
  return [[name, async (): Promise<Subject> => {
    const storage: TestStorage = await createTestStorage('postgresql+redis');
    const prefix = storage.env['REDIS_PREFIX']!;
    const redis = new Redis(storage.env['REDIS_URL']!, { keyPrefix: prefix });
    const dump = async () => {
      const keys = await redis.keys(`${prefix}*`);
      const unprefixed = keys.map((k) => k.slice(prefix.length));
      const values = await Promise.all(unprefixed.map(async (k) => [k, await redis.type(k) === 'hash' ? await redis.hgetall(k) : await redis.type(k) === 'set' ? await redis.smembers(k) : await redis.get(k)]));
      return JSON.stringify(values);
    };
    return {
      name,
      adapter: (model) => adapterOf(model, redis),
      ...(hashesIdentifiers ? { dump } : {}),
      close: async () => { await redis.quit(); await storage.dispose(); },
    };
  }]];
}

const subjects: Array<[string, () => Promise<Subject>]> = [
  ['MemoryAdapter (reference)', async () => ({ name: 'MemoryAdapter (reference)', adapter: (model) => new MemoryAdapter(model), close: async () => {} })],
  ...backends.map((backend): [string, () => Promise<Subject>] => [`SqlAdapter on ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, async (): Promise<Subject> => {
    const storage = await createTestStorage(backend);
    await applyMigrations(storage.env['DATABASE_URL']!);
    const db: Database = createDatabase(storage.env['DATABASE_URL']!);
    const sql = openDirectSql(storage.env['DATABASE_URL']!);
    return {
      name: `SqlAdapter on ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
      adapter: (model) => new SqlAdapter(model, sql, () => new Date()),
      dump: async () => JSON.stringify(await db.oidcPayload.findMany()),
      close: async () => { await sql.close(); await db.$disconnect(); await storage.dispose(); },
    };
  }]),
  ...onRedis('RedisAdapter', (model, redis) => new RedisAdapter(model, redis, () => new Date()), true),
  // The bench's stand-in for the library's example Redis adapter, which `npm run bench -- --pg
  // --durable-redis reference` measures ours against: a fair comparison needs a correct adapter.
  ...onRedis('example Redis adapter (bench)', (model, redis) => new ReferenceRedisAdapter(model, redis), false),
];

const id = () => randomBytes(32).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const tokenPayload = (jti: string, extra: Record<string, unknown> = {}): AdapterPayload => ({ jti, iat: now(), exp: now() + 60, kind: 'AccessToken', accountId: 'acc1', clientId: 'c1', ...extra });

describe.each(subjects)('oidc-provider adapter contract: %s', (_name, make) => {
  let subject: Subject;
  beforeAll(async () => { subject = await make(); });
  afterAll(async () => { await subject?.close(); });

  test('happy path: upsert then find returns the payload with its identifier', async () => {
    const jti = id();
    await subject.adapter('AccessToken').upsert(jti, tokenPayload(jti), 60);
    expect(await subject.adapter('AccessToken').find(jti)).toMatchObject({ jti, accountId: 'acc1', clientId: 'c1' });
  });

  test('sad path: unknown identifiers and other models find nothing', async () => {
    const jti = id();
    await subject.adapter('AccessToken').upsert(jti, tokenPayload(jti), 60);
    expect(await subject.adapter('AccessToken').find(id())).toBeUndefined();
    expect(await subject.adapter('RefreshToken').find(jti)).toBeUndefined();
  });

  test('happy path: consume marks the payload consumed, destroy removes it', async () => {
    const jti = id();
    const adapter = subject.adapter('AuthorizationCode');
    await adapter.upsert(jti, tokenPayload(jti, { kind: 'AuthorizationCode' }), 60);
    await adapter.consume(jti);
    expect((await adapter.find(jti))?.consumed).toEqual(expect.any(Number));
    await adapter.destroy(jti);
    expect(await adapter.find(jti)).toBeUndefined();
  });

  test('happy path: revokeByGrantId removes every token of that grant and only those', async () => {
    const grantId = id();
    const [access, refresh, other] = [id(), id(), id()];
    await subject.adapter('AccessToken').upsert(access, tokenPayload(access, { grantId }), 60);
    await subject.adapter('RefreshToken').upsert(refresh, tokenPayload(refresh, { grantId, kind: 'RefreshToken' }), 60);
    await subject.adapter('AccessToken').upsert(other, tokenPayload(other, { grantId: id() }), 60);
    await subject.adapter('Grant').revokeByGrantId(grantId);
    expect(await subject.adapter('AccessToken').find(access)).toBeUndefined();
    expect(await subject.adapter('RefreshToken').find(refresh)).toBeUndefined();
    expect(await subject.adapter('AccessToken').find(other)).toBeDefined();
  });

  test('happy path: a session is found by its uid', async () => {
    const [jti, uid] = [id(), id()];
    await subject.adapter('Session').upsert(jti, { jti, uid, iat: now(), exp: now() + 60, kind: 'Session', accountId: 'acc1' }, 60);
    expect(await subject.adapter('Session').findByUid(uid)).toMatchObject({ uid, accountId: 'acc1' });
    expect(await subject.adapter('Session').findByUid(id())).toBeUndefined();
  });

  test('happy path: a device code is found by its user code, consumed once consumed, gone once destroyed', async () => {
    const [jti, userCode] = [id(), 'WDJB-MJHT'];
    const adapter = subject.adapter('DeviceCode');
    await adapter.upsert(jti, tokenPayload(jti, { kind: 'DeviceCode', userCode }), 60);
    expect(await adapter.findByUserCode(userCode)).toMatchObject({ userCode, accountId: 'acc1' });
    expect((await adapter.findByUserCode(userCode))?.consumed).toBeUndefined();
    await adapter.consume(jti);
    expect((await adapter.findByUserCode(userCode))?.consumed).toEqual(expect.any(Number));
    expect(await adapter.findByUserCode('XXXX-XXXX')).toBeUndefined();
    await adapter.destroy(jti);
    expect(await adapter.findByUserCode(userCode)).toBeUndefined();
  });

  test('happy path: a payload is gone once its lifetime has passed', async () => {
    const jti = id();
    await subject.adapter('AccessToken').upsert(jti, tokenPayload(jti), 1);
    expect(await subject.adapter('AccessToken').find(jti)).toBeDefined();
    // What is left of a lifetime can reach 0 or less at its last second: still a lifetime. (The
    // reference adapter's cache reads 0 as "none"; oidc-provider's own saves can pass it.)
    const ending = subject.dump ? [id(), id()] : [];
    await Promise.all(ending.map((jti, i) => subject.adapter('Interaction').upsert(jti, { jti, kind: 'Interaction' }, -i)));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await subject.adapter('AccessToken').find(jti)).toBeUndefined();
    for (const jti of ending) expect(await subject.adapter('Interaction').find(jti)).toBeUndefined();
  });

  describe('within a request (a token read with its grant and session, as userinfo and refresh read them)', () => {
    const inRequest = <T>(work: () => Promise<T>): Promise<T> => providerRequest.run({}, work);
    /** A grant, a session and a token issued under both that ends with the session. */
    async function issued(extra: Record<string, unknown> = {}) {
      const [grantId, sessionId, uid, jti] = [id(), id(), id(), id()];
      await subject.adapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', clientId: 'c1', accountId: 'acc1', iat: now(), exp: now() + 60, openid: { scope: 'openid' } }, 60);
      await subject.adapter('Session').upsert(sessionId, { jti: sessionId, uid, kind: 'Session', accountId: 'acc1', iat: now(), exp: now() + 60 }, 60);
      await subject.adapter('AccessToken').upsert(jti, tokenPayload(jti, { grantId, sessionUid: uid, expiresWithSession: true, ...extra }), 60);
      return { grantId, sessionId, uid, jti };
    }

    test('happy path: the token, then its session and grant, are found as stored', async () => {
      const { grantId, uid, jti } = await issued();
      await inRequest(async () => {
        expect(await subject.adapter('AccessToken').find(jti)).toMatchObject({ jti, grantId, sessionUid: uid });
        expect(await subject.adapter('Session').findByUid(uid)).toMatchObject({ uid, accountId: 'acc1' });
        expect(await subject.adapter('Grant').find(grantId)).toMatchObject({ jti: grantId, clientId: 'c1' });
        // Asked again, they are read again, and are still there.
        expect(await subject.adapter('Grant').find(grantId)).toMatchObject({ jti: grantId });
      });
    });

    test('sad path: a grant or session gone before the token was read is not found', async () => {
      const { grantId, sessionId, uid, jti } = await issued();
      await subject.adapter('Grant').destroy(grantId);
      await subject.adapter('Session').destroy(sessionId);
      await inRequest(async () => {
        expect(await subject.adapter('AccessToken').find(jti)).toBeDefined();
        expect(await subject.adapter('Session').findByUid(uid)).toBeUndefined();
        expect(await subject.adapter('Grant').find(grantId)).toBeUndefined();
      });
    });

    test('sad path: a write after the token was read is seen by the lookups that follow it', async () => {
      const { grantId, sessionId, uid, jti } = await issued();
      await inRequest(async () => {
        expect(await subject.adapter('AccessToken').find(jti)).toBeDefined();
        await subject.adapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', clientId: 'c2', accountId: 'acc1', iat: now(), exp: now() + 60 }, 60);
        await subject.adapter('Session').destroy(sessionId);
        expect(await subject.adapter('Grant').find(grantId)).toMatchObject({ clientId: 'c2' });
        expect(await subject.adapter('Session').findByUid(uid)).toBeUndefined();
      });
      await inRequest(async () => {
        expect(await subject.adapter('AccessToken').find(jti)).toBeDefined();
        await subject.adapter('AccessToken').revokeByGrantId(grantId);
        await subject.adapter('Grant').destroy(grantId);
        expect(await subject.adapter('Grant').find(grantId)).toBeUndefined();
      });
    });

    test('sad path: what one request read ahead does not answer another', async () => {
      const { grantId, jti } = await issued();
      await inRequest(() => subject.adapter('AccessToken').find(jti));
      await subject.adapter('Grant').destroy(grantId);
      await inRequest(async () => {
        expect(await subject.adapter('Grant').find(grantId)).toBeUndefined();
      });
    });

    test('happy path: a token that does not end with its session reads its grant, and leaves the session to its own lookup', async () => {
      const { grantId, sessionId, uid, jti } = await issued({ expiresWithSession: undefined });
      await inRequest(async () => {
        expect(await subject.adapter('AccessToken').find(jti)).toBeDefined();
        await subject.adapter('Session').upsert(sessionId, { jti: sessionId, uid, kind: 'Session', accountId: 'acc2', iat: now(), exp: now() + 60 }, 60);
        expect(await subject.adapter('Session').findByUid(uid)).toMatchObject({ accountId: 'acc2' });
        expect(await subject.adapter('Grant').find(grantId)).toMatchObject({ jti: grantId });
      });
    });
  });

  test('security: the store never holds a token, code or session cookie value (SPEC §7)', async () => {
    if (!subject.dump) return; // the reference adapter keeps everything in memory
    const [access, sessionId, interactionId, code] = [id(), id(), id(), id()];
    await subject.adapter('AccessToken').upsert(access, tokenPayload(access), 60);
    await subject.adapter('AuthorizationCode').upsert(code, tokenPayload(code, { kind: 'AuthorizationCode' }), 60);
    await subject.adapter('Session').upsert(sessionId, { jti: sessionId, uid: id(), iat: now(), exp: now() + 60, kind: 'Session', accountId: 'acc1' }, 60);
    await subject.adapter('Interaction').upsert(interactionId, { jti: interactionId, iat: now(), exp: now() + 60, kind: 'Interaction', session: { uid: 'u', cookie: sessionId, accountId: 'acc1' } }, 60);
    const stored = await subject.dump();
    for (const secret of [access, sessionId, interactionId, code]) expect(stored).not.toContain(secret);
    expect(await subject.adapter('Interaction').find(interactionId)).toMatchObject({ jti: interactionId, session: { uid: 'u', accountId: 'acc1' } });
  });
});
