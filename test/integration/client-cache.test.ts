// The in-memory client cache over the real database (and Redis when available): a few seconds
// per instance, dropped at once on a change announced anywhere, never caching an unknown id.
import { afterEach, describe, expect, test } from '@jest/globals';
import { CLIENT_CACHE_MS, createClientCache, type ClientCache } from '../../src/oidc/adapters/client-cache.js';
import { createRedis } from '../../src/storage/redis.js';
import { availableBackends } from '../support/backends.js';
import { serverForSuite } from '../support/suite.js';

const backends = await availableBackends();

describe.each(backends)('client cache on %s', (backend) => {
  const suite = serverForSuite(backend);
  let clock = 1_000_000;
  const now = () => clock;
  const direct = () => suite.server.deps.storedClients;
  const client = (name: string) => ({ client_id: `cache-${backend}`, client_name: name, redirect_uris: ['http://cache.test/cb'] });
  /** An instance's cache without Redis, over the suite's database, closed after the test. */
  const opened: ClientCache[] = [];
  afterEach(async () => { await Promise.all(opened.splice(0).map((cache) => cache.close())); });
  const localCache = () => {
    const cache = createClientCache(undefined, suite.server.deps.log, now);
    opened.push(cache);
    return { cache, cached: cache.wrap(direct()) };
  };

  test('serves what it read for CLIENT_CACHE_MS, then reads again', async () => {
    const { cached } = localCache();
    await direct().upsert(client('v1').client_id, client('v1'));
    expect((await cached.find(client('v1').client_id))?.['client_name']).toBe('v1');
    // A write the cache did not see (another process, no Redis): the copy stays until it expires.
    await direct().upsert(client('v2').client_id, client('v2'));
    clock += CLIENT_CACHE_MS - 1;
    expect((await cached.find(client('v1').client_id))?.['client_name']).toBe('v1');
    clock += 2;
    expect((await cached.find(client('v1').client_id))?.['client_name']).toBe('v2');
  });

  test('a change through the wrapped adapter or announced with changed() is seen at once', async () => {
    const { cache, cached } = localCache();
    const { client_id: id } = client('x');
    await cached.upsert(id, client('through the adapter'));
    expect((await cached.find(id))?.['client_name']).toBe('through the adapter');
    await direct().upsert(id, client('by the console'));
    await cache.changed(id);
    expect((await cached.find(id))?.['client_name']).toBe('by the console');
    await cached.destroy(id);
    expect(await cached.find(id)).toBeUndefined();
  });

  test('an unknown id is not remembered: a client added afterwards works at once', async () => {
    const { cached } = localCache();
    const id = `later-${backend}`;
    expect(await cached.find(id)).toBeUndefined();
    await direct().upsert(id, { ...client('later'), client_id: id });
    expect((await cached.find(id))?.['client_name']).toBe('later');
  });

  test('callers get their own copy: altering one does not alter what the next caller reads', async () => {
    const { cached } = localCache();
    const id = `copy-${backend}`;
    await direct().upsert(id, { ...client('copy'), client_id: id });
    await cached.find(id); // now served from memory
    const first = (await cached.find(id))!;
    first['client_name'] = 'altered';
    expect(() => (first['redirect_uris'] as string[]).push('http://evil.test/cb')).toThrow(/not extensible/);
    const next = (await cached.find(id))!;
    expect(next['client_name']).toBe('copy');
    expect(next['redirect_uris']).toEqual(['http://cache.test/cb']);
  });

  test('a read under way when the client changes is not kept', async () => {
    const { cache, cached } = localCache();
    const id = `race-${backend}`;
    await direct().upsert(id, { ...client('old'), client_id: id });
    const reading = cached.find(id);
    await cache.changed(id);
    expect((await reading)?.['client_name']).toBe('old');
    await direct().upsert(id, { ...client('new'), client_id: id });
    expect((await cached.find(id))?.['client_name']).toBe('new');
  });

  test('a cached client serialises to a fingerprint of its content: oidc-provider hashes that, and builds a new Client when the content changes', async () => {
    const { cached } = localCache();
    const id = `fingerprint-${backend}`;
    await direct().upsert(id, { ...client('first'), client_id: id });
    const [a, b] = [await cached.find(id), await cached.find(id)];
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).toMatch(/^"client [\w-]{43}"$/);
    // The fingerprint is inherited: the client's own properties are its stored ones only.
    expect(Object.keys(a!).sort()).toEqual(Object.keys({ ...client('first'), client_id: id }).sort());
    await cached.upsert(id, { ...client('second'), client_id: id });
    expect(JSON.stringify(await cached.find(id))).not.toBe(JSON.stringify(a));

    // Through the running provider (its own cache): one Client per content.
    const { Client } = suite.server.deps.provider;
    await suite.server.deps.clients.upsert(id, { ...client('third'), client_id: id, token_endpoint_auth_method: 'none' });
    const third = await Client.find(id);
    expect(await Client.find(id)).toBe(third);
    await suite.server.deps.clients.upsert(id, { ...client('fourth'), client_id: id, token_endpoint_auth_method: 'none' });
    const fourth = await Client.find(id);
    expect(fourth).not.toBe(third);
    expect(fourth?.clientName).toBe('fourth');
  });

  if (backend === 'postgresql+redis') {
    test('with Redis, a change announced by one instance drops the copy of another', async () => {
      const { REDIS_URL, REDIS_PREFIX } = suite.storage.env as Record<string, string>;
      const [redisA, redisB] = [createRedis(REDIS_URL!, REDIS_PREFIX!), createRedis(REDIS_URL!, REDIS_PREFIX!)];
      const [a, b] = [createClientCache(redisA, suite.server.deps.log, now), createClientCache(redisB, suite.server.deps.log, now)];
      const onB = b.wrap(direct());
      const id = `shared-${backend}`;
      await direct().upsert(id, { ...client('before'), client_id: id });
      expect((await onB.find(id))?.['client_name']).toBe('before');
      await direct().upsert(id, { ...client('after'), client_id: id });
      // The clock stands still: only the announcement can make B read again. (B subscribes in
      // the background, so A announces until B has heard it.)
      let seen: unknown;
      for (let i = 0; i < 20 && seen !== 'after'; i += 1) {
        await a.changed(id);
        seen = (await onB.find(id))?.['client_name'];
        if (seen !== 'after') await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(seen).toBe('after');
      await Promise.all([a.close(), b.close()]);
      await Promise.all([redisA.quit(), redisB.quit()]);
    });
  }
});
