import { randomBytes } from 'node:crypto';
import { asDate, type DirectSql } from '../storage/direct-sql.js';
import type { Account, Database } from '../storage/prisma.js';
import { normalizeEmail } from './email.js';

export type AccountStatus = 'pending' | 'active' | 'locked' | 'disabled';

/** 128 random bits, base64url: the account's opaque identifier and its public `sub`. */
export const newAccountId = (): string => randomBytes(16).toString('base64url');

export const findAccountByEmail = (db: Database, email: string): Promise<Account | null> =>
  db.account.findUnique({ where: { emailNormalized: normalizeEmail(email) } });

export const findAccountById = (db: Database, id: string): Promise<Account | null> =>
  db.account.findUnique({ where: { id } });

export interface AccountClaims { id: string; email: string; emailVerifiedAt: Date | null; updatedAt: Date; status: string }

const ACCOUNT_CLAIMS = 'SELECT "id", "email", "emailVerifiedAt", "updatedAt", "status" FROM "Account" WHERE "id" = ?';

/** What the provider needs to issue claims, on every token and userinfo request: nothing more. */
export async function findAccountClaims(sql: DirectSql, id: string): Promise<AccountClaims | undefined> {
  const row = await sql.one<Record<keyof AccountClaims, unknown>>(ACCOUNT_CLAIMS, [id]);
  return row && {
    id: String(row.id),
    email: String(row.email),
    emailVerifiedAt: asDate(row.emailVerifiedAt),
    updatedAt: asDate(row.updatedAt) ?? new Date(0),
    status: String(row.status),
  };
}

const SIGNED_IN = `UPDATE "Account" SET "lastLoginAt" = ?, "failedLogins" = 0, "passwordHash" = COALESCE(?, "passwordHash"), "updatedAt" = ?
  WHERE "id" = ?`;

/** A successful sign-in: the failure count resets, and a hash with old parameters is replaced. */
export async function recordSignIn(sql: DirectSql, id: string, at: Date, upgradedHash?: string): Promise<void> {
  await sql.run(SIGNED_IN, [at, upgradedHash ?? null, at, id]);
}

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
