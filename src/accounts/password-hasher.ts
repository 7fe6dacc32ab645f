// argon2id with OWASP's parameters by default (m=19 MiB, t=2, p=1). argon2 hashes on libuv's
// thread pool, so a sign-in never blocks the event loop.
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { Semaphore } from 'async-mutex';
import { releaseAfterQuiet } from '../ops/freed-memory.js';

export interface Argon2Parameters { memoryCost: number; timeCost: number; parallelism: number }
export const OWASP_ARGON2: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

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
  const options = { type: argon2.argon2id as 2, ...parameters };
  const slots = new Semaphore(HASHES_AT_ONCE);
  // Each hash frees its block on return; once hashing pauses, those blocks go back to the system.
  const quietly = releaseAfterQuiet();
  const inSlot = <T>(computation: () => Promise<T>) => quietly(() => slots.runExclusive(computation));
  const verify = (hash: string, password: string) => inSlot(() => argon2.verify(hash, password));
  const decoy = await argon2.hash('decoy password that matches nothing', options);
  return {
    hash: (password) => inSlot(() => argon2.hash(password, options)),
    verify: async (hash, password) => {
      try {
        return await verify(hash, password);
      } catch {
        return false; // a malformed stored hash never signs anyone in
      }
    },
    needsRehash: (hash) => argon2.needsRehash(hash, options),
    verifyNothing: async (password) => {
      await verify(decoy, password);
      return false;
    },
  };
}
