// The baseline of `npm run bench`: a bare oidc-provider with its in-memory adapter, a minimal
// sign-in form and the same argon2id parameters as Passerelle. What the library costs alone.
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import Provider from 'oidc-provider';
import { OWASP_ARGON2 } from '../../src/accounts/password-hasher.js';

const port = Number(process.env['PORT']);
const issuer = `http://127.0.0.1:${port}`;
const client = JSON.parse(process.env['BENCH_CLIENT']!) as { client_id: string; client_secret: string; redirect_uri: string };
const account = { id: 'bench-account', email: process.env['BENCH_EMAIL']!, hash: await argon2.hash(process.env['BENCH_PASSWORD']!, { type: argon2.argon2id, ...OWASP_ARGON2 }) };

const provider = new Provider(issuer, {
  clients: [{ client_id: client.client_id, client_secret: client.client_secret, redirect_uris: [client.redirect_uri], grant_types: ['authorization_code', 'refresh_token'] }],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
  scopes: ['openid', 'email', 'offline_access'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: async (_ctx, id) => (id === account.id ? { accountId: id, claims: () => ({ sub: id, email: account.email, email_verified: true }) } : undefined),
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
  const ok = form.get('email') === account.email && await argon2.verify(account.hash, form.get('password') ?? '');
  if (!ok) { ctx.status = 401; ctx.body = 'no'; return; }
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
  ctx.respond = false;
});
const handle = provider.callback();
app.use(async (ctx) => { ctx.respond = false; await handle(ctx.req, ctx.res); });
app.listen(port, '127.0.0.1', () => console.log('ready'));
// A clean exit on SIGTERM, so that `--cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
