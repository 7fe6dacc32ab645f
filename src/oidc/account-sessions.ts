// Ends every oidc-provider session of an account (after a password reset, on deletion), in
// whichever store holds them: the Session rows of the database, or Redis's per-account index.
import type { Redis } from 'ioredis';
import type { Database } from '../storage/prisma.js';

export interface AccountSessions {
  /** Ends them all; returns how many there were. */
  endAll(accountId: string): Promise<number>;
}

export function createAccountSessions(db: Database, redis: Redis | undefined): AccountSessions {
  if (!redis) {
    return { endAll: async (accountId) => (await db.oidcPayload.deleteMany({ where: { type: 'Session', accountId } })).count };
  }
  return {
    async endAll(accountId) {
      const index = `account-sessions:${accountId}`;
      const keys = await redis.smembers(index);
      await redis.multi().del(...keys, index).exec();
      return keys.length;
    },
  };
}
