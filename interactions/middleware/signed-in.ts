// Pages for a signed-in person ("Mon compte", the admin console) read the provider's own
// session. Without one, the browser is sent through an authorization request of the console's
// client and comes back to the page it asked for.
import type { Context, Next } from 'koa';
import { findAccountById } from '../../src/accounts/account.repository.js';
import { finishConsoleSignIn, startConsoleSignIn } from '../../src/oidc/account-console.js';
import type { Account } from '../../src/storage/prisma.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { localeOf } from '../request-context.js';

const SIGN_IN_COOKIE = 'passerelle.account-signin';

export interface SignedIn { account: Account; sessionUid: string }
export const signedIn = (ctx: Context): SignedIn => ctx.state['signedIn'] as SignedIn;

/** Only pages of our own origin, so the callback cannot be turned into an open redirect. */
const safeReturnPath = (path: unknown): string => (typeof path === 'string' && /^\/(account|admin)(\/[\w\-/.]*)?$/.test(path) ? path : '/account');

export function signedInPages(deps: InteractionDeps) {
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: deps.config.secureCookies, signed: true, path: '/account', overwrite: true };

  async function requireSignedIn(ctx: Context, next: Next) {
    const session = await deps.provider.Session.get(ctx);
    const account = session.accountId ? await findAccountById(deps.flows.sql, session.accountId) : null;
    if (!account || account.status !== 'active') {
      const signIn = startConsoleSignIn(deps.config.ISSUER, localeOf(ctx));
      const returnTo = ctx.method === 'GET' ? safeReturnPath(ctx.path) : '/account';
      ctx.cookies.set(SIGN_IN_COOKIE, `${signIn.state}.${signIn.verifier}.${returnTo}`, { ...cookieOptions, maxAge: 30 * 60 * 1000 });
      return ctx.redirect(signIn.url);
    }
    ctx.state['signedIn'] = { account, sessionUid: session.uid } satisfies SignedIn;
    await next();
  }

  async function callback(ctx: Context) {
    const [state, verifier, ...path] = (ctx.cookies.get(SIGN_IN_COOKIE, { signed: true }) ?? '').split('.');
    const returnTo = path.join('.');
    ctx.cookies.set(SIGN_IN_COOKIE, null, cookieOptions);
    const ok = Boolean(state && verifier && ctx.query['state'] === state) && await finishConsoleSignIn(deps.provider, ctx.query['code'], verifier!);
    // Whatever went wrong (an old tab, a forged link), starting again is the right answer.
    ctx.redirect(ok ? safeReturnPath(returnTo) : '/account?retry=1');
  }

  return { requireSignedIn, callback };
}
