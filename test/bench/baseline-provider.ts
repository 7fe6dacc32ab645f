// The baselines of `npm run bench`: a bare oidc-provider with a minimal sign-in form and the same
// argon2id parameters as Passerelle.
// - In memory (the default): its in-memory adapter, one account in a variable, and the `argon2`
//   package's reference implementation. What the library costs alone: the issue's reference.
// - On Passerelle's storage (BENCH_DATABASE_URL, and BENCH_REDIS_URL/BENCH_REDIS_PREFIX with
//   PostgreSQL): the same library on what the spec requires of a provider that loses nothing on a
//   restart and revokes at once on every instance. Passerelle's own oidc-provider adapters (tokens,
//   codes, sessions and grants in the database or Redis, their identifiers stored as hashes), the
//   account read from the database at sign-in and for claims, its argon2 implementation
//   (@node-rs/argon2), and Passerelle's refresh-token rotation. Nothing else of Passerelle: no
//   pages, throttles, audit log, bookkeeping or Koa layers of its own, and its client is static.
//   What Passerelle adds on top of the library and that storage is the difference between it and
//   this server. With BENCH_REDIS_ADAPTER=reference, the library's example Redis adapter
//   (reference-redis-adapter.ts) takes the place of Passerelle's, to compare the two.
import argon2 from 'argon2';
import { verify as verifyPassword } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import Provider, { type Configuration } from 'oidc-provider';
import { OWASP_ARGON2 } from '../../src/accounts/password-hasher.js';
import { findAccountByEmail } from '../../src/accounts/account.repository.js';
import { createOidcAdapterFactory } from '../../src/oidc/adapters/adapter-factory.js';
import { SqlAdapter } from '../../src/oidc/adapters/sql-adapter.js';
import { tokenAccountClaims } from '../../src/oidc/token-account.js';
import { openDirectSql } from '../../src/storage/direct-sql.js';
import { createRedis } from '../../src/storage/redis.js';
import { ReferenceRedisAdapter } from './reference-redis-adapter.js';

const port = Number(process.env['PORT']);
const issuer = `http://127.0.0.1:${port}`;
const client = JSON.parse(process.env['BENCH_CLIENT']!) as { client_id: string; client_secret: string; redirect_uri: string };

/** Where the account and the protocol's records live, and the refresh-token policy that goes with it. */
interface Storage {
  /** The account id if the email and password match. */
  signIn(email: string, password: string): Promise<string | undefined>;
  /** The account's claims, or undefined for an unknown id. */
  claims(id: string): Promise<({ sub: string } & Record<string, unknown>) | undefined>;
  configuration: Partial<Configuration>;
}

async function inMemory(): Promise<Storage> {
  const account = { id: 'bench-account', email: process.env['BENCH_EMAIL']!, hash: await argon2.hash(process.env['BENCH_PASSWORD']!, { type: argon2.argon2id, ...OWASP_ARGON2 }) };
  return {
    signIn: async (email, password) => (email === account.email && await argon2.verify(account.hash, password) ? account.id : undefined),
    claims: async (id) => (id === account.id ? { sub: id, email: account.email, email_verified: true } : undefined),
    configuration: {},
  };
}

/** Passerelle's storage: the bench has migrated the database and stored the account in it. */
function onPasserelleStorage(databaseUrl: string): Storage {
  const sql = openDirectSql(databaseUrl);
  const redisUrl = process.env['BENCH_REDIS_URL'];
  const redis = redisUrl ? createRedis(redisUrl, process.env['BENCH_REDIS_PREFIX']!) : undefined;
  const now = () => new Date();
  return {
    async signIn(email, password) {
      const account = await findAccountByEmail(sql, email);
      return account && await verifyPassword(account.passwordHash, password) ? account.id : undefined;
    },
    async claims(id) {
      const account = await tokenAccountClaims(sql, id);
      return account && { sub: account.id, email: account.email, email_verified: account.emailVerifiedAt !== null };
    },
    // The client is static (`clients` below): the Client adapter is never asked.
    configuration: {
      adapter: redis && process.env['BENCH_REDIS_ADAPTER'] === 'reference'
        ? (model: string) => new ReferenceRedisAdapter(model, redis)
        : createOidcAdapterFactory(sql, redis, now, new SqlAdapter('Client', sql, now)),
      rotateRefreshToken: true,
    },
  };
}

const storage = process.env['BENCH_DATABASE_URL'] ? onPasserelleStorage(process.env['BENCH_DATABASE_URL']) : await inMemory();

const provider = new Provider(issuer, {
  ...storage.configuration,
  clients: [{ client_id: client.client_id, client_secret: client.client_secret, redirect_uris: [client.redirect_uri], grant_types: ['authorization_code', 'refresh_token'] }],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
  scopes: ['openid', 'email', 'offline_access'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  async findAccount(_ctx, id) {
    const claims = await storage.claims(id);
    return claims && { accountId: id, claims: () => claims };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async loadExistingGrant(ctx) {
    const { client: c, session, params } = ctx.oidc;
    if (!c || !session?.accountId) return undefined;
    const existing = session.grantIdFor(c.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: c.clientId, accountId: session.accountId });
    grant.addOIDCScope(String(params?.['scope'] ?? 'openid'));
    await grant.save();
    return grant;
  },
  issueRefreshToken: async (_ctx, c, code) => c.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  pkce: { required: () => false },
});

const app = new Koa();
app.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  if (ctx.method === 'GET') {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === 'consent') {
      const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params['client_id']) });
      grant.addOIDCScope(String(details.params['scope']));
      await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      ctx.respond = false;
      return;
    }
    ctx.type = 'html';
    ctx.body = `<form method="post" action="/interaction/${match[1]}/login"><input name="email"><input name="password" type="password"><button>Sign in</button></form>`;
    return;
  }
  const body = await new Promise<string>((resolve) => { let data = ''; ctx.req.on('data', (c) => { data += c; }).on('end', () => resolve(data)); });
  const form = new URLSearchParams(body);
  const accountId = await storage.signIn(form.get('email') ?? '', form.get('password') ?? '');
  if (!accountId) { ctx.status = 401; ctx.body = 'no'; return; }
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId } }, { mergeWithLastSubmission: false });
  ctx.respond = false;
});
const handle = provider.callback();
app.use(async (ctx) => { ctx.respond = false; await handle(ctx.req, ctx.res); });
app.listen(port, '127.0.0.1', () => console.log('ready'));
// A clean exit on SIGTERM, so that `--cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
