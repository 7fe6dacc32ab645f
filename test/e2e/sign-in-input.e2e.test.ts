// What the sign-in page does with bad input, scripted attacks and unusual clients.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import argon2 from 'argon2';
import { createAccount } from '../../src/accounts/account.repository.js';
import { availableBackends } from '../support/backends.js';
import { Browser, formAction, hiddenInput, visibleText } from '../support/browser.js';
import { createTestAccount, uniqueEmail } from '../support/factories.js';
import { authorizationRequest, discover, oidc, submitLogin, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';
import { createTestStorage, startTestServer, type TestServer, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();
const web: RpClient = { client_id: 'web', client_secret: 'web-secret-0123456789abcdef0123456789abcdef', redirect_uri: 'http://web.test/cb' };
const spa: RpClient = { client_id: 'spa', redirect_uri: 'http://spa.test/cb' };
const machine = { client_id: 'batch', client_secret: 'batch-secret-0123456789abcdef0123456789abcd' };

describe.each(backends)('sign-in input on %s', (backend) => {
  let storage: TestStorage;
  let server: TestServer;

  beforeAll(async () => {
    storage = await createTestStorage(backend);
    server = await startTestServer(storage, {
      clients: [
        { client_id: web.client_id, client_secret: web.client_secret, redirect_uris: [web.redirect_uri], client_name: 'Web', first_party: true },
        { client_id: spa.client_id, redirect_uris: [spa.redirect_uri], token_endpoint_auth_method: 'none', first_party: true },
        { client_id: machine.client_id, client_secret: machine.client_secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
      ],
    });
  });
  afterAll(async () => { await server?.stop(); await storage?.dispose(); });

  async function openLogin(client: RpClient = web) {
    const browser = new Browser(server.issuer);
    const config = await discover(server.issuer, client);
    const request = await authorizationRequest(config, client);
    const { page } = await browser.open(request.url.toString());
    return { browser, page };
  }

  test('sad path: a wrong password and an unknown email give the same status and the same words', async () => {
    const account = await createTestAccount(server.deps);
    const wrong = await openLogin();
    const { page: wrongPage } = await submitLogin(wrong.browser, wrong.page, account.email, 'Not-The-Password-1');
    const unknown = await openLogin();
    const { page: unknownPage } = await submitLogin(unknown.browser, unknown.page, account.email, 'Not-The-Password-1');
    const other = await openLogin();
    const { page: otherPage } = await submitLogin(other.browser, other.page, uniqueEmail('nobody'), 'Not-The-Password-1');
    expect(wrongPage.status).toBe(401);
    expect(otherPage.status).toBe(wrongPage.status);
    expect(visibleText(wrongPage.html)).toContain('Email ou mot de passe incorrect.');
    const withoutEmail = (page: { html: string }, email: string) => visibleText(page.html).replace(email, '<email>');
    expect(withoutEmail(otherPage, /value="([^"]*)"/.exec(otherPage.html.split('name="email"')[1] ?? '')?.[1] ?? '')).toBe(withoutEmail(wrongPage, account.email));
    expect(unknownPage.status).toBe(401);
  });

  test('sad path: locked and disabled accounts get the same generic failure; a pending one is asked to activate', async () => {
    for (const status of ['locked', 'disabled'] as const) {
      const account = await createTestAccount(server.deps, { status });
      const { browser, page } = await openLogin();
      const { page: result } = await submitLogin(browser, page, account.email, account.password);
      expect(result.status).toBe(401);
      expect(visibleText(result.html)).toContain('Email ou mot de passe incorrect.');
    }
    const pending = await createTestAccount(server.deps, { status: 'pending' });
    const { browser, page } = await openLogin();
    const { page: result } = await submitLogin(browser, page, pending.email, pending.password);
    expect(visibleText(result.html)).toContain('Veuillez activer votre compte');
    expect(visibleText(result.html)).toContain(pending.email);
  });

  test('sad path: oversized fields get a 413 page with a message and sign nobody in', async () => {
    const account = await createTestAccount(server.deps);
    const { browser, page } = await openLogin();
    const action = formAction(page.html, '/login');
    const csrf = hiddenInput(page.html, '_csrf');
    const tooLongPassword = await browser.submit(action, { _csrf: csrf, email: account.email, password: 'x'.repeat(300) });
    expect(tooLongPassword.page.status).toBe(413);
    expect(visibleText(tooLongPassword.page.html)).toContain('Les informations saisies sont trop longues.');
    const hugeBody = await browser.submit(action, { _csrf: csrf, email: 'a'.repeat(40_000), password: 'x' });
    expect(hugeBody.page.status).toBe(413);
    expect(visibleText(hugeBody.page.html)).toContain('Les informations saisies sont trop longues.');
    const stored = await server.deps.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.lastLoginAt).toBeNull();
    expect(await server.deps.db.auditEvent.count({ where: { accountId: account.id, type: 'sign_in.succeeded' } })).toBe(0);
  });

  test('sad path: a form without its CSRF token is refused with 403 and signs nobody in', async () => {
    const account = await createTestAccount(server.deps);
    const { browser, page } = await openLogin();
    const action = formAction(page.html, '/login');
    const missing = await browser.post(action, { email: account.email, password: account.password });
    expect(missing.status).toBe(403);
    expect(visibleText(missing.html)).toContain('Le formulaire a expiré');
    const forged = await browser.post(action, { _csrf: 'forged', email: account.email, password: account.password });
    expect(forged.status).toBe(403);
    expect((await server.deps.db.account.findUniqueOrThrow({ where: { id: account.id } })).lastLoginAt).toBeNull();
  });

  test('sad path: a public client must use PKCE', async () => {
    const config = await discover(server.issuer, spa);
    const withoutPkce = oidc.buildAuthorizationUrl(config, { redirect_uri: spa.redirect_uri, scope: 'openid', state: 's' });
    const { leftTo } = await new Browser(server.issuer).open(withoutPkce.toString());
    expect(leftTo?.searchParams.get('error')).toBe('invalid_request');
    expect(leftTo?.searchParams.get('error_description')).toMatch(/PKCE/);
    const withPkce = await authorizationRequest(config, spa);
    const { page } = await new Browser(server.issuer).open(withPkce.url.toString());
    expect(page.status).toBe(200);
  });

  test('happy path: client_credentials works for a client that declares it, and only for it', async () => {
    const machineConfig = await discover(server.issuer, { ...machine, redirect_uri: '' });
    const token = await oidc.clientCredentialsGrant(machineConfig);
    expect(token.access_token).toEqual(expect.any(String));
    expect(await oidc.tokenIntrospection(machineConfig, token.access_token)).toMatchObject({ active: true, client_id: machine.client_id });
    const webConfig = await discover(server.issuer, web);
    await expect(oidc.clientCredentialsGrant(webConfig)).rejects.toMatchObject({ error: 'invalid_request', error_description: 'requested grant type is not allowed for this client' });
  });

  test('sad path: an expired or unknown interaction shows a readable page, not a server error', async () => {
    const page = await new Browser(server.issuer).get('/interaction/unknown-uid');
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toContain('Cette demande de connexion a expiré');
  });
});

describe('argon2 parameters', () => {
  const upgradeClient: RpClient = { client_id: 'upgrade', client_secret: 'upgrade-secret-0123456789abcdef0123456789ab', redirect_uri: 'http://upgrade.test/cb' };
  const suite = serverForSuite('sqlite', {
    env: { ARGON2_MEMORY_KIB: '12288', ARGON2_TIME_COST: '3' },
    clients: [{ client_id: upgradeClient.client_id, client_secret: upgradeClient.client_secret, redirect_uris: [upgradeClient.redirect_uri], first_party: true }],
  });

  test('come from the configuration, and an old hash is upgraded at the next successful sign-in', async () => {
    const oldHash = await argon2.hash('Ancien-Format-2026', { type: argon2.argon2id, memoryCost: 8192, timeCost: 2, parallelism: 1 });
    const account = await createAccount(suite.server.deps.db, { email: uniqueEmail('rehash'), passwordHash: oldHash, status: 'active', emailVerifiedAt: new Date() });
    const config = await discover(suite.server.issuer, upgradeClient);
    const browser = new Browser(suite.server.url);
    const { page } = await browser.open((await authorizationRequest(config, upgradeClient)).url.toString());
    await browser.fill(page, '/login', { email: account.email, password: 'Ancien-Format-2026' });
    const upgraded = (await suite.server.deps.db.account.findUniqueOrThrow({ where: { id: account.id } })).passwordHash;
    expect(upgraded).not.toBe(oldHash);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=12288,t=3,p=1\$/); // @node-rs/argon2's PHC string
    expect(await argon2.verify(upgraded, 'Ancien-Format-2026')).toBe(true);
  });
});
