// Migrations applied in-process (at every start, and by the test servers) leave no timer behind
// that would keep the process alive: the schema engine's own timers are unref'd.
import { describe, expect, test } from '@jest/globals';
import { availableBackends } from '../support/backends.js';
import { runEntryPoint } from '../support/run-command.js';
import { createTestStorage } from '../support/test-server.js';

const backends = await availableBackends();

/** Applies the migrations twice in a process of its own, then lists what keeps that process alive. */
const PROBE = `(async () => {
  const { applyMigrations } = await import('./src/storage/migrations.ts');
  const applied = await applyMigrations(process.env.DATABASE_URL);
  const again = await applyMigrations(process.env.DATABASE_URL);
  setImmediate(() => console.log(JSON.stringify({ applied: applied.length, again: again.length, alive: process.getActiveResourcesInfo() })));
})();`;

describe.each(backends)('migrations on %s', (backend) => {
  test('happy path: applied to a fresh database, then up to date, and no timer left keeping the process alive', async () => {
    const storage = await createTestStorage(backend);
    try {
      const { code, stdout, stderr } = await runEntryPoint('--eval', [PROBE], storage.env);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const { applied, again, alive } = JSON.parse(stdout) as { applied: number; again: number; alive: string[] };
      expect(applied).toBeGreaterThan(0);
      expect(again).toBe(0);
      expect(alive).not.toContain('Timeout');
    } finally {
      await storage.dispose();
    }
  });
});
