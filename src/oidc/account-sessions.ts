// An account's oidc-provider sessions and grants, in whichever store holds them (the database
// rows, or Redis's per-account indexes): for "Ma sécurité", "Mes connexions", a password reset
// and account deletion.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../storage/prisma.js';
import { accountIndexKey } from './adapters/redis-adapter.js';
import { storageKey } from './adapters/stored-payload.js';
import type { LogoutNotices } from './logout-notices.js';

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

/** Where sessions are kept: what the account has, and ending some, with the payloads of those ended. */
interface SessionStore {
  list(accountId: string): Promise<SessionSummary[]>;
  /** Ends the account's session `uid`, or all but `keepUid`'s. */
  end(accountId: string, which: { uid: string } | { keepUid?: string | undefined }): Promise<AdapterPayload[]>;
  grants(accountId: string): Promise<GrantSummary[]>;
}

const summaryOf = (payload: AdapterPayload): SessionSummary =>
  ({ uid: String(payload['uid']), loginTs: payload['loginTs'] as number | undefined, expiresAt: payload.exp });

const grantOf = (payload: AdapterPayload): GrantSummary | undefined =>
  (typeof payload.jti === 'string' && typeof payload['clientId'] === 'string' ? { grantId: payload.jti, clientId: payload['clientId'] } : undefined);

function databaseStore(db: Database, now: () => Date): SessionStore {
  const rows = (type: string, accountId: string) =>
    db.oidcPayload.findMany({ where: { type, accountId, OR: [{ expiresAt: null }, { expiresAt: { gt: now() } }] }, select: { payload: true } })
      .then((found) => found.map((row) => JSON.parse(row.payload) as AdapterPayload));
  return {
    list: async (accountId) => (await rows('Session', accountId)).map(summaryOf),
    async end(accountId, which) {
      const where = { type: 'Session', accountId, ...('uid' in which ? { uid: storageKey(which.uid) } : which.keepUid ? { NOT: { uid: storageKey(which.keepUid) } } : {}) };
      const found = await db.oidcPayload.findMany({ where, select: { payload: true } });
      if (found.length === 0) return [];
      await db.oidcPayload.deleteMany({ where });
      return found.map((row) => JSON.parse(row.payload) as AdapterPayload);
    },
    grants: async (accountId) => (await rows('Grant', accountId)).map(grantOf).filter((g): g is GrantSummary => g !== undefined),
  };
}

function redisStore(redis: Redis): SessionStore {
  async function members(index: string): Promise<Array<{ key: string; payload: AdapterPayload }>> {
    const keys = await redis.smembers(index);
    const payloads = await Promise.all(keys.map((key) => redis.hget(key, 'payload')));
    const found = keys.map((key, i) => ({ key, payload: payloads[i] ? JSON.parse(payloads[i]!) as AdapterPayload : undefined }));
    const gone = found.filter((entry) => !entry.payload).map((entry) => entry.key);
    if (gone.length) await redis.srem(index, ...gone);
    return found.filter((entry): entry is { key: string; payload: AdapterPayload } => entry.payload !== undefined);
  }
  return {
    list: async (accountId) => (await members(accountIndexKey('Session', accountId))).map((entry) => summaryOf(entry.payload)),
    async end(accountId, which) {
      const index = accountIndexKey('Session', accountId);
      const ends = (uid: string) => ('uid' in which ? uid === which.uid : uid !== which.keepUid);
      const doomed = (await members(index)).filter((entry) => ends(String(entry.payload['uid'])));
      if (doomed.length === 0) return [];
      const keys = doomed.flatMap((entry) => [entry.key, `Session:uid:${storageKey(String(entry.payload['uid']))}`]);
      await redis.multi().del(...keys).srem(index, ...doomed.map((entry) => entry.key)).exec();
      return doomed.map((entry) => entry.payload);
    },
    grants: async (accountId) => (await members(accountIndexKey('Grant', accountId))).map((entry) => grantOf(entry.payload)).filter((g): g is GrantSummary => g !== undefined),
  };
}

/**
 * `notices` tells the relying parties of each ended session that has not expired (logout-notices.ts);
 * they go out after the sessions are gone, and the caller does not wait for them.
 */
export function createAccountSessions(db: Database, redis: Redis | undefined, now: () => Date, adapterFor: AdapterFor, notices: LogoutNotices): AccountSessions {
  const store = redis ? redisStore(redis) : databaseStore(db, now);
  async function end(accountId: string, which: { uid: string } | { keepUid?: string | undefined }): Promise<number> {
    const ended = await store.end(accountId, which);
    const nowSeconds = now().getTime() / 1000;
    void notices(ended.filter((session) => session.exp === undefined || session.exp > nowSeconds));
    return ended.length;
  }
  async function revokeGrant(grantId: string) {
    await adapterFor('RefreshToken').revokeByGrantId(grantId);
    await adapterFor('Grant').destroy(grantId);
  }
  return {
    list: store.list,
    grants: store.grants,
    end: async (accountId, uid) => (await end(accountId, { uid })) > 0,
    endAll: (accountId, keepUid) => end(accountId, { keepUid }),
    revokeGrant,
    async revokeEverything(accountId) {
      for (const grant of await store.grants(accountId)) await revokeGrant(grant.grantId);
      await end(accountId, {});
    },
  };
}
