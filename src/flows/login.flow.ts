// Password sign-in. One outcome for unknown email, wrong password and locked or disabled
// account (SPEC §7), and the same argon2 cost for each, so neither the page nor the time
// tells whether an address has an account. Consecutive failures lock the account (see
// lockout.flow.ts); failures from one address across accounts are throttled.
import { findAccountByEmail, recordSignIn } from '../accounts/account.repository.js';
import { FlowError } from '../errors.js';
import type { Account } from '../storage/prisma.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';
import { expireLockIfDue, recordFailedSignIn } from './lockout.flow.js';

export interface Credentials { email: string; password: string }

export async function authenticateWithPassword(deps: FlowDeps, { email, password }: Credentials, request: RequestContext = {}): Promise<Account> {
  const ipKey = request.ip ?? 'unknown';
  if (await deps.throttles.signInFailuresPerIp.exhausted(ipKey)) {
    await deps.audit.record('sign_in.throttled', { clientId: request.clientId, ip: request.ip });
    throw new FlowError('too_many_attempts');
  }
  const found = await findAccountByEmail(deps.sql, email);
  const account = found && await expireLockIfDue(deps, found);
  const matches = account ? await deps.passwords.verify(account.passwordHash, password) : await deps.passwords.verifyNothing(password);
  if (!account || !matches || account.status === 'locked' || account.status === 'disabled') {
    await deps.throttles.signInFailuresPerIp.hit(ipKey);
    await deps.audit.record('sign_in.failed', { accountId: account?.id, clientId: request.clientId, ip: request.ip });
    if (account && !matches) await recordFailedSignIn(deps, account, request);
    throw new FlowError('invalid_credentials');
  }
  if (account.status === 'pending') throw new FlowError('account_not_activated');

  const upgradedHash = deps.passwords.needsRehash(account.passwordHash) ? await deps.passwords.hash(password) : undefined;
  // Independent writes, asked for together: they commit together (src/storage/group-commit.ts).
  await Promise.all([
    recordSignIn(deps.sql, account.id, deps.now(), upgradedHash),
    deps.audit.record('sign_in.succeeded', { accountId: account.id, clientId: request.clientId, ip: request.ip }),
  ]);
  return account;
}
