import { describe, expect, it } from 'vitest';
import { createMachine } from '../support/machine';
import { mmio, programLikeSeaBios } from '../support/pci';

describe('smoke', () => {
  it('boots', async () => {
    const m = await createMachine();
    programLikeSeaBios(m);
    const r = mmio(m);
    expect(r.readl(0).toString(16)).toBe('10000ed');
    r.writel(4, 0x12345678);
    expect(r.readl(4).toString(16)).toBe('edcba987');
    r.writel(8, 10);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.readl(8)).toBe(3628800);
  });
});
