// scripts/start.sh, what `npm start` and the container run: the runtime settings it gives node
// are ones this node accepts (a misspelt or retired flag stops the service before it starts),
// and an operator's environment overrides them. Node evaluates `-p` instead of the service.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { createMemoryLimit, type MemoryLimit } from '../bench/memory-limit.js';
import { canLimitMemory } from '../support/memory-cgroups.js';
import { startScriptProbe } from '../support/start-script.js';

const run = promisify(execFile);

/** What node ran with under start.sh (inside `limit`'s cgroup if given), and the settings it reports. */
function startWith(env: Record<string, string> = {}, limit?: MemoryLimit) {
  const probe = 'JSON.stringify({ execArgv: process.execArgv, limitMb: require("v8").getHeapStatistics().heap_size_limit / 2 ** 20, tunables: process.env.GLIBC_TUNABLES })';
  return startScriptProbe<{ execArgv: string[]; limitMb: number; tunables: string }>(['-p', probe], { env, limit });
}

describe('scripts/start.sh', () => {
  test('happy path: node starts with the memory and collection settings by default', async () => {
    const { execArgv, limitMb, tunables } = await startWith();
    expect(execArgv).toEqual(expect.arrayContaining(['--max-old-space-size=256', '--heap-growing-percent=60', '--max-semi-space-size=16']));
    expect(limitMb).toBeLessThan(512); // the cap took effect (V8 adds the young generation to it)
    expect(tunables).toBe('glibc.malloc.arena_max=1:glibc.malloc.hugetlb=1');
  });

  (canLimitMemory() ? test : test.skip)('a container\'s memory limit does not shrink the young generation (V8 would size it from the limit)', async () => {
    const unlimited = await startWith();
    const limit = createMemoryLimit(250, `passerelle-start-test-${process.pid}`);
    try {
      expect((await startWith({}, limit)).limitMb).toBe(unlimited.limitMb);
      // What V8 does on its own in the same cgroup: a smaller young generation, so a smaller heap limit.
      const { stdout } = await run(...limit.inside(process.execPath, ['--max-old-space-size=256', '-p', 'require("v8").getHeapStatistics().heap_size_limit / 2 ** 20']));
      expect(Number(stdout)).toBeLessThan(unlimited.limitMb - 16);
    } finally {
      limit.remove();
    }
  });

  test('the operator\'s environment wins', async () => {
    const { execArgv, limitMb, tunables } = await startWith({ MAX_OLD_SPACE_MB: '1024', HEAP_GROWING_PERCENT: '100', GLIBC_TUNABLES: '', SEMI_SPACE_MB: '8' });
    expect(execArgv).toEqual(expect.arrayContaining(['--max-old-space-size=1024', '--heap-growing-percent=100', '--max-semi-space-size=8']));
    expect(limitMb).toBeGreaterThan(1000);
    expect(tunables).toBe('');
  });

  test('sad path: a setting node does not accept stops the start with node\'s message', async () => {
    await expect(startWith({ HEAP_GROWING_PERCENT: 'lots' })).rejects.toMatchObject({ stderr: expect.stringMatching(/heap-growing-percent/) });
  });
});
