// Emailed one-time secrets (SPEC §7): 256-bit link tokens stored only as digests, single use,
// expiring, and superseded by the next token of the same purpose for the same account. A
// password reset also carries a 6-digit code for the citizen to type, with 5 tries.
import { randomUUID } from 'node:crypto';
import { FlowError, FormError } from '../errors.js';
import { digestOf, keyedDigest, newLinkToken, newSixDigitCode, sameDigest } from '../security/secret-values.js';
import type { Database } from '../storage/prisma.js';

export type TokenPurpose = 'activation' | 'password_reset' | 'unlock' | 'email_change';

export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  activation: 48 * 60 * 60,
  password_reset: 60 * 60,
  unlock: 24 * 60 * 60,
  email_change: 24 * 60 * 60,
};

export const CODE_ATTEMPTS = 5;

export interface OneTimeTokenDeps {
  db: Database;
  now: () => Date;
  /** Server-side key for the digests of short codes (never stored in the database). */
  codeKey: string;
}

export interface IssuedToken { token: string; code?: string; expiresAt: Date }
export interface RedeemedToken { accountId: string; payload: Record<string, string> }

const parsePayload = (payload: string | null): Record<string, string> => (payload ? JSON.parse(payload) as Record<string, string> : {});

export async function issueToken(deps: OneTimeTokenDeps, input: { accountId: string; purpose: TokenPurpose; payload?: Record<string, string>; withCode?: boolean }): Promise<IssuedToken> {
  const token = newLinkToken();
  const code = input.withCode ? newSixDigitCode() : undefined;
  const expiresAt = new Date(deps.now().getTime() + TOKEN_LIFETIME_SECONDS[input.purpose] * 1000);
  await deps.db.$transaction([
    deps.db.oneTimeToken.deleteMany({ where: { accountId: input.accountId, purpose: input.purpose } }),
    deps.db.oneTimeToken.create({
      data: {
        id: randomUUID(),
        accountId: input.accountId,
        purpose: input.purpose,
        tokenHash: digestOf(token),
        codeHash: code ? keyedDigest(deps.codeKey, input.accountId, code) : null,
        payload: input.payload ? JSON.stringify(input.payload) : null,
        expiresAt,
        createdAt: deps.now(),
      },
    }),
  ]);
  return { token, code, expiresAt };
}

async function liveToken(deps: OneTimeTokenDeps, token: unknown, purpose: TokenPurpose) {
  if (typeof token !== 'string' || !/^[\w-]{43}$/.test(token)) return null;
  const row = await deps.db.oneTimeToken.findUnique({ where: { tokenHash: digestOf(token) } });
  return row && row.purpose === purpose && row.usedAt === null && row.expiresAt > deps.now() ? row : null;
}

/** Checks a link without using it (e.g. to show the reset form). */
export async function isLiveToken(deps: OneTimeTokenDeps, token: unknown, purpose: TokenPurpose): Promise<boolean> {
  return (await liveToken(deps, token, purpose)) !== null;
}

/** Uses a link token. Two concurrent uses: exactly one wins (a guarded update). */
export async function redeemToken(deps: OneTimeTokenDeps, token: unknown, purpose: TokenPurpose): Promise<RedeemedToken> {
  const row = await liveToken(deps, token, purpose);
  if (!row) throw new FlowError('link_invalid');
  const { count } = await deps.db.oneTimeToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: deps.now() } });
  if (count !== 1) throw new FlowError('link_invalid');
  return { accountId: row.accountId, payload: parsePayload(row.payload) };
}

/**
 * Uses the code of the account's live token of this purpose. Each try is reserved before the
 * comparison, so even parallel guesses get CODE_ATTEMPTS comparisons in all.
 */
export async function redeemCode(deps: OneTimeTokenDeps, accountId: string, code: string, purpose: TokenPurpose): Promise<RedeemedToken> {
  const row = await deps.db.oneTimeToken.findFirst({
    where: { accountId, purpose, usedAt: null, codeHash: { not: null }, expiresAt: { gt: deps.now() } },
  });
  if (!row) throw new FormError({ code: 'code_invalid' });
  const reserved = await deps.db.oneTimeToken.updateMany({
    where: { id: row.id, usedAt: null, codeAttempts: { lt: CODE_ATTEMPTS } },
    data: { codeAttempts: { increment: 1 } },
  });
  if (reserved.count !== 1 || !sameDigest(keyedDigest(deps.codeKey, accountId, code), row.codeHash!)) {
    throw new FormError({ code: 'code_invalid' });
  }
  const used = await deps.db.oneTimeToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: deps.now() } });
  if (used.count !== 1) throw new FormError({ code: 'code_invalid' });
  return { accountId: row.accountId, payload: parsePayload(row.payload) };
}

/** The purpose-specific data of the account's live token, e.g. to carry it over on a resend. */
export async function livePayload(deps: OneTimeTokenDeps, accountId: string, purpose: TokenPurpose): Promise<Record<string, string> | undefined> {
  const row = await deps.db.oneTimeToken.findFirst({ where: { accountId, purpose, usedAt: null, expiresAt: { gt: deps.now() } } });
  return row ? parsePayload(row.payload) : undefined;
}

export async function discardTokens(db: Database, accountId: string, purposes: TokenPurpose[]): Promise<void> {
  await db.oneTimeToken.deleteMany({ where: { accountId, purpose: { in: purposes } } });
}
