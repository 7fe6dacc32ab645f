// `npm run migrate`: applies the committed migrations to DATABASE_URL, then exits.
import { ConfigError, loadConfig } from '../config/env.js';
import { applyMigrations } from '../storage/migrations.js';

try {
  const applied = await applyMigrations(loadConfig().DATABASE_URL);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  // Prisma's WebAssembly schema engine leaves a 10-second timer behind on PostgreSQL: exit now.
  process.exit(0);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
