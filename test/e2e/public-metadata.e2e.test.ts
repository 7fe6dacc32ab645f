// Discovery and JWKS answered from memory (issue 7 §2): after the first answer, the same bytes and
// headers without going through Koa, conditional requests, CORS as oidc-provider does it, and a
// fresh copy once a key rotation rebuilds the provider.
import { describe, expect, test } from '@jest/globals';
import { rotateSigningKeys } from '../../src/oidc/signing-keys.js';
import { serverForSuite } from '../support/suite.js';

const DISCOVERY = '/.well-known/openid-configuration';

describe('discovery and JWKS from memory', () => {
  const suite = serverForSuite('sqlite');
  const get = (path: string, init: RequestInit = {}) => fetch(`${suite.server.issuer}${path}`, init);

  test.each([DISCOVERY, '/jwks'])('%s: the cached answer has the body and headers of the first one', async (path) => {
    const first = await get(path);
    const second = await get(path);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(await first.text());
    for (const header of ['content-type', 'cache-control', 'content-security-policy', 'x-content-type-options', 'x-frame-options', 'etag']) {
      expect([header, second.headers.get(header)]).toEqual([header, first.headers.get(header)]);
    }
    expect(second.headers.get('cache-control')).toBe('public, max-age=300');
    expect(second.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
  });

  test('conditional requests get 304 without a body; a stale tag gets the document', async () => {
    const etag = (await get(DISCOVERY)).headers.get('etag')!;
    const notModified = await get(DISCOVERY, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    const stale = await get(DISCOVERY, { headers: { 'if-none-match': '"something-else"' } });
    expect(stale.status).toBe(200);
    expect((await stale.json() as { issuer: string }).issuer).toBe(suite.server.issuer);
  });

  test('CORS: any origin may read them, and caches keep answers per origin', async () => {
    await get('/jwks');
    const fromPortal = await get('/jwks', { headers: { origin: 'https://portail.example.nc' } });
    expect(fromPortal.headers.get('access-control-allow-origin')).toBe('https://portail.example.nc');
    expect(fromPortal.headers.get('vary')).toBe('Origin');
    expect((await get('/jwks')).headers.get('access-control-allow-origin')).toBe('*');
  });

  test('HEAD: the headers without the body', async () => {
    const full = await get('/jwks');
    const head = await get('/jwks', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String((await full.arrayBuffer()).byteLength));
    expect(await head.text()).toBe('');
  });

  test('a key rotation replaces the cached JWKS and discovery at once', async () => {
    const kidsOf = async () => ((await (await get('/jwks')).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);
    const before = await kidsOf();
    const etagBefore = (await get('/jwks')).headers.get('etag');
    const { activated } = await rotateSigningKeys(suite.server.deps.db, suite.server.deps.flows.now);
    expect(await suite.server.deps.reloadKeys()).toBe(true);
    const after = await kidsOf();
    expect(after).toEqual(expect.arrayContaining([...before, ...activated]));
    expect(after.length).toBeGreaterThan(before.length);
    expect((await get('/jwks')).headers.get('etag')).not.toBe(etagBefore);
    expect((await get(DISCOVERY)).status).toBe(200);
  });

  test('answers from memory are counted in the request metrics, under the route oidc-provider names', async () => {
    const count = async () => {
      const text = await (await get('/metrics')).text();
      return Number(/passerelle_http_request_duration_seconds_count\{[^}]*route="\/jwks"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await count();
    await get('/jwks');
    await get('/jwks');
    expect(await count()).toBe(before + 2);
  });

  test('other paths and methods still reach the provider', async () => {
    expect((await get('/jwks', { method: 'POST' })).status).toBe(404);
    expect((await get(`${DISCOVERY}/extra`)).status).toBe(404);
  });
});
