import { randomBytes } from 'node:crypto';
import { createAccount, type AccountStatus } from '../../src/accounts/account.repository.js';
import type { Deps } from '../../src/deps.js';

export const uniqueEmail = (label = 'citizen') => `${label}.${randomBytes(4).toString('hex')}@example.nc`;

export async function createTestAccount(deps: Deps, options: { email?: string; password?: string; status?: AccountStatus } = {}) {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? 'Correct-Horse-42';
  const status = options.status ?? 'active';
  const account = await createAccount(deps.db, {
    email,
    passwordHash: await deps.flows.passwords.hash(password),
    status,
    emailVerifiedAt: status === 'active' ? new Date() : null,
  });
  return { ...account, password };
}
