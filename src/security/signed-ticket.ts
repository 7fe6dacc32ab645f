// Short-lived, tamper-proof statements handed to the browser (e.g. "this account was just
// activated for interaction X"). HMAC-signed with the first cookie key; any key verifies.
import { createHmac } from 'node:crypto';
import { sameDigest } from './secret-values.js';

export interface SignedTickets {
  issue(fields: Record<string, string>, lifetimeSeconds: number): string;
  /** The fields, or undefined when the ticket is forged, altered or expired. */
  read(ticket: string): Record<string, string> | undefined;
}

export function createSignedTickets(secrets: readonly string[], purpose: string, now: () => Date): SignedTickets {
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(`${purpose}\0${body}`).digest('base64url');
  return {
    issue(fields, lifetimeSeconds) {
      const exp = Math.floor(now().getTime() / 1000) + lifetimeSeconds;
      const body = Buffer.from(JSON.stringify({ ...fields, exp })).toString('base64url');
      return `${body}.${sign(secrets[0]!, body)}`;
    },
    read(ticket) {
      const [body, signature] = ticket.split('.');
      if (!body || !signature || !secrets.some((secret) => sameDigest(sign(secret, body), signature))) return undefined;
      try {
        const { exp, ...fields } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, string> & { exp: number };
        return exp > now().getTime() / 1000 ? fields : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
