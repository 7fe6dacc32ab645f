// Turns failures on our pages into a page a citizen can read, with the right 4xx status.
// Unknown errors become a generic 500 page; their detail goes to the log only.
import type { Context, Next } from 'koa';
import { errors as oidcErrors } from 'oidc-provider';
import { FlowError } from '../../src/errors.js';
import { translatorFor } from '../request-context.js';
import { renderPage } from '../render-page.js';

const STATUS: Partial<Record<string, number>> = { csrf_failed: 403, input_too_long: 413, not_found: 404, forbidden: 403, too_many_attempts: 429, email_taken: 409 };

export async function pageErrors(ctx: Context, next: Next) {
  try {
    await next();
  } catch (error) {
    const t = translatorFor(ctx);
    if (error instanceof FlowError && error.code === 'link_invalid') {
      return renderPage(ctx, 'link-invalid', {}, { status: 400 });
    }
    if (error instanceof FlowError) {
      return renderPage(ctx, 'error', { message: t(`error.${error.code}`), code: error.code }, { status: STATUS[error.code] ?? 400 });
    }
    if (error instanceof oidcErrors.SessionNotFound || error instanceof oidcErrors.InvalidRequest) {
      return renderPage(ctx, 'error', { message: t('error.expired'), code: 'session_not_found' }, { status: 400 });
    }
    ctx.state['log']?.error({ err: error }, 'page failed');
    return renderPage(ctx, 'error', { message: t('error.generic'), code: 'server_error' }, { status: 500 });
  }
}
