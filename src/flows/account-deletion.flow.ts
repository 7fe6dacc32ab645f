// "Supprimer mon compte" (SPEC §6–7): the password confirms; every session, grant and token is
// revoked; the account's personal data is erased (audit events keep only the random id); a
// goodbye email goes out; the address is free to register again.
import { assertNoProblems } from '../errors.js';
import type { Account } from '../storage/prisma.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';
import { verifyCurrentPassword } from './password-change.flow.js';

export async function deleteAccount(deps: FlowDeps, account: Account, password: string, request: RequestContext): Promise<void> {
  assertNoProblems({ password: password ? undefined : 'required' });
  await verifyCurrentPassword(deps, account, password, request);
  await eraseAccount(deps, account, request, 'by its owner');
}

/** Revokes everything the account holds and erases it; the goodbye email goes out last. */
export async function eraseAccount(deps: FlowDeps, account: Account, request: RequestContext, by: string): Promise<void> {
  await deps.sessions.revokeEverything(account.id);
  await deps.db.$transaction([
    deps.db.oneTimeToken.deleteMany({ where: { accountId: account.id } }),
    deps.db.sessionActivity.deleteMany({ where: { accountId: account.id } }),
    deps.db.serviceConnection.deleteMany({ where: { accountId: account.id } }),
    deps.db.oidcPayload.deleteMany({ where: { accountId: account.id } }),
    deps.db.outboxMessage.deleteMany({ where: { recipient: { in: [account.email, ...(account.phone ? [account.phone] : [])] }, status: 'pending' } }),
    deps.db.account.delete({ where: { id: account.id } }),
  ]);
  await deps.audit.record('account.deleted', { accountId: account.id, ip: request.ip, detail: by });
  await deps.mailer.send({ template: 'account_deleted', to: account.email, locale: request.locale ?? 'fr', data: { registerLink: deps.link('/register') } });
}
