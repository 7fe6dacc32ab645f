// Which storage backends a suite runs against. SQLite always; PostgreSQL + Redis when they answer
// (TEST_DATABASE_URL / TEST_REDIS_URL, defaulting to the local services). In CI they must answer:
// a missing service fails the run instead of silently skipping the suites that need it.
import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

export type Backend = 'sqlite' | 'postgresql+redis';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => { socket.destroy(); resolve(true); });
    socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
    socket.on('error', () => resolve(false));
  });
}

export async function availableBackends(): Promise<Backend[]> {
  const [pg, redis] = await Promise.all([reachable(TEST_DATABASE_URL), reachable(TEST_REDIS_URL)]);
  if (pg && redis) return ['sqlite', 'postgresql+redis'];
  if (process.env['CI']) throw new Error(`CI needs PostgreSQL (${TEST_DATABASE_URL}: ${pg ? 'up' : 'down'}) and Redis (${TEST_REDIS_URL}: ${redis ? 'up' : 'down'})`);
  console.warn('PostgreSQL or Redis unreachable: running the SQLite suites only (set CI=true to make this an error)');
  return ['sqlite'];
}

/** Drops what a run on PostgreSQL + Redis left behind: its schema and every key under its Redis prefix. */
export async function dropSharedStorage(schema: string, redisPrefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
  const redis = new Redis(TEST_REDIS_URL);
  try {
    // SCAN, not KEYS: a bench leaves tens of thousands of keys, and KEYS would hold Redis meanwhile.
    for await (const keys of redis.scanStream({ match: `${redisPrefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.unlink(...keys);
    }
  } finally {
    await redis.quit();
  }
}
