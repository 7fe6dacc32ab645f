// The one place that turns DATABASE_URL into a provider and a Prisma driver adapter.
import path from 'node:path';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export type DatabaseProvider = 'sqlite' | 'postgresql';

export function providerOf(databaseUrl: string): DatabaseProvider {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)');
}

/** Absolute path of a SQLite `file:` URL (relative paths are resolved from the working directory); `:memory:` stays in memory. */
export function sqliteFilePath(databaseUrl: string): string {
  const file = databaseUrl.slice('file:'.length).replace(/^\/\//, '').split('?')[0] ?? '';
  return file === ':memory:' ? file : path.resolve(file);
}

/** PostgreSQL `?schema=` (Prisma's convention), used to isolate test runs. */
export function postgresSchemaOf(databaseUrl: string): string | undefined {
  return new URL(databaseUrl).searchParams.get('schema') ?? undefined;
}

export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Settings of every connection the service opens on a SQLite file (Prisma's and the prepared
 * statements'):
 * - synchronous=NORMAL: in WAL mode a commit no longer waits for the disk, only checkpoints do,
 *   which halves the CPU of each write. The file stays consistent after any crash; a power cut
 *   may lose the last commits (https://sqlite.org/pragma.html#pragma_synchronous).
 * - a checkpoint every 10,000 WAL pages (40 MB) instead of every 1,000: a page written often is
 *   copied back to the file once per checkpoint, and the checkpoint's fsyncs come a tenth as often.
 */
export const SQLITE_CONNECTION_PRAGMAS = ['synchronous = NORMAL', 'wal_autocheckpoint = 10000'];

export function createAdapterFactory(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  if (providerOf(databaseUrl) === 'sqlite') {
    // Every pooled connection waits up to 10 s for a writer (the server and the operator CLI
    // share the file) instead of failing with "database is locked".
    return new PrismaLibSql({ url: `file:${sqliteFilePath(databaseUrl)}`, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  const schema = postgresSchemaOf(databaseUrl);
  const url = new URL(databaseUrl);
  url.searchParams.delete('schema');
  return new PrismaPg({ connectionString: url.toString(), ...(schema ? { options: `-c search_path="${schema}"` } : {}) }, schema ? { schema } : undefined);
}
