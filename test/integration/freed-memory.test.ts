// The password hasher gives argon2's freed blocks back to the system once hashing pauses, under
// the runtime settings `npm start` uses (scripts/start.sh: one glibc arena). The probe recreates
// what a burst of sign-ins leaves: two hashes at once while the event loop allocates, so that the
// two freed 19 MiB blocks lie below live allocations, where glibc alone never returns them.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

const KEPT_MB = 24;
const probe = `
  const { readFileSync } = await import('node:fs');
  const { setTimeout: sleep } = await import('node:timers/promises');
  const { createPasswordHasher } = await import('./src/accounts/password-hasher.ts');
  const { QUIET_MS } = await import('./src/ops/freed-memory.ts');
  const residentMb = () => Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
  const hasher = await createPasswordHasher(); // its decoy hash's block is already unmapped
  const beforeBurst = residentMb();
  const kept = [];
  const hashing = Promise.all([hasher.hash('first password'), hasher.hash('second password')]);
  await sleep(5);
  for (let i = 0; i < ${KEPT_MB * 2}; i += 1) kept.push(Buffer.alloc(512 * 1024, 1));
  await hashing;
  const afterBurst = residentMb();
  let atRest = afterBurst;
  for (let waited = 0; waited < QUIET_MS + 5_000 && afterBurst - atRest < 15; waited += 250) {
    await sleep(250);
    atRest = residentMb();
  }
  console.log(JSON.stringify({ beforeBurst, afterBurst, atRest, keptMb: kept.length / 2 }));
`;

describe('freed memory', () => {
  test('happy path: after a burst, RSS falls by the freed argon2 blocks once hashing pauses', async () => {
    const { stdout } = await run('sh', ['scripts/start.sh', '--import', 'tsx', '--input-type=module', '-e', probe], {
      cwd: root,
      env: { PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}` },
    });
    const { beforeBurst, afterBurst, atRest, keptMb } = JSON.parse(stdout) as { beforeBurst: number; afterBurst: number; atRest: number; keptMb: number };
    expect(keptMb).toBe(KEPT_MB); // the allocations above the blocks were still alive
    expect(afterBurst - beforeBurst).toBeGreaterThan(KEPT_MB + 10); // and the blocks stayed resident at first
    expect(afterBurst - atRest).toBeGreaterThan(15); // without the release: nothing
    expect(atRest - beforeBurst).toBeLessThan(KEPT_MB + 10); // what is still in use, and little else
  });
});
