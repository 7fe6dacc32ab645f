// "Mon compte" (SPEC §5 /account, §6): sign-in through the provider, then the console's
// sections and forms. Transport only: every change is a flow in src/flows.
import Router from '@koa/router';
import Bowser from 'bowser';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { findAccountById } from '../../src/accounts/account.repository.js';
import { FormError } from '../../src/errors.js';
import { deleteAccount } from '../../src/flows/account-deletion.flow.js';
import { activeSessions, connectedServices, endSession, revokeService, touchSession } from '../../src/flows/connections.flow.js';
import { updateContact } from '../../src/flows/contact.flow.js';
import { confirmEmailChange, requestEmailChange } from '../../src/flows/email-change.flow.js';
import { changePassword } from '../../src/flows/password-change.flow.js';
import { ACCOUNT_CONSOLE_CLIENT_ID, consoleSignOutUrl, finishConsoleSignIn, startConsoleSignIn } from '../../src/oidc/account-console.js';
import type { Account } from '../../src/storage/prisma.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { requireCsrfToken } from '../middleware/csrf.js';
import { formBody, readForm } from '../middleware/form-body.js';
import { renderPage } from '../render-page.js';
import { fieldMessages, localeOf, requestContext, translatorFor } from '../request-context.js';

const SIGN_IN_COOKIE = 'passerelle.account-signin';
const text = (max: number) => z.string().max(max).default('');

interface Signedin { account: Account; sessionUid: string }
const signedIn = (ctx: Context): Signedin => ctx.state['signedIn'] as Signedin;

/** "Chrome on Linux" from a User-Agent header. */
function browserName(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const parsed = Bowser.parse(userAgent);
  return [parsed.browser.name, parsed.os.name].filter(Boolean).join(' · ') || null;
}

export function accountRoutes({ provider, flows, config }: InteractionDeps): Router {
  const router = new Router();
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies, signed: true, path: '/account', overwrite: true };

  /** Signed in through the provider's session, with an account that may use the console. */
  async function requireSignedIn(ctx: Context, next: Next) {
    const session = await provider.Session.get(ctx);
    const account = session.accountId ? await findAccountById(flows.db, session.accountId) : null;
    if (!account || account.status !== 'active') {
      const signIn = startConsoleSignIn(config.ISSUER, localeOf(ctx));
      ctx.cookies.set(SIGN_IN_COOKIE, `${signIn.state}.${signIn.verifier}`, { ...cookieOptions, maxAge: 30 * 60 * 1000 });
      return ctx.redirect(signIn.url);
    }
    ctx.state['signedIn'] = { account, sessionUid: session.uid } satisfies Signedin;
    await next();
  }

  router.get('/account/callback', async (ctx) => {
    const [state, verifier] = (ctx.cookies.get(SIGN_IN_COOKIE, { signed: true }) ?? '').split('.');
    ctx.cookies.set(SIGN_IN_COOKIE, null, cookieOptions);
    const ok = Boolean(state && verifier && ctx.query['state'] === state) && await finishConsoleSignIn(provider, ctx.query['code'], verifier!);
    // Whatever went wrong (an old tab, a forged link), starting again is the right answer.
    ctx.redirect(ok ? '/account' : '/account?retry=1');
  });

  router.get('/account/signed-out', (ctx) => renderPage(ctx, 'logged-out'));

  router.get('/account', requireSignedIn, async (ctx) => {
    const { account, sessionUid } = signedIn(ctx);
    await touchSession(flows, account.id, sessionUid, { userAgent: ctx.get('user-agent') || undefined, ip: ctx.ip });
    const services = await Promise.all((await connectedServices(flows, account.id, [ACCOUNT_CONSOLE_CLIENT_ID])).map(async (service) => {
      const client = await provider.Client.find(service.clientId);
      return { ...service, name: client?.clientName ?? service.clientId, uri: client?.clientUri };
    }));
    const sessions = (await activeSessions(flows, account.id, sessionUid)).map((session) => ({ ...session, browser: browserName(session.userAgent) }));
    const done = typeof ctx.query['done'] === 'string' && /^[a-z]+$/.test(ctx.query['done']) ? ctx.query['done'] : undefined;
    return renderPage(ctx, 'account', { account, services, sessions, done, signOutUrl: consoleSignOutUrl(config.ISSUER) });
  });

  // Each form: GET shows it, POST runs the flow; problems come back beside their fields.
  function form<T extends z.ZodType>(path: string, view: string, schema: T, run: (ctx: Context, fields: z.infer<T>, who: Signedin) => Promise<void | string>, keep: (fields: z.infer<T>) => Record<string, unknown> = () => ({})) {
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

  form('/account/email', 'account-email', z.object({ email: text(254), emailConfirm: text(254), password: text(1024) }), async (ctx, fields, { account }) => {
    await requestEmailChange(flows, account, fields, requestContext(ctx));
    await renderPage(ctx, 'account-email-sent', { email: fields.email.trim() });
  }, ({ email, emailConfirm }) => ({ email, emailConfirm }));

  form('/account/password', 'account-password', z.object({ current: text(1024), password: text(1024), passwordConfirm: text(1024), endOtherSessions: z.literal('yes').optional() }), async (ctx, fields, { account, sessionUid }) => {
    await changePassword(flows, account, { ...fields, endOtherSessions: fields.endOtherSessions === 'yes' }, sessionUid, requestContext(ctx));
    return '/account?done=password';
  });

  form('/account/contact', 'account-contact', z.object({ phone: text(40), channel: text(10) }), async (ctx, fields, { account }) => {
    await updateContact(flows, account, fields, requestContext(ctx));
    return '/account?done=contact';
  }, (fields) => fields);

  form('/account/delete', 'account-delete', z.object({ password: text(1024) }), async (ctx, fields, { account }) => {
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
