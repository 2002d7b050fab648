import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { defaultUserland } from '../../../src/main/guest/userland';
import { WebHost } from '../../../src/main/hosts/web/server';
import { Lab } from '../../../src/main/lab/lab';
import { testWorkers } from '../../support/workers';
import { launchChromium } from '../browser';

const rendererRoot = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

/**
 * What the UI benchmarks measure against: a live lab behind the web host, and headless Chromium.
 * Runs `measure`, then closes the browser, the host and the lab (in that order) whatever happened.
 */
export async function withWebLab<T>(measure: (env: { lab: Lab; host: WebHost; browser: Browser }) => Promise<T>): Promise<T> {
  if (!existsSync(`${rendererRoot}/index.html`)) throw new Error('out/renderer is missing: run `npm run build` first');
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland });
  const host = await WebHost.start({ lab, rendererRoot });
  const browser = await launchChromium();
  try {
    return await measure({ lab, host, browser });
  } finally {
    await browser.close();
    await host.close();
    await lab.destroy();
  }
}
