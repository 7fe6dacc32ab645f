// What an admin does for a citizen who asks for help (CLI and admin console): find the account,
// see its state, unlock, disable or enable, resend the activation email, delete, and the admin
// role. Every action is audited with who did it.
import { findAccountByEmail, findAccountById } from '../accounts/account.repository.js';
import { normalizeEmail } from '../accounts/email.js';
import { FlowError } from '../errors.js';
import type { Account } from '../storage/prisma.js';
import { eraseAccount } from './account-deletion.flow.js';
import type { FlowDeps } from './flow-deps.js';
import { ACTIVE_AGAIN } from './lockout.flow.js';
import { sendActivation } from './registration.flow.js';

/** An exact address, or part of one (at least 3 characters): at most 50 accounts. */
export async function findAccounts(deps: FlowDeps, query: string): Promise<Account[]> {
  const needle = normalizeEmail(query);
  if (needle.length < 3) return [];
  return deps.db.account.findMany({ where: { emailNormalized: { contains: needle } }, orderBy: { emailNormalized: 'asc' }, take: 50 });
}

function found(account: Account | null): Account {
  if (!account) throw new FlowError('not_found');
  return account;
}

export const accountById = async (deps: FlowDeps, accountId: string): Promise<Account> => found(await findAccountById(deps.sql, accountId));

export const accountByEmail = async (deps: FlowDeps, email: string): Promise<Account> => found(await findAccountByEmail(deps.sql, email));

export async function unlockBySupport(deps: FlowDeps, account: Account, by: string): Promise<boolean> {
  const { count } = await deps.db.account.updateMany({ where: { id: account.id, status: 'locked' }, data: ACTIVE_AGAIN });
  if (count) await deps.audit.record('account.unlocked_by_admin', { accountId: account.id, detail: by });
  return count === 1;
}

/** A disabled account cannot sign in; its sessions end and its grants and tokens are revoked. */
export async function disableBySupport(deps: FlowDeps, account: Account, by: string): Promise<void> {
  await deps.db.account.update({ where: { id: account.id }, data: { status: 'disabled' } });
  await deps.sessions.revokeEverything(account.id);
  await deps.audit.record('account.disabled', { accountId: account.id, detail: by });
}

export async function enableBySupport(deps: FlowDeps, account: Account, by: string): Promise<boolean> {
  const { count } = await deps.db.account.updateMany({ where: { id: account.id, status: 'disabled' }, data: ACTIVE_AGAIN });
  if (count) await deps.audit.record('account.enabled', { accountId: account.id, detail: by });
  return count === 1;
}

export async function resendActivationBySupport(deps: FlowDeps, account: Account, by: string): Promise<boolean> {
  if (account.status !== 'pending') return false;
  await sendActivation(deps, account.id, account.email, { locale: 'fr' }, undefined);
  await deps.audit.record('account.activation_resent', { accountId: account.id, detail: by });
  return true;
}

export async function deleteBySupport(deps: FlowDeps, account: Account, by: string): Promise<void> {
  await eraseAccount(deps, account, {}, by);
}

export async function setAdminRole(deps: FlowDeps, account: Account, isAdmin: boolean, by: string): Promise<void> {
  await deps.db.account.update({ where: { id: account.id }, data: { isAdmin } });
  await deps.audit.record(isAdmin ? 'account.admin_granted' : 'account.admin_revoked', { accountId: account.id, detail: by });
}
