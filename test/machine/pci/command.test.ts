import { describe, expect, it } from 'vitest';
import { hex } from '../../support/edu';
import { createMachine } from '../../support/machine';
import { EDU_BAR0, eduConfig, mmio, programLikeSeaBios, setEduConfig } from '../../support/pci';

describe('command MEM bit and BAR0 decoding', () => {
  it('decodes BAR0 once firmware has assigned it and set MEM', async () => {
    const m = await createMachine();
    programLikeSeaBios(m);
    expect(hex(mmio(m).readl(0x00))).toBe('0x10000ed');
    expect(m.memory.regions()).toContainEqual({ base: EDU_BAR0, size: 0x100000, name: 'edu-mmio' });
  });

  it('does not decode with MEM clear: reads return 0, writes are dropped', async () => {
    const m = await createMachine();
    programLikeSeaBios(m);
    setEduConfig(m, 0x04, 2, 0x0101); // IO | SERR, no MEM
    const r = mmio(m);
    expect(hex(r.readl(0x00))).toBe('0x0');
    r.writel(0x04, 0x12345678);
    r.writel(0x60, 0x1);
    expect(m.edu.snapshot().liveness, 'liveness write reached the device').toBe(0);
    expect(m.edu.snapshot().irqStatus, 'raise write reached the device').toBe(0);
    setEduConfig(m, 0x04, 2, 0x0103);
    expect(hex(r.readl(0x00))).toBe('0x10000ed');
    expect(hex(r.readl(0x04))).toBe('0x0');
  });

  it('does not decode a BAR left at 0, even with MEM set', async () => {
    const m = await createMachine();
    setEduConfig(m, 0x04, 2, 0x0103);
    expect(m.memory.regions().map((r) => r.name)).not.toContain('edu-mmio');
  });

  it('does not decode while a sizing probe leaves 0xfff00000 in BAR0 (the range would end at 4 GiB)', async () => {
    const m = await createMachine();
    programLikeSeaBios(m);
    setEduConfig(m, 0x10, 4, 0xffffffff);
    expect(m.memory.regions().map((r) => r.name)).not.toContain('edu-mmio');
    expect(hex(mmio(m, 0xfff00000).readl(0x00))).toBe('0x0');
    expect(hex(mmio(m).readl(0x00))).toBe('0x0');
    setEduConfig(m, 0x10, 4, EDU_BAR0);
    expect(hex(mmio(m).readl(0x00))).toBe('0x10000ed');
  });

  it('moves the registers when BAR0 is rewritten: the old address decodes nothing', async () => {
    const m = await createMachine();
    programLikeSeaBios(m);
    mmio(m).writel(0x04, 0x0f0f0f0f);
    setEduConfig(m, 0x10, 4, 0xfeb00000);
    expect(hex(mmio(m).readl(0x00)), 'old address').toBe('0x0');
    expect(hex(mmio(m, 0xfeb00000).readl(0x00)), 'new address').toBe('0x10000ed');
    expect(hex(mmio(m, 0xfeb00000).readl(0x04)), 'same registers').toBe('0xf0f0f0f0');
    expect(hex(eduConfig(m, 0x10))).toBe('0xfeb00000');
  });

  it('can be remapped below 4 GiB anywhere, and RAM wins where a BAR overlaps it', async () => {
    const m = await createMachine();
    programLikeSeaBios(m);
    setEduConfig(m, 0x10, 4, 0x00100000); // inside the 256 MiB of RAM
    expect(hex(mmio(m, 0x00100000).readl(0x00))).toBe('0x0');
    setEduConfig(m, 0x10, 4, 0x40000000); // above RAM
    expect(hex(mmio(m, 0x40000000).readl(0x00))).toBe('0x10000ed');
  });
});
