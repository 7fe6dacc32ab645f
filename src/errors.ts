// Expected failures of a flow. The code is stable (logs, tests, the message catalogue); the
// words a citizen reads come from interactions/messages.ts (`error.<code>`, `field.<code>`).
export type FlowErrorCode =
  | 'invalid_credentials'
  | 'account_not_activated'
  | 'invalid_input'
  | 'input_too_long'
  | 'csrf_failed'
  | 'not_found'
  | 'forbidden'
  | 'link_invalid'
  | 'email_taken'
  | 'too_many_attempts';

export class FlowError extends Error {
  override name = 'FlowError';
  constructor(readonly code: FlowErrorCode, readonly field?: string) {
    super(code);
  }
}

/** A problem with one field of a form, shown beside that field. */
export type FieldProblem =
  | 'required'
  | 'email_invalid'
  | 'emails_differ'
  | 'passwords_differ'
  | 'terms_required'
  | 'captcha_failed'
  | 'code_invalid'
  | 'email_unchanged'
  | 'password_wrong'
  | 'phone_invalid'
  | 'phone_required'
  | 'password_too_short'
  | 'password_too_long'
  | 'password_too_simple'
  | 'password_common';

/** Every problem of a submitted form at once, by field name. */
export class FormError extends Error {
  override name = 'FormError';
  constructor(readonly fields: Readonly<Record<string, FieldProblem>>) {
    super(`invalid form: ${Object.keys(fields).join(', ')}`);
  }
}

/** Throws a FormError when any field has a problem. */
export function assertNoProblems(fields: Record<string, FieldProblem | undefined>): void {
  const problems = Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, FieldProblem] => entry[1] !== undefined));
  if (Object.keys(problems).length > 0) throw new FormError(problems);
}
