import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind } from '../../../src/common/trace/schema';
import type { EduProfileName } from '../../../src/main/machine/devices/edu/edu-profiles';
import { bootedEdu, hex, recordTrace, waitFor } from '../../support/edu';

const ALL_ONES_64 = 0xffffffffffffffffn;

/** Every BAR0 access rule of today's device; QEMU 7.2 (Debian 12) behaves identically for accesses. */
describe.each<EduProfileName>(['upstream', 'qemu-7.2'])('edu BAR0 registers, profile %s', (profile) => {
  const boot = () => bootedEdu({ profile });

  describe('0x00 identification', () => {
    it('reads 0x010000ED (major 1, minor 0)', async () => {
      const { r } = await boot();
      expect(hex(r.readl(0x00))).toBe('0x10000ed');
    });

    it('ignores writes', async () => {
      const { r } = await boot();
      r.writel(0x00, 0x12345678);
      expect(hex(r.readl(0x00))).toBe('0x10000ed');
    });
  });

  describe('0x04 liveness check', () => {
    it('reads 0 at power-on', async () => {
      const { r } = await boot();
      expect(hex(r.readl(0x04))).toBe('0x0');
    });

    it('stores the bitwise NOT of the written value', async () => {
      const { r } = await boot();
      r.writel(0x04, 0x12345678);
      expect(hex(r.readl(0x04))).toBe('0xedcba987');
      r.writel(0x04, 0xffffffff);
      expect(hex(r.readl(0x04))).toBe('0x0');
      r.writel(0x04, 0);
      expect(hex(r.readl(0x04))).toBe('0xffffffff');
    });
  });

  describe('0x20 status', () => {
    it('reads 0 at power-on', async () => {
      const { r } = await boot();
      expect(hex(r.readl(0x20))).toBe('0x0');
    });

    it('takes only bit 0x80 (IRQFACT) of a write: COMPUTING (0x01) and the rest are read-only', async () => {
      const { r } = await boot();
      r.writel(0x20, 0xffffffff);
      expect(hex(r.readl(0x20))).toBe('0x80');
      r.writel(0x20, 0x7f);
      expect(hex(r.readl(0x20)), 'a value without 0x80 clears IRQFACT').toBe('0x0');
      r.writel(0x20, 0x01);
      expect(hex(r.readl(0x20)), 'COMPUTING cannot be set by software').toBe('0x0');
      r.writel(0x20, 0x80);
      expect(hex(r.readl(0x20))).toBe('0x80');
    });

    it('does not start a factorial or touch other registers when written', async () => {
      const { machine, r } = await boot();
      const before = machine.edu.snapshot();
      r.writel(0x20, 0x80);
      expect(machine.edu.snapshot()).toEqual({ ...before, status: 0x80 });
    });
  });

  describe('0x24 interrupt status, 0x60 raise, 0x64 acknowledge', () => {
    it('reads 0 at power-on and ignores writes to 0x24', async () => {
      const { r } = await boot();
      expect(hex(r.readl(0x24))).toBe('0x0');
      r.writel(0x24, 0xffffffff);
      expect(hex(r.readl(0x24))).toBe('0x0');
    });

    it('ORs a raise into the status and clears acknowledged bits', async () => {
      const { r } = await boot();
      r.writel(0x60, 0xdeadbeef);
      expect(hex(r.readl(0x24))).toBe('0xdeadbeef');
      r.writel(0x60, 0x00000010);
      expect(hex(r.readl(0x24))).toBe('0xdeadbeff');
      r.writel(0x64, 0xdead0000);
      expect(hex(r.readl(0x24))).toBe('0xbeff');
      r.writel(0x64, 0xffffffff);
      expect(hex(r.readl(0x24))).toBe('0x0');
    });

    it('reads all ones at 0x60 and 0x64 (write-only)', async () => {
      const { r } = await boot();
      r.writel(0x60, 0x5);
      expect(hex(r.readl(0x60))).toBe('0xffffffff');
      expect(hex(r.readl(0x64))).toBe('0xffffffff');
    });
  });

  describe('0x80-0x98 DMA registers', () => {
    const regs = [0x80, 0x88, 0x90] as const;

    it('read 0 at power-on, through 4- and 8-byte accesses (devmem 0xfea00080 64 -> 0x0000000000000000)', async () => {
      const { r } = await boot();
      for (const at of [...regs, 0x98]) {
        expect(r.readq(at), `readq 0x${at.toString(16)}`).toBe(0n);
        expect(r.readl(at), `readl 0x${at.toString(16)}`).toBe(0);
      }
    });

    it('store all 64 bits of an 8-byte write', async () => {
      const { r } = await boot();
      for (const at of regs) {
        const v = 0xfedcba9876543210n ^ BigInt(at);
        r.writeq(at, v);
        expect(hex(r.readq(at)), `readq 0x${at.toString(16)}`).toBe(hex(v));
      }
    });

    it('return the low half on a 4-byte read', async () => {
      const { r } = await boot();
      r.writeq(0x88, 0x1122334455667788n);
      expect(hex(r.readl(0x88))).toBe('0x55667788');
    });

    it('store a 4-byte write zero-extended: the high half becomes 0', async () => {
      const { r } = await boot();
      for (const at of regs) {
        r.writeq(at, 0xffffffffffffffffn);
        r.writel(at, 0x89abcdef);
        expect(hex(r.readq(at)), `readq 0x${at.toString(16)}`).toBe('0x89abcdef');
      }
    });

    it('ignore writes to the high halves 0x84, 0x8c, 0x94, 0x9c, which read all ones', async () => {
      const { machine, r } = await boot();
      for (const at of regs) r.writeq(at, 0x0000000100000002n);
      for (const at of [0x84, 0x8c, 0x94, 0x9c]) {
        r.writel(at, 0xaaaaaaaa);
        expect(hex(r.readl(at)), `readl 0x${at.toString(16)}`).toBe('0xffffffff');
      }
      for (const at of regs) expect(hex(r.readq(at)), `readq 0x${at.toString(16)}`).toBe('0x100000002');
      expect(machine.edu.snapshot().dma.cmd).toBe(0n);
    });

    it('ignore a command write without RUN (bit 0): the command keeps its value', async () => {
      const { machine, r } = await boot();
      r.writeq(0x98, 0x6n);
      r.writel(0x98, 0xfffffffe);
      expect(r.readq(0x98)).toBe(0n);
      expect(machine.edu.snapshot().dmaDeadline, 'no transfer scheduled').toBeUndefined();
    });

    it('store the whole command value when RUN is set, and lock all four registers while it runs', async () => {
      const { machine, r } = await boot();
      r.writeq(0x98, 0xff00000000000005n);
      expect(hex(r.readq(0x98))).toBe('0xff00000000000005');
      r.writeq(0x80, 0x1234n);
      r.writel(0x88, 0x1234);
      r.writeq(0x90, 0x10n);
      r.writeq(0x98, 0x3n);
      expect(machine.edu.snapshot().dma).toEqual({ src: 0n, dst: 0n, cnt: 0n, cmd: 0xff00000000000005n });
    });
  });

  describe('access rules', () => {
    const registers = [0x00, 0x04, 0x08, 0x20, 0x24, 0x80, 0x88, 0x90, 0x98];

    it('reads 0 for 1- and 2-byte accesses anywhere (devmem 0xfea00000 8 -> 0x00)', async () => {
      const { r } = await boot();
      r.writel(0x04, 0);
      r.writeq(0x80, ALL_ONES_64);
      for (const at of [...registers, 0x0c, 0x60, 0x84]) {
        for (let b = 0; b < 4; b++) expect(r.readb(at + b), `readb 0x${(at + b).toString(16)}`).toBe(0);
        for (let w = 0; w < 4; w += 2) expect(r.readw(at + w), `readw 0x${(at + w).toString(16)}`).toBe(0);
      }
    });

    it('drops 1- and 2-byte writes: nothing changes, nothing starts, nothing is raised', async () => {
      const { machine, r } = await boot();
      const before = machine.edu.snapshot();
      for (const at of [0x04, 0x08, 0x20, 0x60, 0x80, 0x88, 0x90, 0x98]) {
        r.writeb(at, 0x81);
        r.writew(at, 0x0081);
        r.writew(at + 2, 0x0081);
      }
      expect(machine.edu.snapshot()).toEqual(before);
      expect(machine.ioapic.level(11)).toBe(false);
    });

    it('reads 0 for misaligned dword accesses and drops such writes: their pieces are all too narrow', async () => {
      const { machine, r } = await boot();
      r.writel(0x04, 0x0f0f0f0f);
      r.writeq(0x80, 0x1122334455667788n);
      const before = machine.edu.snapshot();
      for (const at of [0x01, 0x02, 0x03, 0x06, 0x0a, 0x22, 0x82, 0x86]) {
        expect(r.readl(at), `readl 0x${at.toString(16)}`).toBe(0);
        r.writel(at, 0x5);
      }
      expect(machine.edu.snapshot()).toEqual(before);
    });

    it("cuts misaligned 8-byte accesses into aligned pieces, as QEMU's address space does", async () => {
      const { machine, r } = await boot();
      r.writel(0x04, ~0x11223344 >>> 0);
      r.writeq(0x88, 0x1122334455667788n);
      expect(hex(r.readq(0x04)), 'liveness, then the factorial register (0)').toBe('0x11223344');
      expect(hex(r.readq(0x01)), 'narrow pieces read 0; the dword at 0x04 shows').toBe('0x11223344000000');
      expect(hex(r.readq(0x84)), 'all ones at 0x84, the low half of 0x88').toBe('0x55667788ffffffff');
      r.writeq(0x84, 0x0000000600000000n);
      expect(hex(r.readq(0x88)), 'the high piece lands in 0x88, zero-extended').toBe('0x6');
      r.writeq(0x04, 0x0000000c00000000n);
      expect(hex(r.readl(0x04)), 'liveness got the low piece').toBe('0xffffffff');
      await waitFor(() => (r.readl(0x20) & 1) === 0, 'the factorial to finish');
      expect(hex(r.readl(0x08)), 'and the high piece started 12!').toBe('0x1c8cfc00');
    });

    it('reads all ones for an 8-byte access below 0x80, and ignores 8-byte writes there', async () => {
      const { machine, r } = await boot();
      r.writel(0x04, 0x0f0f0f0f);
      const before = machine.edu.snapshot();
      for (const at of [0x00, 0x08, 0x20, 0x60, 0x78]) {
        expect(hex(r.readq(at)), `readq 0x${at.toString(16)}`).toBe(hex(ALL_ONES_64));
      }
      r.writeq(0x00, 0x0000000012345678n); // high half would land on 0x04 if split
      r.writeq(0x08, 0x0000000500000005n); // would start a factorial
      r.writeq(0x20, 0x80n);
      r.writeq(0x60, 0x1n);
      expect(machine.edu.snapshot()).toEqual(before);
      expect(hex(r.readl(0x04))).toBe('0xf0f0f0f0');
    });

    it('reads all ones at every unlisted offset, including the DMA buffer at 0x40000, and ignores writes', async () => {
      const { machine, r } = await boot();
      const before = machine.edu.snapshot();
      const unlisted = [
        0x0c, 0x10, 0x1c, 0x28, 0x40, 0x5c, 0x68, 0x7c, 0xa0, 0xfc, 0x100, 0x3fffc, 0x40000, 0x40800, 0x40ffc, 0x41000, 0xffffc,
      ];
      for (const at of unlisted) {
        expect(hex(r.readl(at)), `readl 0x${at.toString(16)}`).toBe('0xffffffff');
        r.writel(at, 0x01);
      }
      for (const at of [0xa0, 0x40000, 0xffff8]) {
        expect(hex(r.readq(at)), `readq 0x${at.toString(16)}`).toBe(hex(ALL_ONES_64));
        r.writeq(at, 0x0000000100000001n);
      }
      expect(machine.edu.snapshot()).toEqual(before);
      expect(machine.edu.dmaBufferContents().every((b) => b === 0), 'the DMA buffer is not visible through the BAR').toBe(true);
    });

    it('is a 1 MiB BAR: the next address decodes nothing', async () => {
      const { r } = await boot();
      expect(hex(r.readl(0x100000))).toBe('0x0');
    });
  });
});

describe('edu BAR0 access trace', () => {
  it('flags accesses that broke the access rules', async () => {
    const { machine, r } = await bootedEdu();
    const events = recordTrace(machine);
    r.readb(0x00);
    r.readl(0x00);
    const reads = events.filter((e) => e.kind === EventKind.MmioRead);
    expect(reads.map((e) => e.flags & EventFlag.Invalid)).toEqual([EventFlag.Invalid, 0]);
  });
});
