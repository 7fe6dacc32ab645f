// The admin console (SPEC §5 /admin): relying parties, citizen support, the audit log and the
// signing keys, for accounts with the admin role; everyone else gets 403. Transport only: the
// same modules as the operator CLI do the work.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { parseSince, queryAudit } from '../../src/audit/audit-query.js';
import { ClientAdminError, createClient, getClient, listClients, removeClient, rotateClientSecret, updateClient, type ClientAdminDeps, type ClientInput } from '../../src/clients/client-admin.js';
import { FlowError } from '../../src/errors.js';
import { accountById, deleteBySupport, disableBySupport, enableBySupport, findAccounts, resendActivationBySupport, unlockBySupport } from '../../src/flows/account-support.flow.js';
import { listSigningKeys, rotateSigningKeys } from '../../src/oidc/signing-keys.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { requireCsrfToken } from '../middleware/csrf.js';
import { formBody, readForm, textField } from '../middleware/form-body.js';
import { signedIn, signedInPages } from '../middleware/signed-in.js';
import { renderPage } from '../render-page.js';

const lines = (value: string) => value.split(/[\r\n]+/).map((line) => line.trim()).filter(Boolean);

const ClientFields = z.object({
  name: textField(120),
  redirectUris: textField(4000),
  postLogoutUris: textField(4000),
  clientUri: textField(500),
  firstParty: z.literal('yes').optional(),
  public: z.literal('yes').optional(),
});

const clientInputOf = (fields: z.infer<typeof ClientFields>): ClientInput => ({
  name: fields.name,
  redirectUris: lines(fields.redirectUris),
  postLogoutUris: lines(fields.postLogoutUris),
  clientUri: fields.clientUri.trim() || undefined,
  firstParty: fields.firstParty === 'yes',
  public: fields.public === 'yes',
});

export function adminRoutes(deps: InteractionDeps): Router {
  const { flows, config } = deps;
  const router = new Router({ prefix: '/admin' });
  const { requireSignedIn } = signedInPages(deps);
  const clients: ClientAdminDeps = { db: flows.db, now: flows.now, audit: flows.audit, provider: () => deps.provider, clients: deps.clients, storedClients: deps.storedClients };
  const by = (ctx: Context) => `admin:${signedIn(ctx).account.id}`;

  async function requireAdmin(ctx: Context, next: Next) {
    if (!signedIn(ctx).account.isAdmin) throw new FlowError('forbidden');
    await next();
  }

  router.use(requireSignedIn, requireAdmin);

  router.get('/', (ctx) => renderPage(ctx, 'admin/home', {}));

  // Relying parties
  const renderClients = async (ctx: Context, extra: Record<string, unknown> = {}, status = 200) =>
    renderPage(ctx, 'admin/clients', { clients: await listClients(clients), values: {}, ...extra }, { status });

  router.get('/clients', (ctx) => renderClients(ctx));
  router.post('/clients', formBody, requireCsrfToken, async (ctx) => {
    const fields = readForm(ctx, ClientFields);
    try {
      const { client, secret } = await createClient(clients, clientInputOf(fields), by(ctx));
      return renderPage(ctx, 'admin/client-secret', { client, secret, created: true });
    } catch (error) {
      if (!(error instanceof ClientAdminError)) throw error;
      return renderClients(ctx, { values: fields, problem: error.message }, 400);
    }
  });

  const clientOr404 = async (id: string) => {
    try {
      return await getClient(clients, id);
    } catch (error) {
      if (error instanceof ClientAdminError) throw new FlowError('not_found');
      throw error;
    }
  };

  router.get('/clients/:id', async (ctx) => renderPage(ctx, 'admin/client', { client: await clientOr404(ctx.params['id']!) }));
  router.post('/clients/:id', formBody, requireCsrfToken, async (ctx) => {
    const current = await clientOr404(ctx.params['id']!);
    const fields = readForm(ctx, ClientFields);
    try {
      await updateClient(clients, current.clientId, { ...clientInputOf(fields), public: undefined }, by(ctx));
    } catch (error) {
      if (!(error instanceof ClientAdminError)) throw error;
      return renderPage(ctx, 'admin/client', { client: current, problem: error.message }, { status: 400 });
    }
    ctx.redirect(`/admin/clients/${encodeURIComponent(current.clientId)}?done=1`);
  });
  router.post('/clients/:id/rotate-secret', formBody, requireCsrfToken, async (ctx) => {
    const client = await clientOr404(ctx.params['id']!);
    try {
      const secret = await rotateClientSecret(clients, client.clientId, by(ctx));
      return renderPage(ctx, 'admin/client-secret', { client, secret, created: false });
    } catch (error) {
      if (!(error instanceof ClientAdminError)) throw error;
      return renderPage(ctx, 'admin/client', { client, problem: error.message }, { status: 400 });
    }
  });
  router.post('/clients/:id/delete', formBody, requireCsrfToken, async (ctx) => {
    const client = await clientOr404(ctx.params['id']!);
    try {
      await removeClient(clients, client.clientId, by(ctx));
    } catch (error) {
      if (!(error instanceof ClientAdminError)) throw error;
      return renderPage(ctx, 'admin/client', { client, problem: error.message }, { status: 400 });
    }
    ctx.redirect('/admin/clients');
  });

  // Citizen support
  router.get('/users', async (ctx) => {
    const query = typeof ctx.query['q'] === 'string' ? ctx.query['q'].slice(0, 254) : '';
    return renderPage(ctx, 'admin/users', { query, accounts: query ? await findAccounts(flows, query) : undefined });
  });
  router.get('/users/:id', async (ctx) => {
    const done = typeof ctx.query['done'] === 'string' && /^[a-z_]+$/.test(ctx.query['done']) ? ctx.query['done'] : undefined;
    return renderPage(ctx, 'admin/user', { account: await accountById(flows, ctx.params['id']!), done });
  });
  const supportActions: Record<string, (ctx: Context, id: string) => Promise<string>> = {
    unlock: async (ctx, id) => { await unlockBySupport(flows, await accountById(flows, id), by(ctx)); return `/admin/users/${id}?done=unlocked`; },
    disable: async (ctx, id) => { await disableBySupport(flows, await accountById(flows, id), by(ctx)); return `/admin/users/${id}?done=disabled`; },
    enable: async (ctx, id) => { await enableBySupport(flows, await accountById(flows, id), by(ctx)); return `/admin/users/${id}?done=enabled`; },
    'resend-activation': async (ctx, id) => { await resendActivationBySupport(flows, await accountById(flows, id), by(ctx)); return `/admin/users/${id}?done=resent`; },
    delete: async (ctx, id) => { await deleteBySupport(flows, await accountById(flows, id), by(ctx)); return '/admin/users?done=deleted'; },
  };
  router.post('/users/:id/:action', formBody, requireCsrfToken, async (ctx) => {
    const action = supportActions[ctx.params['action']!];
    if (!action) throw new FlowError('not_found');
    ctx.redirect(await action(ctx, ctx.params['id']!));
  });

  // Audit log
  router.get('/audit', async (ctx) => {
    const filters = z.object({ account: textField(254), client: textField(200), type: textField(80), since: textField(40) }).safeParse(ctx.query);
    if (!filters.success) throw new FlowError('invalid_input');
    const { account, client, type, since } = filters.data;
    const sinceDate = since ? parseSince(since, flows.now()) : undefined;
    if (since && !sinceDate) throw new FlowError('invalid_input', 'since');
    const accountId = account.includes('@') ? (await findAccounts(flows, account)).find((a) => a.emailNormalized === account.trim().toLowerCase())?.id ?? 'none' : account || undefined;
    const events = await queryAudit(flows.db, { accountId, clientId: client || undefined, type: type || undefined, since: sinceDate, limit: 200 });
    return renderPage(ctx, 'admin/audit', { events, filters: filters.data });
  });

  // Signing keys
  router.get('/keys', async (ctx) => renderPage(ctx, 'admin/keys', { keys: await listSigningKeys(flows.db), fromFile: Boolean(config.JWKS_FILE), done: ctx.query['done'] === '1' }));
  router.post('/keys/rotate', formBody, requireCsrfToken, async (ctx) => {
    if (config.JWKS_FILE) throw new FlowError('invalid_input');
    const { activated } = await rotateSigningKeys(flows.db, flows.now);
    await flows.audit.record('keys.rotated', { detail: `${by(ctx)}: active ${activated.join(',')}` });
    await deps.reloadKeys();
    ctx.redirect('/admin/keys?done=1');
  });

  return router;
}
