// "Mon compte" (SPEC §5 /account, §6): sign-in through the provider, then the console's
// sections and forms. Transport only: every change is a flow in src/flows.
import Router from '@koa/router';
import Bowser from 'bowser';
import type { Context } from 'koa';
import { z } from 'zod';
import { FormError } from '../../src/errors.js';
import { deleteAccount } from '../../src/flows/account-deletion.flow.js';
import { activeSessions, connectedServices, endSession, revokeService, touchSession } from '../../src/flows/connections.flow.js';
import { updateContact } from '../../src/flows/contact.flow.js';
import { confirmEmailChange, requestEmailChange } from '../../src/flows/email-change.flow.js';
import { changePassword } from '../../src/flows/password-change.flow.js';
import { ACCOUNT_CONSOLE_CLIENT_ID, consoleSignOutUrl } from '../../src/oidc/account-console.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { requireCsrfToken } from '../middleware/csrf.js';
import { formBody, readForm, textField } from '../middleware/form-body.js';
import { signedIn, signedInPages, type SignedIn } from '../middleware/signed-in.js';
import { renderPage } from '../render-page.js';
import { fieldMessages, requestContext, translatorFor } from '../request-context.js';

/** "Chrome on Linux" from a User-Agent header. */
function browserName(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const parsed = Bowser.parse(userAgent);
  return [parsed.browser.name, parsed.os.name].filter(Boolean).join(' · ') || null;
}

export function accountRoutes(deps: InteractionDeps): Router {
  const { flows, config } = deps;
  const provider = () => deps.provider; // the live provider, looked up per request
  const router = new Router();
  const { requireSignedIn, callback } = signedInPages(deps);

  router.get('/account/callback', callback);

  router.get('/account/signed-out', (ctx) => renderPage(ctx, 'logged-out'));

  router.get('/account', requireSignedIn, async (ctx) => {
    const { account, sessionUid } = signedIn(ctx);
    await touchSession(flows, account.id, sessionUid, { userAgent: ctx.get('user-agent') || undefined, ip: ctx.ip });
    const services = await Promise.all((await connectedServices(flows, account.id, [ACCOUNT_CONSOLE_CLIENT_ID])).map(async (service) => {
      const client = await provider().Client.find(service.clientId);
      return { ...service, name: client?.clientName ?? service.clientId, uri: client?.clientUri };
    }));
    const sessions = (await activeSessions(flows, account.id, sessionUid)).map((session) => ({ ...session, browser: browserName(session.userAgent) }));
    const done = typeof ctx.query['done'] === 'string' && /^[a-z]+$/.test(ctx.query['done']) ? ctx.query['done'] : undefined;
    return renderPage(ctx, 'account', { account, services, sessions, done, signOutUrl: consoleSignOutUrl(config.ISSUER) });
  });

  // Each form: GET shows it, POST runs the flow; problems come back beside their fields.
  function form<T extends z.ZodType>(path: string, view: string, schema: T, run: (ctx: Context, fields: z.infer<T>, who: SignedIn) => Promise<void | string>, keep: (fields: z.infer<T>) => Record<string, unknown> = () => ({})) {
    router.get(path, requireSignedIn, (ctx) => renderPage(ctx, view, { account: signedIn(ctx).account, values: {} }));
    router.post(path, formBody, requireCsrfToken, requireSignedIn, async (ctx) => {
      const fields = readForm(ctx, schema);
      try {
        const next = await run(ctx, fields, signedIn(ctx));
        if (typeof next === 'string') ctx.redirect(next);
      } catch (error) {
        if (!(error instanceof FormError)) throw error;
        return renderPage(ctx, view, { account: signedIn(ctx).account, values: keep(fields), errors: fieldMessages(error, translatorFor(ctx)) }, { status: 400 });
      }
    });
  }

  form('/account/email', 'account-email', z.object({ email: textField(254), emailConfirm: textField(254), password: textField(1024) }), async (ctx, fields, { account }) => {
    await requestEmailChange(flows, account, fields, requestContext(ctx));
    await renderPage(ctx, 'account-email-sent', { email: fields.email.trim() });
  }, ({ email, emailConfirm }) => ({ email, emailConfirm }));

  form('/account/password', 'account-password', z.object({ current: textField(1024), password: textField(1024), passwordConfirm: textField(1024), endOtherSessions: z.literal('yes').optional() }), async (ctx, fields, { account, sessionUid }) => {
    await changePassword(flows, account, { ...fields, endOtherSessions: fields.endOtherSessions === 'yes' }, sessionUid, requestContext(ctx));
    return '/account?done=password';
  });

  form('/account/contact', 'account-contact', z.object({ phone: textField(40), channel: textField(10) }), async (ctx, fields, { account }) => {
    await updateContact(flows, account, fields, requestContext(ctx));
    return '/account?done=contact';
  }, (fields) => fields);

  form('/account/delete', 'account-delete', z.object({ password: textField(1024) }), async (ctx, fields, { account }) => {
    await deleteAccount(flows, account, fields.password, requestContext(ctx));
    await renderPage(ctx, 'account-deleted');
  });

  router.post('/account/sessions/:uid/end', formBody, requireCsrfToken, requireSignedIn, async (ctx) => {
    await endSession(flows, signedIn(ctx).account.id, String(ctx.params['uid']), requestContext(ctx));
    ctx.redirect('/account?done=session');
  });

  router.post('/account/connections/:clientId/revoke', formBody, requireCsrfToken, requireSignedIn, async (ctx) => {
    await revokeService(flows, signedIn(ctx).account.id, String(ctx.params['clientId']), requestContext(ctx));
    ctx.redirect('/account?done=revoked');
  });

  // The link of the email sent to the new address; it works without being signed in.
  router.get('/email/confirm', async (ctx) => {
    const { email } = await confirmEmailChange(flows, ctx.query['token'], requestContext(ctx));
    return renderPage(ctx, 'email-confirmed', { email });
  });

  return router;
}
