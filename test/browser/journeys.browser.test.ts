// The citizen's journeys in Chromium (issue 6 §5), in French and in English: register from the
// demo portal and come back signed in, reset a forgotten password, get locked out and unlock,
// change email and password, revoke a service, delete the account — with an axe-core check of
// every page at a phone width and a desktop width, and a screenshot of each.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { saveClient } from '../../src/clients/client-registry.js';
import { createDemoPortal } from '../../src/demo/demo-portal.js';
import { translator, type Locale } from '../../interactions/messages.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { uniqueEmail } from '../support/factories.js';
import { linkIn } from '../support/mail-catcher.js';
import { auditPage } from '../support/page-audit.js';
import { serverForSuite } from '../support/suite.js';
import { freePort } from '../support/test-server.js';

const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

describeWithChromium('citizen journeys in Chromium', () => {
  const suite = serverForSuite('sqlite', { mail: true, env: { LOCKOUT_THRESHOLD: '3' } });
  let chromium: Browser;
  let portal: Server;
  let portalUrl: string;

  beforeAll(async () => {
    chromium = await launchChromium();
    const port = await freePort();
    portalUrl = `http://127.0.0.1:${port}`;
    const clientSecret = 'demo-secret-0123456789abcdef0123456789abcdef';
    await saveClient(suite.server.deps.clients, {
      client_id: 'demo-portal', client_secret: clientSecret, client_name: 'Vos démarches en ligne (démo)', client_uri: `${portalUrl}/`,
      redirect_uris: [`${portalUrl}/callback`], post_logout_redirect_uris: [`${portalUrl}/`], first_party: true,
    });
    portal = (await createDemoPortal({ issuer: suite.server.issuer, clientId: 'demo-portal', clientSecret, url: portalUrl, brand: 'NC Connect' })).listen(port);
  });

  afterAll(async () => {
    await chromium?.close();
    portal?.closeAllConnections();
    portal?.close();
  });

  describe.each(['fr', 'en'] as Locale[])('in %s', (locale) => {
    const t = translator(locale, { brand: 'NC Connect' });
    const problems: string[] = [];
    let context: BrowserContext;
    let page: Page;
    const email = uniqueEmail(`parcours-${locale}`);
    let password = 'Lagon-Bleu-2026';
    const audit = async (name: string) => { problems.push(...await auditPage(page, name, locale)); };
    const field = (label: string) => page.getByLabel(label, { exact: true });

    beforeAll(async () => {
      context = await chromium.newContext({ locale: locale === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true });
      page = await context.newPage();
    });
    afterAll(async () => { await context?.close(); });

    test('register from the demo portal, activate, come back signed in', async () => {
      await page.goto(portalUrl);
      await page.getByRole('link', { name: "S'identifier avec NC Connect" }).click();
      await page.waitForURL(/\/interaction\//);
      await audit('sign-in');
      await page.getByRole('link', { name: t('login.register') }).click();
      await audit('register');
      await field(t('register.email')).fill(email);
      await field(t('register.emailConfirm')).fill(email);
      await field(t('register.password')).fill(password);
      await field(t('register.passwordConfirm')).fill(password);
      await page.getByRole('button', { name: t('register.submit') }).click();
      await expect(page.locator('.field-error').first().textContent()).resolves.toBe(t('field.terms_required'));
      await audit('register-errors');
      await field(t('register.password')).fill(password);
      await field(t('register.passwordConfirm')).fill(password);
      await page.getByLabel(t('register.terms')).check();
      await page.getByRole('button', { name: t('register.submit') }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe(t('pending.title'));
      await audit('account-pending');
      await page.goto(linkIn(await suite.mail.waitFor(email), `${suite.server.issuer}/activate?token=`));
      await page.getByText(t('activated.text')).first().waitFor();
      await audit('activated');
      await page.getByRole('button', { name: t('activated.continue', { service: 'Vos démarches en ligne (démo)' }) }).click();
      await page.waitForURL(`${portalUrl}/`);
      expect(await page.locator('#claims').textContent()).toContain(email);
    }, 120_000);

    test('Mon compte: change the email and the password, revoke the portal', async () => {
      await page.goto(`${suite.server.url}/account`);
      await expect(page.locator('h1').textContent()).resolves.toBe(t('account.title'));
      await audit('account');
      await page.getByRole('link', { name: t('account.info.editEmail') }).click();
      await audit('account-email');
      const newEmail = uniqueEmail(`nouvelle-${locale}`);
      await field(t('email.new')).fill(newEmail);
      await field(t('email.newConfirm')).fill(newEmail);
      await field(t('email.password')).fill(password);
      await page.getByRole('button', { name: t('email.submit') }).click();
      await audit('account-email-sent');
      await page.goto(linkIn(await suite.mail.waitFor(newEmail), `${suite.server.issuer}/email/confirm?token=`));
      await page.getByText(t('email.confirmed.text', { email: newEmail })).first().waitFor();
      await audit('email-confirmed');

      await page.goto(`${suite.server.url}/account/password`);
      await audit('account-password');
      await field(t('password.current')).fill(password);
      password = 'Nouveau-Depart-77';
      await field(t('password.new')).fill(password);
      await field(t('password.confirm')).fill(password);
      await page.getByRole('button', { name: t('password.submit') }).click();
      await page.getByText(t('account.done.password')).first().waitFor();

      await page.goto(`${suite.server.url}/account/contact`);
      await audit('account-contact');
      await page.goto(`${suite.server.url}/account`);
      await page.getByRole('button', { name: t('account.connections.revoke') }).click();
      await page.getByText(t('account.done.revoked')).first().waitFor();
      expect(await page.getByText('Vos démarches en ligne (démo)').count()).toBe(0);
      for (const content of ['terms', 'legal', 'contact']) {
        await page.goto(`${suite.server.url}/${content}`);
        await audit(content);
      }
      const account = await suite.server.deps.db.account.findFirstOrThrow({ where: { emailNormalized: newEmail } });
      (globalThis as Record<string, unknown>)[`journey-${locale}`] = { email: newEmail, id: account.id };
    }, 120_000);

    test('forgotten password: by link, then by code; lockout and unlock', async () => {
      const { email: current } = (globalThis as Record<string, unknown>)[`journey-${locale}`] as { email: string };
      await context.clearCookies();
      await page.goto(`${suite.server.url}/password/forgot`);
      await audit('forgot');
      await field(t('forgot.email')).fill(current);
      const resetLink = await suite.mail.nextLine(current, `${suite.server.issuer}/password/reset?token=`, async () => {
        await page.getByRole('button', { name: t('forgot.submit') }).click();
        await audit('forgot-sent');
      });
      await page.goto(resetLink);
      await audit('reset-link');
      password = 'Troisieme-Essai-88';
      await field(t('reset.password')).fill(password);
      await field(t('reset.passwordConfirm')).fill(password);
      await page.getByRole('button', { name: t('reset.submit') }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe(t('reset.done.title'));
      await audit('reset-done');
      await page.goto(resetLink);
      await audit('link-invalid');

      await page.goto(`${suite.server.url}/password/forgot`);
      await field(t('forgot.email')).fill(current);
      const code = await suite.mail.nextLine(current, /^\d{6}$/, () => page.getByRole('button', { name: t('forgot.submit') }).click());
      await page.getByRole('link', { name: t('forgot.sent.code') }).click();
      await audit('reset-code');
      expect(await field(t('reset.email')).inputValue()).toBe(current);
      await field(t('reset.code')).fill(code);
      password = 'Quatrieme-Essai-99';
      await field(t('reset.password')).fill(password);
      await field(t('reset.passwordConfirm')).fill(password);
      await page.getByRole('button', { name: t('reset.submit') }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe(t('reset.done.title'));

      const unlockLink = await suite.mail.nextLine(current, `${suite.server.issuer}/unlock?token=`, async () => {
        for (let i = 0; i < 3; i += 1) {
          await page.goto(`${suite.server.url}/account`);
          await field(t('login.email')).fill(current);
          await field(t('login.password')).fill('Wrong-Password-1');
          await page.getByRole('button', { name: t('login.submit') }).click();
          expect(await page.getByRole('alert').first().textContent()).toBe(t('error.invalid_credentials'));
        }
        await audit('sign-in-error');
      });
      await page.goto(unlockLink);
      await expect(page.locator('h1').textContent()).resolves.toBe(t('unlocked.text'));
      await audit('unlocked');
    }, 120_000);

    test('delete the account', async () => {
      const { email: current } = (globalThis as Record<string, unknown>)[`journey-${locale}`] as { email: string };
      await page.goto(`${suite.server.url}/account/delete`);
      await field(t('login.email')).fill(current);
      await field(t('login.password')).fill(password);
      await page.getByRole('button', { name: t('login.submit') }).click();
      await page.waitForURL(/\/account\/delete$/);
      await audit('account-delete');
      await field(t('account.delete.password')).fill(password);
      await page.getByRole('button', { name: t('account.delete.submit') }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe(t('account.deleted.title'));
      await audit('account-deleted');
      expect(await suite.server.deps.db.account.count({ where: { emailNormalized: current } })).toBe(0);
    }, 120_000);

    test('no serious or critical accessibility violation on any page', () => {
      expect(problems).toEqual([]);
    });
  });
});
