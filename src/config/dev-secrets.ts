// Development convenience (SPEC §3): secrets that are not configured are generated once and kept
// under DATA_DIR, so a restart keeps sessions. Production never reaches this (env.ts refuses).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function developmentCookieKeys(dataDir: string): Promise<string[]> {
  const file = path.join(dataDir, 'cookie-keys.json');
  try {
    const keys = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k === 'string' && k.length >= 32)) return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = [randomBytes(32).toString('hex')];
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}
