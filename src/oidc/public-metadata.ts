// Discovery and JWKS from memory. Both documents change only when the provider is rebuilt (a
// key rotation), yet relying parties fetch them constantly. The first answer oidc-provider gives
// for a provider instance is kept, bytes and headers, and later requests are answered from that
// copy before Koa runs: the same body, the same headers (security headers, Cache-Control, CORS as
// oidc-provider sets it), plus an ETag and 304 for conditional requests.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';

/** The documents served from memory, by path (also their route in metrics, as oidc-provider names it). */
const PUBLIC_DOCUMENTS = new Set(['/.well-known/openid-configuration', '/jwks']);

/** Headers written anew on every answer from memory (per request, or per stored body). */
const WRITTEN_PER_ANSWER = new Set(['x-request-id', 'access-control-allow-origin', 'vary', 'content-length', 'etag']);

interface StoredDocument {
  body: Buffer;
  etag: string;
  /** Name/value pairs, flattened once for writeHead. */
  headers: string[];
}

export interface PublicMetadataCache {
  /** Koa middleware that keeps oidc-provider's first 200 answer for each document. */
  capture: (ctx: Context, next: Next) => Promise<void>;
  /** Wraps the rest of the server: answers cached documents, hands everything else on with the request's path. */
  serve(rest: (req: IncomingMessage, res: ServerResponse, path: string) => void, onServed: (route: string, seconds: number) => void): RequestListener;
}

/** `current` is read per request: a rebuilt provider starts with an empty cache. */
export function publicMetadataCache(current: () => Provider): PublicMetadataCache {
  const stored = new WeakMap<Provider, Map<string, StoredDocument>>();

  function answer(req: IncomingMessage, res: ServerResponse, document: StoredDocument) {
    const notModified = req.headers['if-none-match'] === document.etag;
    res.writeHead(notModified ? 304 : 200, [
      ...document.headers,
      'ETag', document.etag,
      'Vary', 'Origin',
      'Access-Control-Allow-Origin', req.headers.origin ?? '*',
      'X-Request-Id', randomUUID(),
      ...(notModified ? [] : ['Content-Length', String(document.body.length)]),
    ]);
    res.end(notModified || req.method === 'HEAD' ? undefined : document.body);
  }

  return {
    async capture(ctx, next) {
      const provider = current();
      await next();
      if (!PUBLIC_DOCUMENTS.has(ctx.path) || ctx.method !== 'GET' || ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
      // Both change only with a key rotation: clients and proxies may keep them five minutes.
      ctx.set('Cache-Control', 'public, max-age=300');
      const body = Buffer.from(JSON.stringify(ctx.body));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      ctx.set('ETag', etag);
      const headers = Object.entries(ctx.response.headers)
        .filter(([name]) => !WRITTEN_PER_ANSWER.has(name))
        .flatMap(([name, value]) => [name, String(value)]);
      const documents = stored.get(provider) ?? new Map<string, StoredDocument>();
      stored.set(provider, documents.set(ctx.path, { body, etag, headers }));
    },
    serve(rest, onServed) {
      return (req, res) => {
        const path = req.url?.split('?', 1)[0] ?? '';
        if (req.method === 'GET' || req.method === 'HEAD') {
          const document = PUBLIC_DOCUMENTS.has(path) && stored.get(current())?.get(path);
          if (document) {
            const started = performance.now();
            answer(req, res, document);
            onServed(path, (performance.now() - started) / 1000);
            return;
          }
        }
        rest(req, res, path);
      };
    },
  };
}
