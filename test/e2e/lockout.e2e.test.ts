// Lockout and unlock (SPEC §7, seed 002), and per-address throttling of failed sign-ins.
import { describe, expect, test } from '@jest/globals';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText } from '../support/browser.js';
import { MINUTE, TestClock } from '../support/clock.js';
import { createTestAccount, uniqueEmail } from '../support/factories.js';
import { codeIn, linkIn } from '../support/mail-catcher.js';
import { authorizationRequest, discover, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

const backends = await availableBackends();

describe.each(backends)('lockout on %s', (backend) => {
  const clock = new TestClock();
  const portal: RpClient = { client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef0123456789abcd', redirect_uri: 'http://rp.test/callback' };
  const suite = serverForSuite(backend, {
    mail: true,
    env: { LOCKOUT_THRESHOLD: '3', LOCKOUT_MINUTES: '30' },
    overrides: { now: clock.now },
    clients: [{ client_id: portal.client_id, client_secret: portal.client_secret, redirect_uris: [portal.redirect_uri], client_name: 'Portail', first_party: true }],
  });

  // The suite stays under SIGNIN_IP_LIMIT (30) failures from 127.0.0.1.
  async function signIn(email: string, password: string) {
    const browser = new Browser(suite.server.url);
    const config = await discover(suite.server.issuer, portal);
    const { page } = await browser.open((await authorizationRequest(config, portal)).url.toString());
    return browser.fill(page, '/login', { email, password });
  }

  const statusOf = async (id: string) => (await suite.server.deps.db.account.findUniqueOrThrow({ where: { id } })).status;

  test('three failures lock the account and email an unlock link; the right password then fails; the link unlocks', async () => {
    const account = await createTestAccount(suite.server.deps);
    for (let i = 0; i < 3; i += 1) expect((await signIn(account.email, 'Wrong-Password-1')).page.status).toBe(401);
    expect(await statusOf(account.id)).toBe('locked');

    const { page: refused } = await signIn(account.email, account.password);
    expect(refused.status).toBe(401);
    expect(visibleText(refused.html)).toContain('Email ou mot de passe incorrect.');

    const message = await suite.mail.waitFor(account.email);
    expect(message.subject).toBe('Votre compte NC Connect est verrouillé');
    const link = linkIn(message, `${suite.server.issuer}/unlock?token=`);
    const { page: unlocked } = await new Browser(suite.server.url).open(link);
    expect(unlocked.status).toBe(200);
    expect(visibleText(unlocked.html)).toContain('Votre compte est désormais déverrouillé');
    expect((await signIn(account.email, account.password)).leftTo?.origin).toBe('http://rp.test');
    expect((await new Browser(suite.server.url).open(link)).page.status).toBe(400);
    const events = (await suite.server.deps.db.auditEvent.findMany({ where: { accountId: account.id } })).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['sign_in.failed', 'account.locked', 'account.unlocked', 'sign_in.succeeded']));
  });

  test('the lock ends by itself after LOCKOUT_MINUTES', async () => {
    const account = await createTestAccount(suite.server.deps);
    for (let i = 0; i < 3; i += 1) await signIn(account.email, 'Wrong-Password-1');
    expect((await signIn(account.email, account.password)).page.status).toBe(401);
    clock.advance(31 * MINUTE);
    expect((await signIn(account.email, account.password)).leftTo).toBeDefined();
    expect(await statusOf(account.id)).toBe('active');
  });

  test('a password reset lifts the lock', async () => {
    const account = await createTestAccount(suite.server.deps);
    for (let i = 0; i < 3; i += 1) await signIn(account.email, 'Wrong-Password-1');
    await suite.mail.waitFor(account.email);
    const browser = new Browser(suite.server.url);
    const { page: forgot } = await browser.open('/password/forgot');
    await browser.fill(forgot, '/password/forgot', { email: account.email });
    const code = codeIn(await suite.mail.waitFor(account.email, 2));
    const { page: form } = await browser.open('/password/reset');
    const { page } = await browser.fill(form, '/password/reset', { email: account.email, code, password: 'Apres-Verrou-2026', passwordConfirm: 'Apres-Verrou-2026' });
    expect(visibleText(page.html)).toContain('Mot de passe réinitialisé');
    expect(await statusOf(account.id)).toBe('active');
    expect((await signIn(account.email, 'Apres-Verrou-2026')).leftTo).toBeDefined();
  });

  test('a successful sign-in resets the count of consecutive failures', async () => {
    const account = await createTestAccount(suite.server.deps);
    for (let i = 0; i < 2; i += 1) await signIn(account.email, 'Wrong-Password-1');
    expect((await signIn(account.email, account.password)).leftTo).toBeDefined();
    for (let i = 0; i < 2; i += 1) await signIn(account.email, 'Wrong-Password-1');
    expect(await statusOf(account.id)).toBe('active');
  });

  test('failures for unknown addresses lock nothing and leak nothing', async () => {
    const { page } = await signIn(uniqueEmail('ghost'), 'Whatever-123');
    expect(page.status).toBe(401);
    expect(visibleText(page.html)).toContain('Email ou mot de passe incorrect.');
  });
});

describe('per-address throttling of failed sign-ins', () => {
  const portal: RpClient = { client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef0123456789abcd', redirect_uri: 'http://rp.test/callback' };
  const suite = serverForSuite('sqlite', {
    env: { SIGNIN_IP_LIMIT: '4' },
    clients: [{ client_id: portal.client_id, client_secret: portal.client_secret, redirect_uris: [portal.redirect_uri], first_party: true }],
  });

  test('after SIGNIN_IP_LIMIT failures across accounts, even a right password waits (429)', async () => {
    const config = await discover(suite.server.issuer, portal);
    const browser = new Browser(suite.server.url);
    const victims = await Promise.all([1, 2, 3, 4].map(() => createTestAccount(suite.server.deps)));
    for (const victim of victims) {
      const { page } = await browser.open((await authorizationRequest(config, portal)).url.toString());
      expect((await browser.fill(page, '/login', { email: victim.email, password: 'Spray-Password-1' })).page.status).toBe(401);
    }
    const { page } = await browser.open((await authorizationRequest(config, portal)).url.toString());
    const { page: throttled } = await browser.fill(page, '/login', { email: victims[0]!.email, password: victims[0]!.password });
    expect(throttled.status).toBe(429);
    expect(visibleText(throttled.html)).toContain('Trop de tentatives');
    // No account got locked by the spraying (each saw one failure).
    for (const victim of victims) expect((await suite.server.deps.db.account.findUniqueOrThrow({ where: { id: victim.id } })).status).toBe('active');
  });
});
