// Renders an email from its pug template, once as HTML (inside layout.pug) and once as plain
// text, in the recipient's language. Templates are compiled once and cached.
import path from 'node:path';
import pug from 'pug';
import type { MailRenderer, MailTemplate } from '../../src/mail/mail-types.js';
import { emailsDir } from '../../src/paths.js';
import { LOCALES, translator, type Locale } from '../messages.js';


const compiled = new Map<string, pug.compileTemplate>();

function template(name: string): pug.compileTemplate {
  let fn = compiled.get(name);
  if (!fn) {
    fn = pug.compileFile(path.join(emailsDir, `${name}.pug`));
    compiled.set(name, fn);
  }
  return fn;
}

export const renderMail: MailRenderer = async (name: MailTemplate, requestedLocale, data) => {
  const locale: Locale = (LOCALES as readonly string[]).includes(requestedLocale) ? requestedLocale as Locale : 'fr';
  const t = translator(locale, { brand: data['brand'] ?? 'NC Connect' });
  const locals = { ...data, t, locale, brand: data['brand'] ?? 'NC Connect' };
  if (name.endsWith('_sms')) return { subject: '', html: '', text: template(name)({ ...locals, format: 'text' }).trim() };
  const subject = t(`mail.${name}.subject`);
  const text = template(name)({ ...locals, format: 'text' }).trimEnd() + `\n\n-- \n${t('mail.footer')}\n`;
  const body = template(name)({ ...locals, format: 'html' });
  const html = template('layout')({ ...locals, subject, body });
  return { subject, html, text };
};
