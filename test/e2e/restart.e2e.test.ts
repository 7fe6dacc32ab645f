// Sessions, grants and refresh tokens live in the database (or Redis), not in the process:
// a restart signs nobody out.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { availableBackends } from '../support/backends.js';
import { Browser } from '../support/browser.js';
import { createTestAccount } from '../support/factories.js';
import { authorizationRequest, discover, exchangeCode, oidc, submitLogin, type RpClient } from '../support/relying-party.js';
import { createTestStorage, freePort, startTestServer, type TestServer, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();
const client: RpClient = { client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef0123456789ab', redirect_uri: 'http://portal.test/cb' };
const clients = [{ client_id: client.client_id, client_secret: client.client_secret, redirect_uris: [client.redirect_uri], grant_types: ['authorization_code', 'refresh_token'], first_party: true }];

describe.each(backends)('restart on %s', (backend) => {
  let storage: TestStorage;
  let server: TestServer | undefined;

  beforeAll(async () => { storage = await createTestStorage(backend); });
  afterAll(async () => { await server?.stop(); await storage?.dispose(); });

  test('happy path: after a restart the session still answers prompt=none and the refresh token still works', async () => {
    const port = await freePort();
    server = await startTestServer(storage, { clients, port });
    const account = await createTestAccount(server.deps);
    const browser = new Browser(server.issuer);
    let config = await discover(server.issuer, client);
    const request = await authorizationRequest(config, client, { scope: 'openid email offline_access', prompt: 'consent' });
    const { page } = await browser.open(request.url.toString());
    const { leftTo: callback } = await submitLogin(browser, page, account.email, account.password);
    const tokens = await exchangeCode(config, callback!, request);
    const jwks = await (await fetch(`${server.issuer}/jwks`)).json();

    await server.stop();
    server = await startTestServer(storage, { clients, port });
    config = await discover(server.issuer, client);

    expect(await (await fetch(`${server.issuer}/jwks`)).json()).toEqual(jwks); // signing keys kept
    const silent = await authorizationRequest(config, client, { prompt: 'none' });
    const { leftTo: silentCallback } = await browser.open(silent.url.toString());
    expect(silentCallback?.searchParams.get('code')).toEqual(expect.any(String));
    expect((await exchangeCode(config, silentCallback!, silent)).claims()!.sub).toBe(account.id);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(await oidc.fetchUserInfo(config, refreshed.access_token, account.id)).toMatchObject({ email: account.email });
  });
});
