// Rules shared by the public and account forms: an address, a new password twice, and the
// per-address allowance of the public forms (registration, resend, forgotten password).
import { looksLikeEmail, normalizeEmail } from '../accounts/email.js';
import { passwordProblem } from '../accounts/password-policy.js';
import { FlowError, type FieldProblem } from '../errors.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';

export function emailProblem(email: string): FieldProblem | undefined {
  if (!email.trim()) return 'required';
  return looksLikeEmail(email) ? undefined : 'email_invalid';
}

/** The address typed a second time must be the same one (trimmed, any case). */
export function emailConfirmProblem(email: string, confirm: string): FieldProblem | undefined {
  if (!confirm.trim()) return 'required';
  return normalizeEmail(confirm) !== normalizeEmail(email) ? 'emails_differ' : undefined;
}

export function newPasswordProblems(password: string, passwordConfirm: string, email?: string) {
  return {
    password: password ? passwordProblem(password, { email }) : 'required',
    passwordConfirm: !passwordConfirm ? 'required' : passwordConfirm !== password ? 'passwords_differ' : undefined,
  } satisfies Record<string, FieldProblem | undefined>;
}

/** Refuses the form when the client address has sent too many. */
export async function guardPublicForm(deps: FlowDeps, request: RequestContext): Promise<void> {
  if (!(await deps.throttles.formsPerIp.hit(request.ip ?? 'unknown'))) throw new FlowError('too_many_attempts');
}
