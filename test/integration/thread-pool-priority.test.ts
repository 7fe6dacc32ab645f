// libuv's pool threads (argon2, RSA signatures, file reads) run below the event loop and V8's
// threads, in a process of their own as the service does it (src/main.ts): the probe reads every
// thread's niceness from /proc after the call.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** Each thread's name and niceness in a process that called lowerThreadPoolPriority(niceness). */
async function threadsAfter(niceness: number): Promise<{ lowered: number; threads: Array<{ name: string; nice: number }> }> {
  const probe = `
    const { readdirSync, readFileSync } = await import('node:fs');
    const { lowerThreadPoolPriority } = await import('./src/ops/thread-pool-priority.ts');
    const lowered = await lowerThreadPoolPriority(${niceness});
    const threads = readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
      // The fields after the name, which ends at the last ')': niceness is the 19th field in all.
      return { name: readFileSync('/proc/self/task/' + tid + '/comm', 'utf8').trim(), nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) };
    });
    console.log(JSON.stringify({ lowered, threads }));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: root });
  return JSON.parse(stdout) as { lowered: number; threads: Array<{ name: string; nice: number }> };
}

(process.platform === 'linux' ? describe : describe.skip)('thread pool priority', () => {
  test('happy path: the pool\'s threads get the niceness, the event loop and V8\'s threads keep theirs', async () => {
    const { lowered, threads } = await threadsAfter(10);
    const pool = threads.filter((t) => t.name === 'libuv-worker');
    expect(pool.length).toBeGreaterThanOrEqual(4); // libuv starts its whole pool at its first task
    expect(lowered).toBe(pool.length);
    expect(pool.every((t) => t.nice === 10)).toBe(true);
    const [eventLoop, ...others] = threads.filter((t) => t.name !== 'libuv-worker');
    expect(others.length).toBeGreaterThan(0); // V8's threads
    expect(eventLoop!.nice).toBeLessThan(10);
    expect(others.every((t) => t.nice === eventLoop!.nice)).toBe(true);
  });

  test('0 leaves every thread as it was', async () => {
    const { lowered, threads } = await threadsAfter(0);
    expect(lowered).toBe(0);
    expect(threads.every((t) => t.nice === threads[0]!.nice)).toBe(true);
  });
});
