// Prisma clients for both providers. Both generated clients expose the same model API (one
// data model, two providers), so the rest of the code uses one `Database` type.
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.js';
import { createAdapterFactory, providerOf, SQLITE_CONNECTION_PRAGMAS } from './database-url.js';

export type Database = SqliteClient;
export type { Account, AuditEvent, OidcPayload, SigningKey } from '../generated/sqlite/client.js';

export function createDatabase(databaseUrl: string): Database {
  const adapter = createAdapterFactory(databaseUrl);
  if (providerOf(databaseUrl) === 'sqlite') return new SqliteClient({ adapter });
  return new PostgresClient({ adapter }) as unknown as Database;
}

/**
 * SQLite for a file shared by the server and the operator CLI: write-ahead logging, so readers
 * never block the writer (kept in the file), and the per-connection settings every service
 * connection gets (SQLITE_CONNECTION_PRAGMAS, which says why). Each connection's busy timeout is
 * set where the adapter is built.
 */
export async function prepareDatabase(db: Database, databaseUrl: string): Promise<void> {
  if (providerOf(databaseUrl) !== 'sqlite') return;
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  for (const pragma of SQLITE_CONNECTION_PRAGMAS) await db.$queryRawUnsafe(`PRAGMA ${pragma}`);
}

/** Plain reachability check for /readyz. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
