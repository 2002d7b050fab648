import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, without the network chatter this machine would refuse. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * A page ready for page.evaluate with functions compiled by esbuild (tsx, vitest), which wrap named
 * functions in a `__name` helper that only exists in Node.
 */
export async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript('globalThis.__name = (fn) => fn;');
  return page;
}
