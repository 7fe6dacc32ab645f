// Registration in a real browser, with the real ALTCHA widget at its real difficulty, under
// our Content-Security-Policy: the widget loads from our origin, solves, and the form goes through.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { uniqueEmail } from '../support/factories.js';
import { serverForSuite } from '../support/suite.js';

const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

describeWithChromium('registration in Chromium with the ALTCHA widget', () => {
  const suite = serverForSuite('sqlite', { env: { CAPTCHA: 'altcha' } });
  let browser: Browser;

  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  test('a citizen fills the form, ticks "Je ne suis pas un robot", and is asked to activate', async () => {
    const page = await browser.newPage({ locale: 'fr-FR' });
    const problems: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    page.on('request', (request) => { if (!request.url().startsWith(suite.server.url) && !request.url().startsWith('data:')) problems.push(`third party: ${request.url()}`); });

    await page.goto(`${suite.server.url}/register`);
    const email = uniqueEmail('navigateur');
    await page.getByLabel('Votre email', { exact: true }).fill(email);
    await page.getByLabel('Confirmez votre email').fill(email);
    await page.getByLabel('Votre mot de passe', { exact: true }).fill('Lagon-Bleu-2026');
    await page.getByLabel('Confirmez votre mot de passe').fill('Lagon-Bleu-2026');
    await page.getByLabel("J'accepte les conditions générales d'utilisation").check();
    await page.getByText('Je ne suis pas un robot').click();
    await page.waitForFunction(() => (document.querySelector('input[name=altcha]') as HTMLInputElement | null)?.value, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Créer mon compte' }).click();

    await expect(page.locator('h1').textContent()).resolves.toBe('Veuillez activer votre compte');
    expect(await page.getByText(email).count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    const account = await suite.server.deps.db.account.findUniqueOrThrow({ where: { emailNormalized: email } });
    expect(account.status).toBe('pending');
  });
});
