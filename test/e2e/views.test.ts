import { afterEach, describe, expect, it } from 'vitest';
import { openLab, type LabPage } from './support/lab-page';

let current: LabPage | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function ready(): Promise<LabPage> {
  const ui = (current = await openLab());
  await ui.waitForScreen(/root@edu-lab:~#\s*$/m);
  return ui;
}

/** The bytes a DMA grid shows for [addr, addr + count). */
function gridBytes(ui: LabPage, grid: string, addr: number, count: number): Promise<string[]> {
  return ui.page.evaluate(
    ({ grid, addr, count }) => {
      const cells = [...document.querySelectorAll<HTMLElement>(`[data-testid=${grid}] [data-addr]`)];
      const byAddr = new Map(cells.map((c) => [Number(c.dataset.addr), (c.textContent ?? '').trim()]));
      return Array.from({ length: count }, (_, i) => byAddr.get(addr + i) ?? '??');
    },
    { grid, addr, count },
  );
}

const hexBytes = (text: string) => [...text].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0'));

describe('the lab views in Chromium, as a user drives them', () => {
  it('writes the liveness register from the register table and shows the inverted value', async () => {
    const ui = await ready();
    await ui.page.click('[data-testid=tab-registers]');
    await ui.page.click('[data-testid=reg-0x04-edit]');
    await ui.page.fill('[data-testid=reg-0x04-input]', '0x12345678');
    await ui.page.press('[data-testid=reg-0x04-input]', 'Enter');
    await ui.page.waitForFunction(() => document.querySelector('[data-testid=reg-0x04-value]')?.textContent?.trim() === '0xEDCBA987');
    // The last access follows once the recorded write has been taken in.
    await ui.page.waitForFunction(() => /^UI W/.test(document.querySelector('[data-testid=reg-0x04-last]')?.textContent?.trim() ?? ''));
    // The access is recorded as the UI's, so the guest's own view of it agrees.
    await ui.typeInConsole('devmem 0xfea00004 32\r');
    await ui.waitForScreen(/0xEDCBA987/i);
    await ui.screenshot('registers-liveness-write');
    expect(ui.problems).toEqual([]);
  });

  it('runs edu fact 10 --irq and shows the interrupt in the timeline with its measured latency', async () => {
    const ui = await ready();
    await ui.typeInConsole('modprobe edu && edu fact 10 --irq\r');
    await ui.waitForScreen(/3628800/);
    await ui.page.click('[data-testid=timeline-fit]');
    await ui.page.click('[data-testid=timeline-measure-toggle]');
    await ui.page.click('[data-testid=measure-tab-interrupts]');
    const row = ui.page.locator('[data-testid=interrupt-row]').first();
    await row.waitFor();
    expect(await row.locator('[data-col=bits]').textContent()).toMatch(/0x0*1\b/);
    expect(await row.locator('[data-col=delivery]').textContent()).toMatch(/INTx|11/);
    // Raise to handler entry: a number with a unit, never blank.
    expect((await row.locator('[data-col=latency]').textContent())?.trim()).toMatch(/^[\d.]+\s*(ns|µs|us|ms)$/);
    expect((await row.locator('[data-col=ack]').textContent())?.trim()).toMatch(/^[\d.]+\s*(ns|µs|us|ms)$/);
    await row.click();
    await ui.page.waitForTimeout(300);
    await ui.screenshot('timeline-fact-irq');
    expect(ui.problems).toEqual([]);
  });

  it('animates a DMA round trip and ends with the same bytes on both sides', async () => {
    const ui = await ready();
    await ui.page.click('[data-testid=tab-dma]');
    await ui.typeInConsole('modprobe edu && edu dma to-dev --data hello-edu-lab\r');
    await ui.waitForScreen(/dma to-dev: 13 bytes/);
    await ui.page.waitForSelector('[data-testid=dma][data-phase=done]');
    expect(await gridBytes(ui, 'dma-buffer-grid', 0x40000, 13)).toEqual(hexBytes('hello-edu-lab'));
    await ui.typeInConsole('edu dma from-dev --count 13 --to-ram 0x100000\r');
    await ui.waitForScreen(/hello-edu-lab/);
    await ui.page.waitForFunction(() => document.querySelector('[data-testid=dma-flow]')?.getAttribute('data-direction') === 'to-ram');
    await ui.page.waitForSelector('[data-testid=dma][data-phase=done]');
    await ui.page.waitForFunction(() => document.querySelector('[data-testid=dma-irq-lamp]')?.getAttribute('data-state') !== 'off');
    await ui.page.waitForTimeout(800); // let the bytes finish moving
    expect(await gridBytes(ui, 'dma-ram-grid', 0x100000, 13)).toEqual(hexBytes('hello-edu-lab'));
    expect(await gridBytes(ui, 'dma-buffer-grid', 0x40000, 13)).toEqual(hexBytes('hello-edu-lab'));
    await ui.screenshot('dma-round-trip');
    expect(ui.problems).toEqual([]);
  });

  it('turns bus mastering off in config space and shows the zero fill', async () => {
    const ui = await ready();
    await ui.typeInConsole('modprobe edu && edu dma to-dev --data ABCDEFGH\r');
    await ui.waitForScreen(/dma to-dev: 8 bytes/);
    await ui.page.click('[data-testid=tab-config]');
    const master = ui.page.locator('[data-testid=cfg-command-master]');
    expect(await master.getAttribute('aria-checked')).toBe('true');
    await master.click();
    await ui.page.waitForFunction(() => document.querySelector('[data-testid=cfg-command-master]')?.getAttribute('aria-checked') === 'false');
    expect(await ui.page.textContent('[data-testid=cfg-command]')).toBe('0x0103');
    await ui.screenshot('config-master-off');
    await ui.page.click('[data-testid=tab-dma]');
    expect(await gridBytes(ui, 'dma-buffer-grid', 0x40000, 8)).toEqual(hexBytes('ABCDEFGH'));
    // Without bus mastering the device's reads of guest RAM come back as zeros: the buffer is zero-filled.
    await ui.typeInConsole('edu dma to-dev --data abcdefgh\r');
    await ui.waitForScreen(/dma to-dev: 8 bytes[\s\S]*dma to-dev: 8 bytes/);
    await ui.page.waitForSelector('[data-testid=dma-nomaster][data-direction=to-device]');
    await ui.page.waitForTimeout(800); // let the bytes finish moving
    expect(await gridBytes(ui, 'dma-buffer-grid', 0x40000, 8)).toEqual(Array(8).fill('00'));
    await ui.screenshot('dma-no-master-zero-fill');
    expect(ui.problems).toEqual([]);
  });
});
