// Registration, activation and the return to the relying party (SPEC §6–7, seed 001), over
// HTTP against a real SMTP server, on SQLite and on PostgreSQL + Redis.
import { describe, expect, test } from '@jest/globals';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText } from '../support/browser.js';
import { HOUR, TestClock } from '../support/clock.js';
import { createTestAccount, uniqueEmail } from '../support/factories.js';
import { linkIn } from '../support/mail-catcher.js';
import { authorizationRequest, discover, exchangeCode, oidc, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

const backends = await availableBackends();
const PASSWORD = 'Lagon-Bleu-2026';

describe.each(backends)('registration and activation on %s', (backend) => {
  const clock = new TestClock();
  const portal: RpClient = { client_id: 'tax-portal', client_secret: 'tax-portal-secret-0123456789abcdef0123456789', redirect_uri: 'http://rp.test/callback' };
  const suite = serverForSuite(backend, {
    mail: true,
    overrides: { now: clock.now },
    clients: [{ client_id: portal.client_id, client_secret: portal.client_secret, redirect_uris: [portal.redirect_uri], client_name: 'Impôts en ligne', first_party: true, client_uri: 'http://rp.test/' }],
  });

  const origin = () => suite.server.url;

  async function registerAt(browser: Browser, path: string, email: string, extra: Record<string, string> = {}) {
    const { page: form } = await browser.open(path);
    return browser.fill(form, 'register', { email, emailConfirm: email, password: PASSWORD, passwordConfirm: PASSWORD, acceptTerms: 'yes', ...extra });
  }

  test('during an authorization request: register, activate from the email, continue to the service signed in', async () => {
    const config = await discover(suite.server.issuer, portal);
    const request = await authorizationRequest(config, portal);
    const browser = new Browser(origin());
    const { page: signIn } = await browser.open(request.url.toString());
    expect(visibleText(signIn.html)).toContain('Créer un compte');
    const registerHref = /href="(\/interaction\/[^"]+\/register)"/.exec(signIn.html)![1]!;

    const email = uniqueEmail('Nouvelle.Citoyenne');
    const { page: pending } = await registerAt(browser, registerHref, email);
    expect(pending.status).toBe(200);
    expect(visibleText(pending.html)).toContain('Veuillez activer votre compte');
    expect(visibleText(pending.html)).toContain(email);
    expect(visibleText(pending.html)).toContain("Renvoyer l'email");

    const message = await suite.mail.waitFor(email);
    expect(message.subject).toBe('Activez votre compte NC Connect');
    expect(message.html).toBeTruthy();
    const link = linkIn(message, `${suite.server.issuer}/activate?token=`);

    const { page: activated } = await browser.open(link);
    expect(activated.status).toBe(200);
    expect(visibleText(activated.html)).toContain('Votre compte NC Connect est maintenant activé.');
    expect(visibleText(activated.html)).toContain('Continuer vers Impôts en ligne');

    const { leftTo } = await browser.fill(activated, '/activated', {});
    expect(leftTo?.origin).toBe('http://rp.test');
    const tokens = await exchangeCode(config, leftTo!, request);
    const claims = tokens.claims()!;
    expect(claims.sub).not.toContain('@');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo.email).toBe(email);
    expect(userinfo.email_verified).toBe(true);

    const events = await suite.server.deps.db.auditEvent.findMany({ where: { accountId: claims.sub }, orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['account.created', 'account.activated', 'sign_in.succeeded']));
    expect(JSON.stringify(events)).not.toContain(email);
  });

  test('the activation link opened in another browser activates the account and points back to the service', async () => {
    const config = await discover(suite.server.issuer, portal);
    const request = await authorizationRequest(config, portal);
    const browser = new Browser(origin());
    const { page: signIn } = await browser.open(request.url.toString());
    const email = uniqueEmail();
    await registerAt(browser, /href="(\/interaction\/[^"]+\/register)"/.exec(signIn.html)![1]!, email);
    const phone = new Browser(origin());
    const { page: activated } = await phone.open(linkIn(await suite.mail.waitFor(email), `${suite.server.issuer}/activate?token=`));
    const { page } = await phone.fill(activated, '/activated', {});
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('Votre compte NC Connect est maintenant activé.');
    expect(page.html).toContain('href="http://rp.test/"');
    const account = await suite.server.deps.db.account.findUniqueOrThrow({ where: { emailNormalized: email.toLowerCase() } });
    expect(account.status).toBe('active');
  });

  test('standalone registration; the link works once; a pending account signing in sees the activation page', async () => {
    const browser = new Browser(origin());
    const email = uniqueEmail();
    const { page } = await registerAt(browser, '/register', email);
    expect(visibleText(page.html)).toContain('Veuillez activer votre compte');
    const created = await suite.server.deps.db.account.findUniqueOrThrow({ where: { emailNormalized: email } });
    expect(created.status).toBe('pending');
    expect(created.passwordHash).toMatch(/^\$argon2id\$/);

    // Signing in before activation: the right password shows the activation page.
    const config = await discover(suite.server.issuer, portal);
    const { page: signIn } = await browser.open((await authorizationRequest(config, portal)).url.toString());
    const { page: notYet } = await browser.fill(signIn, '/login', { email, password: PASSWORD });
    expect(visibleText(notYet.html)).toContain('Veuillez activer votre compte');

    const link = linkIn(await suite.mail.waitFor(email), `${suite.server.issuer}/activate?token=`);
    const { page: activated } = await browser.open(link);
    expect(visibleText(activated.html)).toContain('Votre compte NC Connect est maintenant activé.');
    expect(activated.html).not.toContain('Continuer vers');
    const { page: again } = await browser.open(link);
    expect(again.status).toBe(400);
    expect(visibleText(again.html)).toContain("Ce lien n'est plus valide");
  });

  test('an address that already has an account: the same page, and its owner is told by email', async () => {
    const owner = await createTestAccount(suite.server.deps);
    const newcomer = uniqueEmail();
    const { page: fresh } = await registerAt(new Browser(origin()), '/register', newcomer);
    const { page: duplicate } = await registerAt(new Browser(origin()), '/register', `  ${owner.email.toUpperCase()} `);
    expect(duplicate.status).toBe(fresh.status);
    const normalise = (html: string, email: string) => visibleText(html).replace(email, '<email>');
    expect(normalise(duplicate.html, owner.email.toUpperCase())).toBe(normalise(fresh.html, newcomer));

    const warning = await suite.mail.waitFor(owner.email);
    expect(warning.subject).toBe('Tentative de création de compte NC Connect');
    expect(linkIn(warning, `${suite.server.issuer}/password/forgot`)).toBe(`${suite.server.issuer}/password/forgot`);
    expect(linkIn(warning, `${suite.server.issuer}/account`)).toBe(`${suite.server.issuer}/account`);
    expect(await suite.server.deps.db.account.count({ where: { emailNormalized: owner.email } })).toBe(1);
    const unchanged = await suite.server.deps.db.account.findUniqueOrThrow({ where: { id: owner.id } });
    expect(unchanged.passwordHash).toBe(owner.passwordHash);
  });

  test('"Renvoyer l\'email" sends a new link that supersedes the first one', async () => {
    const browser = new Browser(origin());
    const email = uniqueEmail();
    const { page: pending } = await registerAt(browser, '/register', email);
    const first = linkIn(await suite.mail.waitFor(email, 1), `${suite.server.issuer}/activate?token=`);
    const { page: resent } = await browser.fill(pending, '/register/resend', { email });
    expect(visibleText(resent.html)).toContain('un nouvel email vient de lui être envoyé');
    const second = linkIn(await suite.mail.waitFor(email, 2), `${suite.server.issuer}/activate?token=`);
    expect(second).not.toBe(first);
    expect((await browser.open(first)).page.status).toBe(400);
    expect(visibleText((await browser.open(second)).page.html)).toContain('maintenant activé');
  });

  test('an activation link expires after 48 hours', async () => {
    const email = uniqueEmail();
    await registerAt(new Browser(origin()), '/register', email);
    const link = linkIn(await suite.mail.waitFor(email), `${suite.server.issuer}/activate?token=`);
    clock.advance(48 * HOUR + 60_000);
    const { page } = await new Browser(origin()).open(link);
    expect(page.status).toBe(400);
    const account = await suite.server.deps.db.account.findUniqueOrThrow({ where: { emailNormalized: email } });
    expect(account.status).toBe('pending');
  });
});
