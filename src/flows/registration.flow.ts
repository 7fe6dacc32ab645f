// Creating an account (SPEC §6–7, seed 001). Every outcome looks the same to the visitor —
// new address, address already taken, address still pending — so the form cannot be used to
// learn who has an account; the owner of a taken address is told by email instead.
import { createAccount, findAccountByEmail } from '../accounts/account.repository.js';
import { looksLikeEmail } from '../accounts/email.js';
import { issueToken, livePayload } from '../accounts/one-time-tokens.js';
import { assertNoProblems, FlowError, FormError } from '../errors.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';
import { emailConfirmProblem, emailProblem, guardPublicForm, newPasswordProblems } from './form-rules.js';

export interface RegistrationForm {
  email: string;
  emailConfirm: string;
  password: string;
  passwordConfirm: string;
  acceptTerms: boolean;
  captcha: unknown;
}

/** The authorization request to finish once the account is activated. */
export interface ResumeTarget { uid: string; clientId: string }

export async function register(deps: FlowDeps, form: RegistrationForm, request: RequestContext, resume?: ResumeTarget): Promise<void> {
  await guardPublicForm(deps, request);
  assertNoProblems({
    email: emailProblem(form.email),
    emailConfirm: emailConfirmProblem(form.email, form.emailConfirm),
    ...newPasswordProblems(form.password, form.passwordConfirm, form.email),
    acceptTerms: form.acceptTerms ? undefined : 'terms_required',
  });
  if (!(await deps.captcha.verify(form.captcha))) {
    await deps.audit.record('captcha.failed', { ip: request.ip });
    throw new FormError({ captcha: 'captcha_failed' });
  }
  // Hash first, whatever happens next: the time taken must not depend on the address.
  const passwordHash = await deps.passwords.hash(form.password);
  const existing = await findAccountByEmail(deps.sql, form.email);
  if (existing?.status === 'pending') {
    // The address was never proven: the latest registrant's password wins, and only the
    // owner of the mailbox can activate it.
    await deps.db.account.update({ where: { id: existing.id }, data: { passwordHash } });
    await sendActivation(deps, existing.id, existing.email, request, resume ?? await resumeOf(deps, existing.id));
    return;
  }
  if (existing) {
    await deps.audit.record('account.registration_duplicate', { accountId: existing.id, ip: request.ip, clientId: request.clientId });
    if (await deps.throttles.mailsPerAccount.hit(`registration_attempt:${existing.id}`)) {
      await deps.mailer.send({
        template: 'registration_attempt',
        to: existing.email,
        locale: request.locale ?? 'fr',
        data: { signInLink: deps.link('/account'), resetLink: deps.link('/password/forgot') },
      });
    }
    return;
  }
  const account = await createAccount(deps.db, { email: form.email, passwordHash, status: 'pending' }).catch(async (error: unknown) => {
    // Two registrations of one address at once: the other one won; this one behaves as a duplicate.
    if ((error as { code?: string }).code === 'P2002') return undefined;
    throw error;
  });
  if (!account) return;
  await deps.audit.record('account.created', { accountId: account.id, ip: request.ip, clientId: request.clientId });
  await sendActivation(deps, account.id, account.email, request, resume);
}

/** The authorization request an activation token carries, if any. */
export const resumeTargetOf = (payload: Record<string, string> | undefined): ResumeTarget | undefined =>
  (payload?.['uid'] && payload['clientId'] ? { uid: payload['uid'], clientId: payload['clientId'] } : undefined);

const resumeOf = async (deps: FlowDeps, accountId: string) => resumeTargetOf(await livePayload(deps.tokens, accountId, 'activation'));

export async function sendActivation(deps: FlowDeps, accountId: string, email: string, request: RequestContext, resume: ResumeTarget | undefined) {
  const { token } = await issueToken(deps.tokens, { accountId, purpose: 'activation', payload: resume ? { ...resume } : undefined });
  await deps.mailer.send({ template: 'activation', to: email, locale: request.locale ?? 'fr', data: { link: deps.link('/activate', { token }) } });
}

/** "Renvoyer l'email": a new link for a pending account, throttled; silent otherwise. */
export async function resendActivation(deps: FlowDeps, email: string, request: RequestContext): Promise<void> {
  await guardPublicForm(deps, request);
  if (!looksLikeEmail(email)) throw new FlowError('invalid_input', 'email');
  const account = await findAccountByEmail(deps.sql, email);
  if (account?.status !== 'pending') return;
  if (!(await deps.throttles.mailsPerAccount.hit(`activation:${account.id}`))) return;
  await deps.audit.record('account.activation_resent', { accountId: account.id, ip: request.ip });
  await sendActivation(deps, account.id, account.email, request, await resumeOf(deps, account.id));
}

