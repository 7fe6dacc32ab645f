// Which storage backends a suite runs against. SQLite always; PostgreSQL + Redis when they answer
// (TEST_DATABASE_URL / TEST_REDIS_URL, defaulting to the local services). In CI they must answer:
// a missing service fails the run instead of silently skipping the suites that need it.
import net from 'node:net';

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
