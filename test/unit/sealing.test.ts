import { describe, expect, test } from '@jest/globals';
import { createSealedBox } from '../../src/security/sealed-box.js';
import { createSignedTickets } from '../../src/security/signed-ticket.js';

const KEY_A = 'a'.repeat(32);
const KEY_B = 'b'.repeat(32);

describe('sealed box', () => {
  test('round-trips, hides the plaintext, and still opens after a key rotation', () => {
    const box = createSealedBox([KEY_A], 'outbox');
    const sealed = box.seal('https://connect.example/activate?token=secret');
    expect(sealed).not.toContain('secret');
    expect(box.open(sealed)).toBe('https://connect.example/activate?token=secret');
    expect(createSealedBox([KEY_B, KEY_A], 'outbox').open(sealed)).toContain('token=secret');
  });

  test('refuses a tampered value, another context, or an unknown key', () => {
    const sealed = createSealedBox([KEY_A], 'outbox').seal('hello');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => createSealedBox([KEY_A], 'outbox').open(tampered)).toThrow();
    expect(() => createSealedBox([KEY_A], 'other').open(sealed)).toThrow();
    expect(() => createSealedBox([KEY_B], 'outbox').open(sealed)).toThrow();
  });
});

describe('signed tickets', () => {
  test('read back what was issued, until it expires', () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const tickets = createSignedTickets([KEY_A], 'resume', () => now);
    const ticket = tickets.issue({ accountId: 'acc', uid: 'u1' }, 60);
    expect(tickets.read(ticket)).toEqual({ accountId: 'acc', uid: 'u1' });
    now = new Date(now.getTime() + 61_000);
    expect(tickets.read(ticket)).toBeUndefined();
  });

  test('refuse a forged body, another purpose, or garbage', () => {
    const now = () => new Date();
    const tickets = createSignedTickets([KEY_A], 'resume', now);
    const ticket = tickets.issue({ accountId: 'acc' }, 60);
    const [, signature] = ticket.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ accountId: 'admin', exp: 9_999_999_999 })).toString('base64url');
    expect(tickets.read(`${forgedBody}.${signature}`)).toBeUndefined();
    expect(createSignedTickets([KEY_A], 'other', now).read(ticket)).toBeUndefined();
    expect(tickets.read('garbage')).toBeUndefined();
    expect(tickets.read('')).toBeUndefined();
  });
});
