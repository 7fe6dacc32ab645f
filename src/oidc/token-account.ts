// The account behind a protocol request's token, for oidc-provider's `findAccount`: as the SQL
// adapter read it with the token, in the same statement (sql-adapter.ts, read-ahead.ts), else
// looked up (tokens in Redis; lookups outside a token's request).
import { findAccountClaims, type AccountClaims } from '../accounts/account.repository.js';
import type { DirectSql } from '../storage/direct-sql.js';
import { accountAheadKey, takeReadAhead } from './adapters/read-ahead.js';

export async function tokenAccountClaims(sql: DirectSql, accountId: string): Promise<AccountClaims | undefined> {
  const ahead = takeReadAhead<AccountClaims | null>(accountAheadKey(accountId));
  if (ahead === undefined) return findAccountClaims(sql, accountId);
  return ahead ?? undefined;
}
