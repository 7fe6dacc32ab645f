// Prisma clients for both providers. Both generated clients expose the same model API (one
// data model, two providers), so the rest of the code uses one `Database` type.
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.js';
import { createAdapterFactory, providerOf } from './database-url.js';

export type Database = SqliteClient;
export type { Account, AuditEvent, OidcPayload, SigningKey } from '../generated/sqlite/client.js';

export function createDatabase(databaseUrl: string): Database {
  const adapter = createAdapterFactory(databaseUrl);
  if (providerOf(databaseUrl) === 'sqlite') return new SqliteClient({ adapter });
  return new PostgresClient({ adapter }) as unknown as Database;
}

/** Plain reachability check for /readyz. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
