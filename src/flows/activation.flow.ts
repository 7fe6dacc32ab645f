// The activation link (SPEC §5 /activate): proves the address, makes the account active, and
// says which authorization request, if any, the citizen was in the middle of.
import { redeemToken } from '../accounts/one-time-tokens.js';
import { FlowError } from '../errors.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';
import { resumeTargetOf, type ResumeTarget } from './registration.flow.js';

export interface Activation { accountId: string; resume?: ResumeTarget }

export async function activateAccount(deps: FlowDeps, token: unknown, request: RequestContext): Promise<Activation> {
  const { accountId, payload } = await redeemToken(deps.tokens, token, 'activation');
  const { count } = await deps.db.account.updateMany({
    where: { id: accountId, status: 'pending' },
    data: { status: 'active', emailVerifiedAt: deps.now() },
  });
  if (count !== 1) throw new FlowError('link_invalid'); // deleted, or activated another way meanwhile
  await deps.audit.record('account.activated', { accountId, ip: request.ip });
  return { accountId, resume: resumeTargetOf(payload) };
}
