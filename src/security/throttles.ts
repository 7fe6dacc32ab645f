// Counters that slow down guessing and flooding (SPEC §7), on rate-limiter-flexible: in Redis
// when configured, so every instance shares them, else in the database.
import type { Redis } from 'ioredis';
import { RateLimiterPrisma, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DirectSql } from '../storage/direct-sql.js';
import type { Database } from '../storage/prisma.js';

export interface Throttle {
  /** Counts one event; false when the key was already at its limit (refuse the event). */
  hit(key: string): Promise<boolean>;
  /** True when the key has used its whole allowance, without counting anything. */
  exhausted(key: string): Promise<boolean>;
  reset(key: string): Promise<void>;
}

export interface ThrottleLimits {
  /** Failed sign-ins per client address per 15 minutes (SIGNIN_IP_LIMIT). */
  signInFailuresPerIp: number;
  /** Registration, forgotten-password and resend forms per client address per 15 minutes. */
  formsPerIp: number;
  /** Emails of one kind to one account per hour (resend, reset, duplicate registration). */
  mailsPerAccount: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { signInFailuresPerIp: 30, formsPerIp: 60, mailsPerAccount: 5 };

export interface Throttles {
  signInFailuresPerIp: Throttle;
  formsPerIp: Throttle;
  mailsPerAccount: Throttle;
  /** Each captcha solution is accepted once for as long as its challenge lives. */
  captchaSolutions: Throttle;
}

/**
 * The Redis store's `exhausted`: one GET of the count RateLimiterRedis keeps (key
 * `<prefix>:<key>`, consumed points, expiring with its window). The library's `get` sends a
 * MULTI of GET and PTTL, for a remaining time the check does not need, on every sign-in.
 */
function exhaustedInRedis(redis: Redis, limiter: RateLimiterAbstract): (key: string) => Promise<boolean> {
  return async (key) => Number(await redis.get(limiter.getKey(key))) >= limiter.points;
}

function throttleOver(limiter: RateLimiterAbstract, exhausted: (key: string) => Promise<boolean>): Throttle {
  return {
    async hit(key) {
      try {
        await limiter.consume(key);
        return true;
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) return false;
        throw outcome;
      }
    },
    exhausted,
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

const LIVE_COUNT = 'SELECT "points" FROM "RateLimit" WHERE "key" = ? AND ("expire" IS NULL OR "expire" > ?)';

/**
 * The database store's `exhausted`, as one prepared statement on the row RateLimiterPrisma keeps
 * (key `<prefix>:<key>`, consumed points, end of the window): every sign-in asks it, and through
 * Prisma's runtime the read cost ~0.4 ms of CPU. Counting stays with the library.
 */
function exhaustedInDatabase(sql: DirectSql, limiter: RateLimiterAbstract): (key: string) => Promise<boolean> {
  return async (key) => {
    const row = await sql.one<{ points: number }>(LIVE_COUNT, [limiter.getKey(key), new Date()]);
    return row !== undefined && row.points >= limiter.points;
  };
}

export function createThrottles(db: Database, sql: DirectSql, redis: Redis | undefined, limits: ThrottleLimits): Throttles {
  const make = (keyPrefix: string, points: number, duration: number) => {
    if (redis) {
      const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `throttle:${keyPrefix}`, points, duration });
      return throttleOver(limiter, exhaustedInRedis(redis, limiter));
    }
    const limiter = new RateLimiterPrisma({ storeClient: db, tableName: 'rateLimit', keyPrefix, points, duration });
    return throttleOver(limiter, exhaustedInDatabase(sql, limiter));
  };
  return {
    signInFailuresPerIp: make('signin-ip', limits.signInFailuresPerIp, 15 * 60),
    formsPerIp: make('forms-ip', limits.formsPerIp, 15 * 60),
    mailsPerAccount: make('mail-account', limits.mailsPerAccount, 60 * 60),
    captchaSolutions: make('captcha', 1, 20 * 60),
  };
}
