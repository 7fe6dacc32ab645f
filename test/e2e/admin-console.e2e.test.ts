// The admin console (issue 5 §3): only admins get in; they register a relying party that then
// completes a code flow, rotate its secret, support citizens, read the audit log, rotate keys.
import { describe, expect, test } from '@jest/globals';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText, type Page } from '../support/browser.js';
import { createTestAccount } from '../support/factories.js';
import { authorizationRequest, discover, exchangeCode, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

const backends = await availableBackends();

describe.each(backends)('admin console on %s', (backend) => {
  const suite = serverForSuite(backend, { mail: true, env: { LOCKOUT_THRESHOLD: '2' } });

  async function signedInAs(email: string, password: string, path = '/admin'): Promise<{ browser: Browser; page: Page }> {
    const browser = new Browser(suite.server.url);
    const { page: signIn } = await browser.open(path);
    const { page } = await browser.fill(signIn, '/login', { email, password });
    return { browser, page };
  }

  async function admin() {
    const account = await createTestAccount(suite.server.deps);
    await suite.server.deps.db.account.update({ where: { id: account.id }, data: { isAdmin: true } });
    return signedInAs(account.email, account.password);
  }

  async function codeFlow(rp: RpClient, email: string, password: string) {
    const config = await discover(suite.server.issuer, rp);
    const request = await authorizationRequest(config, rp);
    const browser = new Browser(suite.server.url);
    const { page } = await browser.open(request.url.toString());
    const { page: consent, leftTo } = await browser.fill(page, '/login', { email, password });
    const callback = leftTo ?? (await browser.fill(consent, '/confirm', {})).leftTo;
    return { config, tokens: await exchangeCode(config, callback!, request) };
  }

  test('anonymous visitors are sent to sign in; citizens get 403 everywhere under /admin', async () => {
    const anonymous = await new Browser(suite.server.url).get('/admin/clients');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toContain('client_id=passerelle-account');

    const citizen = await createTestAccount(suite.server.deps);
    const { browser, page } = await signedInAs(citizen.email, citizen.password);
    expect(page.status).toBe(403);
    for (const path of ['/admin/clients', '/admin/users?q=example', '/admin/audit', '/admin/keys', `/admin/users/${citizen.id}`]) {
      expect((await browser.get(path)).status).toBe(403);
    }
    const { page: form } = await browser.open('/account/email');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.html)![1]!;
    const before = await suite.server.deps.db.oidcPayload.count({ where: { type: 'Client' } });
    expect((await browser.post('/admin/clients', { _csrf: csrf, name: 'Intrus', redirectUris: 'http://evil.test/cb' })).status).toBe(403);
    expect((await browser.post('/admin/keys/rotate', { _csrf: csrf })).status).toBe(403);
    expect(await suite.server.deps.db.oidcPayload.count({ where: { type: 'Client' } })).toBe(before);
  });

  test('a client created in the console completes a code flow; its secret rotates; it can be deleted', async () => {
    const { browser, page } = await admin();
    expect(visibleText(page.html)).toContain('Administration');
    const { page: list } = await browser.open('/admin/clients');
    const { page: created } = await browser.fill(list, '/admin/clients', {
      name: 'Espace Factures', redirectUris: 'http://factures.test/cb', clientUri: 'http://factures.test/', firstParty: 'yes',
    });
    expect(created.status).toBe(200);
    const clientId = /id="client-id">([^<]+)</.exec(created.html)![1]!;
    const secret = /id="client-secret">([^<]+)</.exec(created.html)![1]!;
    expect(secret.length).toBeGreaterThanOrEqual(43);

    const citizen = await createTestAccount(suite.server.deps);
    const rp: RpClient = { client_id: clientId, client_secret: secret, redirect_uri: 'http://factures.test/cb' };
    expect((await codeFlow(rp, citizen.email, citizen.password)).tokens.claims()!.sub).toBe(citizen.id);

    const { page: edit } = await browser.open(`/admin/clients/${clientId}`);
    const { page: rotated } = await browser.fill(edit, '/rotate-secret', {});
    const newSecret = /id="client-secret">([^<]+)</.exec(rotated.html)![1]!;
    expect(newSecret).not.toBe(secret);
    await expect(codeFlow(rp, citizen.email, citizen.password)).rejects.toBeDefined();
    expect((await codeFlow({ ...rp, client_secret: newSecret }, citizen.email, citizen.password)).tokens.access_token).toBeTruthy();

    const { page: editAgain } = await browser.open(`/admin/clients/${clientId}`);
    const { page: renamed } = await browser.fill(editAgain, `/admin/clients/${clientId}`, {
      name: 'Factures en ligne', redirectUris: 'http://factures.test/cb\nhttp://factures.test/cb2', postLogoutUris: '', clientUri: 'http://factures.test/', firstParty: 'yes',
    });
    expect(visibleText(renamed.html)).toContain('Factures en ligne');
    const { page: badEdit } = await browser.fill(editAgain, `/admin/clients/${clientId}`, { name: 'X', redirectUris: 'javascript:alert(1)' });
    expect(badEdit.status).toBe(400);

    const { page: deleteForm } = await browser.open(`/admin/clients/${clientId}`);
    await browser.fill(deleteForm, '/delete', {});
    expect(await suite.server.deps.provider.Client.find(clientId)).toBeUndefined();
  });

  test('console forms refuse a missing CSRF token and bad input', async () => {
    const { browser } = await admin();
    const before = await suite.server.deps.db.oidcPayload.count({ where: { type: 'Client' } });
    expect((await browser.post('/admin/clients', { name: 'Sans jeton', redirectUris: 'http://x.test/cb' })).status).toBe(403);
    const { page: list } = await browser.open('/admin/clients');
    const { page: noName } = await browser.fill(list, '/admin/clients', { name: '', redirectUris: 'http://x.test/cb' });
    expect(noName.status).toBe(400);
    const { page: badUri } = await browser.fill(list, '/admin/clients', { name: 'X', redirectUris: 'not a url' });
    expect(badUri.status).toBe(400);
    expect(await suite.server.deps.db.oidcPayload.count({ where: { type: 'Client' } })).toBe(before);
    expect((await browser.get('/admin/audit?since=yesterday-ish')).status).toBe(400);
    expect((await browser.get('/admin/users/not-an-id')).status).toBe(404);
  });

  test('user support: find, unlock, disable, enable, resend activation', async () => {
    const { browser } = await admin();
    const citizen = await createTestAccount(suite.server.deps);
    await suite.server.deps.db.account.update({ where: { id: citizen.id }, data: { status: 'locked', lockedUntil: new Date(Date.now() + 3_600_000) } });

    const { page: results } = await browser.open(`/admin/users?q=${encodeURIComponent(citizen.email.slice(0, 12))}`);
    expect(visibleText(results.html)).toContain(citizen.email);
    const { page: detail } = await browser.open(`/admin/users/${citizen.id}`);
    expect(visibleText(detail.html)).toContain('verrouillé');
    const { page: unlocked } = await browser.fill(detail, '/unlock', {});
    expect(visibleText(unlocked.html)).toContain('Le compte a été déverrouillé.');
    expect((await suite.server.deps.db.account.findUniqueOrThrow({ where: { id: citizen.id } })).status).toBe('active');

    const { page: disabled } = await browser.fill(unlocked, '/disable', {});
    expect(visibleText(disabled.html)).toContain('désactivé');
    const signIn = await signedInAs(citizen.email, citizen.password, '/account');
    expect(signIn.page.status).toBe(401);
    const { page: enabled } = await browser.fill(disabled, '/enable', {});
    expect(visibleText(enabled.html)).toContain('Le compte a été réactivé.');

    const pending = await createTestAccount(suite.server.deps, { status: 'pending' });
    const { page: pendingPage } = await browser.open(`/admin/users/${pending.id}`);
    await browser.fill(pendingPage, '/resend-activation', {});
    expect((await suite.mail.waitFor(pending.email)).subject).toBe('Activez votre compte NC Connect');
  });

  test('the audit log filters by type and account', async () => {
    const { browser } = await admin();
    const citizen = await createTestAccount(suite.server.deps);
    await signedInAs(citizen.email, 'Wrong-Password-1', '/account');
    const { page } = await browser.open(`/admin/audit?account=${encodeURIComponent(citizen.email)}&type=sign_in.`);
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('sign_in.failed');
    expect(visibleText(page.html)).toContain(citizen.id);
    expect(visibleText(page.html)).not.toContain('client.created');
  });

  test('key rotation from the console: old tokens still validate, new ones use the next key', async () => {
    const citizen = await createTestAccount(suite.server.deps);
    const rp = { client_id: 'rotation-rp', client_secret: 'rotation-secret-0123456789abcdef0123456789', redirect_uri: 'http://rotation.test/cb' };
    const { browser } = await admin();
    const { page: list } = await browser.open('/admin/clients');
    const { page: created } = await browser.fill(list, '/admin/clients', { name: 'Rotation', redirectUris: rp.redirect_uri, firstParty: 'yes' });
    rp.client_id = /id="client-id">([^<]+)</.exec(created.html)![1]!;
    rp.client_secret = /id="client-secret">([^<]+)</.exec(created.html)![1]!;

    const before = (await codeFlow(rp, citizen.email, citizen.password)).tokens.id_token!;
    const { page: keys } = await browser.open('/admin/keys');
    const nextKids = [...keys.html.matchAll(/<code>([^<]+)<\/code><\/td><td>(ES256|RS256)<\/td><td>suivante/g)].map((m) => m[1]);
    expect(nextKids).toHaveLength(2);
    const { page: rotated } = await browser.fill(keys, '/admin/keys/rotate', {});
    expect(visibleText(rotated.html)).toContain('Les clés ont tourné');

    const after = (await codeFlow(rp, citizen.email, citizen.password)).tokens.id_token!;
    expect(nextKids).toContain(decodeProtectedHeader(after).kid);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    const jwks = createRemoteJWKSet(new URL(`${suite.server.issuer}/jwks`));
    await expect(jwtVerify(before, jwks, { issuer: suite.server.issuer, audience: rp.client_id })).resolves.toBeDefined();
    await expect(jwtVerify(after, jwks, { issuer: suite.server.issuer, audience: rp.client_id })).resolves.toBeDefined();
  });
});
