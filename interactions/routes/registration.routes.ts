// Creating an account (SPEC §5 /register), on its own or from "Créer un compte" during an
// authorization request; "Renvoyer l'email"; the captcha challenge. Transport only.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { FormError } from '../../src/errors.js';
import { register, resendActivation, type ResumeTarget } from '../../src/flows/registration.flow.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { requireCsrfToken } from '../middleware/csrf.js';
import { formBody, readForm, textField } from '../middleware/form-body.js';
import { renderPage } from '../render-page.js';
import { fieldMessages, requestContext, translatorFor } from '../request-context.js';

const RegistrationFields = z.object({
  email: textField(254),
  emailConfirm: textField(254),
  password: textField(1024),
  passwordConfirm: textField(1024),
  acceptTerms: z.literal('yes').optional(),
  altcha: textField(8192),
});

const ResendFields = z.object({ email: textField(254) });

interface RegistrationPage { action: string; signInHref: string; uiLocales?: unknown; serviceName?: string }

export function registrationRoutes(deps: InteractionDeps): Router {
  const { flows } = deps;
  const provider = () => deps.provider; // the live provider, looked up per request
  const router = new Router();

  const renderForm = (ctx: Context, page: RegistrationPage, values: Record<string, unknown> = {}, errors?: Record<string, string>, status = 200) =>
    renderPage(ctx, 'register', { ...page, values, errors, captchaWidget: flows.captcha.widget }, { status, uiLocales: page.uiLocales });

  async function submit(ctx: Context, page: RegistrationPage, resume?: ResumeTarget) {
    const fields = readForm(ctx, RegistrationFields);
    try {
      await register(flows, {
        email: fields.email, emailConfirm: fields.emailConfirm, password: fields.password, passwordConfirm: fields.passwordConfirm,
        acceptTerms: fields.acceptTerms === 'yes', captcha: fields.altcha,
      }, requestContext(ctx, { clientId: resume?.clientId, uiLocales: page.uiLocales }), resume);
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      const values = { email: fields.email, emailConfirm: fields.emailConfirm, acceptTerms: fields.acceptTerms === 'yes' };
      return renderForm(ctx, page, values, fieldMessages(error, translatorFor(ctx, page.uiLocales)), 400);
    }
    return renderPage(ctx, 'account-pending', { email: fields.email.trim() }, { uiLocales: page.uiLocales });
  }

  const standalone: RegistrationPage = { action: '/register', signInHref: '/account' };

  router.get('/register', (ctx) => renderForm(ctx, standalone));
  router.post('/register', formBody, requireCsrfToken, (ctx) => submit(ctx, standalone));

  async function duringAuthorization(ctx: Context): Promise<{ page: RegistrationPage; resume: ResumeTarget }> {
    const details = await provider().interactionDetails(ctx.req, ctx.res);
    const clientId = String(details.params['client_id']);
    const page = { action: `/interaction/${details.uid}/register`, signInHref: `/interaction/${details.uid}`, uiLocales: details.params['ui_locales'] };
    return { page, resume: { uid: details.uid, clientId } };
  }

  router.get('/interaction/:uid/register', async (ctx) => renderForm(ctx, (await duringAuthorization(ctx)).page));
  router.post('/interaction/:uid/register', formBody, requireCsrfToken, async (ctx) => {
    const { page, resume } = await duringAuthorization(ctx);
    return submit(ctx, page, resume);
  });

  router.post('/register/resend', formBody, requireCsrfToken, async (ctx) => {
    const { email } = readForm(ctx, ResendFields);
    await resendActivation(flows, email, requestContext(ctx));
    return renderPage(ctx, 'account-pending', { email: email.trim(), resent: true });
  });

  router.get('/captcha/challenge', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await flows.captcha.challenge();
  });

  return router;
}
