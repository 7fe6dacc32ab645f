// buildApp(deps): security headers → health → assets → our pages → oidc-provider.
// The only module in src/ that imports from interactions/.
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import mount from 'koa-mount';
import serve from 'koa-static';
import views from 'koa-views';
import type { Deps, UserInterface } from './deps.js';
import { trackAuthorizations } from './oidc/authorization-tracking.js';
import { healthRoutes } from './ops/health.js';
import { altchaWidgetDir, publicDir, viewsDir } from './paths.js';
import { createSignedTickets } from './security/signed-ticket.js';
import { renderMail } from '../interactions/emails/render-mail.js';
import { createInteractionRouter } from '../interactions/router.js';
import { securityHeaders } from '../interactions/middleware/security-headers.js';
import { providerPages } from '../interactions/provider-pages.js';

/** What interactions/ gives the core: pages oidc-provider renders, and the email templates. */
export const userInterface: UserInterface = { pages: providerPages, renderMail };


export function buildApp(deps: Deps): Koa {
  const { config, provider, log } = deps;
  const app = new Koa();
  app.keys = deps.cookieKeys;
  app.proxy = config.TRUST_PROXY;
  app.silent = true;
  app.on('error', (error: unknown) => log.error({ err: error }, 'request failed'));

  app.use(async (ctx, next) => {
    const requestId = randomUUID();
    ctx.state['log'] = log.child({ requestId });
    ctx.state['brand'] = config.BRAND_NAME;
    ctx.state['timeZone'] = config.TIME_ZONE;
    ctx.set('X-Request-Id', requestId);
    await next();
  });
  app.use(securityHeaders(config.secureCookies));
  app.use(healthRoutes(deps.db, deps.redis));
  app.use(mount('/assets/altcha', serve(altchaWidgetDir, { maxage: 24 * 60 * 60 * 1000 })));
  app.use(mount('/assets', serve(publicDir, { maxage: 24 * 60 * 60 * 1000 })));
  app.use(views(viewsDir, { extension: 'pug' }));
  const activationTickets = createSignedTickets(deps.cookieKeys, 'activation-resume', deps.flows.now);
  const router = createInteractionRouter({ provider, flows: deps.flows, config, activationTickets }, deps.cookieKeys[0]!);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(trackAuthorizations(deps.flows));
  app.use(mount(provider));
  return app;
}
