// The footer pages (terms, legal notice, contact) are Markdown the operator edits without
// touching code: CONTENT_DIR/<page>.<locale>.md wins over the bundled defaults in
// interactions/content/. Raw HTML in the Markdown is shown as text, and only http(s), mailto and
// same-site links become links, so a content file cannot inject script.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Marked } from 'marked';
import { projectRoot } from '../src/paths.js';
import type { Locale } from './messages.js';

export const CONTENT_PAGES = ['terms', 'legal', 'contact'] as const;
export type ContentPage = (typeof CONTENT_PAGES)[number];

const bundledDir = path.join(projectRoot, 'interactions', 'content');
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const markdown = new Marked({
  renderer: {
    html: ({ text }) => escapeHtml(text),
    link({ href, tokens }) {
      const label = this.parser.parseInline(tokens);
      return /^(https?:|mailto:|\/(?!\/)|#)/i.test(href) ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
    },
    image: ({ text }) => escapeHtml(text),
  },
});

async function firstReadable(files: string[]): Promise<string> {
  for (const file of files) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // try the next one
    }
  }
  throw new Error(`no content file among ${files.join(', ')}`);
}

/** The page as HTML and its title (its first heading), in the visitor's language. */
export async function renderContentPage(contentDir: string, page: ContentPage, locale: Locale, brand: string): Promise<{ title: string; html: string }> {
  const source = await firstReadable([
    path.resolve(contentDir, `${page}.${locale}.md`),
    path.resolve(contentDir, `${page}.fr.md`),
    path.join(bundledDir, `${page}.${locale}.md`),
    path.join(bundledDir, `${page}.fr.md`),
  ]);
  const text = source.replaceAll('{brand}', brand);
  const title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? page;
  return { title, html: await markdown.parse(text) };
}
