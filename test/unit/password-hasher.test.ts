// The password hasher on real argon2id: its hashes and the reference implementation's (the
// `argon2` package, which earlier versions of Passerelle stored) verify each other, so switching
// implementations signs nobody out; a hash made with other parameters is due for an upgrade.
import { beforeAll, describe, expect, test } from '@jest/globals';
import argon2 from 'argon2';
import { createPasswordHasher, OWASP_ARGON2, type PasswordHasher } from '../../src/accounts/password-hasher.js';

const PASSWORD = 'Mot-de-passe-2026';
let hasher: PasswordHasher;

beforeAll(async () => {
  hasher = await createPasswordHasher();
});

describe('password hasher', () => {
  test('happy path: a hash is argon2id with the configured parameters, verified by the reference implementation', async () => {
    const stored = await hasher.hash(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await argon2.verify(stored, PASSWORD)).toBe(true);
    expect(await argon2.verify(stored, `${PASSWORD}!`)).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
    expect(await hasher.hash(PASSWORD)).not.toBe(stored); // a salt of its own each time
  });

  test('happy path: a hash stored by the reference implementation still signs in, and is current with the same parameters', async () => {
    const stored = await argon2.hash(PASSWORD, { type: argon2.argon2id, ...OWASP_ARGON2 });
    expect(await hasher.verify(stored, PASSWORD)).toBe(true);
    expect(await hasher.verify(stored, 'mot-de-passe-2026')).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  test('a hash made with other parameters or another variant is due for an upgrade', async () => {
    const options = { ...OWASP_ARGON2, memoryCost: 8_192 };
    expect(hasher.needsRehash(await argon2.hash(PASSWORD, { type: argon2.argon2id, ...options }))).toBe(true);
    expect(hasher.needsRehash(await argon2.hash(PASSWORD, { type: argon2.argon2id, ...OWASP_ARGON2, timeCost: 3 }))).toBe(true);
    expect(hasher.needsRehash(await argon2.hash(PASSWORD, { type: argon2.argon2i, ...OWASP_ARGON2 }))).toBe(true);
    const stronger = await createPasswordHasher({ ...OWASP_ARGON2, memoryCost: 12_288, timeCost: 3 });
    expect(stronger.needsRehash(await hasher.hash(PASSWORD))).toBe(true);
    expect(stronger.needsRehash(await stronger.hash(PASSWORD))).toBe(false);
  });

  test('sad path: a malformed stored hash matches nothing and is replaced at the next chance', async () => {
    for (const stored of ['', 'not a hash', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$', '$2b$10$abcdefghijklmnopqrstuv']) {
      expect(await hasher.verify(stored, PASSWORD)).toBe(false);
      expect(hasher.needsRehash(stored)).toBe(true);
    }
  });

  test('hashing and verifying run beside the event loop, which keeps turning until they end', async () => {
    const stored = await hasher.hash(PASSWORD);
    for (const work of [() => hasher.hash(PASSWORD), () => hasher.verify(stored, PASSWORD), () => hasher.verifyNothing(PASSWORD)]) {
      let done = false;
      let turns = 0;
      const turning = (async () => {
        while (!done) await new Promise((resolve) => setImmediate(resolve)).then(() => { turns += 1; });
      })();
      await work().finally(() => { done = true; });
      await turning;
      // A hash computed on the event loop would end before the first turn (turns <= 1): each
      // takes milliseconds of memory-hard work, and a turn a few microseconds.
      expect(turns).toBeGreaterThan(10);
    }
  });

  test('an unknown account costs a real verification and never matches', async () => {
    await expect(hasher.verifyNothing(PASSWORD)).resolves.toBe(false);
    await expect(hasher.verifyNothing('decoy password that matches nothing')).resolves.toBe(false);
  });
});
