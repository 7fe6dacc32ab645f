// Payloads read ahead for the request under way. oidc-provider looks a token up, then its
// session (when the token ends with it) and its grant, one after the other within the same
// request (userinfo, introspection, refresh). Both adapters read those with the token, in the
// same Redis round trip or SQL statement, and keep them here until the lookup that wants them.
//
// The request is oidc-provider's context: outside one (the account pages' own reads, the CLI)
// nothing is read ahead. Each entry answers one lookup; any write through an adapter during the
// request forgets them all, so a lookup never answers from before a write it could see.
import Provider from 'oidc-provider';

/** The read-ahead key of an account's claims, by the account's id (what `findAccount` is asked for). */
export const accountAheadKey = (accountId: string): string => `Account:${accountId}`;

const entriesByRequest = new WeakMap<object, Map<string, unknown>>();

/** The read-ahead of the request under way, if there is a request; `create` makes it on first use. */
function entries(create = false): Map<string, unknown> | undefined {
  const ctx = Provider.ctx as object | undefined;
  if (!ctx) return undefined;
  let found = entriesByRequest.get(ctx);
  if (!found && create) entriesByRequest.set(ctx, found = new Map());
  return found;
}

/**
 * Keeps what was read for the lookup by `key` (by convention the Redis key that lookup would read:
 * `<Model>:<hashed id>`, `<Model>:uid:<hashed uid>`). `null`, `[]` or any other value that says
 * "nothing there" is kept too: the payload is gone, and the lookup must say so.
 */
export function keepReadAhead(key: string, value: unknown): void {
  entries(true)?.set(key, value);
}

/** What was read ahead for `key`, once; undefined if nothing was. */
export function takeReadAhead<T>(key: string): T | undefined {
  const found = entries();
  if (!found?.has(key)) return undefined;
  const value = found.get(key) as T;
  found.delete(key);
  return value;
}

/** Forgets everything read ahead for the request under way (called by every write). */
export function forgetReadAhead(): void {
  entries()?.clear();
}
