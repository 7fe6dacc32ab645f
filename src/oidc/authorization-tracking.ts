// Wraps oidc-provider: when an authorization request ends with a code, remember which service
// the account used and from which browser ("Mes connexions", "Ma sécurité"). Awaited before the
// response leaves, so the console is up to date when the citizen looks.
import type { Context, Next } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { FlowDeps } from '../flows/flow-deps.js';
import { recordAuthorization } from '../flows/connections.flow.js';

export function trackAuthorizations(flows: FlowDeps) {
  return async function track(ctx: Context, next: Next) {
    await next();
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    const session = oidc?.entities?.Session;
    if (!oidc?.entities?.AuthorizationCode || !session?.accountId || !oidc.client) return;
    await recordAuthorization(flows, {
      accountId: session.accountId,
      clientId: oidc.client.clientId,
      sessionUid: session.uid,
      userAgent: ctx.get('user-agent') || undefined,
      ip: ctx.ip,
    }).catch((error: unknown) => flows.log.warn({ err: error }, 'could not record the authorization'));
  };
}
