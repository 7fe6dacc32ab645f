// Bad input on every account form (SPEC §7): a 4xx page that says what is wrong, beside the
// field concerned, with what was typed kept (never a password), and nothing changed.
import { describe, expect, test } from '@jest/globals';
import { Browser, visibleText } from '../support/browser.js';
import { createTestAccount, uniqueEmail } from '../support/factories.js';
import { serverForSuite } from '../support/suite.js';

const GOOD = 'Lagon-Bleu-2026';

describe('bad input on the account forms', () => {
  const suite = serverForSuite('sqlite');

  const counts = async () => ({
    accounts: await suite.server.deps.db.account.count(),
    tokens: await suite.server.deps.db.oneTimeToken.count(),
    mails: await suite.server.deps.db.outboxMessage.count(),
  });

  const email = 'camille.dupont@example.nc';
  const registrationCases: Array<[string, Record<string, string>, Record<string, string>]> = [
    ['nothing filled in', {}, { email: 'Ce champ est obligatoire.', emailConfirm: 'Ce champ est obligatoire.', password: 'Ce champ est obligatoire.', passwordConfirm: 'Ce champ est obligatoire.', acceptTerms: "Vous devez accepter les conditions générales d'utilisation" }],
    ['an address without a domain', { email: 'camille@', emailConfirm: 'camille@' }, { email: 'Saisissez une adresse email valide' }],
    ['two different addresses', { emailConfirm: 'camille.dupond@example.nc' }, { emailConfirm: 'Les deux adresses email ne sont pas identiques.' }],
    ['two different passwords', { passwordConfirm: `${GOOD}!` }, { passwordConfirm: 'Les deux mots de passe ne sont pas identiques.' }],
    ['a password under 8 characters', { password: 'Ab1-xyz', passwordConfirm: 'Ab1-xyz' }, { password: 'au moins 8 caractères' }],
    ['no uppercase under 14 characters', { password: 'lagon-bleu-26', passwordConfirm: 'lagon-bleu-26' }, { password: 'une majuscule, une minuscule et un chiffre' }],
    ['a common password', { password: 'Password123', passwordConfirm: 'Password123' }, { password: 'Ce mot de passe est trop courant.' }],
    ['a password over 256 characters', { password: `Aa1${'x'.repeat(300)}`, passwordConfirm: `Aa1${'x'.repeat(300)}` }, { password: 'au plus 256 caractères' }],
    ['terms not accepted', { acceptTerms: '' }, { acceptTerms: "Vous devez accepter les conditions générales d'utilisation" }],
  ];

  test.each(registrationCases)('register with %s: 400, the message beside the field, input kept, nothing created', async (_name, change, expected) => {
    const before = await counts();
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/register');
    const base: Record<string, string> = Object.keys(change).length === 0 ? {} : { email, emailConfirm: email, password: GOOD, passwordConfirm: GOOD, acceptTerms: 'yes' };
    const fields = Object.fromEntries(Object.entries({ ...base, ...change }).filter(([, value]) => value !== ''));
    const { page } = await browser.fill(form, '/register', fields);
    expect(page.status).toBe(400);
    for (const [field, message] of Object.entries(expected)) {
      const beside = new RegExp(`<p class="field-error" id="${field}-error">([^<]*)</p>`).exec(page.html);
      expect(beside?.[1]?.replace(/&#39;/g, "'")).toContain(message);
    }
    if (fields['email']) expect(page.html).toContain(`value="${fields['email']}"`);
    if (fields['password']) expect(page.html).not.toContain(fields['password']);
    expect(await counts()).toEqual(before);
  });

  test('forgot: an empty or malformed address is refused beside the field, and nothing is sent', async () => {
    const before = await counts();
    for (const [value, message] of [['', 'Ce champ est obligatoire.'], ['pas-une-adresse', 'Saisissez une adresse email valide']] as const) {
      const browser = new Browser(suite.server.url);
      const { page: form } = await browser.open('/password/forgot');
      const { page } = await browser.fill(form, '/password/forgot', { email: value });
      expect(page.status).toBe(400);
      expect(visibleText(page.html)).toContain(message);
    }
    expect(await counts()).toEqual(before);
  });

  test('reset by code: a code that is not 6 digits, or a weak password, changes nothing', async () => {
    const account = await createTestAccount(suite.server.deps);
    const before = await counts();
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/password/reset');
    const { page: badCode } = await browser.fill(form, '/password/reset', { email: account.email, code: '12ab', password: GOOD, passwordConfirm: GOOD });
    expect(badCode.status).toBe(400);
    expect(badCode.html).toContain('id="code-error"');
    const { page: weak } = await browser.fill(form, '/password/reset', { email: account.email, code: '123456', password: 'short', passwordConfirm: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('id="password-error"');
    expect(await counts()).toEqual(before);
    const unchanged = await suite.server.deps.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(unchanged.passwordHash).toBe(account.passwordHash);
  });

  test.each([
    ['/activate'], ['/activate?token='], ['/activate?token=forged-token'], ['/activate?token=a&token=b'],
    ['/unlock?token=forged'], [`/unlock?token=${'A'.repeat(43)}`], ['/password/reset?token=forged'],
  ])('GET %s: 400 with an explanation', async (path) => {
    const { page } = await new Browser(suite.server.url).open(path);
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toContain("Ce lien n'est plus valide");
  });

  test('POST /password/reset with a forged link token: 400, nothing changed', async () => {
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/password/reset');
    const { page } = await browser.submit('/password/reset', { _csrf: /name="_csrf" value="([^"]+)"/.exec(form.html)![1]!, token: 'forged', password: GOOD, passwordConfirm: GOOD });
    expect(page.status).toBe(400);
  });

  test('a forged "Continuer" ticket is refused', async () => {
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/register');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.html)![1]!;
    const { page } = await browser.submit('/interaction/some-uid/activated', { _csrf: csrf, ticket: 'eyJ1aWQiOiJzb21lLXVpZCJ9.forged' });
    expect(page.status).toBe(400);
  });

  test.each([
    ['/register', { email, emailConfirm: email, password: GOOD, passwordConfirm: GOOD, acceptTerms: 'yes' }],
    ['/register/resend', { email }],
    ['/password/forgot', { email }],
    ['/password/reset', { email, code: '123456', password: GOOD, passwordConfirm: GOOD }],
  ])('POST %s without the CSRF token: 403, nothing changed', async (path, fields) => {
    const before = await counts();
    const browser = new Browser(suite.server.url);
    await browser.open('/register');
    const { page } = await browser.submit(path, fields);
    expect(page.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  test('a repeated field, a malformed resend address and an oversized body are refused', async () => {
    const before = await counts();
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/register');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.html)![1]!;
    const repeated = await browser.request('/register', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(csrf)}&email=a%40example.nc&email=b%40example.nc`,
    });
    expect(repeated.status).toBe(400);
    expect((await browser.submit('/register/resend', { _csrf: csrf, email: 'not-an-address' })).page.status).toBe(400);
    expect((await browser.submit('/register', { _csrf: csrf, email: 'x'.repeat(20_000) })).page.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  test('registering creates exactly one pending account and one mail', async () => {
    const before = await counts();
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/register');
    const address = uniqueEmail();
    await browser.fill(form, '/register', { email: address, emailConfirm: address, password: GOOD, passwordConfirm: GOOD, acceptTerms: 'yes' });
    expect(await counts()).toEqual({ accounts: before.accounts + 1, tokens: before.tokens + 1, mails: before.mails + 1 });
  });
});
