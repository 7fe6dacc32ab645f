// The pages oidc-provider renders itself (errors, logout), in our layout and language.
import type { ProviderPages } from '../src/oidc/provider.js';
import { translatorFor } from './request-context.js';
import { renderPage } from './render-page.js';

export const providerPages: ProviderPages = {
  async renderError(ctx, out, error) {
    const t = translatorFor(ctx, ctx.oidc?.params?.['ui_locales']);
    ctx.state['log']?.info({ code: out.error, status: ctx.status, detail: error instanceof Error ? error.message : undefined }, 'protocol error page');
    await renderPage(ctx, 'error', { message: t('error.generic'), code: out.error }, { status: ctx.status });
  },
  async logoutSource(ctx, form) {
    await renderPage(ctx, 'logout', { form }, { uiLocales: ctx.oidc?.params?.['ui_locales'] });
  },
  async postLogoutSuccessSource(ctx) {
    await renderPage(ctx, 'logged-out', {}, { uiLocales: ctx.oidc?.params?.['ui_locales'] });
  },
};
