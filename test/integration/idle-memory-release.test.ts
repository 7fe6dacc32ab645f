// The memory a burst leaves behind goes back to the system once the process is quiet: a probe of
// its own (a fresh heap, as the service's) allocates ~150 MB that it drops at once, then idles, with
// the release looking every second or never. The policy's decisions are checked on their own too.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { createReleasePolicy } from '../../src/ops/idle-memory-release.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

interface ProbeResult { burstMb: number; restMb: number; released: Array<{ after: 'start' | 'load'; rssMbBefore: number; rssMbAfter: number }> }

/** RSS after a burst of garbage and again after 3.5 s at rest, with a release every `windowSeconds`. */
async function afterBurst(windowSeconds: number): Promise<ProbeResult> {
  const probe = `
    const { releaseMemoryWhenIdle } = await import('./src/ops/idle-memory-release.ts');
    const released = [];
    const log = { info: (fields) => released.push(fields) };
    releaseMemoryWhenIdle(${windowSeconds}, log);
    const rssMb = () => process.memoryUsage.rss() / 2 ** 20;
    let burst = [];
    for (let i = 0; i < 15; i += 1) burst.push(Array.from({ length: 100_000 }, (_, j) => ({ j, text: 'x' + j })));
    burst = undefined;
    const burstMb = rssMb();
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    console.log(JSON.stringify({ burstMb, restMb: rssMb(), released }));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: root });
  return JSON.parse(stdout) as ProbeResult;
}

describe('idle memory release', () => {
  test('happy path: at the start, then once the process is quiet, the burst\'s memory goes back, once, and the log says how much', async () => {
    const { burstMb, restMb, released } = await afterBurst(1);
    expect(released.map((r) => r.after)).toEqual(['start', 'load']);
    expect(released[1]!.rssMbBefore - released[1]!.rssMbAfter).toBeGreaterThan(80);
    expect(restMb).toBeLessThan(burstMb - 80);
  });

  test('0 never collects: the same burst stays resident at rest', async () => {
    const { burstMb, restMb, released } = await afterBurst(0);
    expect(released).toHaveLength(0);
    expect(restMb).toBeGreaterThan(burstMb - 20);
  });
});

describe('release policy', () => {
  const quiet = 0.01;
  const busy = 0.6;

  test('releases only in a quiet window after the RSS grew 16 MB or more', () => {
    const policy = createReleasePolicy(100);
    expect(policy.observe({ utilization: quiet, rssMb: 110 })).toBe(false);
    expect(policy.observe({ utilization: busy, rssMb: 200 })).toBe(false);
    expect(policy.observe({ utilization: quiet, rssMb: 200 })).toBe(true);
  });

  test('measures growth from what the last release left: memory a collection cannot give back is not chased', () => {
    const policy = createReleasePolicy(100);
    policy.released(150);
    expect(policy.observe({ utilization: quiet, rssMb: 160 })).toBe(false);
    expect(policy.observe({ utilization: quiet, rssMb: 170 })).toBe(true);
  });
});
