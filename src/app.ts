// buildRequestHandler(deps): discovery and JWKS from memory; oidc-provider's API endpoints
// straight to the provider; everything else through Koa: security headers → health → assets →
// our pages → oidc-provider.
// The only module in src/ that imports from interactions/.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
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
 * response carries. Each path is also its route's name in the metrics, as oidc-provider's router
 * names it.
 */
const PROTOCOL_API_PATHS = new Set(['/token', '/token/introspection', '/token/revocation', '/me']);

/** The server's request listener: discovery and JWKS from memory, the API to the provider, everything else through Koa. */
export function buildRequestHandler(deps: Deps): RequestListener {
  const metadata = publicMetadataCache(() => deps.provider);
  const stamp = responseStamp(deps);
  const full = buildApp(deps, stamp, metadata.capture).callback();
  const api = protocolApi(deps, stamp);
  return metadata.serve(
    (req, res, path) => (PROTOCOL_API_PATHS.has(path) ? api(req, res, path) : void full(req, res)),
    (route, seconds) => deps.metrics.observeRequest('GET', route, 200, seconds),
  );
}

/** What every response carries, stamped on it before anything else writes to it. */
type ResponseStamp = (res: ServerResponse) => {
  requestId: string;
  /** Once the answer is known: its log line and latency sample, under its route's name. */
  done(method: string, path: string, route: string, status: number): void;
};

/**
 * A request id and the security headers on the response; then one log line (method, path, never
 * the query string, which may hold a token; status and duration) and a latency sample, labelled
 * by route (never the raw path: no ids, no tokens). Routes log through `ctx.state.log` (see
 * RequestState).
 */
function responseStamp({ log, metrics, config }: Deps): ResponseStamp {
  const setSecurityHeaders = securityHeaders(config.secureCookies);
  return (res) => {
    const requestId = randomUUID();
    const started = performance.now();
    res.setHeader('X-Request-Id', requestId);
    setSecurityHeaders(res);
    return {
      requestId,
      done(method, path, route, status) {
        const ms = performance.now() - started;
        if (log.isLevelEnabled('info')) log.info({ requestId, method, path, status, ms: Math.round(ms) }, 'request');
        metrics.observeRequest(method, route, status, ms / 1000);
      },
    };
  };
}

/**
 * The provider's API endpoints, handed to the provider's own Koa callback (looked up per request:
 * a key rotation swaps the provider without a restart). Going through our Koa app as well would
 * add a second context and its middleware chain to every token and userinfo call.
 */
function protocolApi(deps: Deps, stamp: ResponseStamp) {
  const callbackOf = perProvider((provider) => provider.callback());
  return (req: IncomingMessage, res: ServerResponse, path: string) => {
    const callback = callbackOf(deps.provider);
    const response = stamp(res);
    // Koa's callback settles once the answer, error or not, is handed to the socket: cheaper
    // than a listener on the response's `close` per request.
    void callback(req, res).then(() => response.done(req.method ?? 'GET', path, path, res.statusCode));
  };
}

function newApp(deps: Deps, stamp: ResponseStamp): Koa {
  const app = new Koa();
  app.keys = deps.cookieKeys;
  app.proxy = deps.config.TRUST_PROXY;
  app.silent = true;
  app.on('error', (error: unknown) => deps.log.error({ err: error }, 'request failed'));
  app.use(everyResponse(deps.log, stamp));
  return app;
}

/** What every response carries, in one middleware (each layer of Koa's chain is one more async frame per request). */
function everyResponse(log: Logger, stamp: ResponseStamp): Koa.Middleware {
  return async (ctx, next) => {
    const response = stamp(ctx.res);
    ctx.state = new RequestState(log, response.requestId);
    try {
      await next();
    } finally {
      response.done(ctx.method, ctx.path, routeOf(ctx), ctx.status);
    }
  };
}

/** A request's route as metrics name it: our router's or oidc-provider's pattern, never the raw path. */
function routeOf(ctx: Koa.Context): string {
  const oidcRoute = (ctx as unknown as { oidc?: { route?: string } }).oidc?.route;
  return (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? (oidcRoute ? `oidc:${oidcRoute}` : ctx.path.startsWith('/assets/') ? '/assets' : 'other');
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

function buildApp(deps: Deps, stamp: ResponseStamp, captureMetadata: Koa.Middleware): Koa {
  const { config } = deps;
  const app = newApp(deps, stamp);
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
  const mountedOf = perProvider((provider) => mount(provider as unknown as Koa));
  return (ctx, next) => mountedOf(deps.provider)(ctx, next);
}

/** `make(provider)`, made once per provider instance (a key rotation brings a new one). */
function perProvider<T>(make: (provider: Provider) => T): (provider: Provider) => T {
  const made = new WeakMap<Provider, T>();
  return (provider) => {
    let value = made.get(provider);
    if (value === undefined) made.set(provider, value = make(provider));
    return value;
  };
}
