// Memory the process has freed, handed back to the system once the work that freed it pauses.
//
// glibc keeps what is freed for the next allocations and gives back only the top of its heap.
// argon2 fills a 19 MiB block per hash (password-hasher.ts); smaller allocations made while a
// hash runs land above its block, so after a burst of sign-ins up to three freed blocks (~60 MB)
// stay resident until the next burst reuses them. glibc's malloc_trim(0) returns every free page;
// koffi (an FFI library with prebuilt binaries, so nothing to compile) calls it.
// Called once hashing has paused, it costs nothing under load; the next hash after a pause
// faults its block in again (~3 ms of CPU, measured when every block was unmapped after use).
type MallocTrim = { async(pad: number, done: (error: unknown, released: number) => void): void };

/** glibc's malloc_trim, or null where there is none (another libc, another system). */
async function loadMallocTrim(): Promise<MallocTrim | null> {
  if (process.platform !== 'linux') return null;
  try {
    const { default: koffi } = await import('koffi');
    return koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as MallocTrim;
  } catch {
    return null; // musl (Alpine) has no libc.so.6 and no malloc_trim
  }
}

let mallocTrim: Promise<MallocTrim | null> | undefined;

/**
 * A function that returns the free pages of glibc's heap to the system, on libuv's pool (it walks
 * the heap under its lock), resolving to whether anything was returned (false where there is no
 * glibc). Its binding starts loading now (once), not at the first release: that comes
 * after a pause, when whoever made it may be gone (a test's module registry, torn down).
 */
export function freedMemoryRelease(): () => Promise<boolean> {
  const loading = (mallocTrim ??= loadMallocTrim());
  return async () => {
    const trim = await loading;
    if (!trim) return false;
    return new Promise((resolve, reject) => trim.async(0, (error, released) => (error ? reject(error) : resolve(released === 1))));
  };
}

/**
 * How long no wrapped work must have run before the memory is returned: jemalloc's default delay
 * for purging freed pages. Shorter pauses, as between the sign-ins of a quiet hour, keep the
 * blocks for the next hashes instead of faulting them in again.
 */
export const QUIET_MS = 10_000;

/**
 * Wraps work that frees large blocks: once none has been running or waiting for `quietMs`,
 * calls `release` (freedMemoryRelease's by default); a shorter pause releases nothing.
 */
export function releaseAfterQuiet(release: () => Promise<unknown> = freedMemoryRelease(), quietMs = QUIET_MS) {
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  const releaseQuietly = () => { release().catch(() => undefined); }; // at worst the memory stays, as without
  return async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight += 1;
    clearTimeout(timer);
    try {
      return await work();
    } finally {
      inFlight -= 1;
      if (inFlight === 0) timer = setTimeout(releaseQuietly, quietMs).unref();
    }
  };
}
