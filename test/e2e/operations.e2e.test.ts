// Operating the service (issue 5 §4–6): dynamic registration behind initial access tokens,
// /metrics in Prometheus format, and logs that never hold a secret.
import { describe, expect, test } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { issueInitialAccessToken } from '../../src/clients/client-admin.js';
import { createLogger } from '../../src/log.js';
import { Browser, visibleText } from '../support/browser.js';
import { createTestAccount, uniqueEmail } from '../support/factories.js';
import { codeIn, linkIn } from '../support/mail-catcher.js';
import { authorizationRequest, discover, exchangeCode, oidc, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

const registration = (issuer: string, token: string | undefined, body: Record<string, unknown>) => fetch(`${issuer}/reg`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

describe('dynamic client registration (RFC 7591/7592)', () => {
  const suite = serverForSuite('sqlite', { env: { DYNAMIC_REGISTRATION: 'true' } });
  const off = serverForSuite('sqlite');
  const metadata = { client_name: 'Portail dynamique', redirect_uris: ['http://dyn.test/cb'], grant_types: ['authorization_code'], response_types: ['code'] };

  const initialToken = () => issueInitialAccessToken({ db: suite.server.deps.db, now: suite.server.deps.flows.now, audit: suite.server.deps.flows.audit, provider: () => suite.server.deps.provider, clients: suite.server.deps.clients, storedClients: suite.server.deps.storedClients }, 3600, 'test');

  test('off by default: no registration endpoint', async () => {
    expect((await registration(off.server.issuer, undefined, metadata)).status).toBe(404);
    const discovery = await (await fetch(`${off.server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(discovery['registration_endpoint']).toBeUndefined();
  });

  test('refused without an initial access token, or with a forged one', async () => {
    expect((await registration(suite.server.issuer, undefined, metadata)).status).toBe(401);
    expect((await registration(suite.server.issuer, 'forged-token', metadata)).status).toBe(401);
  });

  test('with an initial access token: registered, usable for a code flow, readable with its registration token', async () => {
    const response = await registration(suite.server.issuer, await initialToken(), metadata);
    expect(response.status).toBe(201);
    const client = await response.json() as { client_id: string; client_secret: string; registration_access_token: string; registration_client_uri: string };
    const account = await createTestAccount(suite.server.deps);
    const rp: RpClient = { client_id: client.client_id, client_secret: client.client_secret, redirect_uri: 'http://dyn.test/cb' };
    const config = await discover(suite.server.issuer, rp);
    const request = await authorizationRequest(config, rp);
    const browser = new Browser(suite.server.url);
    const { page } = await browser.open(request.url.toString());
    const { page: consent } = await browser.fill(page, '/login', { email: account.email, password: account.password });
    expect(visibleText(consent.html)).toContain('Autoriser'); // a registered client is never first-party
    const { leftTo } = await browser.fill(consent, '/confirm', {});
    expect((await exchangeCode(config, leftTo!, request)).claims()!.sub).toBe(account.id);

    const read = await fetch(client.registration_client_uri, { headers: { authorization: `Bearer ${client.registration_access_token}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { client_name: string }).client_name).toBe('Portail dynamique');
  });

  test('a registration cannot make itself first-party', async () => {
    const response = await registration(suite.server.issuer, await initialToken(), { ...metadata, first_party: true });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client_metadata');
  });
});

describe('metrics and logs', () => {
  const logLines: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const portal: RpClient = { client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef0123456789abcd', redirect_uri: 'http://rp.test/callback' };
  const suite = serverForSuite('sqlite', {
    mail: true,
    env: { METRICS_TOKEN: 'metrics-token-0123456789' },
    overrides: { log: createLogger('debug', sink) },
    clients: [{ client_id: portal.client_id, client_secret: portal.client_secret, redirect_uris: [portal.redirect_uri], first_party: true, grant_types: ['authorization_code', 'refresh_token'] }],
  });

  const scrape = async () => {
    const response = await fetch(`${suite.server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  /** The value of one sample of the Prometheus text format, 0 when absent. */
  const sample = (text: string, name: string, labels = '') => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  test('/metrics needs METRICS_TOKEN when set, and parses as Prometheus text', async () => {
    expect((await fetch(`${suite.server.url}/metrics`)).status).toBe(401);
    const text = await scrape();
    for (const line of text.split('\n').filter(Boolean)) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-zA-Z_:][\w:]* .+|[a-zA-Z_:][\w:]*(\{[^}]*\})? [-+0-9.eEInfa]+)$/);
    }
    expect(text).toContain('# TYPE passerelle_sign_ins_total counter');
    expect(text).toContain('# TYPE passerelle_http_request_duration_seconds histogram');
  });

  test("the provider's API endpoints (token, userinfo, introspection) answer with a request id, the security headers, a log line and a metrics sample", async () => {
    const account = await createTestAccount(suite.server.deps);
    const config = await discover(suite.server.issuer, portal);
    const request = await authorizationRequest(config, portal, { scope: 'openid email' });
    const browser = new Browser(suite.server.url);
    const { page } = await browser.open(request.url.toString());
    const { leftTo } = await browser.fill(page, '/login', { email: account.email, password: account.password });
    const tokens = await exchangeCode(config, leftTo!, request);
    const before = await scrape();

    const basic = `Basic ${Buffer.from(`${portal.client_id}:${portal.client_secret}`).toString('base64')}`;
    const answers = [
      await fetch(`${suite.server.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      await fetch(`${suite.server.url}/token/introspection`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${tokens.access_token}` }),
      await fetch(`${suite.server.url}/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=spent' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 400]);
    expect(((await answers[0]!.json()) as { sub: string }).sub).toBe(account.id);
    expect(((await answers[1]!.json()) as { active: boolean }).active).toBe(true);
    expect(((await answers[2]!.json()) as { error: string }).error).toBe('invalid_grant');
    for (const answer of answers) {
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      const requestId = answer.headers.get('x-request-id')!;
      expect(logLines.some((line) => line.includes('"msg":"request"') && line.includes(requestId))).toBe(true);
    }
    const after = await scrape();
    for (const [method, route, status] of [['GET', '/me', '2xx'], ['POST', '/token/introspection', '2xx'], ['POST', '/token', '4xx']]) {
      const labels = `{method="${method}",route="${route}",status="${status}"}`;
      expect(sample(after, 'passerelle_http_request_duration_seconds_count', labels)).toBe(sample(before, 'passerelle_http_request_duration_seconds_count', labels) + 1);
    }
  });

  test('what a route logs carries the request id of its answer', async () => {
    const answer = await fetch(`${suite.server.url}/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(portal.redirect_uri)}`);
    expect(answer.status).toBe(400);
    const requestId = answer.headers.get('x-request-id')!;
    const routeLine = logLines.find((line) => line.includes('"msg":"protocol error page"') && line.includes(`"requestId":"${requestId}"`));
    expect(routeLine).toContain('"detail":"invalid_client"');
    expect(logLines.filter((line) => line.includes('"msg":"request"') && line.includes(`"requestId":"${requestId}"`))).toHaveLength(1);
  });

  test('a full flow is counted, and its logs hold no password, token, code or email', async () => {
    const before = await scrape();
    const password = 'Journal-Secret-2026';
    const email = uniqueEmail('journal');
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/register');
    await browser.fill(form, '/register', { email, emailConfirm: email, password, passwordConfirm: password, acceptTerms: 'yes' });
    const activation = linkIn(await suite.mail.waitFor(email), `${suite.server.issuer}/activate?token=`);
    await browser.open(activation);
    const config = await discover(suite.server.issuer, portal);
    const request = await authorizationRequest(config, portal, { scope: 'openid email offline_access', prompt: 'consent' });
    const { page } = await browser.open(request.url.toString());
    const { leftTo } = await browser.fill(page, '/login', { email, password });
    const tokens = await exchangeCode(config, leftTo!, request);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const { page: forgot } = await browser.open('/password/forgot');
    await browser.fill(forgot, '/password/forgot', { email });
    const resetMail = await suite.mail.waitFor(email, 2);

    const after = await scrape();
    expect(sample(after, 'passerelle_sign_ins_total', '{result="success"}')).toBe(sample(before, 'passerelle_sign_ins_total', '{result="success"}') + 1);
    expect(sample(after, 'passerelle_registrations_total')).toBe(sample(before, 'passerelle_registrations_total') + 1);
    expect(sample(after, 'passerelle_tokens_issued_total', '{grant_type="authorization_code"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'passerelle_tokens_issued_total', '{grant_type="refresh_token"}')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/passerelle_http_request_duration_seconds_count\{method="POST",route="\/register",status="2xx"\} \d+/);

    const logs = logLines.join('\n');
    expect(logLines.some((line) => line.includes('"msg":"request"') && line.includes('"requestId"'))).toBe(true);
    const secrets = [password, email, tokens.access_token, tokens.refresh_token!, tokens.id_token!, refreshed.access_token, leftTo!.searchParams.get('code')!,
      new URL(activation).searchParams.get('token')!, codeIn(resetMail), new URL(linkIn(resetMail, `${suite.server.issuer}/password/reset?token=`)).searchParams.get('token')!, portal.client_secret];
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
