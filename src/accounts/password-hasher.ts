// argon2id with OWASP's parameters by default (m=19 MiB, t=2, p=1). argon2 hashes on libuv's
// thread pool, so a sign-in never blocks the event loop.
import argon2 from 'argon2';

export interface Argon2Parameters { memoryCost: number; timeCost: number; parallelism: number }
export const OWASP_ARGON2: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
  /** Spends the time of a real verification, for unknown accounts (no timing oracle). */
  verifyNothing(password: string): Promise<false>;
}

export async function createPasswordHasher(parameters: Argon2Parameters = OWASP_ARGON2): Promise<PasswordHasher> {
  const options = { type: argon2.argon2id as 2, ...parameters };
  const decoy = await argon2.hash('decoy password that matches nothing', options);
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false; // a malformed stored hash never signs anyone in
      }
    },
    needsRehash: (hash) => argon2.needsRehash(hash, options),
    verifyNothing: async (password) => {
      await argon2.verify(decoy, password);
      return false;
    },
  };
}
