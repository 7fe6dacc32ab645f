// Start sequence shared by `npm start` and the tests: validate clients.json, migrate, build,
// apply clients, listen. Any failure before listening stops the start.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { buildRequestHandler, userInterface } from './app.js';
import { readClientsFile } from './config/clients.js';
import type { Config } from './config/env.js';
import { applyClientsFile } from './clients/client-registry.js';
import { createDeps, type Deps, type DepsOverrides } from './deps.js';
import { accountConsoleClient } from './oidc/account-console.js';
import { applyMigrations } from './storage/migrations.js';

export interface RunningServer {
  deps: Deps;
  server: Server;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config, overrides: DepsOverrides = {}): Promise<RunningServer> {
  const clients = await readClientsFile(config.CLIENTS_FILE);
  const applied = await applyMigrations(config.DATABASE_URL);
  const deps = await createDeps(config, userInterface, overrides);
  if (applied.length > 0) deps.log.info({ migrations: applied }, 'database migrated');
  try {
    await applyClientsFile(deps.provider, deps.clients, [...clients, accountConsoleClient(config)], config.CLIENTS_FILE);
  } catch (error) {
    await deps.close();
    throw error;
  }
  const server = createServer(buildRequestHandler(deps)).listen(config.PORT);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  deps.log.info({ port, issuer: config.ISSUER, database: config.DATABASE_URL.split(':')[0], redis: Boolean(config.REDIS_URL) }, 'Passerelle is listening');
  return {
    deps,
    server,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
    },
  };
}
