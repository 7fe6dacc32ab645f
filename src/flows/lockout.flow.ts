// Lockout (SPEC §7): LOCKOUT_THRESHOLD consecutive failures lock the account and email an
// unlock link. The lock ends with that link, a password reset, or LOCKOUT_MINUTES, so nobody
// can keep a stranger locked out for ever.
import { issueToken, redeemToken } from '../accounts/one-time-tokens.js';
import type { Account } from '../storage/prisma.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';

/** What lifting a lock (or a disablement) writes. */
export const ACTIVE_AGAIN = { status: 'active', failedLogins: 0, lockedUntil: null } as const;

/** A lock whose time is over is lifted before the password is even checked. */
export async function expireLockIfDue(deps: FlowDeps, account: Account): Promise<Account> {
  if (account.status !== 'locked' || !account.lockedUntil || account.lockedUntil > deps.now()) return account;
  await deps.db.account.updateMany({ where: { id: account.id, status: 'locked' }, data: ACTIVE_AGAIN });
  await deps.audit.record('account.unlocked', { accountId: account.id, detail: 'lock expired' });
  return { ...account, ...ACTIVE_AGAIN };
}

export async function recordFailedSignIn(deps: FlowDeps, account: Account, request: RequestContext): Promise<void> {
  if (account.status !== 'active') return;
  const { failedLogins } = await deps.db.account.update({ where: { id: account.id }, data: { failedLogins: { increment: 1 } }, select: { failedLogins: true } });
  if (failedLogins < deps.policy.lockoutThreshold) return;
  const lockedUntil = new Date(deps.now().getTime() + deps.policy.lockoutMinutes * 60_000);
  // Only the request that flips the status sends the email, however many fail at once.
  const { count } = await deps.db.account.updateMany({ where: { id: account.id, status: 'active' }, data: { status: 'locked', lockedUntil } });
  if (count !== 1) return;
  await deps.audit.record('account.locked', { accountId: account.id, ip: request.ip, detail: `after ${failedLogins} failures` });
  const { token } = await issueToken(deps.tokens, { accountId: account.id, purpose: 'unlock' });
  await deps.mailer.send({
    template: 'account_locked',
    to: account.email,
    locale: request.locale ?? 'fr',
    data: { link: deps.link('/unlock', { token }), resetLink: deps.link('/password/forgot'), minutes: String(deps.policy.lockoutMinutes) },
  });
}

export async function unlockWithLink(deps: FlowDeps, token: unknown, request: RequestContext): Promise<void> {
  const { accountId } = await redeemToken(deps.tokens, token, 'unlock');
  await deps.db.account.updateMany({ where: { id: accountId, status: 'locked' }, data: ACTIVE_AGAIN });
  await deps.audit.record('account.unlocked', { accountId, ip: request.ip, detail: 'unlock link' });
}
