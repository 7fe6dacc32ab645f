// Authenticated encryption (AES-256-GCM) for data at rest that must be read back, such as a
// queued email that holds a link. Keys derive from the cookie keys: the first seals, every one
// opens, so rotating COOKIE_KEYS does not strand what is already sealed.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface SealedBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function createSealedBox(secrets: readonly string[], context: string): SealedBox {
  if (secrets.length === 0) throw new Error('createSealedBox needs at least one secret');
  const keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'passerelle', context, 32)));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys[0]!, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      for (const key of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
          decipher.setAuthTag(raw.subarray(12, 28));
          return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
        } catch {
          // not sealed with this key; try the next one
        }
      }
      throw new Error('sealed value cannot be opened with the configured keys');
    },
  };
}
