// buildRequestHandler(deps): discovery and JWKS from memory; oidc-provider's API endpoints
// through a lean Koa app; everything else through the full one: security headers → health →
// assets → our pages → oidc-provider.
// The only module in src/ that imports from interactions/.
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import mount from 'koa-mount';
import serve from 'koa-static';
import views from 'koa-views';
import type { Deps, UserInterface } from './deps.js';
import type { Logger } from './log.js';
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

/**
 * oidc-provider's machine-to-machine endpoints, called by relying parties, never by a browser:
 * they need no page, form, asset or interaction route, only the provider and what every
 * response carries (request id and log line, metrics, security headers).
 */
const PROTOCOL_API_PATHS = new Set(['/token', '/token/introspection', '/token/revocation', '/me']);

/** The server's request listener: discovery and JWKS from memory, everything else through Koa. */
export function buildRequestHandler(deps: Deps): RequestListener {
  const metadata = publicMetadataCache(() => deps.provider);
  const full = buildApp(deps, metadata.capture).callback();
  const api = buildApiApp(deps).callback();
  return metadata.serve((req, res) => (PROTOCOL_API_PATHS.has(req.url?.split('?', 1)[0] ?? '') ? api : full)(req, res), deps.metrics.observeCached);
}

function newApp(deps: Deps): Koa {
  const app = new Koa();
  app.keys = deps.cookieKeys;
  app.proxy = deps.config.TRUST_PROXY;
  app.silent = true;
  app.on('error', (error: unknown) => deps.log.error({ err: error }, 'request failed'));
  app.use(everyResponse(deps));
  return app;
}

/**
 * What every response through Koa carries, in one middleware (each layer of Koa's chain is one
 * more async frame per request): a request id, the security headers, one log line (method,
 * path, never the query string, which may hold a token; status and duration) and a latency
 * sample. Routes log through `ctx.state.log` (see RequestState).
 */
function everyResponse({ log, metrics, config }: Deps): Koa.Middleware {
  const setSecurityHeaders = securityHeaders(config.secureCookies);
  return async (ctx, next) => {
    const requestId = randomUUID();
    const started = performance.now();
    ctx.state = new RequestState(log, requestId);
    ctx.res.setHeader('X-Request-Id', requestId);
    setSecurityHeaders(ctx.res);
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      if (log.isLevelEnabled('info')) log.info({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms) }, 'request');
      metrics.observeRequest(ctx, ms / 1000);
    }
  };
}

/**
 * `ctx.state` of a request: what routes and views add, plus `log`, a child logger bound to the
 * request id, made on first use (most requests log nothing else, and a pino child serialises and
 * redacts its bindings when it is made). A getter on the class, not defined per request: an
 * accessor defined on each request's object gave each its own hidden class.
 */
class RequestState {
  [key: string]: unknown;
  #log: Logger | undefined;
  readonly #base: Logger;
  readonly #requestId: string;

  constructor(base: Logger, requestId: string) {
    this.#base = base;
    this.#requestId = requestId;
  }

  get log(): Logger {
    return (this.#log ??= this.#base.child({ requestId: this.#requestId }));
  }
}

/** The provider's API endpoints: the provider alone behind what every response carries. */
function buildApiApp(deps: Deps): Koa {
  const app = newApp(deps);
  app.use(liveProvider(deps));
  return app;
}

function buildApp(deps: Deps, captureMetadata: Koa.Middleware): Koa {
  const { config } = deps;
  const app = newApp(deps);
  // What every page shows.
  app.use((ctx, next) => {
    ctx.state['brand'] = config.BRAND_NAME;
    ctx.state['timeZone'] = config.TIME_ZONE;
    ctx.state['brandLogo'] = Boolean(config.BRAND_LOGO_FILE);
    return next();
  });
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
  app.use(liveProvider(deps));
  return app;
}

/** oidc-provider, looked up per request: a key rotation swaps it without a restart. */
function liveProvider(deps: Deps): Koa.Middleware {
  const mounted = new WeakMap<Provider, Koa.Middleware>();
  return (ctx, next) => {
    const provider = deps.provider;
    let middleware = mounted.get(provider);
    if (!middleware) mounted.set(provider, middleware = mount(provider as unknown as Koa));
    return middleware(ctx, next);
  };
}
