import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { LabSnapshot } from '../../../src/common/api/lab-api';
import { defaultUserland } from '../../../src/main/guest/userland';
import { WebHost } from '../../../src/main/hosts/web/server';
import { Lab, type LabOptions } from '../../../src/main/lab/lab';
import { testWorkers } from '../../support/workers';
import { launchChromium, newPage } from '../browser';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const rendererRoot = `${root}out/renderer`;
const shotsDir = `${root}test-results/screenshots`;

export interface LabPage {
  readonly page: Page;
  readonly lab: Lab;
  readonly host: WebHost;
  /** Console errors, page errors and CSP violations seen so far. */
  readonly problems: string[];
  /** The terminal's text, row by row (xterm's DOM renderer). */
  screen(): Promise<string>;
  /** Wait until the terminal shows `pattern`. */
  waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Type into the guest console as a user would (click, keys). */
  typeInConsole(text: string): Promise<void>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The built renderer in Debian's Chromium against the web host, on a real lab (machine, guest,
 * session) in this process. Fails loudly if the build or Chromium is missing.
 */
export async function openLab(options: Partial<Omit<LabOptions, 'workers' | 'guest'>> = {}, viewport = { width: 1400, height: 850 }): Promise<LabPage> {
  if (!existsSync(`${rendererRoot}/index.html`)) throw new Error('out/renderer is missing: run `npm run build` first (npm test does)');
  if (!existsSync('/usr/bin/chromium')) throw new Error('Debian chromium is missing: apt-get install -y chromium (.ci/run does)');
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, ...options });
  const host = await WebHost.start({ lab, rendererRoot });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await newPage(browser);
    await page.setViewportSize(viewport);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`);
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=machine-state]');
    await page.waitForSelector('[data-testid=connecting]', { state: 'detached' });
    await page.waitForSelector('.xterm-rows');

    const screen = () =>
      page.evaluate(() => [...document.querySelectorAll('.xterm-rows > div')].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));
    const b = browser;
    return {
      page,
      lab,
      host,
      problems,
      screen,
      async waitForScreen(pattern, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const text = await screen();
          if (pattern.test(text)) return text;
          if (Date.now() > deadline) throw new Error(`the console never showed ${pattern}; it shows:\n${text}`);
          await page.waitForTimeout(100);
        }
      },
      async typeInConsole(text) {
        await page.click('[data-testid=console]');
        await page.keyboard.type(text);
      },
      async screenshot(name) {
        mkdirSync(shotsDir, { recursive: true });
        const path = `${shotsDir}/${name}.png`;
        await page.screenshot({ path });
        return path;
      },
      async close() {
        await b.close();
        await host.close();
        await lab.destroy();
      },
    };
  } catch (error) {
    await browser?.close();
    await host.close();
    await lab.destroy();
    throw error;
  }
}

export type { LabSnapshot };
