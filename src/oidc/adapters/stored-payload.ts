// What an adapter keeps of an oidc-provider payload. The provider's identifiers are bearer
// secrets (opaque tokens, codes, session cookies), so they are stored only as a SHA-256 digest
// (ASVS 3.5.2 / SPEC §7): a copy of the database or of Redis holds no usable token.
import { hash } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';

/** The models issued under a grant (revoked with it), which name their grant and maybe their session. */
export const GRANTABLE: ReadonlySet<string> = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

/**
 * 256-bit random identifiers do not need a slow hash: SHA-256 resists preimage search. Several
 * per protocol request: the one-shot `hash` takes half the CPU of a `createHash` object (0.31
 * against 0.64 µs on this host).
 */
export const storageKey = (identifier: string): string => hash('sha256', identifier, 'base64url');

/**
 * The lifetime to store, in whole seconds, or undefined for none (oidc-provider passes no
 * lifetime for clients). oidc-provider hands over what is left of a lifetime, which can reach 0
 * or less at the last second: that is a lifetime about to end, never "no lifetime".
 */
export const storedLifetime = (expiresIn: number | undefined): number | undefined =>
  expiresIn === undefined ? undefined : Math.max(1, Math.ceil(expiresIn));

/** Removes every copy of a bearer secret from the payload before it is written. */
export function sealPayload(model: string, id: string, payload: AdapterPayload): AdapterPayload {
  // A grant's id is a reference, not a credential: it stays, so "Mes connexions" can revoke it.
  if (model === 'Grant') return payload;
  const { jti, ...rest } = payload;
  const stored: AdapterPayload = jti === id ? rest : payload;
  // An Interaction remembers its session's cookie value; the provider never reads it back.
  if (model === 'Interaction' && stored.session && typeof stored.session === 'object') {
    const { cookie: _cookie, ...session } = stored.session as Record<string, unknown>;
    return { ...stored, session } as AdapterPayload;
  }
  return stored;
}

/** Restores the identifier the caller already holds (the value it looked the payload up by). */
export function unsealPayload(id: string, stored: AdapterPayload): AdapterPayload {
  return stored.iat !== undefined && stored.jti === undefined ? { ...stored, jti: id } : stored;
}

/**
 * Index columns shared by both adapters. Tokens name no account: only sessions and grants are
 * looked up by account ("Mon compte", account deletion), and a token's account is its grant's.
 */
export function indexFields(model: string, payload: AdapterPayload) {
  return {
    grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
    userCode: typeof payload.userCode === 'string' ? storageKey(payload.userCode) : null,
    uid: typeof payload.uid === 'string' ? storageKey(payload.uid) : null,
    accountId: typeof payload.accountId === 'string' && !GRANTABLE.has(model) ? payload.accountId : null,
  };
}

/**
 * What a token names besides itself, hashed as stored: its grant's id and, when the token ends
 * with its session, its session's uid. Adapters read those with the token (read-ahead.ts).
 */
export function relatedKeys(model: string, payload: AdapterPayload): { grantKey: string | null; sessionKey: string | null } {
  if (!GRANTABLE.has(model)) return { grantKey: null, sessionKey: null };
  return {
    grantKey: typeof payload.grantId === 'string' ? storageKey(payload.grantId) : null,
    sessionKey: payload.expiresWithSession === true && typeof payload.sessionUid === 'string' ? storageKey(payload.sessionUid) : null,
  };
}
