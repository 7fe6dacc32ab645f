// Keyboard-only use, pages without JavaScript, and the remaining pages' accessibility (consent,
// sign-out) in Chromium (issue 6 §2, §5).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { translator, type Locale } from '../../interactions/messages.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { createTestAccount } from '../support/factories.js';
import { codeIn } from '../support/mail-catcher.js';
import { auditPage } from '../support/page-audit.js';
import { authorizationRequest, discover, type RpClient } from '../support/relying-party.js';
import { serverForSuite } from '../support/suite.js';

const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

describeWithChromium('keyboard, no JavaScript, consent and sign-out pages', () => {
  const rp: RpClient = { client_id: 'impots', client_secret: 'impots-secret-0123456789abcdef0123456789abcd', redirect_uri: 'http://rp.test/callback' };
  const suite = serverForSuite('sqlite', {
    mail: true,
    clients: [{ client_id: rp.client_id, client_secret: rp.client_secret, redirect_uris: [rp.redirect_uri], client_name: 'Impôts en ligne', post_logout_redirect_uris: ['http://rp.test/bye'] }],
  });
  let chromium: Browser;
  beforeAll(async () => { chromium = await launchChromium(); });
  afterAll(async () => { await chromium?.close(); });

  const authorizeUrl = async (extra: Record<string, string> = {}) => (await authorizationRequest(await discover(suite.server.issuer, rp), rp, extra)).url.toString();

  test('sign-in with the keyboard only: Tab to each field, type, Enter', async () => {
    const account = await createTestAccount(suite.server.deps);
    const context = await chromium.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(await authorizeUrl());
    const focusOn = async (id: string) => {
      for (let i = 0; i < 15; i += 1) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => document.activeElement?.id) === id) return;
      }
      throw new Error(`Tab never reached #${id}`);
    };
    await focusOn('email');
    await page.keyboard.type(account.email);
    await focusOn('password');
    await page.keyboard.type(account.password);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/interaction\/.+/);
    expect(await page.locator('h1').textContent()).toBe('Autoriser Impôts en ligne');
    await context.close();
  });

  test('sign-in and password reset work with JavaScript off', async () => {
    const account = await createTestAccount(suite.server.deps);
    const context = await chromium.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(await authorizeUrl());
    await page.getByLabel('Votre email', { exact: true }).fill(account.email);
    await page.getByLabel('Votre mot de passe', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    expect(await page.locator('h1').textContent()).toBe('Autoriser Impôts en ligne');

    await page.goto(`${suite.server.url}/password/forgot`);
    await page.getByLabel('Votre email', { exact: true }).fill(account.email);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    const code = codeIn(await suite.mail.waitFor(account.email));
    await page.getByRole('link', { name: 'Saisir le code de validation' }).click();
    await page.getByLabel('Code de validation', { exact: true }).fill(code);
    await page.getByLabel('Votre nouveau mot de passe', { exact: true }).fill('Sans-Script-2026');
    await page.getByLabel('Confirmez votre mot de passe', { exact: true }).fill('Sans-Script-2026');
    await page.getByRole('button', { name: 'Réinitialiser mon mot de passe' }).click();
    expect(await page.locator('h1').textContent()).toBe('Mot de passe réinitialisé');
    await context.close();
  });

  test.each(['fr', 'en'] as Locale[])('consent and sign-out pages have no serious accessibility violation (%s)', async (locale) => {
    const t = translator(locale, { brand: 'NC Connect' });
    const account = await createTestAccount(suite.server.deps);
    const context = await chromium.newContext({ locale: locale === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    await page.goto(await authorizeUrl());
    await page.getByLabel(t('login.email'), { exact: true }).fill(account.email);
    await page.getByLabel(t('login.password'), { exact: true }).fill(account.password);
    await page.getByRole('button', { name: t('login.submit') }).click();
    problems.push(...await auditPage(page, 'consent', locale));
    await page.goto(`${suite.server.url}/session/end?client_id=${rp.client_id}`);
    problems.push(...await auditPage(page, 'sign-out', locale));
    await page.getByRole('button', { name: t('logout.confirm') }).click();
    problems.push(...await auditPage(page, 'signed-out', locale));
    await page.goto(`${suite.server.url}/activate?token=no-such-token`);
    problems.push(...await auditPage(page, 'error', locale));
    expect(problems).toEqual([]);
    await context.close();
  });
});
