// Every email has an HTML part and a plain-text part whose links stand whole on their own line
// (SPEC §7, seed 001 §9), in French by default and in English.
import { describe, expect, test } from '@jest/globals';
import type { MailTemplate } from '../../src/mail/mail-types.js';
import { renderMail } from '../../interactions/emails/render-mail.js';

const LINK = 'https://connect.example.nc/activate?token=AbC_dEf-123&x=1';
const DATA: Record<MailTemplate, Record<string, string>> = {
  activation: { link: LINK },
  registration_attempt: { signInLink: 'https://connect.example.nc/account', resetLink: 'https://connect.example.nc/password/forgot' },
  password_reset: { link: LINK, code: '042917', codePage: 'https://connect.example.nc/password/reset' },
  password_changed: { resetLink: 'https://connect.example.nc/password/forgot' },
  account_locked: { link: LINK, resetLink: 'https://connect.example.nc/password/forgot', minutes: '30' },
  email_change: { link: LINK, email: 'nouvelle@example.nc' },
  email_change_notice: { email: 'nouvelle@example.nc', resetLink: 'https://connect.example.nc/password/forgot' },
  email_changed: { email: 'nouvelle@example.nc', resetLink: 'https://connect.example.nc/password/forgot' },
  account_deleted: { registerLink: 'https://connect.example.nc/register' },
  password_reset_sms: { code: '042917', codePage: 'https://connect.example.nc/password/reset' },
};
const EMAILS = (Object.keys(DATA) as MailTemplate[]).filter((template) => !template.endsWith('_sms'));

describe.each(EMAILS)('the %s email', (template) => {
  test.each(['fr', 'en'])('in %s: a subject, an HTML part, and each link alone on a line of the text part', async (locale) => {
    const mail = await renderMail(template, locale, { brand: 'NC Connect', ...DATA[template] });
    expect(mail.subject).toContain('NC Connect');
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.html).toContain(`lang="${locale}"`);
    const lines = mail.text.split('\n');
    for (const value of Object.values(DATA[template]).filter((v) => v.startsWith('https://'))) {
      expect(lines).toContain(value);
      expect(mail.html).toContain(`href="${value.replace(/&/g, '&amp;')}"`);
    }
    expect(mail.text).not.toMatch(/&amp;|<[a-z]/);
  });
});

test('French by default, English on request, French for an unknown language', async () => {
  expect((await renderMail('activation', 'fr', { link: LINK })).subject).toBe('Activez votre compte NC Connect');
  expect((await renderMail('activation', 'en', { link: LINK })).subject).toBe('Activate your NC Connect account');
  expect((await renderMail('activation', 'xx', { link: LINK })).subject).toBe('Activez votre compte NC Connect');
});

test('the reset code stands on its own line', async () => {
  const mail = await renderMail('password_reset', 'fr', DATA.password_reset);
  expect(mail.text.split('\n')).toContain('042917');
});

test('a text message is short, plain, and carries the code and the page', async () => {
  const sms = await renderMail('password_reset_sms', 'fr', { brand: 'NC Connect', ...DATA.password_reset_sms });
  expect(sms.html).toBe('');
  expect(sms.text).toContain('042917');
  expect(sms.text).toContain('https://connect.example.nc/password/reset');
  expect(sms.text.length).toBeLessThanOrEqual(160);
});

test('a password-reset email without a code (SMS preferred) carries the link only', async () => {
  const mail = await renderMail('password_reset', 'fr', { link: LINK });
  expect(mail.text.split('\n')).toContain(LINK);
  expect(mail.text).not.toMatch(/\b\d{6}\b/);
});
