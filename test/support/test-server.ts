// A real Passerelle for a test suite: the same startServer() as production, on a fresh SQLite
// file or a fresh PostgreSQL schema + Redis key prefix, with a clients file of the test's own.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/env.js';
import { createLogger } from '../../src/log.js';
import type { DepsOverrides } from '../../src/deps.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { dropSharedStorage, TEST_DATABASE_URL, TEST_REDIS_URL, type Backend } from './backends.js';

export const TMP_DIR = path.resolve('test/.tmp');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Where a suite's data lives; kept across restarts of the server, removed by dispose(). */
export interface TestStorage {
  backend: Backend;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createTestStorage(backend: Backend): Promise<TestStorage> {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const dataDir = path.join(TMP_DIR, id);
  mkdirSync(dataDir, { recursive: true });
  if (backend === 'sqlite') {
    return {
      backend,
      env: { DATABASE_URL: `file:${path.join(dataDir, 'passerelle.db')}`, DATA_DIR: dataDir },
      async dispose() { rmSync(dataDir, { recursive: true, force: true }); },
    };
  }
  const schema = `test_${id}`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', schema);
  const prefix = `passerelle-test:${id}:`;
  return {
    backend,
    env: { DATABASE_URL: url.toString(), REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: dataDir },
    async dispose() {
      await dropSharedStorage(schema, prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestServer extends RunningServer {
  issuer: string;
  config: Config;
}

export interface TestServerOptions {
  /** Written to a clients file as is: the server validates it like an operator's file. */
  clients?: Array<Record<string, unknown>>;
  env?: Record<string, string>;
  port?: number;
  /** Clock, cheaper argon2, captcha difficulty… passed to the composition root. */
  overrides?: DepsOverrides;
}

export async function startTestServer(storage: TestStorage, options: TestServerOptions = {}): Promise<TestServer> {
  const port = options.port ?? await freePort();
  const clientsFile = path.join(storage.env['DATA_DIR']!, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify(options.clients ?? []));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    ISSUER: `http://127.0.0.1:${port}`,
    CLIENTS_FILE: clientsFile,
    CAPTCHA: 'off',
    LOG_LEVEL: 'silent',
    ...storage.env,
    ...options.env,
  });
  const running = await startServer(config, { log: createLogger('silent'), ...options.overrides });
  return { ...running, issuer: config.ISSUER, config };
}
