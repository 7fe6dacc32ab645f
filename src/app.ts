// buildRequestHandler(deps): discovery and JWKS from memory; then Koa: security headers →
// health → assets → our pages → oidc-provider.
// The only module in src/ that imports from interactions/.
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import mount from 'koa-mount';
import serve from 'koa-static';
import views from 'koa-views';
import type { Deps, UserInterface } from './deps.js';
import { trackAuthorizations } from './oidc/authorization-tracking.js';
import { publicMetadataCache } from './oidc/public-metadata.js';
import { healthRoutes } from './ops/health.js';
import { metricsRoute } from './ops/metrics.js';
import { altchaWidgetDir, publicDir, viewsDir } from './paths.js';
import { createSignedTickets } from './security/signed-ticket.js';
import { renderMail } from '../interactions/emails/render-mail.js';
import { createInteractionRouter } from '../interactions/router.js';
import { securityHeaders } from '../interactions/middleware/security-headers.js';
import { providerPages } from '../interactions/provider-pages.js';

/** What interactions/ gives the core: pages oidc-provider renders, and the email templates. */
export const userInterface: UserInterface = { pages: providerPages, renderMail };

/** The server's request listener: discovery and JWKS from memory, everything else through Koa. */
export function buildRequestHandler(deps: Deps): RequestListener {
  const metadata = publicMetadataCache(() => deps.provider);
  return metadata.serve(buildApp(deps, metadata.capture).callback(), deps.metrics.observeCached);
}

function buildApp(deps: Deps, captureMetadata: Koa.Middleware): Koa {
  const { config, log } = deps;
  const app = new Koa();
  app.keys = deps.cookieKeys;
  app.proxy = config.TRUST_PROXY;
  app.silent = true;
  app.on('error', (error: unknown) => log.error({ err: error }, 'request failed'));

  // One log line per request, with its id: method, path (never the query string, which may hold
  // a token), status and duration.
  app.use(async (ctx, next) => {
    const requestId = randomUUID();
    const started = performance.now();
    const requestLog = log.child({ requestId });
    ctx.state['log'] = requestLog;
    ctx.state['brand'] = config.BRAND_NAME;
    ctx.state['timeZone'] = config.TIME_ZONE;
    ctx.state['brandLogo'] = Boolean(config.BRAND_LOGO_FILE);
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      requestLog.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
    }
  });
  app.use(deps.metrics.requestTimer());
  app.use(securityHeaders(config.secureCookies));
  app.use(healthRoutes(deps.db, deps.redis));
  app.use(metricsRoute(deps.metrics, config.METRICS_TOKEN));
  app.use(mount('/assets/altcha', serve(altchaWidgetDir, { maxage: 24 * 60 * 60 * 1000 })));
  app.use(mount('/assets', serve(publicDir, { maxage: 24 * 60 * 60 * 1000 })));
  // Compiled templates are cached except in development, where edits show at once.
  app.use(views(viewsDir, { extension: 'pug', options: { cache: config.NODE_ENV !== 'development' } }));
  app.use(captureMetadata);
  const activationTickets = createSignedTickets(deps.cookieKeys, 'activation-resume', deps.flows.now);
  const router = createInteractionRouter({ get provider() { return deps.provider; }, flows: deps.flows, config, activationTickets, reloadKeys: () => deps.reloadKeys(), clients: deps.clients, storedClients: deps.storedClients }, deps.cookieKeys[0]!);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(trackAuthorizations(deps.flows));
  // The provider is looked up per request: a key rotation swaps it without a restart.
  const mounted = new WeakMap<Provider, Koa.Middleware>();
  app.use((ctx, next) => {
    const provider = deps.provider;
    let middleware = mounted.get(provider);
    if (!middleware) mounted.set(provider, middleware = mount(provider as unknown as Koa));
    return middleware(ctx, next);
  });
  return app;
}
