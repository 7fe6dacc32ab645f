// argon2id with OWASP's parameters by default (m=19 MiB, t=2, p=1), on @node-rs/argon2 (RustCrypto's
// argon2, its SIMD code chosen at run time): the same algorithm, parameters and PHC strings as the
// reference implementation in the `argon2` package, which verifies these hashes and whose hashes
// this one verifies (test/unit/password-hasher.test.ts), at about half its CPU per hash here
// (11.7–12.6 ms against 21.6–22.4 ms per verify, 2026-12-07). Hashing runs on libuv's thread pool,
// so a sign-in never blocks the event loop. Each hash's 19 MiB block comes from the library's own
// allocator (mimalloc), which unmaps it when the hash ends: a burst of sign-ins leaves none behind.
import { availableParallelism } from 'node:os';
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { Semaphore } from 'async-mutex';

export interface Argon2Parameters { memoryCost: number; timeCost: number; parallelism: number }
export const OWASP_ARGON2: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** `Algorithm.Argon2id` and `Version.V0x13`: ambient const enums, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;
const VERSION_19 = 1;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
  /** Spends the time of a real verification, for unknown accounts (no timing oracle). */
  verifyNothing(password: string): Promise<false>;
}

/**
 * At most one hash per core at a time. More would not finish sooner (each is pure CPU), but would
 * hold every libuv thread, so file and crypto work (ID token signatures) would wait behind them,
 * and each hash in flight keeps its 19 MiB block allocated.
 */
export const HASHES_AT_ONCE = availableParallelism();

export async function createPasswordHasher(parameters: Argon2Parameters = OWASP_ARGON2): Promise<PasswordHasher> {
  const options: Options = { algorithm: ARGON2ID, ...parameters };
  const slots = new Semaphore(HASHES_AT_ONCE);
  const verifyInSlot = (stored: string, password: string) => slots.runExclusive(() => verify(stored, password));
  const decoy = await slots.runExclusive(() => hash('decoy password that matches nothing', options));
  return {
    hash: (password) => slots.runExclusive(() => hash(password, options)),
    verify: async (stored, password) => {
      try {
        return await verifyInSlot(stored, password);
      } catch {
        return false; // a malformed stored hash never signs anyone in
      }
    },
    needsRehash: (stored) => {
      try {
        const used = parseOptions(stored);
        return used.algorithm !== ARGON2ID || used.version !== VERSION_19 || used.memoryCost !== parameters.memoryCost
          || used.timeCost !== parameters.timeCost || used.parallelism !== parameters.parallelism;
      } catch {
        return true; // not a PHC string this hasher reads: replace it with one
      }
    },
    verifyNothing: async (password) => {
      await verifyInSlot(decoy, password);
      return false;
    },
  };
}
