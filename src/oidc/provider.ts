// oidc-provider configuration: protocol wiring only, no business rules. Every lifetime is set
// here on purpose rather than left to the library's defaults.
import { createHash } from 'node:crypto';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/env.js';
import type { DirectSql } from '../storage/direct-sql.js';
import type { SigningJwk } from './signing-keys.js';
import { isFirstPartyClient } from './consent.js';
import { tokenAccountClaims } from './token-account.js';

/** Lifetimes in seconds. Access tokens are short, as FranceConnect's: relying parties refresh. */
export const LIFETIMES = {
  AccessToken: 5 * 60,
  AuthorizationCode: 60,
  ClientCredentials: 5 * 60,
  IdToken: 5 * 60,
  Interaction: 30 * 60,
  Session: 8 * 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Grant: 30 * 24 * 60 * 60,
} as const;

/** The pages oidc-provider renders itself, supplied by interactions/ through the composition root. */
export interface ProviderPages {
  renderError: NonNullable<Configuration['renderError']>;
  logoutSource: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
  postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => Promise<void>;
}

export interface ProviderDeps {
  sql: DirectSql;
  adapter: Configuration['adapter'];
  signingKeys: SigningJwk[];
  cookieKeys: string[];
  pairwiseSalt: string;
  pages: ProviderPages;
  /** The provider's own outgoing requests (outbound-fetch.ts). */
  fetch: typeof fetch;
}

export function createProvider(config: Config, deps: ProviderDeps): Provider {
  const configuration: Configuration = {
    adapter: deps.adapter,
    fetch: deps.fetch,
    jwks: { keys: deps.signingKeys as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      keys: deps.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
      short: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
      names: { session: 'passerelle.session', interaction: 'passerelle.interaction', resume: 'passerelle.resume' },
    },
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['updated_at'],
    },
    responseTypes: ['code'],
    subjectTypes: ['public', 'pairwise'],
    // A pairwise `sub` is a keyed digest of the sector and the account: stable, unlinkable across sectors.
    pairwiseIdentifier: (_ctx, accountId, client) =>
      createHash('sha256').update(`${client.sectorIdentifier}\0${accountId}\0${deps.pairwiseSalt}`).digest('base64url'),
    async findAccount(_ctx, id) {
      const account = await tokenAccountClaims(deps.sql, id);
      if (!account || account.status === 'disabled') return undefined;
      return {
        accountId: account.id,
        claims: () => ({
          sub: account.id,
          email: account.email,
          email_verified: account.emailVerifiedAt !== null,
          updated_at: Math.floor(account.updatedAt.getTime() / 1000),
        }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Public clients (no secret) must prove possession of the code with PKCE S256 (RFC 9700 §2.1.1).
    pkce: { required: (_ctx, client) => client.tokenEndpointAuthMethod === 'none' },
    extraClientMetadata: {
      properties: ['first_party'],
      validator(ctx, key, value) {
        if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
          throw new Error('first_party must be true or false');
        }
        // Skipping consent is the operator's decision: never through dynamic registration.
        if (key === 'first_party' && value === true && ctx) {
          throw new errors.InvalidClientMetadata('first_party cannot be set through dynamic registration');
        }
      },
    },
    // First-party services are part of the same public service: their requested scopes are
    // granted without a consent screen (SPEC §4). offline_access still needs prompt=consent
    // (OIDC Core §11); the interaction then completes consent without showing a page.
    async loadExistingGrant(ctx) {
      const { client, session, params } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!isFirstPartyClient(client)) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(String(params?.['scope'] ?? 'openid'));
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: LIFETIMES.AccessToken,
      AuthorizationCode: LIFETIMES.AuthorizationCode,
      ClientCredentials: LIFETIMES.ClientCredentials,
      IdToken: LIFETIMES.IdToken,
      Interaction: LIFETIMES.Interaction,
      Session: LIFETIMES.Session,
      Grant: LIFETIMES.Grant,
      // Sliding: each rotation starts a new 14-day window, capped by the grant's 30 days.
      RefreshToken: LIFETIMES.RefreshToken,
    },
    features: {
      devInteractions: { enabled: false },
      // A client may introspect or revoke only the tokens issued to it: relying parties do not
      // learn about each other's users (RFC 7662 §4, RFC 7009 §2.1).
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => client.clientId === token.clientId },
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => client.clientId === token.clientId },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      // RFC 7591/7592, off by default; every registration needs an initial access token from
      // `npm run admin -- client:initial-token`.
      registration: { enabled: config.DYNAMIC_REGISTRATION, initialAccessToken: true },
      registrationManagement: { enabled: config.DYNAMIC_REGISTRATION, rotateRegistrationAccessToken: true },
      rpInitiatedLogout: { enabled: true, logoutSource: deps.pages.logoutSource, postLogoutSuccessSource: deps.pages.postLogoutSuccessSource },
    },
    // Browser clients may call the token and userinfo endpoints from their registered origins only.
    clientBasedCORS(_ctx, origin, client) {
      return [...(client.redirectUris ?? []), ...(client.postLogoutRedirectUris ?? [])].some((uri) => new URL(uri).origin === origin);
    },
    renderError: deps.pages.renderError,
  };
  const provider = new Provider(config.ISSUER, configuration);
  provider.proxy = config.TRUST_PROXY;
  return provider;
}
