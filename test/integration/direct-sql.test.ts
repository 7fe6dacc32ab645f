// The hot path's prepared statements and Prisma share tables: each must read exactly what the
// other wrote (dates above all, which the two backends encode differently), and on SQLite a
// busy database must be waited for without stopping the event loop.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Libsql from 'libsql';
import { createAccount, findAccountByEmail, findAccountById, findAccountClaims, recordSignIn } from '../../src/accounts/account.repository.js';
import { createAuditLog } from '../../src/audit/audit-log.js';
import type { Redis } from 'ioredis';
import { createThrottles, DEFAULT_LIMITS } from '../../src/security/throttles.js';
import { SqlAdapter } from '../../src/oidc/adapters/sql-adapter.js';
import { storageKey } from '../../src/oidc/adapters/stored-payload.js';
import { openDirectSql, type DirectSql } from '../../src/storage/direct-sql.js';
import { sqliteFilePath } from '../../src/storage/database-url.js';
import { applyMigrations } from '../../src/storage/migrations.js';
import { createRedis } from '../../src/storage/redis.js';
import { createDatabase, prepareDatabase, type Database } from '../../src/storage/prisma.js';
import { availableBackends } from '../support/backends.js';
import { createTestStorage, type TestStorage } from '../support/test-server.js';

const backends = (await availableBackends()).map((backend) => backend === 'sqlite' ? 'sqlite' : 'postgresql');

describe.each(backends)('direct statements beside Prisma on %s', (backend) => {
  let storage: TestStorage;
  let db: Database;
  let sql: DirectSql;
  const url = () => storage.env['DATABASE_URL']!;

  beforeAll(async () => {
    storage = await createTestStorage(backend === 'sqlite' ? 'sqlite' : 'postgresql+redis');
    await applyMigrations(url());
    db = createDatabase(url());
    await prepareDatabase(db, url());
    sql = openDirectSql(url());
  });
  afterAll(async () => {
    await sql.close();
    await db.$disconnect();
    await storage.dispose();
  });

  test('Prisma reads the dates a prepared statement wrote, filters included', async () => {
    const clock = new Date('2026-11-25T10:00:00.123Z');
    const adapter = new SqlAdapter('Session', sql, () => clock);
    await adapter.upsert('session-1', { accountId: 'acc-dates', uid: 'uid-1' }, 3600);
    await adapter.consume('session-1');

    const row = await db.oidcPayload.findFirstOrThrow({ where: { type: 'Session', accountId: 'acc-dates' } });
    expect(row.expiresAt?.toISOString()).toBe('2026-11-25T11:00:00.123Z');
    expect(row.consumedAt?.toISOString()).toBe('2026-11-25T10:00:00.123Z');
    const live = (at: string) => db.oidcPayload.count({ where: { accountId: 'acc-dates', expiresAt: { gt: new Date(at) } } });
    expect(await live('2026-11-25T10:59:59.999Z')).toBe(1);
    expect(await live('2026-11-25T11:00:00.123Z')).toBe(0);
  });

  test('a prepared statement reads the dates Prisma wrote, and honours them', async () => {
    const expiresAt = new Date('2026-11-25T11:00:00.500Z');
    await db.oidcPayload.createMany({
      data: [
        { type: 'Grant', id: storageKey('live'), payload: '{"accountId":"a"}', expiresAt },
        { type: 'Grant', id: storageKey('spent'), payload: '{"accountId":"b"}', expiresAt, consumedAt: new Date('2026-11-25T10:30:00Z') },
      ],
    });
    const before = new SqlAdapter('Grant', sql, () => new Date(expiresAt.getTime() - 1));
    const after = new SqlAdapter('Grant', sql, () => expiresAt);
    expect(await before.find('live')).toEqual({ accountId: 'a' });
    expect(await before.find('spent')).toEqual({ accountId: 'b', consumed: Date.parse('2026-11-25T10:30:00Z') / 1000 });
    expect(await after.find('live')).toBeUndefined();
  });

  test('the account behind claims is what Prisma stored', async () => {
    const created = await createAccount(db, { email: 'Claims@Example.org', passwordHash: 'x', status: 'active', emailVerifiedAt: new Date('2026-01-02T03:04:05.678Z') });
    expect(await findAccountClaims(sql, created.id)).toEqual({
      id: created.id, email: 'Claims@Example.org', emailVerifiedAt: new Date('2026-01-02T03:04:05.678Z'), updatedAt: created.updatedAt, status: 'active',
    });
    expect(await findAccountClaims(sql, 'no-such-account')).toBeUndefined();
  });

  test('an account read by prepared statement is exactly what Prisma reads, every column', async () => {
    const created = await createAccount(db, { email: 'Every.Column@Example.org', passwordHash: 'hash', status: 'active', emailVerifiedAt: new Date('2026-03-04T05:06:07.089Z') });
    await db.account.update({ where: { id: created.id }, data: { isAdmin: true, phone: '+687123456', contactChannel: 'sms', failedLogins: 2, lockedUntil: new Date('2026-11-25T12:00:00.001Z'), lastLoginAt: new Date('2026-11-24T12:00:00Z') } });
    const viaPrisma = await db.account.findUniqueOrThrow({ where: { id: created.id } });
    expect(await findAccountById(sql, created.id)).toEqual(viaPrisma);
    expect(await findAccountByEmail(sql, '  EVERY.column@example.ORG ')).toEqual(viaPrisma);
    const plain = await createAccount(db, { email: 'plain@example.org', passwordHash: 'hash', status: 'pending' });
    expect(await findAccountById(sql, plain.id)).toEqual(await db.account.findUniqueOrThrow({ where: { id: plain.id } }));
    expect(await findAccountByEmail(sql, 'nobody@example.org')).toBeNull();
    expect(await findAccountById(sql, 'no-such-id')).toBeNull();
  });

  test('a sign-in resets the failure count, stamps the account, and replaces an old hash only when given one', async () => {
    const account = await createAccount(db, { email: 'signin@example.org', passwordHash: 'old-hash', status: 'active' });
    await db.account.update({ where: { id: account.id }, data: { failedLogins: 3 } });
    const at = new Date('2026-11-25T09:00:00.250Z');
    await recordSignIn(sql, account.id, at);
    let stored = await db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect([stored.failedLogins, stored.lastLoginAt, stored.updatedAt, stored.passwordHash]).toEqual([0, at, at, 'old-hash']);
    await recordSignIn(sql, account.id, new Date(at.getTime() + 1000), 'new-hash');
    stored = await db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.passwordHash).toBe('new-hash');
    expect(await findAccountClaims(sql, account.id)).toMatchObject({ updatedAt: new Date(at.getTime() + 1000) });
  });

  test('audit events written by prepared statement are what Prisma reads back', async () => {
    const observed: string[] = [];
    const audit = createAuditLog(sql, () => new Date('2026-11-25T08:00:00.001Z'), (type) => observed.push(type));
    await audit.record('sign_in.succeeded', { accountId: 'audited', clientId: 'portal', ip: '203.0.113.9' });
    await audit.record('sign_in.failed', { accountId: 'audited' });
    const events = await db.auditEvent.findMany({ where: { accountId: 'audited' }, orderBy: { type: 'desc' } });
    expect(events.map(({ type, clientId, ip, detail, createdAt }) => ({ type, clientId, ip, detail, createdAt: createdAt.toISOString() }))).toEqual([
      { type: 'sign_in.succeeded', clientId: 'portal', ip: '203.0.113.9', detail: null, createdAt: '2026-11-25T08:00:00.001Z' },
      { type: 'sign_in.failed', clientId: null, ip: null, detail: null, createdAt: '2026-11-25T08:00:00.001Z' },
    ]);
    expect(observed).toEqual(['sign_in.succeeded', 'sign_in.failed']);
  });

  /** The sign-in throttle's check against the counts rate-limiter-flexible keeps, with `endWindow` closing a key's window early. */
  async function checkSignInThrottle(redis: Redis | undefined, endWindow: (key: string) => Promise<void>) {
    const throttles = createThrottles(db, sql, redis, { ...DEFAULT_LIMITS, signInFailuresPerIp: 3 });
    const throttle = throttles.signInFailuresPerIp;
    for (let failure = 1; failure <= 3; failure += 1) {
      expect(await throttle.exhausted('198.51.100.7')).toBe(false);
      expect(await throttle.hit('198.51.100.7')).toBe(true);
    }
    expect(await throttle.exhausted('198.51.100.7')).toBe(true);
    expect(await throttle.hit('198.51.100.7')).toBe(false);
    expect(await throttle.exhausted('198.51.100.8')).toBe(false);
    // A window that has ended counts no more, whatever its points.
    await endWindow('signin-ip:198.51.100.7');
    expect(await throttle.exhausted('198.51.100.7')).toBe(false);
    await throttle.hit('198.51.100.9'); await throttle.hit('198.51.100.9'); await throttle.hit('198.51.100.9');
    await throttle.reset('198.51.100.9');
    expect(await throttle.exhausted('198.51.100.9')).toBe(false);
  }

  test('the sign-in throttle\'s check reads the counts rate-limiter-flexible keeps in the database', async () => {
    await checkSignInThrottle(undefined, async (key) => {
      await db.rateLimit.update({ where: { key }, data: { expire: new Date(Date.now() - 1000) } });
    });
  });

  if (backend === 'postgresql') {
    test('the sign-in throttle\'s check reads the counts rate-limiter-flexible keeps in Redis', async () => {
      const redis = createRedis(storage.env['REDIS_URL']!, storage.env['REDIS_PREFIX']!);
      try {
        await checkSignInThrottle(redis, async (key) => {
          await redis.pexpire(`throttle:${key}`, 1);
          await new Promise((resolve) => setTimeout(resolve, 10));
        });
      } finally {
        await redis.quit();
      }
    });
  }

  if (backend === 'sqlite') {
    /** Frames the writes add to the write-ahead log (the log emptied first). */
    async function framesWrittenBy(write: () => Promise<unknown>): Promise<number> {
      await sql.all('PRAGMA wal_checkpoint(TRUNCATE)', []);
      await write();
      const [state] = await sql.all<{ log: number }>('PRAGMA wal_checkpoint(PASSIVE)', []);
      return state!.log;
    }

    test('both of the service\'s connections commit without waiting for the disk and checkpoint every 10,000 pages', async () => {
      const settingsOf = async (read: (pragma: string) => Promise<Array<Record<string, unknown>>>) =>
        [Object.values((await read('synchronous'))[0]!)[0], Object.values((await read('wal_autocheckpoint'))[0]!)[0]].map(Number);
      const NORMAL = 1;
      expect(await settingsOf((pragma) => sql.all(`PRAGMA ${pragma}`, []))).toEqual([NORMAL, 10_000]);
      expect(await settingsOf((pragma) => db.$queryRawUnsafe(`PRAGMA ${pragma}`))).toEqual([NORMAL, 10_000]);
    });

    test('writes asked for in one turn commit in one transaction, each with its own outcome', async () => {
      const adapter = new SqlAdapter('AccessToken', sql, () => new Date());
      const payload = (n: number) => ({ accountId: 'group', grantId: `grant-${n}`, jti: `token-${n}` });
      const oneByOne = await framesWrittenBy(async () => {
        for (const n of [1, 2, 3]) await adapter.upsert(`apart-${n}`, payload(n), 60);
      });
      const together = await framesWrittenBy(() => Promise.all([4, 5, 6].map((n) => adapter.upsert(`together-${n}`, payload(n), 60))));
      // Three commits write the table's last page and each index's page three times; one, once.
      expect(together).toBeLessThan(oneByOne);

      const refused = sql.run('INSERT INTO "OidcPayload" ("type", "id", "payload") VALUES (?, ?, ?)', ['AccessToken', storageKey('no-payload'), null]);
      const beside = adapter.upsert('beside-refused', payload(7), 60);
      await expect(refused).rejects.toThrow(/NOT NULL/);
      await beside;
      expect(await adapter.find('beside-refused')).toEqual(payload(7));
    });

    test('a write that finds the file locked waits for it, with the event loop free', async () => {
      const other = new Libsql(sqliteFilePath(url()), { timeout: 0 });
      other.exec('BEGIN IMMEDIATE');
      let ticks = 0;
      const ticking = setInterval(() => { ticks += 1; }, 5);
      const write = new SqlAdapter('Session', sql, () => new Date()).upsert('while-locked', { accountId: 'lock' }, 60);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await sql.one('SELECT "id" FROM "OidcPayload" WHERE "accountId" = ?', ['lock'])).toBeUndefined();
      other.exec('COMMIT');
      await write;
      clearInterval(ticking);
      other.close();
      expect(ticks).toBeGreaterThanOrEqual(5);
      expect(await new SqlAdapter('Session', sql, () => new Date()).find('while-locked')).toEqual({ accountId: 'lock' });
    });
  }
});
