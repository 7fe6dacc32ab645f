// Operator-editable footer pages, the language switch, and the brand's colour and logo.
import Router from '@koa/router';
import { readFile } from 'node:fs/promises';
import { CONTENT_PAGES, renderContentPage } from '../content-pages.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { LOCALES, type Locale } from '../messages.js';
import { renderPage } from '../render-page.js';
import { LANGUAGE_COOKIE, localeOf } from '../request-context.js';

/** A path of this site only, so the switch cannot send anyone elsewhere. */
const safeReturn = (value: unknown): string => (typeof value === 'string' && /^\/(?![/\\])/.test(value) && value.length < 2048 ? value : '/');

export function contentRoutes({ config }: InteractionDeps): Router {
  const router = new Router();

  for (const page of CONTENT_PAGES) {
    router.get(`/${page}`, async (ctx) => {
      const { title, html } = await renderContentPage(config.CONTENT_DIR, page, localeOf(ctx), config.BRAND_NAME);
      return renderPage(ctx, 'content', { title, html });
    });
  }

  router.get('/lang/:locale', (ctx) => {
    const locale = ctx.params['locale'] as Locale;
    if (LOCALES.includes(locale)) {
      ctx.cookies.set(LANGUAGE_COOKIE, locale, { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: 365 * 24 * 3600 * 1000, overwrite: true });
    }
    ctx.redirect(safeReturn(ctx.query['return']));
  });

  // The brand colour as a stylesheet: no inline style, so the CSP stays strict.
  router.get('/assets/theme.css', (ctx) => {
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = `:root { --brand: ${config.BRAND_COLOR}; --brand-dark: color-mix(in srgb, ${config.BRAND_COLOR} 80%, black); }\n`;
  });

  router.get('/brand/logo', async (ctx) => {
    if (!config.BRAND_LOGO_FILE) return;
    ctx.type = config.BRAND_LOGO_FILE.toLowerCase().endsWith('.svg') ? 'image/svg+xml' : 'image/png';
    ctx.set('Cache-Control', 'public, max-age=300');
    // An SVG may hold script: it is only ever shown through <img>, and sandboxed if opened directly.
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    ctx.body = await readFile(config.BRAND_LOGO_FILE);
  });

  return router;
}
