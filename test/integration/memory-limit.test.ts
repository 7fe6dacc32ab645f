// The bench's `--memory-limit` (test/bench/memory-limit.ts): a real memory cgroup, real processes
// inside it, and the kernel's own accounting.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { createMemoryLimit, type MemoryLimit } from '../bench/memory-limit.js';
import { canLimitMemory } from '../support/memory-cgroups.js';

/** Runs `script` in a node process inside the cgroup. */
const runInside = (limit: MemoryLimit, script: string) => spawnSync(...limit.inside(process.execPath, ['-e', script]), { encoding: 'utf8' });

(canLimitMemory() ? describe : describe.skip)('memory limit for the bench', () => {
  it('happy path: a process under the limit runs to its end, and the cgroup counted its memory', () => {
    const limit = createMemoryLimit(128, `passerelle-test-${process.pid}-under`);
    try {
      const run = runInside(limit, 'const block = Buffer.alloc(48 * 2 ** 20, 1); console.log(block.at(-1))');
      expect(run.stdout.trim()).toBe('1');
      expect(run.status).toBe(0);
      const report = limit.report();
      expect(report).toMatchObject({ memoryLimitMb: 128, oomKills: 0 });
      expect(report.cgroupPeakMb).toBeGreaterThanOrEqual(48);
      expect(report.cgroupPeakMb).toBeLessThanOrEqual(128);
    } finally {
      limit.remove();
    }
  });

  it('a process that needs more than the limit is killed, and the report says so', () => {
    const limit = createMemoryLimit(64, `passerelle-test-${process.pid}-over`);
    try {
      const run = runInside(limit, 'const kept = []; for (let i = 0; i < 16; i += 1) kept.push(Buffer.alloc(16 * 2 ** 20, 1)); console.log(kept.length)');
      expect(run.signal).toBe('SIGKILL');
      expect(run.stdout).toBe('');
      const report = limit.report();
      expect(report.oomKills).toBeGreaterThanOrEqual(1);
      expect(report.cgroupPeakMb).toBe(64);
    } finally {
      limit.remove();
    }
  });

  it('refuses a size that is not a positive number of MB, before making anything', () => {
    expect(() => createMemoryLimit(0, `passerelle-test-${process.pid}-zero`)).toThrow('--memory-limit takes a size in MB, not 0');
    expect(() => createMemoryLimit(Number('250MB'), `passerelle-test-${process.pid}-text`)).toThrow('not NaN');
  });
});
