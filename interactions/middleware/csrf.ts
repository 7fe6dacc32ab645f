// Signed double-submit token (OWASP CSRF cheat sheet): a random value in an HttpOnly,
// SameSite cookie, and its HMAC in every form. A page on another origin can neither read
// the cookie nor compute the HMAC, so it cannot forge a valid POST.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { FlowError } from '../../src/errors.js';

export const CSRF_FIELD = '_csrf';
const COOKIE = 'passerelle.csrf';

export function csrfProtection(secret: string, secure: boolean) {
  const sign = (value: string) => createHmac('sha256', secret).update(value).digest('base64url');
  return async function csrf(ctx: Context, next: Next) {
    let value = ctx.cookies.get(COOKIE);
    if (!value || !/^[\w-]{43}$/.test(value)) {
      value = randomBytes(32).toString('base64url');
      ctx.cookies.set(COOKIE, value, { httpOnly: true, sameSite: 'lax', secure, overwrite: true });
    }
    ctx.state['csrfToken'] = sign(value);
    await next();
  };
}

/** Route guard for POSTs: after the body is parsed, the form must carry the cookie's HMAC. */
export async function requireCsrfToken(ctx: Context, next: Next) {
  const expected = Buffer.from(String(ctx.state['csrfToken'] ?? ''));
  const body = (ctx.request as { body?: Record<string, unknown> }).body ?? {};
  const given = Buffer.from(typeof body[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : '');
  if (!ctx.cookies.get(COOKIE) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new FlowError('csrf_failed');
  }
  await next();
}
