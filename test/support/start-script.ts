// scripts/start.sh run as `npm start` runs it (the node that runs the tests, 22+, first on PATH),
// with node arguments of the test's (a `-p` or `-e` probe instead of the service), optionally
// inside a memory cgroup (test/bench/memory-limit.ts).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MemoryLimit } from '../bench/memory-limit.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** The JSON the probe printed. */
export async function startScriptProbe<T>(nodeArgs: string[], { env = {}, limit }: { env?: Record<string, string>; limit?: MemoryLimit } = {}): Promise<T> {
  const start = ['scripts/start.sh', ...nodeArgs];
  const [command, args] = limit ? limit.inside('sh', start) : ['sh', start];
  const { stdout } = await run(command, args, { cwd: root, env: { PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}`, ...env } });
  return JSON.parse(stdout) as T;
}
