import { afterEach, describe, expect, it } from 'vitest';
import { openLab, type LabPage } from './support/lab-page';

let current: LabPage | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('the lab in Chromium, as a user sees it', () => {
  it('runs lspci -nn in the guest console and shows the devices', async () => {
    const ui = (current = await openLab());
    await ui.waitForScreen(/root@edu-lab:~#\s*$/m);
    await ui.typeInConsole('lspci -nn\r');
    const screen = await ui.waitForScreen(/00:04\.0 Unclassified device \[00ff\]: Device \[1234:11e8\] \(rev 10\)/);
    // The terminal wraps long lines (and a row loses its trailing blank): compare without white space.
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    expect(squeeze(screen)).toContain(squeeze('00:00.0 Host bridge [0600]: Intel Corporation 440FX - 82441FX PMC [Natoma] [8086:1237] (rev 02)'));
    await ui.screenshot('console-lspci');
    expect(ui.problems).toEqual([]);
  });

  it('switches language and theme, and keeps the guest output as printed', async () => {
    const ui = (current = await openLab());
    await ui.waitForScreen(/root@edu-lab:~#\s*$/m);
    await ui.typeInConsole('uname -r\r');
    await ui.waitForScreen(/6\.1\.0-edu-lab/);
    const themeBefore = await ui.page.evaluate(() => document.documentElement.dataset.theme);
    await ui.page.click('[data-testid=theme]');
    const themeAfter = await ui.page.evaluate(() => document.documentElement.dataset.theme);
    expect(themeAfter).not.toBe(themeBefore);
    await ui.page.selectOption('[data-testid=language]', 'zh-CN');
    expect(await ui.page.textContent('[data-testid=tab-registers]')).toBe('寄存器');
    expect(await ui.page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await ui.screen(), 'what the guest printed stays as printed').toContain('6.1.0-edu-lab');
    await ui.screenshot('zh-CN-other-theme');
    await ui.page.selectOption('[data-testid=language]', 'en');
    expect(await ui.page.textContent('[data-testid=tab-registers]')).toBe('Registers');
    expect(ui.problems).toEqual([]);
  });
});
