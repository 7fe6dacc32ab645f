// Signing keys for ID tokens and other JWTs: ES256 and RS256, kept in the database (shared by
// every instance), or read from JWKS_FILE when the operator manages them.
//
// Rotation without downtime: each algorithm always has a `next` key, published in the JWKS but
// never signing: oidc-provider signs with the first key of an algorithm in its key set (a
// stable sort of equal candidates), and the active key always comes first. `keys:rotate` makes
// the next key active — relying parties have seen it since the previous rotation — retires the
// active one (still published, until every token it signed has expired), and publishes a new
// next key.
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Database } from '../storage/prisma.js';

export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningJwk = JWK & { kid: string; alg: string };
export type KeyState = 'next' | 'active' | 'retired';

/** A retired key stays published this long: far beyond the 5-minute tokens it signed, and JWKS caches. */
export const RETIRED_KEY_RETENTION_SECONDS = 24 * 60 * 60;

export interface KeySet {
  /** Private JWKs, active first: the order decides which key signs. */
  keys: SigningJwk[];
  /** Changes whenever the set changes: instances reload their provider when it does. */
  version: string;
}

export interface KeySummary { kid: string; alg: string; state: KeyState; createdAt: Date; retireAt: Date | null }

export async function createSigningJwk(alg: string): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

async function storeNewKey(db: Database, alg: string, state: KeyState): Promise<string> {
  const jwk = await createSigningJwk(alg);
  await db.signingKey.create({ data: { kid: jwk.kid, alg, jwk: JSON.stringify(jwk), state } });
  return jwk.kid;
}

const RANK: Record<string, number> = { active: 0, next: 1, retired: 2 };

/** Creates what is missing (an active and a next key per algorithm) and forgets expired keys. */
export async function loadSigningKeys(db: Database, jwksFile: string | undefined, now: () => Date = () => new Date()): Promise<KeySet> {
  if (jwksFile) return { keys: await readJwksFile(jwksFile), version: `file:${jwksFile}` };
  // Read-only in the steady state: every instance calls this every 30 seconds.
  let stored = await db.signingKey.findMany();
  const expired = stored.filter((k) => k.state === 'retired' && k.retireAt && k.retireAt <= now()).map((k) => k.kid);
  if (expired.length) await db.signingKey.deleteMany({ where: { kid: { in: expired } } });
  const missing = SIGNING_ALGORITHMS.flatMap((alg) => (['active', 'next'] as const)
    .filter((state) => !stored.some((k) => k.alg === alg && k.state === state)).map((state) => ({ alg, state })));
  for (const { alg, state } of missing) await storeNewKey(db, alg, state);
  if (expired.length || missing.length) stored = await db.signingKey.findMany();
  const keys = stored.filter((k) => !expired.includes(k.kid))
    .sort((a, b) => (RANK[a.state] ?? 3) - (RANK[b.state] ?? 3) || b.createdAt.getTime() - a.createdAt.getTime());
  return {
    keys: keys.map((k) => JSON.parse(k.jwk) as SigningJwk),
    version: keys.map((k) => `${k.kid}:${k.state}`).join(','),
  };
}

export async function listSigningKeys(db: Database): Promise<KeySummary[]> {
  const keys = await db.signingKey.findMany({ orderBy: [{ alg: 'asc' }, { createdAt: 'desc' }] });
  return keys.map(({ kid, alg, state, createdAt, retireAt }) => ({ kid, alg, state: state as KeyState, createdAt, retireAt }));
}

/** next → active, active → retired, and a new next key, for every algorithm at once. */
export async function rotateSigningKeys(db: Database, now: () => Date = () => new Date()): Promise<{ activated: string[]; retired: string[] }> {
  await loadSigningKeys(db, undefined, now); // make sure every algorithm has its next key
  const current = await db.signingKey.findMany({ where: { state: { in: ['active', 'next'] } } });
  const retireAt = new Date(now().getTime() + RETIRED_KEY_RETENTION_SECONDS * 1000);
  const fresh = await Promise.all(SIGNING_ALGORITHMS.map(async (alg) => ({ alg, jwk: await createSigningJwk(alg) })));
  await db.$transaction([
    db.signingKey.updateMany({ where: { kid: { in: current.filter((k) => k.state === 'active').map((k) => k.kid) } }, data: { state: 'retired', retireAt } }),
    db.signingKey.updateMany({ where: { kid: { in: current.filter((k) => k.state === 'next').map((k) => k.kid) } }, data: { state: 'active' } }),
    ...fresh.map(({ alg, jwk }) => db.signingKey.create({ data: { kid: jwk.kid, alg, jwk: JSON.stringify(jwk), state: 'next', createdAt: now() } })),
  ]);
  return { activated: current.filter((k) => k.state === 'next').map((k) => k.kid), retired: current.filter((k) => k.state === 'active').map((k) => k.kid) };
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
