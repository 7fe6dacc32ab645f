// Changing the account's email (SPEC §6 "Mes informations"): the current password proves the
// request; a link goes to the NEW address and a notice to the old one; nothing changes until
// the link is opened. An address taken meanwhile is refused then, not at request time, so the
// form cannot be used to learn who has an account.
import { findAccountByEmail, findAccountById } from '../accounts/account.repository.js';
import { normalizeEmail } from '../accounts/email.js';
import { issueToken, redeemToken } from '../accounts/one-time-tokens.js';
import { assertNoProblems, FlowError } from '../errors.js';
import type { Account } from '../storage/prisma.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';
import { verifyCurrentPassword } from './password-change.flow.js';
import { emailConfirmProblem, emailProblem } from './form-rules.js';

export interface EmailChangeForm { email: string; emailConfirm: string; password: string }

export async function requestEmailChange(deps: FlowDeps, account: Account, form: EmailChangeForm, request: RequestContext): Promise<void> {
  assertNoProblems({
    email: emailProblem(form.email) ?? (normalizeEmail(form.email) === account.emailNormalized ? 'email_unchanged' : undefined),
    emailConfirm: emailConfirmProblem(form.email, form.emailConfirm),
    password: form.password ? undefined : 'required',
  });
  await verifyCurrentPassword(deps, account, form.password, request);
  const newEmail = form.email.trim();
  const { token } = await issueToken(deps.tokens, { accountId: account.id, purpose: 'email_change', payload: { email: newEmail } });
  const locale = request.locale ?? 'fr';
  await deps.mailer.send({ template: 'email_change', to: newEmail, locale, data: { link: deps.link('/email/confirm', { token }), email: newEmail } });
  await deps.mailer.send({ template: 'email_change_notice', to: account.email, locale, data: { email: newEmail, resetLink: deps.link('/password/forgot') } });
  await deps.audit.record('account.email_change_requested', { accountId: account.id, ip: request.ip });
}

export async function confirmEmailChange(deps: FlowDeps, token: unknown, request: RequestContext): Promise<{ email: string }> {
  const { accountId, payload } = await redeemToken(deps.tokens, token, 'email_change');
  const email = payload['email'];
  const account = await findAccountById(deps.sql, accountId);
  if (!email || !account) throw new FlowError('link_invalid');
  const taken = await findAccountByEmail(deps.sql, email);
  if (taken && taken.id !== accountId) throw new FlowError('email_taken');
  try {
    await deps.db.account.update({
      where: { id: accountId },
      data: { email, emailNormalized: normalizeEmail(email), emailVerifiedAt: deps.now() },
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new FlowError('email_taken');
    throw error;
  }
  await deps.audit.record('account.email_changed', { accountId, ip: request.ip });
  await deps.mailer.send({ template: 'email_changed', to: account.email, locale: request.locale ?? 'fr', data: { email, resetLink: deps.link('/password/forgot') } });
  return { email };
}

