import { describe, expect, test } from '@jest/globals';
import { normalizePhone } from '../../src/flows/contact.flow.js';
import { approximateAddress } from '../../src/flows/connections.flow.js';

describe('phone numbers', () => {
  test.each([
    ['75 12 34', '+687751234'],
    ['75.12.34', '+687751234'],
    ['+687 75-12-34', '+687751234'],
    ['0033 6 12 34 56 78', '+33612345678'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['12', undefined],
    ['abcdef', undefined],
    ['+1234567890123456', undefined],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });
});

describe('approximate place of a session', () => {
  test.each([
    ['203.0.113.42', '203.0.113.x'],
    ['::ffff:127.0.0.1', '127.0.0.x'],
    ['2001:db8:1:2::5', '2001:db8:1::/48'],
    [undefined, null],
  ])('%s → %s', (ip, expected) => {
    expect(approximateAddress(ip)).toBe(expected);
  });
});
