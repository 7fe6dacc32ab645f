// The project's folders, found the same way from src/ (tsx, tests) and dist/src/ (compiled).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const viewsDir = path.join(projectRoot, 'interactions', 'views');
export const publicDir = path.join(projectRoot, 'interactions', 'public');
export const emailsDir = path.join(projectRoot, 'interactions', 'emails');
/** The ALTCHA widget's browser files, served from our own origin (no third-party script). */
export const altchaWidgetDir = path.join(projectRoot, 'node_modules', 'altcha', 'dist');
export const prismaDir = path.join(projectRoot, 'prisma');
