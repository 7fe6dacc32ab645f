// One error type for every expected failure of a flow. The code is stable (logs, tests, the
// message catalogue); the words a citizen reads come from interactions/messages.ts.
export type FlowErrorCode =
  | 'invalid_credentials'
  | 'account_not_activated'
  | 'invalid_input'
  | 'input_too_long'
  | 'csrf_failed'
  | 'email_taken'
  | 'not_found';

export class FlowError extends Error {
  override name = 'FlowError';
  constructor(readonly code: FlowErrorCode, readonly field?: string) {
    super(code);
  }
}
