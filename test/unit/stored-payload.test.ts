// How an adapter stores a provider identifier: its SHA-256, base64url. Stores written by earlier
// builds hold keys in this form, so it must never change (a token issued before an upgrade must
// still be found after it).
import { describe, expect, test } from '@jest/globals';
import { storageKey } from '../../src/oidc/adapters/stored-payload.js';

describe('storage keys', () => {
  test('are the SHA-256 of the identifier in base64url (FIPS 180-2 test vector "abc")', () => {
    expect(storageKey('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  test('hash the identifier as UTF-8 text (the value createHash gave before 2026-12-07), and differ for identifiers one character apart', () => {
    expect(storageKey('é')).toBe('SplVfkAzw1Od4utlRyAXytX5VX96BiWgnxw_biumnEw');
    expect(storageKey('token-a')).not.toBe(storageKey('token-b'));
    expect(storageKey('token-a')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
