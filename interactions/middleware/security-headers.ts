// Headers on every response (SPEC §7): no inline script, no framing, no MIME sniffing.
// oidc-provider adds the hash of its own form_post script to script-src when it needs one.
import type { ServerResponse } from 'node:http';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Name/value pairs, set with the response's own setHeader (Koa's `ctx.set` builds arrays per call). */
const HEADERS: Array<[string, string]> = [
  ['Content-Security-Policy', CSP],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];
const HSTS: [string, string] = ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'];

/** Sets the headers on a response before anything else writes to it. */
export function securityHeaders(hsts: boolean): (res: ServerResponse) => void {
  const headers = hsts ? [...HEADERS, HSTS] : HEADERS;
  return (res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
  };
}
