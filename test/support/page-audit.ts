// Accessibility check of a page in a real browser: axe-core (WCAG 2.0/2.1 A and AA rules) at a
// phone width and a desktop width, with a screenshot of each under test/.output/screenshots.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const AXE = path.resolve('node_modules/axe-core/axe.min.js');
export const SCREENSHOTS = path.resolve('test/.output/screenshots');
const WIDTHS: Array<[string, number, number]> = [['phone', 375, 740], ['desktop', 1280, 900]];

interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }

/** Serious and critical violations, as readable lines (empty when the page passes). */
export async function auditPage(page: Page, name: string, locale: string): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const problems: string[] = [];
  for (const [label, width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations;
    });
    for (const violation of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
      problems.push(`${locale} ${label} ${name}: ${violation.id} (${violation.help}) at ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, `${locale}-${label}-${name}.png`), fullPage: true });
  }
  return problems;
}
