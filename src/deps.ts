// Composition root: builds every long-lived part once. Nothing else calls `new` on them.
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import type { Config } from './config/env.js';
import { developmentCookieKeys } from './config/dev-secrets.js';
import { createPasswordHasher, type Argon2Parameters } from './accounts/password-hasher.js';
import { createAuditLog } from './audit/audit-log.js';
import type { FlowDeps } from './flows/flow-deps.js';
import type { MailRenderer } from './mail/mail-types.js';
import { startMailWorker, type MailWorker } from './mail/mail-worker.js';
import { createOutbox, type Outbox } from './mail/outbox.js';
import { directoryTransport, smtpTransport } from './mail/transport.js';
import { directorySmsTransport, webhookSmsTransport } from './sms/sms-transport.js';
import { createAccountSessions } from './oidc/account-sessions.js';
import { logoutNotices, reportMissedNotice } from './oidc/logout-notices.js';
import { altchaCaptcha, disabledCaptcha, type Captcha } from './security/captcha.js';
import { createSealedBox } from './security/sealed-box.js';
import { createThrottles, DEFAULT_LIMITS, type ThrottleLimits } from './security/throttles.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import type { Adapter } from 'oidc-provider';
import { createOidcAdapterFactory } from './oidc/adapters/adapter-factory.js';
import { createClientCache } from './oidc/adapters/client-cache.js';
import { SqlAdapter } from './oidc/adapters/sql-adapter.js';
import { createProvider, type ProviderPages } from './oidc/provider.js';
import { createOutboundFetch } from './oidc/outbound-fetch.js';
import { holdProvider } from './oidc/provider-holder.js';
import { loadSigningKeys } from './oidc/signing-keys.js';
import { openDirectSql } from './storage/direct-sql.js';
import { createDatabase, prepareDatabase, type Database } from './storage/prisma.js';
import { createRedis } from './storage/redis.js';

export interface Deps {
  config: Config;
  db: Database;
  redis: Redis | undefined;
  /** The live provider: rebuilt when the signing keys change; read it at the time of use. */
  readonly provider: Provider;
  /** Reloads the signing keys now (after a rotation); true when they changed. */
  reloadKeys(): Promise<boolean>;
  flows: FlowDeps;
  /** The clients, as the provider reads them (cached a few seconds); every write here is announced. */
  clients: Adapter;
  /** The clients as stored now, uncached: what an edit is merged into. Write through `clients`. */
  storedClients: Adapter;
  outbox: Outbox;
  metrics: Metrics;
  mailWorker: MailWorker;
  log: Logger;
  cookieKeys: string[];
  close(): Promise<void>;
}

export interface DepsOverrides {
  now?: () => Date;
  log?: Logger;
  argon2?: Argon2Parameters;
  limits?: Partial<Omit<ThrottleLimits, 'signInFailuresPerIp'>>;
  /** ALTCHA difficulty (PBKDF2 iterations per attempt); tests lower it to solve quickly. */
  captchaCost?: number;
  /** How often the mail worker looks for due messages. */
  mailIntervalMs?: number;
  /** How often the signing keys are reloaded from the database. */
  keyRefreshMs?: number;
}

/** What interactions/ supplies to the core: the pages oidc-provider renders, the email templates. */
export interface UserInterface {
  pages: ProviderPages;
  renderMail: MailRenderer;
}

/** A value generated once and shared by every instance through the database. */
async function sharedSecret(db: Database, name: string): Promise<string> {
  const existing = await db.secret.findUnique({ where: { name } });
  if (existing) return existing.value;
  await db.secret.createMany({ data: [{ name, value: randomBytes(32).toString('base64url') }] }).catch(() => undefined);
  return (await db.secret.findUniqueOrThrow({ where: { name } })).value;
}

export async function createDeps(config: Config, ui: UserInterface, overrides: DepsOverrides = {}): Promise<Deps> {
  const now = overrides.now ?? (() => new Date());
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const db = createDatabase(config.DATABASE_URL);
  await prepareDatabase(db, config.DATABASE_URL);
  const sql = openDirectSql(config.DATABASE_URL);
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, config.REDIS_PREFIX) : undefined;
  const cookieKeys = config.COOKIE_KEYS ?? await developmentCookieKeys(config.DATA_DIR);
  const metrics = createMetrics();
  const clientCache = createClientCache(redis, log);
  const storedClients = new SqlAdapter('Client', sql, now);
  const clients = clientCache.wrap(storedClients);
  const adapterFor = createOidcAdapterFactory(sql, redis, now, clients);
  const pairwiseSalt = await sharedSecret(db, 'pairwise_salt');
  const outbound = createOutboundFetch(config.OUTBOUND_ALLOWED_NETWORKS);
  const missedNotice = reportMissedNotice(log);
  const providers = await holdProvider({
    load: () => loadSigningKeys(db, config.JWKS_FILE, now),
    build: (signingKeys) => {
      const provider = createProvider(config, { sql, adapter: adapterFor, signingKeys, cookieKeys, pairwiseSalt, pages: ui.pages, fetch: outbound.fetch });
      provider.on('server_error', (_ctx: unknown, error: unknown) => log.error({ err: error }, 'oidc-provider server error'));
      // What escapes oidc-provider's own error handling on the API endpoints (app.ts gives them
      // the provider's callback): logged, instead of Koa's default print to stderr.
      // (The provider is a Koa application; its typings list only oidc-provider's own events.)
      (provider as unknown as NodeJS.EventEmitter).on('error', (error: unknown) => log.error({ err: error }, 'request failed'));
      // A relying party that missed a logout notice keeps its session open: operators must see it.
      provider.on('backchannel.error', (_ctx: unknown, error: unknown, client: { clientId: string }) => missedNotice(error, client.clientId));
      provider.on('grant.success', (ctx: { oidc?: { params?: Record<string, unknown> } }) => metrics.tokenIssued(String(ctx.oidc?.params?.['grant_type'] ?? 'unknown')));
      return provider;
    },
    log,
    intervalMs: overrides.keyRefreshMs ?? 30_000,
  });

  const throttles = createThrottles(db, sql, redis, { ...DEFAULT_LIMITS, ...overrides.limits, signInFailuresPerIp: config.SIGNIN_IP_LIMIT });
  const captcha: Captcha = config.CAPTCHA === 'off' ? disabledCaptcha : altchaCaptcha({
    hmacSecret: await sharedSecret(db, 'altcha_hmac'),
    keySecret: await sharedSecret(db, 'altcha_key'),
    solutions: throttles.captchaSolutions,
    now,
    cost: overrides.captchaCost,
  });
  const transport = config.SMTP_URL ? smtpTransport(config.SMTP_URL) : directoryTransport(path.join(config.DATA_DIR, 'outbox'), log);
  let mailWorker: MailWorker | undefined;
  const outbox = createOutbox({
    db, now, log, transport,
    sms: config.SMS_WEBHOOK_URL ? webhookSmsTransport(config.SMS_WEBHOOK_URL, config.SMS_WEBHOOK_TOKEN) : directorySmsTransport(path.join(config.DATA_DIR, 'sms-outbox'), log),
    render: (template, locale, data) => ui.renderMail(template, locale, { brand: config.BRAND_NAME, ...data }),
    box: createSealedBox(cookieKeys, 'outbox'),
    from: config.MAIL_FROM,
    messageIdDomain: new URL(config.ISSUER).hostname,
  }, () => mailWorker?.kick());
  mailWorker = startMailWorker(outbox, log, overrides.mailIntervalMs);

  const flows: FlowDeps = {
    db, sql, now, log, throttles, captcha,
    passwords: await createPasswordHasher(overrides.argon2 ?? { memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM }),
    audit: createAuditLog(sql, now, metrics.observeAudit),
    mailer: outbox,
    tokens: { db, now, codeKey: createHmac('sha256', cookieKeys[0]!).update('one-time codes').digest('base64url') },
    sessions: createAccountSessions(db, redis, now, adapterFor, logoutNotices(() => providers.current, log)),
    policy: { lockoutThreshold: config.LOCKOUT_THRESHOLD, lockoutMinutes: config.LOCKOUT_MINUTES },
    link: (pathname, query) => {
      const url = new URL(pathname, `${config.ISSUER}/`);
      for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
      return url.toString();
    },
  };
  const worker = mailWorker;
  return {
    config, db, redis, flows, clients, storedClients, outbox, metrics, mailWorker: worker, log, cookieKeys,
    get provider() { return providers.current; },
    reloadKeys: () => providers.refresh(),
    async close() {
      providers.stop();
      await worker.stop();
      transport.close();
      await clientCache.close();
      await outbound.close();
      await db.$disconnect();
      await sql.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
