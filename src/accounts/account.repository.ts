import { randomBytes } from 'node:crypto';
import type { Account, Database } from '../storage/prisma.js';
import { normalizeEmail } from './email.js';

export type AccountStatus = 'pending' | 'active' | 'locked' | 'disabled';

/** 128 random bits, base64url: the account's opaque identifier and its public `sub`. */
export const newAccountId = (): string => randomBytes(16).toString('base64url');

export const findAccountByEmail = (db: Database, email: string): Promise<Account | null> =>
  db.account.findUnique({ where: { emailNormalized: normalizeEmail(email) } });

export const findAccountById = (db: Database, id: string): Promise<Account | null> =>
  db.account.findUnique({ where: { id } });

/** What the provider needs to issue claims, on every token and userinfo request: nothing more. */
export const findAccountClaims = (db: Database, id: string) =>
  db.account.findUnique({ where: { id }, select: { id: true, email: true, emailVerifiedAt: true, updatedAt: true, status: true } });

export function createAccount(db: Database, input: { email: string; passwordHash: string; status: AccountStatus; emailVerifiedAt?: Date | null }) {
  return db.account.create({
    data: {
      id: newAccountId(),
      email: input.email.trim(),
      emailNormalized: normalizeEmail(input.email),
      passwordHash: input.passwordHash,
      status: input.status,
      emailVerifiedAt: input.emailVerifiedAt ?? null,
    },
  });
}
