import { describe, expect, test } from '@jest/globals';
import { COMMON_PASSWORD_COUNT, passwordProblem } from '../../src/accounts/password-policy.js';

describe('password policy (SPEC §7)', () => {
  test('ships a list of at least 10,000 common passwords', () => {
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThanOrEqual(10_000);
  });

  test.each([
    ['Ab1defg', 'password_too_short'],
    ['abcdefgh1', 'password_too_simple'],
    ['ABCDEFGH1', 'password_too_simple'],
    ['Abcdefghij', 'password_too_simple'],
    [`Aa1${'z'.repeat(254)}`, 'password_too_long'],
    ['Azerty123', 'password_common'],
    ['Motdepasse1', 'password_common'],
    ['Soleil2024!', 'password_common'],
    ['Password1', 'password_common'],
  ])('%s is refused (%s)', (password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });

  test.each([
    ['Lagon-Bleu-26'],
    ['une phrase assez longue'], // 14+ characters: any characters will do
    ['Été-à-Nouméa-1'],
    [`Aa1${'z'.repeat(253)}`], // exactly 256
  ])('%s is accepted', (password) => {
    expect(passwordProblem(password)).toBeUndefined();
  });

  test('the address itself, or its local part with a suffix, is refused', () => {
    expect(passwordProblem('Camille.Dupont@example.nc', { email: 'camille.dupont@example.nc' })).toBe('password_common');
    expect(passwordProblem('Kanakyvette2024', { email: 'kanakyvette@example.nc' })).toBe('password_common');
    expect(passwordProblem('Kanakyvette2024')).toBeUndefined();
  });

  test('length counts characters, not bytes', () => {
    expect(passwordProblem('Éé1ÀàÇç')).toBe('password_too_short'); // 7 characters, 13 bytes
    expect(passwordProblem('Éé1ÀàÇçü')).toBeUndefined();
  });
});
