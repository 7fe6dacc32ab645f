// Clients in memory. oidc-provider reads the client on every protocol request (authorization,
// token, userinfo, introspection...), while a client changes a few times a year. Each instance
// keeps what it read for a few seconds:
// - a change made through this instance (console, CLI, dynamic registration) drops its copy now;
// - with Redis, every change is published, and every instance drops its copy now;
// - without Redis (one instance on SQLite), a change made by the CLI, another process, shows
//   within CLIENT_CACHE_MS.
// Unknown ids are never cached: a client added anywhere works at once.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Logger } from '../../log.js';

export const CLIENT_CACHE_MS = 5_000;
const CHANNEL = 'clients-changed';

export interface ClientCache {
  /** The Client adapter with reads served from memory and writes announced. */
  wrap(adapter: Adapter): Adapter;
  /** Forgets a client here and, with Redis, on every instance. */
  changed(clientId: string): Promise<void>;
  close(): Promise<void>;
}

/** `value`, read-only all the way down. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}

/**
 * What callers read from a cached client. Callers may not alter what others will read: each gets
 * its own top level over the frozen nested values (redirect URIs, grant types...), where a deep
 * copy per read cost 12 µs on every token, refresh and userinfo request. And a `toJSON`
 * (inherited, so not one of its properties) stands for the whole content: on every
 * read oidc-provider serialises and hashes the client to find the Client it built from that
 * content (`Client.find`): 10-12 µs of CPU per token, refresh and userinfo request for a content
 * that changes a few times a year. With `toJSON` it hashes a fingerprint of the content, taken
 * once here; a different content has a different fingerprint, so a changed client still gets
 * its own Client.
 */
function readsOf(payload: AdapterPayload): () => AdapterPayload {
  const fingerprint = `client ${createHash('sha256').update(JSON.stringify(payload)).digest('base64url')}`;
  const shared = Object.create(Object.prototype, { toJSON: { value: () => fingerprint } }) as object;
  return () => Object.assign(Object.create(shared) as AdapterPayload, payload);
}

export function createClientCache(redis: Redis | undefined, log: Logger, now: () => number = Date.now): ClientCache {
  const entries = new Map<string, { read: () => AdapterPayload; until: number }>();
  // Bumped at every change: a read that was under way when the client changed is not kept.
  const generations = new Map<string, number>();
  const forget = (clientId: string) => {
    entries.delete(clientId);
    generations.set(clientId, (generations.get(clientId) ?? 0) + 1);
  };
  // Pub/sub channels are not under ioredis' keyPrefix: prefix by hand so deployments sharing a
  // Redis do not hear each other.
  const channel = `${redis?.options.keyPrefix ?? ''}${CHANNEL}`;
  const subscriber = redis?.duplicate();
  if (subscriber) {
    subscriber.on('message', (_channel: string, clientId: string) => forget(clientId));
    subscriber.on('error', (error: unknown) => log.warn({ err: error }, 'client cache: Redis subscription failed'));
    // Not awaited: a Redis that is down at start must not stop the start. ioredis subscribes
    // again after each reconnection; a change missed meanwhile shows within CLIENT_CACHE_MS.
    subscriber.subscribe(channel).catch((error: unknown) => log.warn({ err: error }, 'client cache: could not subscribe to client changes'));
  }

  async function changed(clientId: string): Promise<void> {
    forget(clientId);
    // The change is made: an instance that misses the announcement reads it within CLIENT_CACHE_MS.
    if (redis) await redis.publish(channel, clientId).catch((error: unknown) => log.warn({ err: error }, 'client cache: could not announce a client change'));
  }

  return {
    changed,
    wrap: (adapter) => ({
      async find(id) {
        const cached = entries.get(id);
        if (cached && cached.until > now()) return cached.read();
        const generation = generations.get(id) ?? 0;
        const payload = await adapter.find(id);
        if (!payload) {
          entries.delete(id);
          return payload;
        }
        const read = readsOf(deepFreeze(structuredClone(payload)));
        // A read under way when the client changed is answered, not kept.
        if (generation === (generations.get(id) ?? 0)) entries.set(id, { read, until: now() + CLIENT_CACHE_MS });
        return read();
      },
      async upsert(id, payload, expiresIn) {
        await adapter.upsert(id, payload, expiresIn);
        await changed(id);
      },
      async destroy(id) {
        await adapter.destroy(id);
        await changed(id);
      },
      findByUid: (uid) => adapter.findByUid(uid),
      findByUserCode: (userCode) => adapter.findByUserCode(userCode),
      consume: (id) => adapter.consume(id),
      revokeByGrantId: (grantId) => adapter.revokeByGrantId(grantId),
    }),
    async close() {
      if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
