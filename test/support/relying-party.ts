// A relying party built on openid-client (a client library we did not write), driving the
// provider like a real service would.
import * as oidc from 'openid-client';
import { Browser, formAction, hiddenInput, type Page } from './browser.js';

export interface RpClient {
  client_id: string;
  client_secret?: string;
  redirect_uri: string;
}

export async function discover(issuer: string, client: RpClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), client.client_id, client.client_secret, client.client_secret ? oidc.ClientSecretBasic(client.client_secret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] });
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(config: oidc.Configuration, client: RpClient, extra: Record<string, string> = {}): Promise<AuthorizationRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirect_uri,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/** Fills and submits the sign-in form of an interaction page. */
export async function submitLogin(browser: Browser, page: Page, email: string, password: string) {
  return browser.submit(formAction(page.html, '/login'), { _csrf: hiddenInput(page.html, '_csrf'), email, password });
}

export async function submitConsent(browser: Browser, page: Page, decision: 'confirm' | 'abort') {
  return browser.submit(formAction(page.html, `/${decision}`), { _csrf: hiddenInput(page.html, '_csrf') });
}

export async function exchangeCode(config: oidc.Configuration, callback: URL, request: AuthorizationRequest) {
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

export { oidc };
