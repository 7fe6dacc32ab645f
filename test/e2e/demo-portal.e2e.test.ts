// The demo relying party (issue 6 §4): "S'identifier avec NC Connect", the claims it received,
// and sign-out, against a real provider.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Server } from 'node:http';
import { saveClient } from '../../src/clients/client-registry.js';
import { createDemoPortal } from '../../src/demo/demo-portal.js';
import { Browser, visibleText } from '../support/browser.js';
import { createTestAccount } from '../support/factories.js';
import { serverForSuite } from '../support/suite.js';
import { freePort } from '../support/test-server.js';

describe('demo portal', () => {
  const suite = serverForSuite('sqlite');
  let portal: Server;
  let portalUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    portalUrl = `http://127.0.0.1:${port}`;
    const clientSecret = 'demo-secret-0123456789abcdef0123456789abcdef';
    await saveClient(suite.server.deps.clients, {
      client_id: 'demo-portal', client_secret: clientSecret, client_name: 'Vos démarches en ligne (démo)',
      redirect_uris: [`${portalUrl}/callback`], post_logout_redirect_uris: [`${portalUrl}/`], first_party: true,
    });
    const app = await createDemoPortal({ issuer: suite.server.issuer, clientId: 'demo-portal', clientSecret, url: portalUrl, brand: 'NC Connect' });
    portal = app.listen(port);
  });

  afterAll(() => { portal?.closeAllConnections(); portal?.close(); });

  test('sign in from the portal, see the claims, sign out', async () => {
    const account = await createTestAccount(suite.server.deps);
    const atPortal = new Browser(portalUrl);
    const atProvider = new Browser(suite.server.url);
    const home = await atPortal.get('/');
    expect(visibleText(home.html)).toContain("S'identifier avec NC Connect");

    // Follow the hops by hand: the portal and the provider are two origins with their own cookies.
    const toProvider = await atPortal.get('/login');
    const { page: signIn } = await atProvider.open(toProvider.headers.get('location')!);
    expect(visibleText(signIn.html)).toContain('Vos démarches en ligne (démo)');
    const { leftTo: callback } = await atProvider.fill(signIn, '/login', { email: account.email, password: account.password });
    const back = await atPortal.get(`${callback!.pathname}${callback!.search}`);
    expect(back.status).toBe(302);
    const signedIn = await atPortal.get('/');
    expect(visibleText(signedIn.html)).toContain(account.email);
    expect(visibleText(signedIn.html)).toContain(account.id);

    const toLogout = await atPortal.get('/logout');
    const { page: confirm } = await atProvider.open(toLogout.headers.get('location')!);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)![1]!;
    const { leftTo: afterLogout } = await atProvider.submit('/session/end/confirm', { xsrf, logout: 'yes' });
    expect(afterLogout?.toString()).toBe(`${portalUrl}/`);
    expect(visibleText((await atPortal.get('/')).html)).toContain("S'identifier avec NC Connect");
  });
});
