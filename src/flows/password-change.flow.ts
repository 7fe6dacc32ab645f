// Changing the password from "Ma sécurité": the current password, the new one twice (SPEC §7
// policy), and the choice to end every other session of the account.
import { assertNoProblems, FlowError, FormError } from '../errors.js';
import type { Account } from '../storage/prisma.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';
import { newPasswordProblems } from './form-rules.js';

/** The current password, as a field problem when wrong; failures count like sign-in failures. */
export async function verifyCurrentPassword(deps: FlowDeps, account: Account, password: string, request: RequestContext, field = 'password'): Promise<void> {
  const ipKey = request.ip ?? 'unknown';
  if (await deps.throttles.signInFailuresPerIp.exhausted(ipKey)) throw new FlowError('too_many_attempts');
  if (await deps.passwords.verify(account.passwordHash, password)) return;
  await deps.throttles.signInFailuresPerIp.hit(ipKey);
  await deps.audit.record('password.check_failed', { accountId: account.id, ip: request.ip });
  throw new FormError({ [field]: 'password_wrong' });
}

export interface PasswordChangeForm { current: string; password: string; passwordConfirm: string; endOtherSessions: boolean }

export async function changePassword(deps: FlowDeps, account: Account, form: PasswordChangeForm, currentSessionUid: string, request: RequestContext): Promise<{ endedSessions: number }> {
  assertNoProblems({
    current: form.current ? undefined : 'required',
    ...newPasswordProblems(form.password, form.passwordConfirm, account.email),
  });
  await verifyCurrentPassword(deps, account, form.current, request, 'current');
  await deps.db.account.update({ where: { id: account.id }, data: { passwordHash: await deps.passwords.hash(form.password), failedLogins: 0 } });
  const endedSessions = form.endOtherSessions ? await deps.sessions.endAll(account.id, currentSessionUid) : 0;
  await deps.audit.record('account.password_changed', { accountId: account.id, ip: request.ip, detail: `${endedSessions} other sessions ended` });
  await deps.mailer.send({ template: 'password_changed', to: account.email, locale: request.locale ?? 'fr', data: { resetLink: deps.link('/password/forgot') } });
  return { endedSessions };
}
