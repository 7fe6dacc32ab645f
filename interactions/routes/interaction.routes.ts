// The sign-in and consent steps of an authorization request (SPEC §5 /interaction/:uid).
// Transport only: parse the form, call the flow, hand the outcome to oidc-provider.
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { FlowError } from '../../src/errors.js';
import { authenticateWithPassword } from '../../src/flows/login.flow.js';
import { grantRequestedAccess, isFirstPartyClient } from '../../src/oidc/consent.js';
import { finishInteraction, type Interaction } from '../../src/oidc/finish-interaction.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { requireCsrfToken } from '../middleware/csrf.js';
import { formBody, readForm } from '../middleware/form-body.js';
import { renderPage } from '../render-page.js';
import { requestContext, translatorFor } from '../request-context.js';

const LoginForm = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256), // a capped input: argon2 over huge strings is a DoS
});

const SIGN_IN_STATUS: Partial<Record<string, number>> = { invalid_credentials: 401, input_too_long: 413, too_many_attempts: 429 };

const clientOf = (provider: Provider, details: Interaction) => provider.Client.find(String(details.params['client_id']));

/** The name pages show for the requesting service: its registered name, else its id. */
const serviceNameOf = (client: { clientName?: string | undefined } | undefined, details: Interaction): string =>
  client?.clientName ?? String(details.params['client_id']);

export function interactionRoutes(deps: InteractionDeps): Router {
  const { flows } = deps;
  const provider = () => deps.provider; // the live provider, looked up per request
  const router = new Router();

  async function renderLogin(ctx: Context, details: Interaction, extra: Record<string, unknown> = {}, status = 200) {
    await renderPage(ctx, 'login', { uid: details.uid, serviceName: serviceNameOf(await clientOf(provider(), details), details), ...extra },
      { status, uiLocales: details.params['ui_locales'] });
  }

  router.get('/interaction/:uid', async (ctx) => {
    const details = await provider().interactionDetails(ctx.req, ctx.res);
    switch (details.prompt.name) {
      case 'login':
        return renderLogin(ctx, details, { email: details.params['login_hint'] });
      case 'consent': {
        const client = await clientOf(provider(), details);
        if (isFirstPartyClient(client)) {
          const result = await grantRequestedAccess(provider(), details);
          return finishInteraction(ctx, details, result, { mergeWithLastSubmission: true });
        }
        const missing = (details.prompt.details['missingOIDCScope'] as string[] | undefined) ?? [];
        const scopes = missing.filter((scope) => scope !== 'openid');
        return renderPage(ctx, 'consent', { uid: details.uid, serviceName: serviceNameOf(client, details), scopes: scopes.length ? scopes : ['openid'] },
          { uiLocales: details.params['ui_locales'] });
      }
      default:
        throw new FlowError('not_found');
    }
  });

  router.post('/interaction/:uid/login', formBody, requireCsrfToken, async (ctx) => {
    const details = await provider().interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'login') return ctx.redirect(`/interaction/${details.uid}`);
    const rawEmail = String((ctx.request as { body?: Record<string, unknown> }).body?.['email'] ?? '').slice(0, 254);
    try {
      const credentials = readForm(ctx, LoginForm);
      const account = await authenticateWithPassword(flows, credentials, requestContext(ctx, { clientId: String(details.params['client_id']), uiLocales: details.params['ui_locales'] }));
      await finishInteraction(ctx, details, { login: { accountId: account.id, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      if (error.code === 'account_not_activated') {
        return renderPage(ctx, 'account-pending', { email: rawEmail }, { uiLocales: details.params['ui_locales'] });
      }
      const t = translatorFor(ctx, details.params['ui_locales']);
      const status = SIGN_IN_STATUS[error.code] ?? 400;
      return renderLogin(ctx, details, { email: rawEmail, formError: t(`error.${error.code}`) }, status);
    }
  });

  router.post('/interaction/:uid/confirm', formBody, requireCsrfToken, async (ctx) => {
    const details = await provider().interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'consent' || !details.session?.accountId) return ctx.redirect(`/interaction/${details.uid}`);
    const result = await grantRequestedAccess(provider(), details);
    await flows.audit.record('consent.granted', { accountId: details.session.accountId, clientId: String(details.params['client_id']), ip: ctx.ip });
    await finishInteraction(ctx, details, result, { mergeWithLastSubmission: true });
  });

  // "Refuser": the relying party receives access_denied (RFC 6749 §4.1.2.1).
  router.post('/interaction/:uid/abort', formBody, requireCsrfToken, async (ctx) => {
    const details = await provider().interactionDetails(ctx.req, ctx.res);
    await flows.audit.record('consent.refused', { accountId: details.session?.accountId, clientId: String(details.params['client_id']), ip: ctx.ip });
    await finishInteraction(ctx, details, { error: 'access_denied', error_description: 'End-User refused to grant access' }, { mergeWithLastSubmission: false });
  });

  return router;
}
