// /healthz: the process answers. /readyz: it can serve, i.e. the database and (when
// configured) Redis answer. Load balancers route on /readyz.
import type { Context, Next } from 'koa';
import type { Redis } from 'ioredis';
import { pingDatabase, type Database } from '../storage/prisma.js';

export function healthRoutes(db: Database, redis: Redis | undefined) {
  return async function health(ctx: Context, next: Next) {
    if (ctx.path === '/healthz') {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path !== '/readyz') return next();
    ctx.set('Cache-Control', 'no-store');
    const checks: Record<string, 'ok' | 'unreachable'> = {};
    const check = async (name: string, probe: () => Promise<unknown>) => {
      try {
        await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
        checks[name] = 'ok';
      } catch {
        checks[name] = 'unreachable';
      }
    };
    await Promise.all([check('database', () => pingDatabase(db)), ...(redis ? [check('redis', () => redis.ping())] : [])]);
    const ready = Object.values(checks).every((v) => v === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ok' : 'unavailable', checks };
  };
}
