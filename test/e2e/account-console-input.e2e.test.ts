// "Mon compte" forms with bad input or no CSRF token (SPEC §7): a 4xx page that says what is
// wrong beside the field, and nothing changed; plus the contact details and the SMS preference.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Browser, visibleText } from '../support/browser.js';
import { createTestAccount } from '../support/factories.js';
import { linkIn } from '../support/mail-catcher.js';
import { serverForSuite } from '../support/suite.js';

async function signedIn(url: string, email: string, password: string) {
  const browser = new Browser(url);
  const { page } = await browser.open('/account');
  await browser.fill(page, '/login', { email, password });
  return browser;
}

describe('bad input on the account console', () => {
  const suite = serverForSuite('sqlite', { mail: true });

  const snapshot = async (id: string) => ({
    account: await suite.server.deps.db.account.findUnique({ where: { id } }),
    tokens: await suite.server.deps.db.oneTimeToken.count({ where: { accountId: id } }),
    sessions: await suite.server.deps.db.oidcPayload.count({ where: { accountId: id, type: 'Session' } }),
  });

  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['/account/email', { email: 'pas-une-adresse', emailConfirm: 'pas-une-adresse', password: 'x' }, 'email', 'Saisissez une adresse email valide'],
    ['/account/email', { email: 'a@example.nc', emailConfirm: 'b@example.nc', password: 'x' }, 'emailConfirm', 'Les deux adresses email ne sont pas identiques.'],
    ['/account/email', { email: 'a@example.nc', emailConfirm: 'a@example.nc', password: 'Wrong-Password-9' }, 'password', 'Mot de passe incorrect.'],
    ['/account/password', { current: '', password: 'Nouveau-Depart-77', passwordConfirm: 'Nouveau-Depart-77' }, 'current', 'Ce champ est obligatoire.'],
    ['/account/password', { current: 'Correct-Horse-42', password: 'azerty', passwordConfirm: 'azerty' }, 'password', 'au moins 8 caractères'],
    ['/account/password', { current: 'Correct-Horse-42', password: 'Nouveau-Depart-77', passwordConfirm: 'Nouveau-Depart-78' }, 'passwordConfirm', 'Les deux mots de passe ne sont pas identiques.'],
    ['/account/contact', { phone: '12', channel: 'email' }, 'phone', 'Saisissez un numéro de téléphone valide'],
    ['/account/contact', { phone: '', channel: 'sms' }, 'phone', 'Indiquez un numéro de téléphone'],
    ['/account/delete', { password: '' }, 'password', 'Ce champ est obligatoire.'],
    ['/account/delete', { password: 'Wrong-Password-9' }, 'password', 'Mot de passe incorrect.'],
  ];

  test.each(cases)('POST %s with %j: 400 beside %s, nothing changed', async (path, fields, field, message) => {
    const account = await createTestAccount(suite.server.deps);
    const browser = await signedIn(suite.server.url, account.email, account.password);
    const before = await snapshot(account.id);
    const { page: form } = await browser.open(path);
    const { page } = await browser.fill(form, path, fields);
    expect(page.status).toBe(400);
    const beside = new RegExp(`<p class="field-error" id="${field}-error">([^<]*)</p>`).exec(page.html);
    expect(beside?.[1]?.replace(/&#39;/g, "'")).toContain(message);
    const after = await snapshot(account.id);
    expect({ ...after, account: { ...after.account, updatedAt: null } }).toEqual({ ...before, account: { ...before.account, updatedAt: null } });
  });

  test.each([
    ['/account/email', { email: 'a@example.nc', emailConfirm: 'a@example.nc', password: 'Correct-Horse-42' }],
    ['/account/password', { current: 'Correct-Horse-42', password: 'Nouveau-Depart-77', passwordConfirm: 'Nouveau-Depart-77' }],
    ['/account/contact', { phone: '751234', channel: 'sms' }],
    ['/account/delete', { password: 'Correct-Horse-42' }],
    ['/account/connections/tax-portal/revoke', {}],
    ['/account/sessions/anything/end', {}],
  ])('POST %s without the CSRF token: 403, nothing changed', async (path, fields) => {
    const account = await createTestAccount(suite.server.deps);
    const browser = await signedIn(suite.server.url, account.email, account.password);
    const before = await snapshot(account.id);
    const { page } = await browser.submit(path, fields);
    expect(page.status).toBe(403);
    expect(await snapshot(account.id)).toEqual(before);
  });

  test('signing out a session or revoking a service that is not the account\'s: 404', async () => {
    const account = await createTestAccount(suite.server.deps);
    const browser = await signedIn(suite.server.url, account.email, account.password);
    const { page } = await browser.open('/account/email');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
    expect((await browser.submit('/account/sessions/not-a-session/end', { _csrf: csrf })).page.status).toBe(404);
    expect((await browser.submit('/account/connections/unknown-client/revoke', { _csrf: csrf })).page.status).toBe(404);
  });

  test('the console forms need a signed-in account', async () => {
    const browser = new Browser(suite.server.url);
    for (const path of ['/account', '/account/email', '/account/password', '/account/contact', '/account/delete']) {
      const first = await browser.get(path);
      expect(first.status).toBe(302);
      expect(first.headers.get('location')).toContain('/auth?client_id=passerelle-account');
    }
  });
});

describe('contact details and SMS codes', () => {
  const suite = serverForSuite('sqlite', { mail: true });

  async function preferSms(url: string, email: string, password: string, phone: string) {
    const browser = await signedIn(url, email, password);
    const { page: form } = await browser.open('/account/contact');
    for (const label of ['Votre téléphone mobile (facultatif)', 'email', 'SMS']) expect(visibleText(form.html)).toContain(label);
    const { page } = await browser.fill(form, '/account/contact', { phone, channel: 'sms' });
    expect(visibleText(page.html)).toContain('Vos coordonnées ont été enregistrées.');
    expect(visibleText(page.html)).toContain('+687751234');
    const { page: forgot } = await browser.open('/password/forgot');
    await browser.fill(forgot, '/password/forgot', { email });
  }

  test('with SMS preferred, the reset code goes to the SMS outbox and the email carries the link only', async () => {
    const account = await createTestAccount(suite.server.deps);
    await preferSms(suite.server.url, account.email, account.password, '75 12 34');
    const mail = await suite.mail.waitFor(account.email);
    expect(linkIn(mail, `${suite.server.issuer}/password/reset?token=`)).toBeTruthy();
    expect(mail.text).not.toMatch(/^\d{6}$/m);
    await suite.server.deps.mailWorker.runOnce();
    const dir = path.join(suite.storage.env['DATA_DIR']!, 'sms-outbox');
    const [file] = readdirSync(dir);
    const sms = readFileSync(path.join(dir, file!), 'utf8');
    expect(sms).toContain('To: +687751234');
    const code = /code de validation est (\d{6})/.exec(sms)![1]!;
    const browser = new Browser(suite.server.url);
    const { page: form } = await browser.open('/password/reset');
    const { page } = await browser.fill(form, '/password/reset', { email: account.email, code, password: 'Nouveau-Depart-77', passwordConfirm: 'Nouveau-Depart-77' });
    expect(visibleText(page.html)).toContain('Mot de passe réinitialisé');
    const events = (await suite.server.deps.db.auditEvent.findMany({ where: { accountId: account.id } })).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['account.contact_changed', 'password_reset.requested', 'password_reset.completed']));
  });

  describe('through the HTTP webhook (SMS_WEBHOOK_URL)', () => {
    const received: Array<{ to: string; text: string }> = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; }).on('end', () => {
        const authorised = req.headers.authorization === 'Bearer sms-secret';
        if (authorised) received.push(JSON.parse(body) as { to: string; text: string });
        res.writeHead(authorised ? 202 : 401).end();
      });
    });
    beforeAll(() => new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', () => resolve())));
    afterAll(() => { hook.closeAllConnections(); hook.close(); });
    const hookSuite = serverForSuite('sqlite', () => ({
      mail: true,
      env: { SMS_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/sms`, SMS_WEBHOOK_TOKEN: 'sms-secret' },
    }));

    test('the gateway receives {to, text} with the bearer token', async () => {
      const account = await createTestAccount(hookSuite.server.deps);
      await preferSms(hookSuite.server.url, account.email, account.password, '+687 75.12.34');
      await hookSuite.server.deps.mailWorker.runOnce();
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toBe('+687751234');
      expect(received[0]!.text).toMatch(/code de validation est \d{6}/);
    });
  });
});
