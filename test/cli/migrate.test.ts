// `npm run migrate`, run as its own process, on each backend: applies what is missing, says so,
// and exits (on PostgreSQL, Prisma's schema engine would otherwise keep the process 10 s longer).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { availableBackends } from '../support/backends.js';
import { runEntryPoint } from '../support/run-command.js';
import { createTestStorage, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();

describe.each(backends)('npm run migrate on %s', (backend) => {
  let storage: TestStorage;
  beforeAll(async () => { storage = await createTestStorage(backend); });
  afterAll(async () => { await storage.dispose(); });

  test('happy path: applies every migration once, then finds the database up to date', async () => {
    const first = await runEntryPoint('src/cli/migrate.ts', [], storage.env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^applied: \d+_init, /);
    const second = await runEntryPoint('src/cli/migrate.ts', [], storage.env);
    expect(second).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
  });

  test('sad path: a DATABASE_URL of an unknown kind stops with one line and exit code 1', async () => {
    const result = await runEntryPoint('src/cli/migrate.ts', [], { ...storage.env, DATABASE_URL: 'mysql://somewhere/db' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
  });
});
