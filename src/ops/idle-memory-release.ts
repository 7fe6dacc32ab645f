// Gives back the memory a burst left behind, once the service is quiet again. V8 keeps the pages a
// collection frees in a pool for the heap's next growth, and returns them to the system only after
// a collection that aims to reduce memory. Its memory reducer starts one when it finds the
// allocation rate low, but its estimate is only refreshed by a collection, and none runs at rest:
// in the bench, a sign-in rush that once grew the old space to 99 MB left ~45 MB of freed pages
// resident for good, in about a quarter of the runs (README, Performance → Memory). Here, when the
// event loop has been quiet for a whole window and the RSS has grown since the last release, one
// last-resort collection (the one V8 runs under memory pressure) compacts the heap and returns the
// pool: 0.1-0.25 s of the event loop, when no request waits. The next burst then regrows the young
// generation and V8's memory reducer runs its own two collections: ~0.15 s more, once. One at the
// start, too: the start's garbage (modules, Prisma's query compiler, migrations) would otherwise
// stay pooled into the first burst, where it made the RSS the burst leaves vary by up to 40 MB.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../log.js';

/** A window is quiet when the event loop spent less than this share of it working. */
const QUIET_UTILIZATION = 0.05;
/** RSS growth since the last release (or the start) worth a collection. */
const GROWTH_MB = 16;

export interface MemoryReading {
  /** The event loop's utilization over the window just ended, 0 to 1. */
  utilization: number;
  rssMb: number;
}

/**
 * The decision alone: `observe` takes each window's reading and answers whether to release now;
 * `released` takes the RSS a release left, the level the next growth is measured from.
 */
export function createReleasePolicy(startRssMb: number) {
  let floorMb = startRssMb;
  return {
    observe: (reading: MemoryReading): boolean => reading.utilization < QUIET_UTILIZATION && reading.rssMb > floorMb + GROWTH_MB,
    released: (rssMb: number) => { floorMb = rssMb; },
  };
}

/**
 * A full, compacting collection that returns V8's pooled pages, as V8 runs it under memory
 * pressure. Node offers it only through the `gc` function that --expose-gc installs in a new
 * context (the way Jest's leak detector gets it); the service's own global stays without it.
 */
function lastResortCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'major'; flavor: 'last-resort' }) => void;
  return () => gc({ type: 'major', flavor: 'last-resort' });
}

const rssMb = () => process.memoryUsage.rss() / 2 ** 20;

/**
 * Gives back what the start left at once, then looks every `windowSeconds` (0: never does either)
 * and releases when the policy says so. The timer keeps no process alive; `stop` ends it.
 */
export function releaseMemoryWhenIdle(windowSeconds: number, log?: Logger): { stop(): void } {
  if (windowSeconds === 0) return { stop: () => {} };
  const collect = lastResortCollector();
  const release = (after: 'start' | 'load') => {
    const before = rssMb();
    const started = performance.now();
    collect();
    const left = rssMb();
    log?.info({ after, rssMbBefore: Math.round(before), rssMbAfter: Math.round(left), ms: Math.round(performance.now() - started) }, 'memory returned to the system');
    return left;
  };
  const policy = createReleasePolicy(release('start'));
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const window = performance.eventLoopUtilization(now, last);
    last = now;
    if (policy.observe({ utilization: window.utilization, rssMb: rssMb() })) policy.released(release('load'));
  }, windowSeconds * 1000).unref();
  return { stop: () => clearInterval(timer) };
}
