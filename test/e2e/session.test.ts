import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openLab, type LabPage } from './support/lab-page';

const dir = mkdtempSync(join(tmpdir(), 'edu-lab-e2e-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let current: LabPage | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('sessions in Chromium: export, open and replay', () => {
  it('exports the session from the dialog as a download, in the format chosen', async () => {
    const ui = (current = await openLab());
    await ui.waitForScreen(/root@edu-lab:~#\s*$/m);
    await ui.typeInConsole('modprobe edu && edu fact 5 --irq\r');
    await ui.waitForScreen(/5! = 120/);
    await ui.page.click('[data-testid=session-export]');
    await ui.page.click('[data-testid=export-format-csv]');
    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.page.click('[data-testid=export-start]')]);
    const saved = join(dir, 'export.csv');
    await download.saveAs(saved);
    const csv = readFileSync(saved, 'utf8');
    expect(csv.startsWith('seq,vns,hns,kind,source,size,flags,addr,value,text\r\n')).toBe(true);
    expect(csv).toContain(',FactFinish,');
    await ui.page.waitForSelector('[data-testid^=export-job-][data-state=done]');
    await ui.screenshot('export-dialog');
    expect(ui.problems).toEqual([]);
  });

  it('opens a saved session, replays it read-only with the state at cursor A, and goes back to the live lab', async () => {
    const ui = (current = await openLab());
    await ui.waitForScreen(/root@edu-lab:~#\s*$/m);
    await ui.page.waitForTimeout(200);
    await ui.typeInConsole('echo replay-me; devmem 0xfea00004 32 0x12345678\r');
    await ui.waitForScreen(/replay-me/);
    await ui.page.waitForTimeout(200);
    const file = join(dir, 'recorded.jsonl');
    await ui.lab.exportJsonl(file);

    // A broken copy is refused with its line, and the live lab stays.
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[5] = '{"seq":';
    writeFileSync(join(dir, 'broken.jsonl'), lines.join('\n'));
    await ui.page.setInputFiles('[data-testid=session-file]', join(dir, 'broken.jsonl'));
    await ui.page.waitForFunction(() => document.body.textContent?.includes('broken.jsonl: line 6'));
    expect(await ui.page.$('[data-testid=replay-bar]')).toBeNull();

    await ui.page.setInputFiles('[data-testid=session-file]', file);
    await ui.page.waitForSelector('[data-testid=replay-bar]');
    expect(await ui.page.textContent('[data-testid=replay-name]')).toContain('recorded.jsonl');
    await ui.page.waitForFunction(() => document.querySelector('[data-testid=reg-0x04-value]')?.textContent?.trim() === '0xEDCBA987');
    expect(await ui.screen()).toContain('replay-me');
    // The live controls are gone; typing changes nothing.
    expect(await ui.page.$('[data-testid=run-pause]')).toBeNull();
    await ui.page.click('[data-testid=timeline-fit]');
    await ui.page.waitForTimeout(300);
    // Cursor A at the very start: the registers and the console as they were then.
    const canvas = (await (await ui.page.$('[data-testid=timeline-canvas]'))!.boundingBox())!;
    await ui.page.mouse.click(canvas.x + 2, canvas.y + canvas.height / 2);
    await ui.page.waitForFunction(() => document.querySelector('[data-testid=reg-0x04-value]')?.textContent?.trim() === '0x00000000');
    expect(await ui.screen()).not.toContain('replay-me');
    await ui.screenshot('replay');

    await ui.page.click('[data-testid=replay-close]');
    await ui.page.waitForSelector('[data-testid=replay-bar]', { state: 'detached' });
    await ui.page.waitForSelector('[data-testid=run-pause]');
    await ui.typeInConsole('echo live-again\r');
    await ui.waitForScreen(/live-again/);
    expect(ui.problems).toEqual([]);
  });
});
