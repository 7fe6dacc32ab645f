import { randomBytes } from 'node:crypto';
import { asDate, type DirectSql } from '../storage/direct-sql.js';
import type { Account, Database } from '../storage/prisma.js';
import { normalizeEmail } from './email.js';

export type AccountStatus = 'pending' | 'active' | 'locked' | 'disabled';

/** 128 random bits, base64url: the account's opaque identifier and its public `sub`. */
export const newAccountId = (): string => randomBytes(16).toString('base64url');

// The two lookups every sign-in and every "Mon compte" page make: prepared statements (Prisma's
// findUnique cost ~0.8 ms of CPU here). Every column, so callers get Prisma's `Account`.
const ACCOUNT = `SELECT "id", "email", "emailNormalized", "passwordHash", "status", "emailVerifiedAt", "failedLogins", "lockedUntil",
  "phone", "contactChannel", "isAdmin", "lastLoginAt", "createdAt", "updatedAt" FROM "Account"`;
const BY_EMAIL = `${ACCOUNT} WHERE "emailNormalized" = ?`;
const BY_ID = `${ACCOUNT} WHERE "id" = ?`;

/** A row as either driver returns it (SQLite: dates as text, booleans as 0/1) as Prisma's Account. */
function accountOf(row: Record<keyof Account, unknown> | undefined): Account | null {
  if (!row) return null;
  return {
    id: String(row.id),
    email: String(row.email),
    emailNormalized: String(row.emailNormalized),
    passwordHash: String(row.passwordHash),
    status: String(row.status),
    emailVerifiedAt: asDate(row.emailVerifiedAt),
    failedLogins: Number(row.failedLogins),
    lockedUntil: asDate(row.lockedUntil),
    phone: row.phone === null ? null : String(row.phone),
    contactChannel: String(row.contactChannel),
    isAdmin: Boolean(row.isAdmin),
    lastLoginAt: asDate(row.lastLoginAt),
    createdAt: asDate(row.createdAt) ?? new Date(0),
    updatedAt: asDate(row.updatedAt) ?? new Date(0),
  };
}

export const findAccountByEmail = async (sql: DirectSql, email: string): Promise<Account | null> =>
  accountOf(await sql.one(BY_EMAIL, [normalizeEmail(email)]));

export const findAccountById = async (sql: DirectSql, id: string): Promise<Account | null> =>
  accountOf(await sql.one(BY_ID, [id]));

export interface AccountClaims { id: string; email: string; emailVerifiedAt: Date | null; updatedAt: Date; status: string }

const ACCOUNT_CLAIMS = 'SELECT "id", "email", "emailVerifiedAt", "updatedAt", "status" FROM "Account" WHERE "id" = ?';

/** An ACCOUNT_CLAIMS row as either driver returns it, or undefined when there was none. */
export function accountClaimsOf(row: Record<keyof AccountClaims, unknown> | undefined): AccountClaims | undefined {
  return row && {
    id: String(row.id),
    email: String(row.email),
    emailVerifiedAt: asDate(row.emailVerifiedAt),
    updatedAt: asDate(row.updatedAt) ?? new Date(0),
    status: String(row.status),
  };
}

/** What the provider needs to issue claims, on every token and userinfo request: nothing more. */
export const findAccountClaims = async (sql: DirectSql, id: string): Promise<AccountClaims | undefined> =>
  accountClaimsOf(await sql.one(ACCOUNT_CLAIMS, [id]));

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
