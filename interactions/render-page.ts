// Renders a pug view in the visitor's language with what every page needs.
import type { Context } from 'koa';
import { CSRF_FIELD } from './middleware/csrf.js';
import { pickLocale, translator } from './messages.js';

export interface PageOptions { status?: number; uiLocales?: unknown }

export async function renderPage(ctx: Context, view: string, locals: Record<string, unknown> = {}, options: PageOptions = {}) {
  const brand = String(ctx.state['brand'] ?? 'NC Connect');
  const locale = pickLocale(options.uiLocales, ctx.get('accept-language'));
  ctx.status = options.status ?? 200;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  await ctx.render(view, {
    ...locals,
    brand,
    locale,
    t: translator(locale, { brand }),
    formatDate: (date: Date | null | undefined) => date
      ? new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: String(ctx.state['timeZone'] ?? 'UTC') }).format(date)
      : '',
    csrfField: CSRF_FIELD,
    csrfToken: ctx.state['csrfToken'],
  });
}
