// Back-channel logout to a relying party on a network the operator has not allowed: the notice
// is not sent (SSRF rule, src/oidc/outbound-fetch.ts), the citizen's logout still completes, and
// the operator sees the missed notice in the log. (Delivery to an allowed network: code-flow and
// account-console tests.)
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { Browser } from '../support/browser.js';
import { createTestAccount } from '../support/factories.js';
import { authorizationRequest, discover, submitLogin, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

describe('back-channel logout to a network that is not allowed', () => {
  const notices: string[] = [];
  const receiver = http.createServer((req, res) => {
    notices.push(req.url ?? '');
    res.writeHead(200).end();
  });
  beforeAll(() => new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve())));
  afterAll(() => { receiver.closeAllConnections(); receiver.close(); });

  const logLines: Array<Record<string, unknown>> = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)));
  const portal: RpClient = { client_id: 'intranet-portal', client_secret: 'intranet-secret-0123456789abcdef0123456789ab', redirect_uri: 'http://rp.test/callback' };
  const suite = serverForSuite('sqlite', () => ({
    overrides: { log: createLogger('warn', sink) },
    clients: [{
      client_id: portal.client_id, client_secret: portal.client_secret, redirect_uris: [portal.redirect_uri], first_party: true,
      backchannel_logout_uri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`,
    }],
  }));

  test('the notice is refused and logged, the logout completes', async () => {
    const { server } = suite;
    const account = await createTestAccount(server.deps);
    const browser = new Browser(server.issuer);
    const { page: loginPage } = await browser.open((await authorizationRequest(await discover(server.issuer, portal), portal)).url.toString());
    const { leftTo } = await submitLogin(browser, loginPage, account.email, account.password);
    expect(leftTo?.searchParams.get('code')).toEqual(expect.any(String));

    const { page: logoutPage } = await browser.open(`${server.issuer}/session/end`);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(logoutPage.html)![1]!;
    const { page: after } = await browser.submit(`${server.issuer}/session/end/confirm`, { xsrf, logout: 'yes' });
    expect(after.status).toBe(200);

    const missed = logLines.find((line) => line['msg'] === 'back-channel logout notice not delivered');
    expect(missed).toMatchObject({ level: 40, clientId: portal.client_id });
    expect(JSON.stringify(missed)).toContain('special-use address outside OUTBOUND_ALLOWED_NETWORKS');
    expect(notices).toEqual([]);
  });
});
