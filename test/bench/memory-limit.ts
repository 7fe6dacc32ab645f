// `npm run bench -- --memory-limit MB`: Passerelle runs in a memory cgroup of its own with that
// limit and no swap, as in a container sized for it. Under the limit the kernel keeps the process
// within it by dropping pages it can read again (the node binary's and the libraries', mapped from
// disk; the database file's cache) and, where that is not enough, its OOM killer ends the process.
// The bench then reports the cgroup's peak (at the limit when the kernel had to reclaim to stay
// under it) and any kill, and the scenarios' CPU figures show what staying under it cost. Linux
// only, as root (cgroup v1 or v2).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MemoryLimit {
  /**
   * `command args…` to run inside the cgroup, as [file, args] for spawn and execFile: a shell
   * joins the cgroup and then becomes the command (same process), so all it allocates counts.
   */
  inside(command: string, args: string[]): [string, string[]];
  /** What the cgroup saw since it was made. */
  report(): { memoryLimitMb: number; cgroupPeakMb: number; oomKills: number };
  remove(): void;
}

const V2_ROOT = '/sys/fs/cgroup';
const V1_MEMORY_ROOT = '/sys/fs/cgroup/memory';

/** Where this process's memory cgroup is, on v2 (one hierarchy) or v1 (the memory controller's own). */
function currentMemoryCgroup(): { version: 1 | 2; dir: string } {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n').map((line) => line.split(':'));
  const v1 = lines.find(([, controllers]) => controllers!.split(',').includes('memory'));
  if (v1 && existsSync(V1_MEMORY_ROOT)) return { version: 1, dir: path.join(V1_MEMORY_ROOT, v1[2]!) };
  const unified = lines.find(([id]) => id === '0');
  if (unified && existsSync(path.join(V2_ROOT, 'cgroup.controllers'))) return { version: 2, dir: path.join(V2_ROOT, unified[2]!) };
  throw new Error('--memory-limit needs a cgroup memory controller (Linux, cgroup v1 or v2)');
}

const readNumber = (file: string) => Number(readFileSync(file, 'utf8').trim());
/** `key value` lines (memory.events, memory.oom_control) as a lookup. */
const readCounters = (file: string) => new Map(readFileSync(file, 'utf8').trim().split('\n').map((line) => {
  const [key, value] = line.split(' ');
  return [key!, Number(value)] as const;
}));

/** A child cgroup of this process's own, limited to `mb` MB of memory and no swap. */
export function createMemoryLimit(mb: number, name: string): MemoryLimit {
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`--memory-limit takes a size in MB, not ${mb}`);
  const bytes = String(Math.round(mb * 2 ** 20));
  const { version, dir: parent } = currentMemoryCgroup();
  const dir = path.join(parent, name);
  try {
    if (version === 2) writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+memory');
    mkdirSync(dir);
  } catch (error) {
    // Root is needed; on cgroup v2 also a parent that may hand the memory controller down (a
    // cgroup with processes of its own may not: EBUSY).
    throw new Error(`--memory-limit could not make a memory cgroup under ${parent}: ${(error as Error).message}`);
  }
  if (version === 2) {
    writeFileSync(path.join(dir, 'memory.max'), bytes);
    if (existsSync(path.join(dir, 'memory.swap.max'))) writeFileSync(path.join(dir, 'memory.swap.max'), '0');
  } else {
    writeFileSync(path.join(dir, 'memory.limit_in_bytes'), bytes);
    // Memory plus swap, where the kernel accounts swap: the same figure, so nothing is swapped out.
    if (existsSync(path.join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(path.join(dir, 'memory.memsw.limit_in_bytes'), bytes);
  }
  return {
    inside: (command, args) => ['/bin/sh', ['-c', `echo $$ > ${path.join(dir, 'cgroup.procs')} && exec "$0" "$@"`, command, ...args]],
    report() {
      const toMb = (value: number) => Math.round(value / 2 ** 20);
      if (version === 2) {
        const events = readCounters(path.join(dir, 'memory.events'));
        const peakFile = path.join(dir, 'memory.peak'); // Linux 5.19 and later
        return { memoryLimitMb: mb, cgroupPeakMb: existsSync(peakFile) ? toMb(readNumber(peakFile)) : Number.NaN, oomKills: events.get('oom_kill') ?? 0 };
      }
      const oom = readCounters(path.join(dir, 'memory.oom_control'));
      return { memoryLimitMb: mb, cgroupPeakMb: toMb(readNumber(path.join(dir, 'memory.max_usage_in_bytes'))), oomKills: oom.get('oom_kill') ?? 0 };
    },
    remove() {
      rmdirSync(dir); // once its processes have ended
    },
  };
}
