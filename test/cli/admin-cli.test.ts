// `npm run admin`, run as a separate process against a real database.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import argon2 from 'argon2';
import { findAccountByEmail } from '../../src/accounts/account.repository.js';
import { CLIENT_CACHE_MS } from '../../src/oidc/adapters/client-cache.js';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText } from '../support/browser.js';
import { uniqueEmail } from '../support/factories.js';
import { authorizationRequest, discover, exchangeCode, submitLogin } from '../support/relying-party.js';
import { admin } from '../support/run-command.js';
import { createTestStorage, startTestServer, type TestServer, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();

describe.each(backends)('operator CLI on %s', (backend) => {
  let storage: TestStorage;
  let server: TestServer;
  const env = () => ({ ...storage.env, CLIENTS_FILE: `${storage.env['DATA_DIR']}/clients.json` });

  beforeAll(async () => {
    storage = await createTestStorage(backend);
    server = await startTestServer(storage, { overrides: { keyRefreshMs: 1000 } });
  });
  afterAll(async () => { await server?.stop(); await storage?.dispose(); });

  /**
   * The running server's view of a client after the CLI changed it: with Redis the change is
   * announced and seen at once; on SQLite (one instance, no Redis) within CLIENT_CACHE_MS.
   */
  async function clientSeenByServer(clientId: string, changed: (client: Awaited<ReturnType<typeof server.deps.provider.Client.find>>) => boolean) {
    const deadline = Date.now() + (backend === 'sqlite' ? CLIENT_CACHE_MS + 1000 : 1000);
    for (;;) {
      const client = await server.deps.provider.Client.find(clientId);
      if (changed(client) || Date.now() > deadline) return client;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('happy path: user:create reads the password from standard input and makes an active account', async () => {
    const email = uniqueEmail('cli');
    const result = await admin(['user:create', email.toUpperCase()], env(), 'Cli-Password-2026\n');
    expect(result).toMatchObject({ code: 0 });
    const account = await findAccountByEmail(server.deps.flows.sql, email);
    expect(account).toMatchObject({ status: 'active', emailNormalized: email });
    expect(account!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await argon2.verify(account!.passwordHash, 'Cli-Password-2026')).toBe(true);
    expect(result.stdout + result.stderr).not.toContain('Cli-Password-2026');
  });

  test('happy path: a client added from the CLI completes a code flow at once, without a restart', async () => {
    const email = uniqueEmail('cli');
    await admin(['user:create', email], env(), 'Cli-Password-2026');
    const added = await admin(['client:add', '--name', 'Espace Factures', '--redirect-uri', 'http://factures.test/cb', '--first-party', '--json'], env());
    expect(added.code).toBe(0);
    const { client_id, client_secret } = JSON.parse(added.stdout) as { client_id: string; client_secret: string };
    expect(client_secret.length).toBeGreaterThanOrEqual(43);
    const rp = { client_id, client_secret, redirect_uri: 'http://factures.test/cb' };
    const config = await discover(server.issuer, rp);
    const request = await authorizationRequest(config, rp);
    const browser = new Browser(server.issuer);
    const { page } = await browser.open(request.url.toString());
    expect(visibleText(page.html)).toContain('Espace Factures');
    const { leftTo } = await submitLogin(browser, page, email, 'Cli-Password-2026');
    expect((await exchangeCode(config, leftTo!, request)).claims()!.sub).toEqual(expect.any(String));
  });

  test('happy path: --public prints no secret; user:grant-admin and user:revoke-admin flip the role', async () => {
    const added = await admin(['client:add', '--name', 'SPA', '--redirect-uri', 'http://spa.test/cb', '--public', '--json'], env());
    expect(Object.keys(JSON.parse(added.stdout))).toEqual(['client_id']);
    const email = uniqueEmail('admin');
    await admin(['user:create', email], env(), 'Cli-Password-2026');
    expect((await admin(['user:grant-admin', email], env())).code).toBe(0);
    expect((await findAccountByEmail(server.deps.flows.sql, email))!.isAdmin).toBe(true);
    expect((await admin(['user:revoke-admin', email], env())).code).toBe(0);
    expect((await findAccountByEmail(server.deps.flows.sql, email))!.isAdmin).toBe(false);
  });

  // Argument errors do not depend on the database: the whole table on SQLite, one case elsewhere.
  const badArguments: Array<[string[], string]> = [
    [['user:grant-admin', 'nobody@example.nc'], 'no account for nobody@example.nc'],
    [['user:create'], 'an email address is required'],
    [['user:create', 'not-an-email'], 'not an email address'],
    [['client:add', '--redirect-uri', 'http://x.test/cb'], '--name is required'],
    [['client:add', '--name', 'X'], 'at least one --redirect-uri is required'],
    [['client:add', '--name', 'X', '--redirect-uri', 'javascript:alert(1)'], 'redirect_uris[0] must be an absolute http(s) URL'],
    [['client:add', '--name', 'X', '--redirect-uri', 'http://x.test/cb', '--bogus'], "Unknown option '--bogus'"],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['user:unlock', 'nobody@example.nc'], 'no account for nobody@example.nc'],
    [['client:update'], 'a client_id is required'],
    [['client:rotate-secret', 'no-such-client'], 'no client "no-such-client"'],
    [['client:initial-token'], 'dynamic registration is off'],
    [['audit:tail', '--since', 'yesterday-ish'], '--since must be like'],
    [['audit:tail', '--limit', '0'], '--limit must be between 1 and 1000'],
  ];
  test.each(backend === 'sqlite' ? badArguments : badArguments.slice(0, 1))('sad path: %j exits 2 with a clear error and changes nothing', async (args, message) => {
    const before = await server.deps.db.oidcPayload.count({ where: { type: 'Client' } });
    const result = await admin(args, env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await server.deps.db.oidcPayload.count({ where: { type: 'Client' } })).toBe(before);
  });

  test('sad path: creating an existing account twice is refused', async () => {
    const email = uniqueEmail('twice');
    await admin(['user:create', email], env(), 'Cli-Password-2026');
    const again = await admin(['user:create', ` ${email.toUpperCase()} `], env(), 'Other-Password-2026');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('an account already exists');
  });

  test('happy path: --help lists every command', async () => {
    const help = await admin(['--help'], env());
    expect(help.code).toBe(0);
    for (const command of ['user:create', 'user:find', 'user:unlock', 'user:disable', 'user:enable', 'user:delete', 'user:grant-admin', 'user:revoke-admin',
      'client:list', 'client:add', 'client:update', 'client:rotate-secret', 'client:remove', 'client:initial-token', 'keys:list', 'keys:rotate', 'audit:tail']) {
      expect(help.stdout).toContain(command);
    }
  });

  test('happy path: a client is listed, updated, given a new secret, then removed', async () => {
    const added = JSON.parse((await admin(['client:add', '--name', 'Portail Province', '--redirect-uri', 'http://province.test/cb', '--json'], env())).stdout) as { client_id: string; client_secret: string };
    const listed = JSON.parse((await admin(['client:list', '--json'], env())).stdout) as Array<{ clientId: string; name: string }>;
    expect(listed.find((c) => c.clientId === added.client_id)?.name).toBe('Portail Province');
    // Never read as an option when typed after a command.
    expect(added.client_id).toMatch(/^[0-9a-f]{24}$/);

    const update = await admin(['client:update', added.client_id, '--name', 'Province Sud', '--redirect-uri', 'http://province.test/cb2'], env());
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    const updated = await clientSeenByServer(added.client_id, (client) => client?.clientName === 'Province Sud');
    expect(updated?.clientName).toBe('Province Sud');
    expect(updated?.redirectUris).toEqual(['http://province.test/cb2']);

    const rotated = JSON.parse((await admin(['client:rotate-secret', added.client_id, '--json'], env())).stdout) as { client_secret: string };
    expect(rotated.client_secret).not.toBe(added.client_secret);
    const afterRotation = await clientSeenByServer(added.client_id, (client) => client?.clientSecret === rotated.client_secret);
    expect(afterRotation?.clientSecret).toBe(rotated.client_secret);

    expect((await admin(['client:remove', added.client_id], env())).code).toBe(0);
    expect(await clientSeenByServer(added.client_id, (client) => client === undefined)).toBeUndefined();
    const gone = await admin(['client:remove', added.client_id], env());
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`no client "${added.client_id}"`);
  });

  test('happy path: user support from the command line', async () => {
    const email = uniqueEmail('support');
    await admin(['user:create', email], env(), 'Cli-Password-2026');
    const found = await admin(['user:find', email.slice(0, 14)], env());
    expect(found.stdout).toContain(email);
    expect(found.stdout).toContain('active');

    const account = (await findAccountByEmail(server.deps.flows.sql, email))!;
    await server.deps.db.account.update({ where: { id: account.id }, data: { status: 'locked' } });
    expect((await admin(['user:unlock', email], env())).stdout).toContain('unlocked');
    expect((await admin(['user:disable', email], env())).stdout).toContain('disabled');
    expect((await findAccountByEmail(server.deps.flows.sql, email))!.status).toBe('disabled');
    expect((await admin(['user:enable', email], env())).stdout).toContain('enabled');

    const refused = await admin(['user:delete', email], env());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await admin(['user:delete', email, '--yes'], env())).code).toBe(0);
    expect(await findAccountByEmail(server.deps.flows.sql, email)).toBeNull();

    const tail = await admin(['audit:tail', '--account', account.id, '--type', 'account.', '--json'], env());
    expect(tail.stderr).toBe('');
    expect(tail.code).toBe(0);
    const types = tail.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(['account.created', 'account.unlocked_by_admin', 'account.disabled', 'account.enabled', 'account.deleted']));
    expect(types.every((type) => type.startsWith('account.'))).toBe(true);
  });

  test('happy path: keys:rotate publishes new keys; the running server follows without a restart', async () => {
    const listed = (await admin(['keys:list'], env())).stdout.trim().split('\n');
    expect(listed.filter((line) => line.includes(' active'))).toHaveLength(2);
    expect(listed.filter((line) => line.includes(' next'))).toHaveLength(2);
    const jwksBefore = await (await fetch(`${server.issuer}/jwks`)).json() as { keys: Array<{ kid: string }> };
    expect((await admin(['keys:rotate'], env())).code).toBe(0);
    let kids: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      kids = ((await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
      if (kids.length > jwksBefore.keys.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(kids).toEqual(expect.arrayContaining(jwksBefore.keys.map((k) => k.kid)));
    expect(kids.length).toBe(jwksBefore.keys.length + 2);
  });
});
