// A burst of sign-ins leaves no argon2 block resident, under the runtime settings `npm start`
// uses (scripts/start.sh). Each hash fills a 19 MiB block; the probe runs two at once while the
// event loop allocates above them, the layout in which a heap that gives back only its top (glibc's,
// where the `argon2` package's blocks lived) kept both blocks resident until the next burst.
// @node-rs/argon2's own allocator unmaps each block when its hash ends.
import { describe, expect, test } from '@jest/globals';
import { startScriptProbe } from '../support/start-script.js';

const KEPT_MB = 24;
const BLOCK_MB = 19;
const probe = `
  const { readFileSync } = await import('node:fs');
  const { setTimeout: sleep } = await import('node:timers/promises');
  const { createPasswordHasher } = await import('./src/accounts/password-hasher.ts');
  const residentMb = () => Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
  const hasher = await createPasswordHasher(); // made its decoy hash already
  const beforeBurst = residentMb();
  const kept = [];
  const hashing = Promise.all([hasher.hash('first password'), hasher.hash('second password')]);
  await sleep(5);
  for (let i = 0; i < ${KEPT_MB * 2}; i += 1) kept.push(Buffer.alloc(512 * 1024, 1));
  await hashing;
  const afterBurst = residentMb();
  console.log(JSON.stringify({ beforeBurst, afterBurst, keptMb: kept.length / 2 }));
`;

describe('memory of password hashing', () => {
  test('happy path: after a burst of hashes, the memory still in use is what the process kept, without the blocks', async () => {
    const { beforeBurst, afterBurst, keptMb } = await startScriptProbe<{ beforeBurst: number; afterBurst: number; keptMb: number }>(['--import', 'tsx', '--input-type=module', '-e', probe]);
    expect(keptMb).toBe(KEPT_MB); // the allocations above the blocks were still alive
    // What is still in use, and no block: with the `argon2` package's blocks in glibc's heap this
    // read ~60 MB (both blocks kept below the live allocations), 20-22 MB here.
    expect(afterBurst - beforeBurst).toBeLessThan(KEPT_MB + BLOCK_MB / 2);
  });
});
