// One data model, two providers: the PostgreSQL schema must be the SQLite one re-targeted, and
// each provider's last migration must produce the current schema.
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { migrationsDir, schemaPath, snapshotPath } from '../../src/storage/migrations.js';
import { postgresSchemaFrom } from '../../src/storage/schema-variants.js';

describe('data model', () => {
  test('happy path: prisma/postgresql/schema.prisma is generated from the SQLite schema (npm run db:sync-schema)', () => {
    expect(readFileSync(schemaPath('postgresql'), 'utf8')).toBe(postgresSchemaFrom(readFileSync(schemaPath('sqlite'), 'utf8')));
  });

  test.each(['sqlite', 'postgresql'] as const)('happy path: the %s migrations end at the current schema (npm run db:migration)', (provider) => {
    expect(readFileSync(snapshotPath(provider), 'utf8')).toBe(readFileSync(schemaPath(provider), 'utf8'));
  });

  test('happy path: both providers have the same migrations', () => {
    const names = (provider: 'sqlite' | 'postgresql') => readdirSync(migrationsDir(provider), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(names('postgresql')).toEqual(names('sqlite'));
    expect(names('sqlite').length).toBeGreaterThan(0);
  });
});
