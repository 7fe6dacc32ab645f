// What routes pass to flows about the request, and the visitor's language.
import type { Context } from 'koa';
import type { RequestContext } from '../src/flows/flow-deps.js';
import type { FormError } from '../src/errors.js';
import { pickLocale, translator, type Locale, type Translate } from './messages.js';

/** The cookie the language switch sets (see routes/content.routes.ts). */
export const LANGUAGE_COOKIE = 'passerelle.lang';

export const localeOf = (ctx: Context, uiLocales?: unknown): Locale =>
  pickLocale(uiLocales, ctx.get('accept-language'), ctx.cookies.get(LANGUAGE_COOKIE) ?? undefined);

export const requestContext = (ctx: Context, extra: { clientId?: string; uiLocales?: unknown } = {}): RequestContext =>
  ({ ip: ctx.ip, locale: localeOf(ctx, extra.uiLocales), clientId: extra.clientId });

/** A form's problems as the sentences shown beside each field. */
export function fieldMessages(error: FormError, t: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(error.fields).map(([field, problem]) => [field, t(`field.${problem}`)]));
}

export const translatorFor = (ctx: Context, uiLocales?: unknown): Translate =>
  translator(localeOf(ctx, uiLocales), { brand: String(ctx.state['brand'] ?? 'NC Connect') });

/** The parsed urlencoded body (after the formBody middleware). */
export const formOf = (ctx: Context): Record<string, unknown> => (ctx.request as { body?: Record<string, unknown> }).body ?? {};
