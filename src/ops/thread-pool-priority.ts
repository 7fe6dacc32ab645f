// libuv's thread pool runs below the event loop. The pool runs argon2 (most of a sign-in's CPU), RSA
// signatures and file reads; the event loop serves every request, and V8's threads mark the heap
// beside it. Left at the same priority, a sign-in rush shares the cores equally between hashes and
// everything else: requests wait behind hashes, and V8's concurrent marking, starved, once took
// three times as long while the heap kept growing. Everything allocated during marking survives
// that collection, so the heap's next limit grew by half and RSS by ~40 MB, in about a quarter of
// the bench's runs (README, "Memory"). At niceness 10, the pool's threads get what the event loop
// and V8's threads leave, which on a busy host is most of it, and all of it on an idle one.
import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setPriority } from 'node:os';
import type { Logger } from '../log.js';

/** The name libuv gives its pool's threads (Linux). */
const POOL_THREAD = 'libuv-worker';

/**
 * Gives the pool's threads `niceness` (0: leaves them as they are). Linux only, where a thread's
 * priority is its own; elsewhere it does nothing. Resolves to the number of threads changed, and
 * tells `log` what it did, or that it found no pool thread to change.
 */
export async function lowerThreadPoolPriority(niceness: number, log?: Logger): Promise<number> {
  if (niceness === 0 || process.platform !== 'linux') return 0;
  // libuv starts all its pool's threads at the pool's first task: make sure there was one.
  await stat('.');
  let lowered = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (threadName(tid) !== POOL_THREAD) continue;
    setPriority(Number(tid), niceness);
    lowered += 1;
  }
  if (lowered > 0) log?.info({ threads: lowered, niceness }, 'thread pool below the event loop');
  // A Node whose libuv names its threads otherwise: the setting did nothing, say so.
  else log?.warn({ niceness }, 'THREAD_POOL_NICE: no libuv pool thread found, priorities unchanged');
  return lowered;
}

function threadName(tid: string): string | undefined {
  try {
    return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
  } catch {
    return undefined; // the thread ended
  }
}
