// Signing keys for ID tokens and JWT responses: ES256 and RS256, created on first start and kept
// in the database (shared by every instance), or read from JWKS_FILE when the operator manages them.
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Database } from '../storage/prisma.js';

export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningJwk = JWK & { kid: string; alg: string };

export async function createSigningJwk(alg: string): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

/** Keys in signing order: the active key of each algorithm first, then those only published. */
export async function loadSigningKeys(db: Database, jwksFile: string | undefined): Promise<SigningJwk[]> {
  if (jwksFile) return readJwksFile(jwksFile);
  const stored = await db.signingKey.findMany({ orderBy: { createdAt: 'asc' } });
  const missing = SIGNING_ALGORITHMS.filter((alg) => !stored.some((k) => k.alg === alg && k.state === 'active'));
  if (missing.length > 0) {
    for (const alg of missing) {
      const jwk = await createSigningJwk(alg);
      await db.signingKey.create({ data: { kid: jwk.kid, alg, jwk: JSON.stringify(jwk), state: 'active' } });
    }
    return loadSigningKeys(db, jwksFile);
  }
  const rank = { active: 0, next: 1, retired: 2 } as Record<string, number>;
  return stored
    .sort((a, b) => (rank[a.state] ?? 3) - (rank[b.state] ?? 3) || b.createdAt.getTime() - a.createdAt.getTime())
    .map((k) => JSON.parse(k.jwk) as SigningJwk);
}

async function readJwksFile(file: string): Promise<SigningJwk[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`JWKS_FILE ${file}: cannot be read as JSON (${(error as Error).message})`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`JWKS_FILE ${file}: expected {"keys": [private JWKs]}`);
  return keys.map((key: SigningJwk, i) => {
    if (typeof key !== 'object' || !key.kty || !('d' in key)) throw new Error(`JWKS_FILE ${file}: keys[${i}] must be a private JWK (with "d")`);
    return key;
  });
}
