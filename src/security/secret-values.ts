// Random values that travel by email, and how we keep them. A link token carries 256 random
// bits, so a plain SHA-256 digest is enough to store it (no preimage search can find it). A
// 6-digit code has only a million values: its digest is keyed with a server secret that is not
// in the database, so a copy of the database alone cannot recover a live code.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const newLinkToken = (): string => randomBytes(32).toString('base64url');

export const digestOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const newSixDigitCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

export function keyedDigest(key: string, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\0${value}`).digest('base64url');
}

export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
