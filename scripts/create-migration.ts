// `npm run db:migration -- <name>`: writes the migration from the schema as it stood at the last
// migration (the snapshot beside the migrations) to the current schema, for SQLite and PostgreSQL.
// A datamodel-to-datamodel diff needs no database, so this works offline and without a shadow DB.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffSchema, migrationsDir, schemaPath, snapshotPath } from '../src/storage/migrations.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <snake_case_name>');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
for (const provider of ['sqlite', 'postgresql'] as const) {
  const dir = migrationsDir(provider);
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, 'migration_lock.toml');
  if (!existsSync(lock)) writeFileSync(lock, `# Written by scripts/create-migration.ts\nprovider = "${provider}"\n`);
  const previous = existsSync(snapshotPath(provider)) ? readFileSync(snapshotPath(provider), 'utf8') : null;
  const sql = await diffSchema(provider, previous);
  const needsSql = sql.trim() !== '' && !sql.includes('This is an empty migration');
  const target = path.join(dir, `${stamp}_${name}`);
  if (needsSql) {
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, 'migration.sql'), sql);
  }
  // The snapshot follows the schema, also when no SQL is needed (generator settings, comments).
  writeFileSync(snapshotPath(provider), readFileSync(schemaPath(provider), 'utf8'));
  console.log(needsSql ? `${provider}: wrote ${path.relative(process.cwd(), target)}/migration.sql` : `${provider}: no change to the database (snapshot refreshed)`);
}
