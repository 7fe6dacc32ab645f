// Scale-out (issue 7 §5): two Passerelle processes share PostgreSQL and Redis behind a small
// round-robin proxy. Whatever instance a request lands on, the citizen and the relying party
// see one service: sessions, codes, refresh tokens, revocations, lockouts and throttles.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAccount } from '../../src/accounts/account.repository.js';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import { createDatabase, type Database } from '../../src/storage/prisma.js';
import { availableBackends } from '../support/backends.js';
import { Browser } from '../support/browser.js';
import { uniqueEmail } from '../support/factories.js';
import { admin } from '../support/run-command.js';
import { authorizationRequest, discover, exchangeCode, type RpClient } from '../support/relying-party.js';
import { createTestStorage, freePort, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();
const describeScaleOut = backends.includes('postgresql+redis') ? describe : describe.skip;

const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');
const portal: RpClient = { client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef0123456789abcd', redirect_uri: 'http://rp.test/callback' };
const PASSWORD = 'Deux-Instances-2026';
const SIGNIN_IP_LIMIT = 8;

/** Round-robin, unless the request names its backend with `x-backend: 0|1` (to pin a step). */
function roundRobinProxy(targets: number[]) {
  let next = 0;
  const served: number[] = [];
  const server = http.createServer((req, res) => {
    const pinned = req.headers['x-backend'];
    const index = pinned !== undefined ? Number(pinned) : next++ % targets.length;
    served.push(index);
    const upstream = http.request({ host: '127.0.0.1', port: targets[index], method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { res.writeHead(502).end(); });
    req.pipe(upstream);
  });
  return { server, served };
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string) {
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error(`instance exited: ${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`instance never became healthy: ${output()}`);
}

describeScaleOut('two instances on PostgreSQL + Redis behind a round-robin proxy', () => {
  let storage: TestStorage;
  let db: Database;
  let issuer: string;
  const instances: Array<{ child: ChildProcess; url: string }> = [];
  let proxy: ReturnType<typeof roundRobinProxy>;

  beforeAll(async () => {
    storage = await createTestStorage('postgresql+redis');
    const ports = [await freePort(), await freePort()];
    proxy = roundRobinProxy(ports);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', () => resolve()));
    issuer = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    const clientsFile = path.join(storage.env['DATA_DIR']!, 'clients.json');
    writeFileSync(clientsFile, JSON.stringify([{ ...portal, redirect_uri: undefined, redirect_uris: [portal.redirect_uri], first_party: true, grant_types: ['authorization_code', 'refresh_token'] }]));
    // One after the other: the first applies the migrations, the second finds them applied.
    // AsyncLocalStorage on context frames, as scripts/start.sh runs the service on Node 22.
    for (const port of ports) {
      const child = spawn(process.execPath, [tsx, 'src/main.ts'], {
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NODE_OPTIONS: '--experimental-async-context-frame', NODE_ENV: 'test', LOG_LEVEL: 'warn', CAPTCHA: 'off', ...storage.env,
          PORT: String(port), ISSUER: issuer, CLIENTS_FILE: clientsFile, LOCKOUT_THRESHOLD: '3', SIGNIN_IP_LIMIT: String(SIGNIN_IP_LIMIT) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (chunk) => { output += chunk; });
      child.stderr!.on('data', (chunk) => { output += chunk; });
      const url = `http://127.0.0.1:${port}`;
      instances.push({ child, url });
      await waitHealthy(url, child, () => output);
    }
    db = createDatabase(storage.env['DATABASE_URL']!);
  });

  afterAll(async () => {
    for (const { child } of instances) child.kill('SIGTERM');
    await Promise.all(instances.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    proxy?.server.closeAllConnections();
    proxy?.server.close();
    await db?.$disconnect();
    await storage?.dispose();
  });

  async function newAccount() {
    const hasher = await createPasswordHasher();
    const email = uniqueEmail('scale');
    const account = await createAccount(db, { email, passwordHash: await hasher.hash(PASSWORD), status: 'active', emailVerifiedAt: new Date() });
    return { ...account, email };
  }

  /** A browser whose every request goes to one pinned instance. */
  const pinnedTo = (index: number) => new Browser(issuer, 'fr-FR', undefined).withHeaders({ 'x-backend': String(index) });

  let failures = 0;

  test('a sign-in started on one instance completes on the other; the code is exchanged on the first', async () => {
    const account = await newAccount();
    const config = await discover(issuer, portal);
    const request = await authorizationRequest(config, portal, { scope: 'openid email offline_access', prompt: 'consent' });
    const onA = pinnedTo(0);
    const { page } = await onA.open(request.url.toString());
    const onB = pinnedTo(1);
    onB.cookies.clear();
    for (const [key, cookie] of onA.cookies) onB.cookies.set(key, cookie);
    const { leftTo } = await onB.fill(page, '/login', { email: account.email, password: PASSWORD });
    expect(leftTo?.searchParams.get('code')).toEqual(expect.any(String));
    const tokens = await exchangeCode(config, leftTo!, request);
    expect(tokens.claims()!.sub).toBe(account.id);
    expect(proxy.served).toEqual(expect.arrayContaining([0, 1]));

    // A refresh token issued through one instance works on the other, directly.
    const refresh = (index: number, token: string) => fetch(`${instances[index]!.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${portal.client_id}:${portal.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
    });
    const first = await refresh(0, tokens.refresh_token!);
    expect(first.status).toBe(200);
    const rotated = await first.json() as { refresh_token: string; access_token: string };
    const second = await refresh(1, rotated.refresh_token);
    expect(second.status).toBe(200);
    const { access_token: accessToken } = await second.json() as { access_token: string };

    // A revocation on one instance is seen by the other at once.
    const basic = { authorization: `Basic ${Buffer.from(`${portal.client_id}:${portal.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' };
    expect((await fetch(`${instances[1]!.url}/token/revocation`, { method: 'POST', headers: basic, body: new URLSearchParams({ token: accessToken }) })).status).toBe(200);
    const introspection = await fetch(`${instances[0]!.url}/token/introspection`, { method: 'POST', headers: basic, body: new URLSearchParams({ token: accessToken }) });
    expect(await introspection.json()).toMatchObject({ active: false });
  });

  test('failed sign-ins on both instances count towards one lockout', async () => {
    const account = await newAccount();
    const config = await discover(issuer, portal);
    for (const index of [0, 1, 0]) {
      const browser = pinnedTo(index);
      const { page } = await browser.open((await authorizationRequest(config, portal)).url.toString());
      expect((await browser.fill(page, '/login', { email: account.email, password: 'Wrong-Password-1' })).page.status).toBe(401);
      failures += 1;
    }
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).status).toBe('locked');
  });

  test('the per-address throttle is shared by the instances', async () => {
    const config = await discover(issuer, portal);
    const attempt = async (index: number) => {
      const browser = pinnedTo(index);
      const { page } = await browser.open((await authorizationRequest(config, portal)).url.toString());
      return (await browser.fill(page, '/login', { email: uniqueEmail('ghost'), password: 'Wrong-Password-1' })).page.status;
    };
    while (failures < SIGNIN_IP_LIMIT) expect(await attempt(failures++ % 2)).toBe(401);
    expect(await attempt(0)).toBe(429);
    expect(await attempt(1)).toBe(429);
  });

  test('a client secret rotated from the CLI is in force at once on both instances, despite their client caches', async () => {
    const revokeWith = (index: number, secret: string) => fetch(`${instances[index]!.url}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${portal.client_id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'not-a-token' }),
    });
    // Both instances have just read the client: it is in their caches.
    expect([(await revokeWith(0, portal.client_secret!)).status, (await revokeWith(1, portal.client_secret!)).status]).toEqual([200, 200]);
    const rotation = await admin(['client:rotate-secret', portal.client_id, '--json'], { ...storage.env, CLIENTS_FILE: path.join(storage.env['DATA_DIR']!, 'clients.json') });
    expect(rotation.code).toBe(0);
    const { client_secret: secret } = JSON.parse(rotation.stdout) as { client_secret: string };
    expect([(await revokeWith(0, portal.client_secret!)).status, (await revokeWith(1, portal.client_secret!)).status]).toEqual([401, 401]);
    expect([(await revokeWith(0, secret)).status, (await revokeWith(1, secret)).status]).toEqual([200, 200]);
  });
});
