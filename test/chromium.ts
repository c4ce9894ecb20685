// Headless Chromium for the tests that look at pages as a person would (Debian's chromium, as
// .ci/run installs it; LOWBIT_CHROMIUM overrides). Without it those tests skip, except in CI.
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

export const chromium = [process.env['LOWBIT_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));

/** The `skip` option of a Chromium test. */
export const skipWithoutChromium: string | false = chromium ? false : process.env['CI'] ? false
  : 'no chromium found (apt-get install chromium, or set LOWBIT_CHROMIUM)';

export function launchChromium(): Promise<Browser> {
  if (!chromium) throw new Error('CI installs chromium (.ci/run): it must be there');
  return puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
