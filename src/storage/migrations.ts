// Applies the committed migrations without Prisma's native schema engine: the engine's
// WebAssembly build drives the database through the same driver adapter as the app, so
// `npm start` migrates on machines that cannot download binaries (PLATFORM.md).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { createAdapterFactory, providerOf, sqliteFilePath, type DatabaseProvider } from './database-url.js';
import { prismaDir } from '../paths.js';

const require = createRequire(import.meta.url);

export const schemaPath = (provider: DatabaseProvider) => path.join(prismaDir, provider, 'schema.prisma');
export const migrationsDir = (provider: DatabaseProvider) => path.join(prismaDir, provider, 'migrations');
/** The schema as it stood when the last migration was written (the base of the next diff). */
export const snapshotPath = (provider: DatabaseProvider) => path.join(migrationsDir(provider), 'schema.snapshot.prisma');
/** Datamodel-to-datamodel diffs read no table, but the PostgreSQL connector still wants a server to connect to. */
const offlineUrl: Record<DatabaseProvider, string> = { sqlite: 'file::memory:', postgresql: process.env['MIGRATION_DIFF_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' };

interface WasmSchemaEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}
interface EngineModule {
  SchemaEngine: { new: (options: { datamodels: [string, string][] }, log: (line: string) => void, adapter: unknown) => Promise<WasmSchemaEngine> };
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
}
export interface SchemaEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  /** Frees the engine and closes the database connections it opened. */
  close(): Promise<void>;
}

interface Disposable { dispose(): Promise<void> }

/** Wraps an adapter factory so the connections the engine opens can be closed afterwards. */
function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory) {
  const opened: Disposable[] = [];
  const track = async <T extends Disposable>(connection: Promise<T>) => { const c = await connection; opened.push(c); return c; };
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(factory.connect()),
    connectToShadowDb: () => track(factory.connectToShadowDb()),
  };
  return { tracked, closeAll: () => Promise.all(opened.splice(0).map((c) => c.dispose())).then(() => undefined) };
}

/**
 * The glue's imports, with the engine's timers unref'd: after a migration the engine leaves a
 * 10-second timer of its async runtime behind, which would keep a process that has nothing else
 * to do (a test worker, a script) alive until it fires. Pending database work keeps its own
 * socket open, so no timeout the engine is waiting on is lost.
 */
function withUnrefTimers(glue: Record<string, unknown>): WebAssembly.ModuleImports {
  const imports: WebAssembly.ModuleImports = { ...glue } as WebAssembly.ModuleImports;
  for (const name of Object.keys(glue).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    const setTimer = glue[name] as (callback: () => void, ms: number) => NodeJS.Timeout;
    imports[name] = (callback: () => void, ms: number) => setTimer(callback, ms).unref();
  }
  return imports;
}

let engineModule: Promise<EngineModule> | undefined;
/** Instantiates the WebAssembly module once per process. */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineModule & Record<string, unknown>;
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as (() => void) | undefined)?.();
    return glue;
  })();
  return engineModule;
}

export async function openSchemaEngine(databaseUrl: string, adapterFactory?: SqlMigrationAwareDriverAdapterFactory): Promise<SchemaEngine> {
  const provider = providerOf(databaseUrl);
  const { SchemaEngine } = await loadEngineModule();
  const datamodel = await readFile(schemaPath(provider), 'utf8');
  const { tracked, closeAll } = trackConnections(adapterFactory ?? createAdapterFactory(databaseUrl));
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath(provider), datamodel]] }, () => {}, bindMigrationAwareSqlAdapterFactory(tracked));
  return {
    applyMigrations: (input) => engine.applyMigrations(input),
    diff: (input) => engine.diff(input),
    async close() {
      engine.free();
      await closeAll();
    },
  };
}

/** The committed migrations of one provider, in the shape the engine expects. */
export async function listMigrations(provider: DatabaseProvider) {
  const baseDir = migrationsDir(provider);
  const names = (await readdir(baseDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const lockfilePath = path.join(baseDir, 'migration_lock.toml');
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockfilePath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(names.map(async (name) => ({
      path: name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: await readFile(path.join(baseDir, name, 'migration.sql'), 'utf8') } },
    }))),
  };
}

const noFilters = { externalTables: [], externalEnums: [] };

/** Applies every committed migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  if (providerOf(databaseUrl) === 'sqlite') await mkdir(path.dirname(sqliteFilePath(databaseUrl)), { recursive: true });
  const engine = await openSchemaEngine(databaseUrl);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: await listMigrations(providerOf(databaseUrl)), filters: noFilters });
    return appliedMigrationNames;
  } finally {
    await engine.close();
  }
}

/** SQL that takes a database built from `fromSchema` (or an empty one) to the current schema. */
export async function diffSchema(provider: DatabaseProvider, fromSchema: string | null): Promise<string> {
  const engine = await openSchemaEngine(offlineUrl[provider]);
  try {
    const current = await readFile(schemaPath(provider), 'utf8');
    const from = fromSchema === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'previous.prisma', content: fromSchema }] };
    const { stdout } = await engine.diff({ from, to: { tag: 'schemaDatamodel', files: [{ path: schemaPath(provider), content: current }] }, script: true, exitCode: null, filters: noFilters });
    return stdout ?? '';
  } finally {
    await engine.close();
  }
}
