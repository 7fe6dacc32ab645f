// Emailed tokens on the real databases (SPEC §7): digests only, single use under concurrency,
// superseded, expiring; a code gets five comparisons in all, even when guessed in parallel.
import { describe, expect, test } from '@jest/globals';
import { CODE_ATTEMPTS, issueToken, redeemCode, redeemToken, type OneTimeTokenDeps } from '../../src/accounts/one-time-tokens.js';
import { availableBackends } from '../support/backends.js';
import { HOUR, TestClock } from '../support/clock.js';
import { createTestAccount } from '../support/factories.js';
import { serverForSuite } from '../support/suite.js';

const backends = await availableBackends();

describe.each(backends)('one-time tokens on %s', (backend) => {
  const clock = new TestClock();
  const suite = serverForSuite(backend, { overrides: { now: clock.now } });
  const tokens = (): OneTimeTokenDeps => suite.server.deps.flows.tokens;

  test('at least 128 random bits, and only a digest in the database', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { token, code } = await issueToken(tokens(), { accountId: account.id, purpose: 'password_reset', withCode: true });
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const rows = await suite.server.deps.db.oneTimeToken.findMany({ where: { accountId: account.id } });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(`"${code}"`);
  });

  test('ten parallel uses of one token: exactly one succeeds', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { token } = await issueToken(tokens(), { accountId: account.id, purpose: 'unlock' });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => redeemToken(tokens(), token, 'unlock')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  test('a token serves only its own purpose, is superseded by the next one, and expires', async () => {
    const account = await createTestAccount(suite.server.deps);
    const first = await issueToken(tokens(), { accountId: account.id, purpose: 'activation' });
    await expect(redeemToken(tokens(), first.token, 'unlock')).rejects.toMatchObject({ code: 'link_invalid' });
    const second = await issueToken(tokens(), { accountId: account.id, purpose: 'activation' });
    await expect(redeemToken(tokens(), first.token, 'activation')).rejects.toMatchObject({ code: 'link_invalid' });
    clock.advance(49 * HOUR);
    await expect(redeemToken(tokens(), second.token, 'activation')).rejects.toMatchObject({ code: 'link_invalid' });
  });

  test('parallel wrong guesses use up the code after five comparisons in all', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { code } = await issueToken(tokens(), { accountId: account.id, purpose: 'password_reset', withCode: true });
    const wrong = code === '999999' ? '000000' : '999999';
    await Promise.allSettled(Array.from({ length: 12 }, () => redeemCode(tokens(), account.id, wrong, 'password_reset')));
    const row = await suite.server.deps.db.oneTimeToken.findFirstOrThrow({ where: { accountId: account.id } });
    expect(row.codeAttempts).toBe(CODE_ATTEMPTS);
    await expect(redeemCode(tokens(), account.id, code!, 'password_reset')).rejects.toMatchObject({ fields: { code: 'code_invalid' } });
  });

  test('the right code works once', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { code } = await issueToken(tokens(), { accountId: account.id, purpose: 'password_reset', withCode: true });
    await expect(redeemCode(tokens(), account.id, code!, 'password_reset')).resolves.toMatchObject({ accountId: account.id });
    await expect(redeemCode(tokens(), account.id, code!, 'password_reset')).rejects.toMatchObject({ fields: { code: 'code_invalid' } });
  });
});
