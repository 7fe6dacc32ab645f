// At most HASHES_AT_ONCE argon2 computations run at a time, whatever the number of sign-ins
// waiting: argon2 itself is replaced here by computations the test finishes by hand.
import { describe, expect, jest, test } from '@jest/globals';

let running = 0;
let mostAtOnce = 0;
const finishers: Array<() => void> = [];
const computation = <T>(result: T) => () => new Promise<T>((resolve) => {
  running += 1;
  mostAtOnce = Math.max(mostAtOnce, running);
  finishers.push(() => { running -= 1; resolve(result); });
});
const argon2 = { hash: jest.fn(computation('$argon2id$stub')), verify: jest.fn(computation(true)), parseOptions: () => ({}) };
jest.unstable_mockModule('@node-rs/argon2', () => argon2);

const { createPasswordHasher, HASHES_AT_ONCE } = await import('../../src/accounts/password-hasher.js');
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('password hasher', () => {
  test('runs at most one computation per core; the others wait their turn, none is dropped', async () => {
    const creating = createPasswordHasher();
    await settle();
    finishers.shift()!(); // the decoy hash made at creation
    const hasher = await creating;
    mostAtOnce = 0;

    const attempts = [
      ...Array.from({ length: HASHES_AT_ONCE + 2 }, () => hasher.verify('$argon2id$stored', 'password')),
      hasher.verifyNothing('password'),
      hasher.hash('new password'),
    ];
    await settle();
    expect(running).toBe(HASHES_AT_ONCE);
    while (finishers.length) {
      finishers.shift()!();
      await settle();
      expect(running).toBeLessThanOrEqual(HASHES_AT_ONCE);
    }
    const outcomes = await Promise.all(attempts);
    expect(mostAtOnce).toBe(HASHES_AT_ONCE);
    expect(outcomes).toEqual([...Array<boolean>(HASHES_AT_ONCE + 2).fill(true), false, '$argon2id$stub']);
    expect(argon2.verify).toHaveBeenCalledTimes(HASHES_AT_ONCE + 3);
  });
});
