// ALTCHA on the registration form (issue 3 §2): the challenge and the widget come from our own
// origin; a solved challenge is accepted once; no solution, no account.
import { describe, expect, test } from '@jest/globals';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { Browser, visibleText } from '../support/browser.js';
import { uniqueEmail } from '../support/factories.js';
import { serverForSuite } from '../support/suite.js';

const PASSWORD = 'Lagon-Bleu-2026';

describe('ALTCHA captcha on registration', () => {
  // Cheap challenges so the test solves them in milliseconds; the protocol is the real one.
  const suite = serverForSuite('sqlite', { env: { CAPTCHA: 'altcha' }, overrides: { captchaCost: 1 } });

  async function solvedPayload(browser: Browser): Promise<string> {
    const response = await browser.get('/captcha/challenge');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const challenge = JSON.parse(response.html) as Challenge;
    expect(challenge.parameters.algorithm).toBe('PBKDF2/SHA-256');
    const solution = await solveChallenge({ challenge, deriveKey });
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }

  const form = (email: string, altcha?: string) => ({ email, emailConfirm: email, password: PASSWORD, passwordConfirm: PASSWORD, acceptTerms: 'yes', ...(altcha ? { altcha } : {}) });

  test('the page embeds the widget from our origin, under a CSP without inline scripts', async () => {
    const browser = new Browser(suite.server.url);
    const page = await browser.get('/register');
    expect(page.html).toContain('<altcha-widget challenge="/captcha/challenge"');
    expect(page.html).toContain('<script type="module" src="/assets/captcha.js">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    for (const asset of ['/assets/captcha.js', '/assets/altcha/external/altcha.js', '/assets/altcha/workers/pbkdf2.js', '/assets/altcha/external/altcha.css', '/assets/altcha/i18n/fr-fr.js']) {
      expect((await browser.get(asset)).status).toBe(200);
    }
  });

  test('a solved challenge registers; the same solution is refused the second time', async () => {
    const browser = new Browser(suite.server.url);
    const payload = await solvedPayload(browser);
    const { page } = await browser.open('/register');
    const first = uniqueEmail();
    const { page: accepted } = await browser.fill(page, '/register', form(first, payload));
    expect(visibleText(accepted.html)).toContain('Veuillez activer votre compte');

    const second = uniqueEmail();
    const { page: replayed } = await browser.fill(page, '/register', form(second, payload));
    expect(replayed.status).toBe(400);
    expect(visibleText(replayed.html)).toContain('La vérification anti-robot a échoué');
    expect(await suite.server.deps.db.account.count({ where: { emailNormalized: second } })).toBe(0);
  });

  test('no solution, or a forged one, creates nothing', async () => {
    const browser = new Browser(suite.server.url);
    const { page } = await browser.open('/register');
    const payload = JSON.parse(Buffer.from(await solvedPayload(browser), 'base64').toString()) as { solution: { derivedKey: string } };
    payload.solution.derivedKey = payload.solution.derivedKey.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const altcha of [undefined, 'not-base64-json', Buffer.from(JSON.stringify(payload)).toString('base64')]) {
      const email = uniqueEmail();
      const { page: refused } = await browser.fill(page, '/register', form(email, altcha));
      expect(refused.status).toBe(400);
      expect(visibleText(refused.html)).toContain('La vérification anti-robot a échoué');
      expect(await suite.server.deps.db.account.count({ where: { emailNormalized: email } })).toBe(0);
    }
  });
});
