// Footer pages edited by the operator, the language switch, and the brand (issue 6 §1, §3).
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Browser, visibleText } from '../support/browser.js';
import { serverForSuite } from '../support/suite.js';
import { TMP_DIR } from '../support/test-server.js';

const contentDir = path.join(TMP_DIR, `content-${process.pid}`);
mkdirSync(contentDir, { recursive: true });
writeFileSync(path.join(contentDir, 'contact.fr.md'), '# Nous écrire\n\nÉcrivez à [l\'assistance](mailto:aide@gouv.nc).\n\n<script>alert(1)</script>\n\n[piège](javascript:alert(1))\n');
const logo = path.join(contentDir, 'logo.svg');
writeFileSync(logo, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');

describe('footer pages, language switch and brand', () => {
  const suite = serverForSuite('sqlite', { env: { CONTENT_DIR: contentDir, BRAND_COLOR: '#1b5e20', BRAND_LOGO_FILE: logo, BRAND_NAME: 'Calédonie Connect' } });

  test.each([
    ['/terms', "Conditions générales d'utilisation"],
    ['/legal', 'Mentions légales'],
  ])('%s serves the bundled default, with the brand name', async (pagePath, heading) => {
    const { page } = await new Browser(suite.server.url).open(pagePath);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<h1>${heading.replace(/'/g, '&#39;')}</h1>`);
    expect(visibleText(page.html)).toContain('Calédonie Connect');
  });

  test('the operator\'s file wins, and cannot inject script or javascript: links', async () => {
    const { page } = await new Browser(suite.server.url).open('/contact');
    expect(page.html).toContain('<h1>Nous écrire</h1>');
    expect(page.html).toContain('href="mailto:aide@gouv.nc"');
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).not.toContain('javascript:');
    // No English file from the operator: the French one is shown rather than the bundled English default.
    const { page: english } = await new Browser(suite.server.url, 'en-GB,en;q=0.9').open('/contact');
    expect(english.html).toContain('<h1>Nous écrire</h1>');
  });

  test('every page links the footer pages and the language switch; the switch remembers the choice', async () => {
    const browser = new Browser(suite.server.url);
    const { page } = await browser.open('/password/forgot');
    for (const href of ['/terms', '/legal', '/contact']) expect(page.html).toContain(`href="${href}"`);
    expect(visibleText(page.html)).toContain('Mot de passe oublié');
    const switchHref = /class="language-switch" href="([^"]+)"/.exec(page.html)![1]!.replace(/&amp;/g, '&');
    expect(switchHref).toBe('/lang/en?return=%2Fpassword%2Fforgot');
    const { page: english } = await browser.open(switchHref);
    expect(english.url).toBe(`${suite.server.url}/password/forgot`);
    expect(english.html).toContain('<html lang="en">');
    expect(visibleText(english.html)).toContain('Forgotten password');
    expect(visibleText((await browser.open('/register')).page.html)).toContain('Create my account');
    const { page: back } = await browser.open('/lang/fr?return=/register');
    expect(visibleText(back.html)).toContain('Créer mon compte');
  });

  test('a method a page does not take is answered 405 with the methods it takes; OPTIONS lists them', async () => {
    for (const [pagePath, allowed] of [['/terms', 'HEAD, GET'], ['/register', 'HEAD, GET, POST'], ['/account/delete', 'HEAD, GET, POST']] as const) {
      const refused = await fetch(`${suite.server.url}${pagePath}`, { method: 'PUT' });
      expect([refused.status, refused.headers.get('allow')]).toEqual([405, allowed]);
      const options = await fetch(`${suite.server.url}${pagePath}`, { method: 'OPTIONS' });
      expect([options.status, options.headers.get('allow')]).toEqual([200, allowed]);
    }
  });

  test('the switch never redirects off the site', async () => {
    for (const target of ['//evil.test/x', 'https://evil.test/', '/\\evil.test']) {
      const response = await new Browser(suite.server.url).get(`/lang/en?return=${encodeURIComponent(target)}`);
      expect(response.headers.get('location')).toBe('/');
    }
  });

  test('the brand colour comes as a stylesheet and the logo from our origin', async () => {
    const browser = new Browser(suite.server.url);
    const theme = await browser.get('/assets/theme.css');
    expect(theme.headers.get('content-type')).toContain('text/css');
    expect(theme.html).toContain('--brand: #1b5e20');
    const { page } = await browser.open('/register');
    expect(page.html).toContain('<img class="brand-logo" src="/brand/logo" alt="Logo Calédonie Connect">');
    const image = await browser.get('/brand/logo');
    expect(image.headers.get('content-type')).toBe('image/svg+xml');
    expect(image.headers.get('content-security-policy')).toContain('sandbox');
  });
});
