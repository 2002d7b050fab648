import { describe, expect, it } from 'vitest';
import { bootedEdu, EDU_GSI, enableMsi, hex, MSI_CAP, pattern, recordLines, recordMsi, startDma } from '../../support/edu';
import { eduConfig, mmio, programLikeSeaBios } from '../../support/pci';

const MS = 1_000_000;

describe('edu across a system reset (machine.reset())', () => {
  it('resets config state: command, BAR0, interrupt line, MSI, and deasserts INTx', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    r.writel(0x60, 0x1);
    expect(lines).toEqual([{ gsi: EDU_GSI, level: true }]);
    machine.reset();
    expect(lines).toEqual([
      { gsi: EDU_GSI, level: true },
      { gsi: EDU_GSI, level: false },
    ]);
    expect(hex(eduConfig(machine, 0x04)), 'command 0, status 0x0010').toBe('0x100000');
    expect(hex(eduConfig(machine, 0x10)), 'BAR0').toBe('0x0');
    expect(hex(eduConfig(machine, 0x3c, 2)), 'line 0, pin 1').toBe('0x100');
    expect(machine.memory.regions().map((m) => m.name)).not.toContain('edu-mmio');
    expect(hex(r.readl(0x00)), 'BAR0 no longer decodes').toBe('0x0');
    expect(machine.edu.intxPin).toBe(false);
  });

  it('disables MSI and clears its address and data', async () => {
    const { machine } = await bootedEdu();
    enableMsi(machine);
    machine.reset();
    expect(machine.edu.msiEnabled).toBe(false);
    expect(hex(eduConfig(machine, MSI_CAP))).toBe('0x800005');
    expect(hex(eduConfig(machine, MSI_CAP + 4))).toBe('0x0');
    expect(hex(eduConfig(machine, MSI_CAP + 8))).toBe('0x0');
    expect(hex(eduConfig(machine, MSI_CAP + 0x0c, 2))).toBe('0x0');
  });

  it('keeps the device registers: liveness, IRQFACT, factorial result, interrupt status, DMA registers', async () => {
    const { machine, r } = await bootedEdu({ paused: true });
    r.writel(0x04, 0x0f0f0f0f);
    r.writel(0x20, 0x80);
    r.writel(0x60, 0x300);
    r.writeq(0x80, 0x1234n);
    r.writeq(0x88, 0x40010n);
    r.writeq(0x90, 0x20n);
    const before = machine.edu.snapshot();
    machine.reset();
    expect(machine.edu.snapshot()).toEqual(before);
    programLikeSeaBios(machine);
    expect(hex(r.readl(0x04))).toBe('0xf0f0f0f0');
    expect(hex(r.readl(0x20))).toBe('0x80');
    expect(hex(r.readl(0x24)), 'still pending, but INTx was deasserted').toBe('0x300');
    expect(machine.ioapic.level(EDU_GSI)).toBe(false);
  });

  it('keeps the DMA buffer', async () => {
    const { machine, r } = await bootedEdu({ paused: true });
    machine.ram.writeBytes(0x100000, pattern(4096, 5));
    startDma(r, { src: 0x100000n, dst: 0x40000n, cnt: 4096n, cmd: 0x1n });
    machine.step();
    machine.reset();
    expect([...machine.edu.dmaBufferContents()]).toEqual([...pattern(4096, 5)]);
  });

  it('keeps a pending transfer: it completes on time, as a device without bus mastering after the reset', async () => {
    const { machine, r } = await bootedEdu({ paused: true });
    machine.ram.writeBytes(0x100000, pattern(16, 5));
    startDma(r, { src: 0x100000n, dst: 0x40000n, cnt: 16n, cmd: 0x5n });
    machine.reset();
    expect(machine.edu.snapshot().dma.cmd).toBe(5n);
    expect(machine.edu.snapshot().dmaDeadline).toBe(100 * MS);
    expect(machine.step()).toBe(100 * MS);
    expect(machine.edu.snapshot().dma.cmd).toBe(4n);
    expect(machine.edu.snapshot().irqStatus).toBe(0x100);
    expect(machine.edu.dmaBufferContents().subarray(0, 16).every((b) => b === 0), 'MASTER was reset').toBe(true);
  });

  it('keeps the profile and dma_mask', async () => {
    const { machine } = await bootedEdu({ profile: 'qemu-7.2', dmaMask: 0xffffffn });
    machine.reset();
    expect(machine.edu.profileName).toBe('qemu-7.2');
    expect(machine.edu.snapshot().dmaMask).toBe(0xffffffn);
  });

  it('lets firmware and a driver bring the device back up (MSI after reset)', async () => {
    const { machine } = await bootedEdu();
    enableMsi(machine);
    machine.reset();
    programLikeSeaBios(machine);
    const msi = recordMsi(machine);
    const lines = recordLines(machine);
    mmio(machine).writel(0x60, 0x1);
    expect(msi, 'MSI is off after reset').toEqual([]);
    expect(lines).toEqual([{ gsi: EDU_GSI, level: true }]);
  });
});
