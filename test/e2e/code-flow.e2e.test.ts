// The whole authorization code flow, driven by openid-client, on SQLite and on PostgreSQL + Redis.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText } from '../support/browser.js';
import { createTestAccount } from '../support/factories.js';
import { authorizationRequest, discover, exchangeCode, oidc, submitConsent, submitLogin, type RpClient } from '../support/relying-party.js';
import { readsDuring } from '../support/statements.js';
import { createTestStorage, startTestServer, type TestServer, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();

describe.each(backends)('authorization code flow on %s', (backend) => {
  let storage: TestStorage;
  let server: TestServer;
  let logoutReceiver: http.Server;
  const logoutTokens: string[] = [];

  const thirdParty: RpClient = { client_id: 'tax-portal', client_secret: 'tax-portal-secret-0123456789abcdef0123456789', redirect_uri: 'http://rp.test/callback' };
  const firstParty: RpClient = { client_id: 'province-portal', client_secret: 'province-secret-0123456789abcdef0123456789', redirect_uri: 'http://province.test/callback' };

  beforeAll(async () => {
    logoutReceiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; }).on('end', () => {
        logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => logoutReceiver.once('listening', resolve));
    const logoutPort = (logoutReceiver.address() as AddressInfo).port;
    storage = await createTestStorage(backend);
    server = await startTestServer(storage, {
      // The relying party's back-channel endpoint is on this machine: a network the operator allows.
      env: { OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' },
      clients: [
        {
          ...thirdParty, redirect_uri: undefined, redirect_uris: [thirdParty.redirect_uri], client_name: 'Impôts en ligne',
          grant_types: ['authorization_code', 'refresh_token'], post_logout_redirect_uris: ['http://rp.test/bye'],
          backchannel_logout_uri: `http://127.0.0.1:${logoutPort}/backchannel`, backchannel_logout_session_required: true,
        },
        {
          ...firstParty, redirect_uri: undefined, redirect_uris: [firstParty.redirect_uri], client_name: 'Province',
          grant_types: ['authorization_code', 'refresh_token'], first_party: true, subject_type: 'pairwise',
        },
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
    await storage?.dispose();
    logoutReceiver?.closeAllConnections();
    logoutReceiver?.close();
  });

  test('happy path: discovery, sign-in, consent, code, id_token, userinfo, refresh with rotation, introspection, revocation, logout', async () => {
    const account = await createTestAccount(server.deps);
    const config = await discover(server.issuer, thirdParty);
    const metadata = config.serverMetadata();
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'offline_access']));

    const browser = new Browser(server.issuer);
    const request = await authorizationRequest(config, thirdParty, { scope: 'openid email offline_access', prompt: 'consent' });
    const { page: loginPage } = await browser.open(request.url.toString());
    expect(loginPage.status).toBe(200);
    expect(loginPage.html).toContain('<label for="email">Votre email</label>');
    expect(loginPage.html).toContain('<label for="password">Votre mot de passe</label>');
    expect(visibleText(loginPage.html)).toContain('Impôts en ligne');

    const { page: consentPage } = await submitLogin(browser, loginPage, account.email.toUpperCase(), account.password);
    expect(visibleText(consentPage.html)).toContain('Autoriser');
    expect(visibleText(consentPage.html)).toContain('votre adresse email');
    const { leftTo: callback } = await submitConsent(browser, consentPage, 'confirm');
    expect(callback?.origin + callback!.pathname).toBe(thirdParty.redirect_uri);

    const tokens = await exchangeCode(config, callback!, request);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(account.id);
    expect(claims.sub).not.toContain('@');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.expires_in).toBeLessThanOrEqual(300);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: account.id, email: account.email, email_verified: true });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toMatchObject({ active: true, sub: account.id, client_id: thirdParty.client_id });
    await oidc.tokenRevocation(config, refreshed.access_token);
    expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toMatchObject({ active: false });

    // The rotated refresh token is dead; presenting it again is treated as theft and ends the
    // whole grant, so the newest refresh token stops working too (RFC 9700 §4.14.2).
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    // RP-initiated logout: confirmation page, then back to the registered post-logout URI,
    // and a back-channel logout token delivered to the relying party.
    const endSession = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://rp.test/bye', state: 'bye' });
    const { page: logoutPage } = await browser.open(endSession.toString());
    expect(visibleText(logoutPage.html)).toContain('Voulez-vous vous déconnecter');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(logoutPage.html)![1]!;
    const { leftTo: afterLogout } = await browser.submit(`${server.issuer}/session/end/confirm`, { xsrf, logout: 'yes' });
    expect(afterLogout?.toString()).toBe('http://rp.test/bye?state=bye');
    for (let i = 0; i < 50 && logoutTokens.length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    const { payload } = await jwtVerify(logoutTokens[0]!, createRemoteJWKSet(new URL(`${server.issuer}/jwks`)), { issuer: server.issuer, audience: thirdParty.client_id });
    expect(payload.sub).toBe(account.id);
    expect(payload.sid).toEqual(expect.any(String));

    // The session is gone: a silent request now needs a sign-in.
    const silent = await authorizationRequest(config, thirdParty, { prompt: 'none' });
    const { leftTo: silentResult } = await browser.open(silent.url.toString());
    expect(silentResult?.searchParams.get('error')).toBe('login_required');
  });

  /** A new account, and a fresh browser at `rp`'s authorization request: the sign-in page. */
  async function openSignIn(rp: RpClient, params: Record<string, string> = {}) {
    const account = await createTestAccount(server.deps);
    const config = await discover(server.issuer, rp);
    const browser = new Browser(server.issuer);
    const request = await authorizationRequest(config, rp, params);
    const { page } = await browser.open(request.url.toString());
    return { account, config, browser, request, page };
  }

  test('happy path: a first-party client skips consent, gets offline access and a pairwise subject', async () => {
    const { account, config, browser, request, page } = await openSignIn(firstParty, { scope: 'openid email offline_access', prompt: 'consent' });
    const { leftTo: callback } = await submitLogin(browser, page, account.email, account.password);
    expect(callback?.searchParams.get('code')).toEqual(expect.any(String));
    const tokens = await exchangeCode(config, callback!, request);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const sub = tokens.claims()!.sub;
    expect(sub).not.toBe(account.id);
    expect(sub).toMatch(/^[\w-]{43}$/);

    // Same account, same sector: the same pairwise subject on the next sign-in (SSO, no form).
    const again = await authorizationRequest(config, firstParty);
    const { leftTo: secondCallback } = await browser.open(again.url.toString());
    expect((await exchangeCode(config, secondCallback!, again)).claims()!.sub).toBe(sub);
  });

  /** The first-party portal's tokens for `account`, through the sign-in form unless `browser`'s session covers it. */
  async function signInToFirstParty(config: oidc.Configuration, browser: Browser, account: { email: string; password: string }, scope = 'openid email') {
    const request = await authorizationRequest(config, firstParty, { scope, ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}) });
    const { page, leftTo } = await browser.open(request.url.toString());
    const callback = leftTo?.searchParams.has('code') ? leftTo : (await submitLogin(browser, page, account.email, account.password)).leftTo;
    return exchangeCode(config, callback!, request);
  }
  const userinfo = (accessToken: string) => fetch(`${server.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });

  test('security: an access token without offline_access ends with its session, any access token with its grant', async () => {
    const account = await createTestAccount(server.deps);
    const config = await discover(server.issuer, firstParty);
    const browser = new Browser(server.issuer);
    const signIn = (scope: string) => signInToFirstParty(config, browser, account, scope);

    // Bound to the session: signing out ends it, though it has minutes left.
    const bound = await signIn('openid email');
    expect((await userinfo(bound.access_token)).status).toBe(200);
    const endSession = oidc.buildEndSessionUrl(config, { id_token_hint: bound.id_token! });
    const { page: logoutPage } = await browser.open(endSession.toString());
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(logoutPage.html)![1]!;
    await browser.submit(`${server.issuer}/session/end/confirm`, { xsrf, logout: 'yes' });
    const afterLogout = await userinfo(bound.access_token);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.headers.get('www-authenticate')).toContain('invalid_token');

    // Offline access outlives the session, not its grant.
    const offline = await signIn('openid email offline_access');
    expect((await userinfo(offline.access_token)).status).toBe(200);
    const { grantId } = (await server.deps.provider.AccessToken.find(offline.access_token))!;
    await (await server.deps.provider.Grant.find(grantId!))!.destroy();
    expect((await userinfo(offline.access_token)).status).toBe(401);
  });

  if (backend === 'sqlite') {
    const TOKEN_WITH_ITS_RECORDS = /FROM "OidcPayload" t\s+LEFT JOIN "OidcPayload" g .*\s+LEFT JOIN "OidcPayload" s .*\s+LEFT JOIN "Account" a /s;

    test('performance: a userinfo call, or a refresh, reads its token, session, grant and account in one SQL statement', async () => {
      const account = await createTestAccount(server.deps);
      const config = await discover(server.issuer, firstParty);
      const tokens = await signInToFirstParty(config, new Browser(server.issuer), account, 'openid email offline_access');

      const userinfoReads = await readsDuring(server.deps.flows.sql, async () => {
        const response = await userinfo(tokens.access_token);
        expect(await response.json()).toMatchObject({ email: account.email });
      });
      expect(userinfoReads).toEqual([expect.stringMatching(TOKEN_WITH_ITS_RECORDS)]);

      const refreshReads = await readsDuring(server.deps.flows.sql, async () => {
        const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
        expect(refreshed.claims()!.sub).toBe(tokens.claims()!.sub);
        expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      });
      expect(refreshReads).toEqual([expect.stringMatching(TOKEN_WITH_ITS_RECORDS)]);
    });
  }

  if (backend === 'postgresql+redis') {
    /** The Redis commands this test's provider sends while `action` runs ("lua": from inside a script). */
    async function redisCommandsDuring(action: () => Promise<void>): Promise<Array<{ source: string; command: string; key: string }>> {
      const prefix = storage.env['REDIS_PREFIX']!;
      const redis = new Redis(storage.env['REDIS_URL']!);
      const monitor = await redis.monitor();
      const calls: Array<{ source: string; command: string; key: string }> = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        const key = args.find((arg) => arg.startsWith(prefix));
        if (key) calls.push({ source, command: args[0]!.toLowerCase(), key: key.slice(prefix.length) });
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await action();
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        monitor.disconnect();
        redis.disconnect();
      }
      return calls;
    }

    test('performance: a userinfo call reads its token, session and grant from Redis in one round trip', async () => {
      const account = await createTestAccount(server.deps);
      const tokens = await signInToFirstParty(await discover(server.issuer, firstParty), new Browser(server.issuer), account);

      const calls = await redisCommandsDuring(async () => {
        const response = await userinfo(tokens.access_token);
        expect(await response.json()).toMatchObject({ email: account.email });
      });
      const roundTrips = calls.filter((call) => call.source !== 'lua');
      expect(roundTrips).toEqual([{ source: expect.any(String), command: 'evalsha', key: expect.stringMatching(/^AccessToken:/) }]);
      // Inside it: the token, its grant, the session's index and the session.
      expect(calls.filter((call) => call.source === 'lua').map((call) => call.command)).toEqual(['hgetall', 'hgetall', 'get', 'hgetall']);
    });

    test('performance: submitting the sign-in form reads the interaction once, and so does the return to the authorization endpoint', async () => {
      const { account, browser, page } = await openSignIn(firstParty);

      let callback: URL | undefined;
      const calls = await redisCommandsDuring(async () => {
        callback = (await submitLogin(browser, page, account.email, account.password)).leftTo;
      });
      expect(callback?.searchParams.has('code')).toBe(true);
      const interactionReads = calls.filter((call) => call.command === 'hgetall' && call.key.startsWith('Interaction:'));
      expect(interactionReads).toHaveLength(2);
    });
  }

  test('sad path: "Refuser" returns access_denied to the relying party', async () => {
    const { account, browser, request, page } = await openSignIn(thirdParty);
    const { page: consentPage } = await submitLogin(browser, page, account.email, account.password);
    const { leftTo: callback } = await submitConsent(browser, consentPage, 'abort');
    expect(callback?.searchParams.get('error')).toBe('access_denied');
    expect(callback?.searchParams.get('state')).toBe(request.state);
  });
});
