// Renders a pug view in the visitor's language with what every page needs.
import type { Context } from 'koa';
import { CSRF_FIELD } from './middleware/csrf.js';
import { translator } from './messages.js';
import { localeOf } from './request-context.js';

// Intl formatters are costly to build: one per language and time zone, for the process's life.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone });
    dateFormats.set(key, format);
  }
  return format;
}

export interface PageOptions { status?: number; uiLocales?: unknown }

export async function renderPage(ctx: Context, view: string, locals: Record<string, unknown> = {}, options: PageOptions = {}) {
  const brand = String(ctx.state['brand'] ?? 'NC Connect');
  const locale = localeOf(ctx, options.uiLocales);
  ctx.status = options.status ?? 200;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  // With its extension: koa-views otherwise looks for a file named `view` first, and fails.
  await ctx.render(`${view}.pug`, {
    ...locals,
    brand,
    locale,
    t: translator(locale, { brand }),
    formatDate: (date: Date | null | undefined) => (date ? dateFormat(locale, String(ctx.state['timeZone'] ?? 'UTC')).format(date) : ''),
    // Where the language switch brings the visitor back (a GET page; a form result goes home).
    currentPath: ctx.method === 'GET' ? ctx.originalUrl : '/account',
    brandLogo: Boolean(ctx.state['brandLogo']),
    csrfField: CSRF_FIELD,
    csrfToken: ctx.state['csrfToken'],
  });
}
