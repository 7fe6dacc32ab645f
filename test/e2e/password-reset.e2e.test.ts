// Forgotten password (SPEC §6–7, seed 000): by link, by code, and every rule on the way.
import { describe, expect, test } from '@jest/globals';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText } from '../support/browser.js';
import { MINUTE, TestClock } from '../support/clock.js';
import { createTestAccount, uniqueEmail } from '../support/factories.js';
import { codeIn, linkIn } from '../support/mail-catcher.js';
import { authorizationRequest, discover, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

const backends = await availableBackends();
const NEW_PASSWORD = 'Nouveau-Depart-77';

describe.each(backends)('password reset on %s', (backend) => {
  const clock = new TestClock();
  const portal: RpClient = { client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef0123456789abcd', redirect_uri: 'http://rp.test/callback' };
  const suite = serverForSuite(backend, {
    mail: true,
    overrides: { now: clock.now },
    clients: [{ client_id: portal.client_id, client_secret: portal.client_secret, redirect_uris: [portal.redirect_uri], client_name: 'Portail', first_party: true }],
  });

  async function askForReset(browser: Browser, email: string) {
    const { page } = await browser.open('/password/forgot');
    return browser.fill(page, '/password/forgot', { email });
  }

  async function signIn(browser: Browser, email: string, password: string) {
    const config = await discover(suite.server.issuer, portal);
    const { page } = await browser.open((await authorizationRequest(config, portal)).url.toString());
    return browser.fill(page, '/login', { email, password });
  }

  test('the same answer for known and unknown addresses; only the known one gets mail', async () => {
    const account = await createTestAccount(suite.server.deps);
    const unknown = uniqueEmail('nobody');
    const { page: known } = await askForReset(new Browser(suite.server.url), account.email);
    const { page: stranger } = await askForReset(new Browser(suite.server.url), unknown);
    expect(known.status).toBe(200);
    expect(stranger.status).toBe(known.status);
    expect(visibleText(stranger.html)).toBe(visibleText(known.html));
    await suite.mail.waitFor(account.email);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(suite.mail.to(unknown)).toHaveLength(0);
  });

  test('by link: new password, "Mot de passe réinitialisé", other sessions ended, the citizen told', async () => {
    const account = await createTestAccount(suite.server.deps);
    const elsewhere = new Browser(suite.server.url);
    const { leftTo } = await signIn(elsewhere, account.email, account.password);
    expect(leftTo?.origin).toBe('http://rp.test');

    const browser = new Browser(suite.server.url);
    await askForReset(browser, account.email);
    const message = await suite.mail.waitFor(account.email);
    expect(message.subject).toBe('Réinitialisation de votre mot de passe NC Connect');
    const link = linkIn(message, `${suite.server.issuer}/password/reset?token=`);
    expect(codeIn(message)).toMatch(/^\d{6}$/);

    const { page: form } = await browser.open(link);
    expect(visibleText(form.html)).toContain('Votre nouveau mot de passe');
    expect(visibleText(form.html)).toContain('Confirmez votre mot de passe');
    const { page: done } = await browser.fill(form, '/password/reset', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(visibleText(done.html)).toContain('Mot de passe réinitialisé');

    const notice = await suite.mail.waitFor(account.email, 2);
    expect(notice.subject).toBe('Votre mot de passe NC Connect a été modifié');
    // The other browser's session is over: a new request asks it to sign in again.
    const config = await discover(suite.server.issuer, portal);
    const { page: again } = await elsewhere.open((await authorizationRequest(config, portal)).url.toString());
    expect(visibleText(again.html)).toContain('Votre mot de passe');
    expect((await signIn(new Browser(suite.server.url), account.email, account.password)).page.status).toBe(401);
    expect((await signIn(new Browser(suite.server.url), account.email, NEW_PASSWORD)).leftTo?.origin).toBe('http://rp.test');
    // Used once, never twice.
    expect((await browser.open(link)).page.status).toBe(400);
  });

  test('by code typed on the page, with the address prefilled in the same browser', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    await askForReset(browser, account.email);
    const code = codeIn(await suite.mail.waitFor(account.email));
    const { page: form } = await browser.open('/password/reset');
    for (const label of ['Votre email', 'Code de validation', 'Votre nouveau mot de passe', 'Confirmez votre mot de passe']) {
      expect(visibleText(form.html)).toContain(label);
    }
    expect(form.html).toContain(`value="${account.email}"`);
    const { page: done } = await browser.fill(form, '/password/reset', { email: account.email, code, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    expect(visibleText(done.html)).toContain('Mot de passe réinitialisé');
    expect((await signIn(new Browser(suite.server.url), account.email, NEW_PASSWORD)).leftTo).toBeDefined();
  });

  test('five wrong codes kill the code; the right one is refused afterwards', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    await askForReset(browser, account.email);
    const code = codeIn(await suite.mail.waitFor(account.email));
    const wrong = code === '000000' ? '111111' : '000000';
    const { page: form } = await browser.open('/password/reset');
    const attempt = (value: string) => browser.fill(form, '/password/reset', { email: account.email, code: value, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    for (let i = 0; i < 5; i += 1) {
      const { page } = await attempt(wrong);
      expect(page.status).toBe(400);
      expect(visibleText(page.html)).toContain('Ce code de validation est incorrect');
    }
    const { page: dead } = await attempt(code);
    expect(dead.status).toBe(400);
    expect((await signIn(new Browser(suite.server.url), account.email, account.password)).leftTo).toBeDefined();
  });

  test('an unknown address on the code form gets the answer of a wrong code', async () => {
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/password/reset');
    const { page } = await browser.fill(form, '/password/reset', { email: uniqueEmail(), code: '123456', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toContain('Ce code de validation est incorrect');
  });

  test('a newer request supersedes the older link; links expire after an hour', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    await askForReset(browser, account.email);
    const first = linkIn(await suite.mail.waitFor(account.email, 1), `${suite.server.issuer}/password/reset?token=`);
    await askForReset(browser, account.email);
    const second = linkIn(await suite.mail.waitFor(account.email, 2), `${suite.server.issuer}/password/reset?token=`);
    expect((await browser.open(first)).page.status).toBe(400);
    expect((await browser.open(second)).page.status).toBe(200);
    clock.advance(61 * MINUTE);
    const { page } = await browser.open(second);
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toContain("Ce lien n'est plus valide");
  });

  test('two parallel uses of one link: exactly one succeeds', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    await askForReset(browser, account.email);
    const link = linkIn(await suite.mail.waitFor(account.email), `${suite.server.issuer}/password/reset?token=`);
    const { page: form } = await browser.open(link);
    const outcomes = await Promise.all(['Premier-Essai-11', 'Second-Essai-22'].map((password) =>
      browser.fill(form, '/password/reset', { password, passwordConfirm: password })));
    expect(outcomes.map(({ page }) => page.status).sort()).toEqual([200, 400]);
  });

  test('the new password must follow the policy; a refused form keeps the link usable', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = new Browser(suite.server.url);
    await askForReset(browser, account.email);
    const link = linkIn(await suite.mail.waitFor(account.email), `${suite.server.issuer}/password/reset?token=`);
    const { page: form } = await browser.open(link);
    const { page: weak } = await browser.fill(form, '/password/reset', { password: 'password1', passwordConfirm: 'password1' });
    expect(weak.status).toBe(400);
    expect(visibleText(weak.html)).toContain('majuscule');
    const { page: differ } = await browser.fill(form, '/password/reset', { password: NEW_PASSWORD, passwordConfirm: `${NEW_PASSWORD}x` });
    expect(visibleText(differ.html)).toContain('Les deux mots de passe ne sont pas identiques.');
    const { page: done } = await browser.fill(form, '/password/reset', { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
    expect(done.status).toBe(200);
  });
});
