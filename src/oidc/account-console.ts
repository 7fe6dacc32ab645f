// "Mon compte" signs citizens in like any relying party: an authorization request of its own
// first-party public client, so sign-in, SSO and sign-out are the provider's. The callback needs
// no token: the code is checked (client, PKCE) and destroyed in-process, and the console then
// reads the provider's session cookie.
import { createHash, randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Config } from '../config/env.js';
import type { ClientMetadata } from '../config/clients.js';

export const ACCOUNT_CONSOLE_CLIENT_ID = 'passerelle-account';
export const CONSOLE_CALLBACK_PATH = '/account/callback';
export const CONSOLE_SIGNED_OUT_PATH = '/account/signed-out';

export function accountConsoleClient(config: Config): ClientMetadata {
  return {
    client_id: ACCOUNT_CONSOLE_CLIENT_ID,
    client_name: config.BRAND_NAME,
    client_uri: `${config.ISSUER}/account`,
    redirect_uris: [`${config.ISSUER}${CONSOLE_CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${config.ISSUER}${CONSOLE_SIGNED_OUT_PATH}`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'none',
    first_party: true,
  };
}

export interface ConsoleSignIn { url: string; state: string; verifier: string }

export function startConsoleSignIn(issuer: string, uiLocales?: string): ConsoleSignIn {
  const state = randomBytes(16).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL('/auth', `${issuer}/`);
  url.search = new URLSearchParams({
    client_id: ACCOUNT_CONSOLE_CLIENT_ID,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `${issuer}${CONSOLE_CALLBACK_PATH}`,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(uiLocales ? { ui_locales: uiLocales } : {}),
  }).toString();
  return { url: url.toString(), state, verifier };
}

/** True when the code was issued to the console for this browser's PKCE verifier; used up either way. */
export async function finishConsoleSignIn(provider: Provider, code: unknown, verifier: string): Promise<boolean> {
  if (typeof code !== 'string' || code.length > 256) return false;
  const issued = await provider.AuthorizationCode.find(code);
  if (!issued) return false;
  await issued.destroy();
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return issued.clientId === ACCOUNT_CONSOLE_CLIENT_ID && issued.codeChallenge === challenge;
}

/** Where "Se déconnecter" goes: the provider's end_session, which also tells relying parties. */
export function consoleSignOutUrl(issuer: string): string {
  const url = new URL('/session/end', `${issuer}/`);
  url.search = new URLSearchParams({ client_id: ACCOUNT_CONSOLE_CLIENT_ID, post_logout_redirect_uri: `${issuer}${CONSOLE_SIGNED_OUT_PATH}` }).toString();
  return url.toString();
}
