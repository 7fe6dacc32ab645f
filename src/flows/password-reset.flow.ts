// Forgotten password (SPEC §6–7, seed 000): one answer whether or not the address has an
// account; an email with a link and a 6-digit code; the new password replaces the old one,
// lifts a lockout, proves the address of a pending account, and ends every session.
import { findAccountByEmail, findAccountById } from '../accounts/account.repository.js';
import { discardTokens, issueToken, isLiveToken, redeemCode, redeemToken, type RedeemedToken } from '../accounts/one-time-tokens.js';
import { assertNoProblems, FlowError, FormError } from '../errors.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';
import { emailProblem, guardPublicForm, newPasswordProblems } from './form-rules.js';

export async function requestPasswordReset(deps: FlowDeps, email: string, request: RequestContext): Promise<void> {
  await guardPublicForm(deps, request);
  assertNoProblems({ email: emailProblem(email) });
  const account = await findAccountByEmail(deps.sql, email);
  if (!account || account.status === 'disabled') return;
  if (!(await deps.throttles.mailsPerAccount.hit(`password_reset:${account.id}`))) return;
  const { token, code } = await issueToken(deps.tokens, { accountId: account.id, purpose: 'password_reset', withCode: true });
  await deps.audit.record('password_reset.requested', { accountId: account.id, ip: request.ip });
  const locale = request.locale ?? 'fr';
  const link = deps.link('/password/reset', { token });
  const codePage = deps.link('/password/reset');
  // A citizen who prefers SMS gets the code on the phone; the email then carries the link only.
  if (account.contactChannel === 'sms' && account.phone) {
    await deps.mailer.send({ template: 'password_reset', to: account.email, locale, data: { link } });
    await deps.mailer.send({ channel: 'sms', template: 'password_reset_sms', to: account.phone, locale, data: { code: code!, codePage } });
    return;
  }
  await deps.mailer.send({ template: 'password_reset', to: account.email, locale, data: { link, code: code!, codePage } });
}

export const isResetLinkLive = (deps: FlowDeps, token: unknown): Promise<boolean> => isLiveToken(deps.tokens, token, 'password_reset');

export interface NewPassword { password: string; passwordConfirm: string }

export async function resetPasswordWithLink(deps: FlowDeps, token: unknown, form: NewPassword, request: RequestContext): Promise<void> {
  assertNoProblems(newPasswordProblems(form.password, form.passwordConfirm));
  await completeReset(deps, await redeemToken(deps.tokens, token, 'password_reset'), form.password, request);
}

export async function resetPasswordWithCode(deps: FlowDeps, form: NewPassword & { email: string; code: string }, request: RequestContext): Promise<void> {
  assertNoProblems({
    email: emailProblem(form.email),
    code: /^\d{6}$/.test(form.code.trim()) ? undefined : 'code_invalid',
    ...newPasswordProblems(form.password, form.passwordConfirm, form.email),
  });
  await guardPublicForm(deps, request);
  const account = await findAccountByEmail(deps.sql, form.email);
  // An unknown address gets the answer of a wrong code.
  if (!account) throw new FormError({ code: 'code_invalid' });
  const redeemed = await redeemCode(deps.tokens, account.id, form.code.trim(), 'password_reset').catch(async (error: unknown) => {
    await deps.audit.record('password_reset.code_failed', { accountId: account.id, ip: request.ip });
    throw error;
  });
  await completeReset(deps, redeemed, form.password, request);
}

async function completeReset(deps: FlowDeps, { accountId }: RedeemedToken, password: string, request: RequestContext): Promise<void> {
  const account = await findAccountById(deps.sql, accountId);
  if (!account || account.status === 'disabled') throw new FlowError('link_invalid');
  await deps.db.account.update({
    where: { id: accountId },
    data: {
      passwordHash: await deps.passwords.hash(password),
      status: 'active',
      failedLogins: 0,
      lockedUntil: null,
      emailVerifiedAt: account.emailVerifiedAt ?? deps.now(),
    },
  });
  await discardTokens(deps.db, accountId, ['password_reset', 'unlock', 'activation']);
  const ended = await deps.sessions.endAll(accountId);
  await deps.audit.record('password_reset.completed', { accountId, ip: request.ip, detail: `${ended} sessions ended` });
  await deps.mailer.send({
    template: 'password_changed',
    to: account.email,
    locale: request.locale ?? 'fr',
    data: { resetLink: deps.link('/password/forgot') },
  });
}
