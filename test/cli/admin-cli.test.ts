// `npm run admin`, run as a separate process against a real database.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import argon2 from 'argon2';
import { findAccountByEmail } from '../../src/accounts/account.repository.js';
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
    server = await startTestServer(storage);
  });
  afterAll(async () => { await server?.stop(); await storage?.dispose(); });

  test('happy path: user:create reads the password from standard input and makes an active account', async () => {
    const email = uniqueEmail('cli');
    const result = await admin(['user:create', email.toUpperCase()], env(), 'Cli-Password-2026\n');
    expect(result).toMatchObject({ code: 0 });
    const account = await findAccountByEmail(server.deps.db, email);
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
    expect((await findAccountByEmail(server.deps.db, email))!.isAdmin).toBe(true);
    expect((await admin(['user:revoke-admin', email], env())).code).toBe(0);
    expect((await findAccountByEmail(server.deps.db, email))!.isAdmin).toBe(false);
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
    for (const command of ['user:create', 'user:grant-admin', 'user:revoke-admin', 'client:add']) expect(help.stdout).toContain(command);
  });
});
