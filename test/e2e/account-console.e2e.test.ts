// "Mon compte" (SPEC §6, issue 4) end to end: sign-in through the provider, email change,
// password change, sessions, connected services, deletion — on SQLite and PostgreSQL + Redis.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText, type Page } from '../support/browser.js';
import { createTestAccount, uniqueEmail } from '../support/factories.js';
import { linkIn } from '../support/mail-catcher.js';
import { authorizationRequest, discover, exchangeCode, oidc, submitConsent, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

const backends = await availableBackends();
const NEW_PASSWORD = 'Nouveau-Depart-77';

describe.each(backends)('account console on %s', (backend) => {
  const portal: RpClient = { client_id: 'tax-portal', client_secret: 'tax-portal-secret-0123456789abcdef0123456789', redirect_uri: 'http://rp.test/callback' };
  // A relying party registered for back-channel logout: it hears when the citizen signs out.
  const logoutTokens: string[] = [];
  const logoutReceiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; }).on('end', () => {
      logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  beforeAll(() => new Promise<void>((resolve) => logoutReceiver.listen(0, '127.0.0.1', () => resolve())));
  afterAll(() => { logoutReceiver.closeAllConnections(); logoutReceiver.close(); });

  const suite = serverForSuite(backend, () => ({
    mail: true,
    // The relying party's back-channel endpoint is on this machine: a network the operator allows.
    env: { OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' },
    clients: [{
      client_id: portal.client_id, client_secret: portal.client_secret, redirect_uris: [portal.redirect_uri], client_name: 'Impôts en ligne',
      client_uri: 'http://rp.test/', grant_types: ['authorization_code', 'refresh_token'],
      backchannel_logout_uri: `http://127.0.0.1:${(logoutReceiver.address() as AddressInfo).port}/backchannel`,
    }],
  }));

  /** Opens /account in a fresh browser and signs in on the provider's page. */
  async function consoleFor(email: string, password: string, browser = new Browser(suite.server.url)): Promise<{ browser: Browser; page: Page }> {
    const { page: signIn } = await browser.open('/account');
    expect(visibleText(signIn.html)).toContain('Votre mot de passe');
    const { page } = await browser.fill(signIn, '/login', { email, password });
    return { browser, page };
  }

  /** The claims of the next logout token the portal receives, verified with the provider's keys. */
  async function nextLogoutNotice() {
    for (let i = 0; i < 50 && logoutTokens.length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    const token = logoutTokens.shift();
    if (!token) throw new Error('no logout token received');
    return (await jwtVerify(token, createRemoteJWKSet(new URL(`${suite.server.issuer}/jwks`)), { issuer: suite.server.issuer, audience: portal.client_id })).payload;
  }

  async function signInAtPortal(browser: Browser, email: string, password: string) {
    const config = await discover(suite.server.issuer, portal);
    const request = await authorizationRequest(config, portal, { scope: 'openid email offline_access', prompt: 'consent' });
    const { page } = await browser.open(request.url.toString());
    const afterLogin = page.html.includes('/login') ? (await browser.fill(page, '/login', { email, password })).page : page;
    const { leftTo } = await submitConsent(browser, afterLogin, 'confirm');
    return { config, tokens: await exchangeCode(config, leftTo!, request) };
  }

  test('/account asks for sign-in through the provider, then shows the four sections', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { page } = await consoleFor(account.email, account.password);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${suite.server.url}/account`);
    const text = visibleText(page.html);
    for (const section of ['Mes informations', 'Ma sécurité', 'Mes connexions', 'Supprimer mon compte']) expect(text).toContain(section);
    expect(text).toContain(account.email);
  });

  test('change email: link to the new address, notice to the old, nothing changes before confirmation', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { browser } = await consoleFor(account.email, account.password);
    const newEmail = uniqueEmail('nouvelle');
    const { page: form } = await browser.open('/account/email');
    for (const label of ['Votre nouvel email', 'Confirmez votre nouvel email', 'Votre mot de passe']) expect(visibleText(form.html)).toContain(label);
    const { page: sent } = await browser.fill(form, '/account/email', { email: newEmail, emailConfirm: newEmail, password: account.password });
    expect(sent.status).toBe(200);
    expect(visibleText(sent.html)).toContain(newEmail);

    const link = linkIn(await suite.mail.waitFor(newEmail), `${suite.server.issuer}/email/confirm?token=`);
    const notice = await suite.mail.waitFor(account.email);
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toContain('/email/confirm');
    // Not confirmed yet: the old address still signs in, the new one does not.
    expect((await consoleFor(newEmail, account.password)).page.status).toBe(401);
    expect((await consoleFor(account.email, account.password)).page.status).toBe(200);

    const { page: confirmed } = await new Browser(suite.server.url).open(link);
    expect(visibleText(confirmed.html)).toContain(`Votre nouvelle adresse email (${newEmail}) vient d'être activée`);
    expect((await consoleFor(newEmail, account.password)).page.status).toBe(200);
    expect((await consoleFor(account.email, account.password)).page.status).toBe(401);
    expect((await new Browser(suite.server.url).open(link)).page.status).toBe(400);
  });

  test('change email to an address taken meanwhile: refused at confirmation, nothing changed', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { browser } = await consoleFor(account.email, account.password);
    const wanted = uniqueEmail('convoitee');
    const { page: form } = await browser.open('/account/email');
    await browser.fill(form, '/account/email', { email: wanted, emailConfirm: wanted, password: account.password });
    const link = linkIn(await suite.mail.waitFor(wanted), `${suite.server.issuer}/email/confirm?token=`);
    await createTestAccount(suite.server.deps, { email: wanted });
    const { page } = await new Browser(suite.server.url).open(link);
    expect(page.status).toBe(409);
    expect(visibleText(page.html)).toContain('déjà utilisée par un autre compte');
    expect((await suite.server.deps.db.account.findUniqueOrThrow({ where: { id: account.id } })).email).toBe(account.email);
  });

  test('change password: the old one is refused afterwards, and other sessions end when chosen', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { browser: other } = await consoleFor(account.email, account.password);
    const { browser } = await consoleFor(account.email, account.password);
    const { page: form } = await browser.open('/account/password');
    const { page: wrong } = await browser.fill(form, '/account/password', { current: 'Not-The-Password-1', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, endOtherSessions: 'yes' });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('id="current-error"');
    const { page: done } = await browser.fill(form, '/account/password', { current: account.password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, endOtherSessions: 'yes' });
    expect(visibleText(done.html)).toContain('Votre mot de passe a été modifié.');
    // This browser is still signed in; the other one is asked to sign in again.
    expect((await browser.open('/account')).page.url).toBe(`${suite.server.url}/account`);
    expect(visibleText((await other.open('/account')).page.html)).toContain('Votre mot de passe');
    expect((await consoleFor(account.email, account.password)).page.status).toBe(401);
    expect((await consoleFor(account.email, NEW_PASSWORD)).page.status).toBe(200);
  });

  test('change password without ending other sessions keeps them', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { browser: other } = await consoleFor(account.email, account.password);
    const { browser } = await consoleFor(account.email, account.password);
    const { page: form } = await browser.open('/account/password');
    await browser.fill(form, '/account/password', { current: account.password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    expect((await other.open('/account')).page.url).toBe(`${suite.server.url}/account`);
  });

  test('Ma sécurité lists the sessions with their browser, and signs one out', async () => {
    const account = await createTestAccount(suite.server.deps);
    const { browser: phone } = await consoleFor(account.email, account.password, new Browser(suite.server.url, 'fr-FR', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'));
    const { browser, page } = await consoleFor(account.email, account.password);
    expect(visibleText(page.html)).toContain('Safari · iOS');
    expect(visibleText(page.html)).toContain('Cette session');
    const endForms = [...page.html.matchAll(/action="(\/account\/sessions\/[^"]+\/end)"/g)];
    expect(endForms).toHaveLength(1);
    const { page: after } = await browser.fill(page, endForms[0]![1]!, {});
    expect(visibleText(after.html)).toContain('La session a été déconnectée.');
    expect(visibleText((await phone.open('/account')).page.html)).toContain('Votre mot de passe');
  });

  test('Mes connexions lists the service; "Retirer l\'accès" kills its refresh token and asks consent again', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    const { config, tokens } = await signInAtPortal(browser, account.email, account.password);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const { page } = await browser.open('/account');
    const text = visibleText(page.html);
    expect(text).toContain('Impôts en ligne');
    expect(text).toContain('Dernière connexion');
    expect(page.html).toContain('href="http://rp.test/"');
    // The console itself is not a "service": only the portal is listed.
    expect([...page.html.matchAll(/\/account\/connections\/([^/]+)\/revoke/g)].map((m) => m[1])).toEqual(['tax-portal']);
    const { page: after } = await browser.fill(page, '/account/connections/tax-portal/revoke', {});
    expect(visibleText(after.html)).toContain("L'accès de ce service à votre compte a été retiré.");
    expect(visibleText(after.html)).not.toContain('Impôts en ligne');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Same browser, still signed in: the third-party service must ask for consent again.
    const { page: next } = await browser.open((await authorizationRequest(config, portal)).url.toString());
    expect(visibleText(next.html)).toContain('Autoriser');
  });

  test('deletion: goodbye page and email; sign-in and refresh fail; the address can register again', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    const { config, tokens } = await signInAtPortal(browser, account.email, account.password);
    const { page: form } = await browser.open('/account/delete');
    expect(visibleText(form.html)).toContain('Votre mot de passe');
    const { page: wrong } = await browser.fill(form, '/account/delete', { password: 'Not-The-Password-1' });
    expect(wrong.status).toBe(400);
    expect(await suite.server.deps.db.account.count({ where: { id: account.id } })).toBe(1);

    const { page: gone } = await browser.fill(form, '/account/delete', { password: account.password });
    expect(visibleText(gone.html)).toContain('Au revoir !');
    expect(visibleText(gone.html)).toContain('Votre compte a bien été supprimé.');
    expect((await suite.mail.waitFor(account.email)).subject).toBe('Votre compte NC Connect a été supprimé');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await consoleFor(account.email, account.password)).page.status).toBe(401);
    expect(await suite.server.deps.db.oidcPayload.count({ where: { accountId: account.id } })).toBe(0);
    const leftovers = JSON.stringify(await suite.server.deps.db.auditEvent.findMany({ where: { accountId: account.id } }));
    expect(leftovers).not.toContain(account.email);

    const again = new Browser(suite.server.url);
    const { page: registerForm } = await again.open('/register');
    const { page: pending } = await again.fill(registerForm, '/register', { email: account.email, emailConfirm: account.email, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, acceptTerms: 'yes' });
    expect(visibleText(pending.html)).toContain('Veuillez activer votre compte');
    expect((await suite.server.deps.db.account.findUniqueOrThrow({ where: { emailNormalized: account.email } })).status).toBe('pending');
  });

  test('"Se déconnecter" ends the provider session and tells the relying parties', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    await signInAtPortal(browser, account.email, account.password);
    const { page } = await browser.open('/account');
    logoutTokens.length = 0;
    const signOut = /href="([^"]*\/session\/end[^"]*)"/.exec(page.html)![1]!.replace(/&amp;/g, '&');
    const { page: confirm } = await browser.open(signOut);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)![1]!;
    const { page: out } = await browser.submit('/session/end/confirm', { xsrf, logout: 'yes' });
    expect(visibleText(out.html)).toContain('Vous êtes déconnecté(e)');
    expect(visibleText((await browser.open('/account')).page.html)).toContain('Votre mot de passe');
    expect((await nextLogoutNotice()).sub).toBe(account.id);
  });

  test('a session ended from "Ma sécurité" or by a password change is notified to the services it signed in to', async () => {
    const account = await createTestAccount(suite.server.deps);
    const phone = new Browser(suite.server.url);
    await signInAtPortal(phone, account.email, account.password);
    const { browser, page } = await consoleFor(account.email, account.password);
    logoutTokens.length = 0;
    const endForm = /action="(\/account\/sessions\/[^"]+\/end)"/.exec(page.html)![1]!;
    expect(visibleText((await browser.fill(page, endForm, {})).page.html)).toContain('La session a été déconnectée.');
    const notice = await nextLogoutNotice();
    expect(notice).toMatchObject({ sub: account.id, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    // The console's own session never signed in to the portal: one notice, for the phone's.
    expect(logoutTokens).toEqual([]);

    // Signed in at the portal again, then ended by a password change from another browser.
    await signInAtPortal(phone, account.email, account.password);
    const { page: form } = await browser.open('/account/password');
    await browser.fill(form, '/account/password', { current: account.password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, endOtherSessions: 'yes' });
    expect((await nextLogoutNotice()).sub).toBe(account.id);
  });

  test('a session that had already expired when it is ended is not notified', async () => {
    const account = await createTestAccount(suite.server.deps);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const { adapter } = suite.server.deps.provider.Session;
    // Both rows still stored (no sweep yet); one session's own expiry has passed.
    for (const [uid, exp] of [['live-session', nowSeconds + 3_600], ['expired-session', nowSeconds - 60]] as const) {
      await adapter.upsert(`${uid}-id`, { kind: 'Session', uid, accountId: account.id, exp, iat: nowSeconds - 7_200, loginTs: nowSeconds - 7_200, authorizations: { [portal.client_id]: { sid: `${uid}-sid` } } }, 3_600);
    }
    logoutTokens.length = 0;
    expect(await suite.server.deps.flows.sessions.endAll(account.id)).toBe(2);
    expect((await nextLogoutNotice()).sub).toBe(account.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(logoutTokens).toEqual([]);
  });

  test('every change leaves an audit event', async () => {
    const types = new Set((await suite.server.deps.db.auditEvent.findMany({ select: { type: true } })).map((e) => e.type));
    for (const type of ['account.email_change_requested', 'account.email_changed', 'account.password_changed', 'password.check_failed', 'session.ended', 'grant.revoked', 'account.deleted']) {
      expect(types).toContain(type);
    }
  });
});
