// A real Chromium driven by playwright-core (PLATFORM.md: apt's /usr/bin/chromium, no download).
// Without it the browser suites are skipped locally and fail in CI.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env['CI']) throw new Error(`CI needs Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  console.warn(`no Chromium at ${CHROMIUM_PATH}: skipping the real-browser suites`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
