// Forgotten password (SPEC §5 /password/forgot, /password/reset): the request, then the new
// password by the emailed link or by the code typed on the page. Transport only.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { FormError } from '../../src/errors.js';
import { isResetLinkLive, requestPasswordReset, resetPasswordWithCode, resetPasswordWithLink } from '../../src/flows/password-reset.flow.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { requireCsrfToken } from '../middleware/csrf.js';
import { formBody, readForm, textField } from '../middleware/form-body.js';
import { renderPage } from '../render-page.js';
import { fieldMessages, requestContext, translatorFor } from '../request-context.js';

/** Remembers the address typed on /password/forgot, to prefill the code form in this browser. */
const EMAIL_COOKIE = 'passerelle.reset-email';

const ResetFields = z.object({
  token: z.string().max(128).optional(),
  email: textField(254),
  code: textField(32),
  password: textField(1024),
  passwordConfirm: textField(1024),
});

export function passwordRoutes({ flows, config }: InteractionDeps): Router {
  const router = new Router();
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies, signed: true, path: '/password', maxAge: 60 * 60 * 1000, overwrite: true };

  router.get('/password/forgot', (ctx) => renderPage(ctx, 'forgot', { values: {} }));

  router.post('/password/forgot', formBody, requireCsrfToken, async (ctx) => {
    const { email } = readForm(ctx, z.object({ email: textField(254) }));
    try {
      await requestPasswordReset(flows, email, requestContext(ctx));
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      return renderPage(ctx, 'forgot', { values: { email }, errors: fieldMessages(error, translatorFor(ctx)) }, { status: 400 });
    }
    ctx.cookies.set(EMAIL_COOKIE, email.trim(), cookieOptions);
    return renderPage(ctx, 'forgot-sent');
  });

  const renderReset = (ctx: Context, token: string | undefined, values: Record<string, unknown>, errors?: Record<string, string>, status = 200) =>
    renderPage(ctx, 'reset', { token, values, errors }, { status });

  router.get('/password/reset', async (ctx) => {
    const token = ctx.query['token'];
    if (token === undefined) return renderReset(ctx, undefined, { email: ctx.cookies.get(EMAIL_COOKIE, { signed: true }) ?? '' });
    if (!(await isResetLinkLive(flows, token))) return renderPage(ctx, 'link-invalid', {}, { status: 400 });
    return renderReset(ctx, String(token), {});
  });

  router.post('/password/reset', formBody, requireCsrfToken, async (ctx) => {
    const fields = readForm(ctx, ResetFields);
    try {
      if (fields.token !== undefined) await resetPasswordWithLink(flows, fields.token, fields, requestContext(ctx));
      else await resetPasswordWithCode(flows, fields, requestContext(ctx));
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      return renderReset(ctx, fields.token, { email: fields.email, code: fields.code }, fieldMessages(error, translatorFor(ctx)), 400);
    }
    ctx.cookies.set(EMAIL_COOKIE, null, cookieOptions);
    return renderPage(ctx, 'reset-done');
  });

  return router;
}
