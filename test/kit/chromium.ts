/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core (no browser download). A test file without either is skipped
 * with a warning, not failed.
 */
import * as fs from 'fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Flags that keep Chromium off this machine's closed network and quiet. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const playwright = (() => {
  try {
    return require('playwright-core') as typeof import('playwright-core');
  } catch {
    return undefined;
  }
})();

/** `describe` when Chromium can run here, else `describe.skip` (with a warning naming `what`). */
export function describeIfBrowser(what: string): jest.Describe {
  const runnable = playwright !== undefined && fs.existsSync(CHROMIUM);
  if (!runnable) console.warn(`${what} skipped: needs playwright-core and ${CHROMIUM}`);
  return runnable ? describe : describe.skip;
}

/** Launches Chromium with CHROMIUM_ARGS plus `extraArgs`. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return playwright!.chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
