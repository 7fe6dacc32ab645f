// An account's oidc-provider sessions and grants, in whichever store holds them (the database
// rows, or Redis's per-account indexes): for "Ma sécurité", "Mes connexions", a password reset
// and account deletion.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../storage/prisma.js';
import { accountIndexKey } from './adapters/redis-adapter.js';
import { storageKey } from './adapters/stored-payload.js';

export interface SessionSummary { uid: string; loginTs?: number; expiresAt?: number }
export interface GrantSummary { grantId: string; clientId: string }

export interface AccountSessions {
  list(accountId: string): Promise<SessionSummary[]>;
  /** Ends one session of the account (false when it was not the account's). */
  end(accountId: string, uid: string): Promise<boolean>;
  /** Ends every session of the account, but `keepUid`'s; returns how many ended. */
  endAll(accountId: string, keepUid?: string): Promise<number>;
  grants(accountId: string): Promise<GrantSummary[]>;
  /** Deletes a grant and every token issued under it: the service's next refresh fails. */
  revokeGrant(grantId: string): Promise<void>;
  /** Every grant and token revoked, every session ended (account deleted or disabled). */
  revokeEverything(accountId: string): Promise<void>;
}

type AdapterFor = (model: string) => Adapter;

const summaryOf = (payload: AdapterPayload): SessionSummary =>
  ({ uid: String(payload['uid']), loginTs: payload['loginTs'] as number | undefined, expiresAt: payload.exp });

const grantOf = (payload: AdapterPayload): GrantSummary | undefined =>
  (typeof payload.jti === 'string' && typeof payload['clientId'] === 'string' ? { grantId: payload.jti, clientId: payload['clientId'] } : undefined);

function databaseStore(db: Database, now: () => Date): Omit<AccountSessions, 'revokeGrant' | 'revokeEverything'> {
  const rows = (type: string, accountId: string) =>
    db.oidcPayload.findMany({ where: { type, accountId, OR: [{ expiresAt: null }, { expiresAt: { gt: now() } }] }, select: { payload: true } })
      .then((found) => found.map((row) => JSON.parse(row.payload) as AdapterPayload));
  return {
    list: async (accountId) => (await rows('Session', accountId)).map(summaryOf),
    end: async (accountId, uid) => (await db.oidcPayload.deleteMany({ where: { type: 'Session', accountId, uid: storageKey(uid) } })).count > 0,
    endAll: async (accountId, keepUid) => (await db.oidcPayload.deleteMany({
      where: { type: 'Session', accountId, ...(keepUid ? { NOT: { uid: storageKey(keepUid) } } : {}) },
    })).count,
    grants: async (accountId) => (await rows('Grant', accountId)).map(grantOf).filter((g): g is GrantSummary => g !== undefined),
  };
}

function redisStore(redis: Redis): Omit<AccountSessions, 'revokeGrant' | 'revokeEverything'> {
  async function members(index: string): Promise<Array<{ key: string; payload: AdapterPayload }>> {
    const keys = await redis.smembers(index);
    const payloads = await Promise.all(keys.map((key) => redis.hget(key, 'payload')));
    const found = keys.map((key, i) => ({ key, payload: payloads[i] ? JSON.parse(payloads[i]!) as AdapterPayload : undefined }));
    const gone = found.filter((entry) => !entry.payload).map((entry) => entry.key);
    if (gone.length) await redis.srem(index, ...gone);
    return found.filter((entry): entry is { key: string; payload: AdapterPayload } => entry.payload !== undefined);
  }
  async function endWhere(accountId: string, ends: (summary: SessionSummary) => boolean): Promise<number> {
    const index = accountIndexKey('Session', accountId);
    const doomed = (await members(index)).filter((entry) => ends(summaryOf(entry.payload)));
    if (doomed.length === 0) return 0;
    const keys = doomed.flatMap((entry) => [entry.key, `Session:uid:${storageKey(String(entry.payload['uid']))}`]);
    await redis.multi().del(...keys).srem(index, ...doomed.map((entry) => entry.key)).exec();
    return doomed.length;
  }
  return {
    list: async (accountId) => (await members(accountIndexKey('Session', accountId))).map((entry) => summaryOf(entry.payload)),
    end: async (accountId, uid) => (await endWhere(accountId, (s) => s.uid === uid)) > 0,
    endAll: (accountId, keepUid) => endWhere(accountId, (s) => s.uid !== keepUid),
    grants: async (accountId) => (await members(accountIndexKey('Grant', accountId))).map((entry) => grantOf(entry.payload)).filter((g): g is GrantSummary => g !== undefined),
  };
}

export function createAccountSessions(db: Database, redis: Redis | undefined, now: () => Date, adapterFor: AdapterFor): AccountSessions {
  const store = redis ? redisStore(redis) : databaseStore(db, now);
  async function revokeGrant(grantId: string) {
    await adapterFor('RefreshToken').revokeByGrantId(grantId);
    await adapterFor('Grant').destroy(grantId);
  }
  return {
    ...store,
    revokeGrant,
    async revokeEverything(accountId) {
      for (const grant of await store.grants(accountId)) await revokeGrant(grant.grantId);
      await store.endAll(accountId);
    },
  };
}
