import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { providerOf, sqliteFilePath, postgresSchemaOf } from '../../src/storage/database-url.js';

describe('DATABASE_URL parsing', () => {
  it('tells SQLite from PostgreSQL and refuses anything else', () => {
    expect(providerOf('file:./data/passerelle.db')).toBe('sqlite');
    expect(providerOf('postgresql://u@127.0.0.1/db')).toBe('postgresql');
    expect(providerOf('postgres://u@127.0.0.1/db')).toBe('postgresql');
    expect(() => providerOf('mysql://u@127.0.0.1/db')).toThrow(/DATABASE_URL must start with/);
  });

  it('resolves SQLite files from the working directory, drops the query, and keeps :memory: in memory', () => {
    expect(sqliteFilePath('file:./data/p.db?connection_limit=1')).toBe(path.resolve('data/p.db'));
    expect(sqliteFilePath('file:///var/lib/p.db')).toBe('/var/lib/p.db');
    expect(sqliteFilePath('file::memory:')).toBe(':memory:');
  });

  it("reads Prisma's ?schema= convention", () => {
    expect(postgresSchemaOf('postgresql://u@h/db?schema=run_1')).toBe('run_1');
    expect(postgresSchemaOf('postgresql://u@h/db')).toBeUndefined();
  });
});
