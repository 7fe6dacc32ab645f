// Prometheus metrics (prom-client), one registry per running service: sign-ins, failures,
// lockouts, registrations, tokens issued by grant type, and request latency. Served at
// /metrics (behind METRICS_TOKEN as a bearer token when set).
import type { Context, Next } from 'koa';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEventType } from '../audit/audit-log.js';

export interface Metrics {
  registry: Registry;
  /** Counts what the audit log records (one place sees every security event). */
  observeAudit(type: AuditEventType): void;
  tokenIssued(grantType: string): void;
  /** Times a request, labelled by route (never the raw path: no ids, no tokens) and status class. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'passerelle_process_' });
  const signIns = new Counter({ name: 'passerelle_sign_ins_total', help: 'Password sign-ins, by result', labelNames: ['result'], registers: [registry] });
  const lockouts = new Counter({ name: 'passerelle_lockouts_total', help: 'Accounts locked after consecutive failures', registers: [registry] });
  const registrations = new Counter({ name: 'passerelle_registrations_total', help: 'Accounts created (registration, CLI)', registers: [registry] });
  const activations = new Counter({ name: 'passerelle_activations_total', help: 'Accounts activated from the emailed link', registers: [registry] });
  const resets = new Counter({ name: 'passerelle_password_resets_total', help: 'Passwords reset by link or code', registers: [registry] });
  const tokens = new Counter({ name: 'passerelle_tokens_issued_total', help: 'Token endpoint successes, by grant type', labelNames: ['grant_type'], registers: [registry] });
  const latency = new Histogram({
    name: 'passerelle_http_request_duration_seconds',
    help: 'HTTP request latency, by route and status class',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // One series per method, route and status class: looked up by a joined key, where prom-client
  // would sort and join the label object on every observation.
  const series = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  const observe = (method: string, route: string, status: string, seconds: number) => {
    const key = `${method} ${route} ${status}`;
    let found = series.get(key);
    if (!found) series.set(key, found = latency.labels(method, route, status));
    found.observe(seconds);
  };
  const counted: Partial<Record<AuditEventType, () => void>> = {
    'sign_in.succeeded': () => signIns.inc({ result: 'success' }),
    'sign_in.failed': () => signIns.inc({ result: 'failure' }),
    'sign_in.throttled': () => signIns.inc({ result: 'throttled' }),
    'account.locked': () => lockouts.inc(),
    'account.created': () => registrations.inc(),
    'account.activated': () => activations.inc(),
    'password_reset.completed': () => resets.inc(),
  };
  return {
    registry,
    observeAudit: (type) => counted[type]?.(),
    tokenIssued: (grantType) => tokens.inc({ grant_type: grantType }),
    observeRequest: (method, route, status, seconds) => observe(method, route, `${Math.floor(status / 100)}xx`, seconds),
  };
}

export function metricsRoute(metrics: Metrics, token: string | undefined) {
  return async function serveMetrics(ctx: Context, next: Next) {
    if (ctx.path !== '/metrics') return next();
    if (token && ctx.get('authorization') !== `Bearer ${token}`) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      return;
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
