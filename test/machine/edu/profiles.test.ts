import { describe, expect, it } from 'vitest';
import { EDU_PROFILE_NAMES, isEduProfileName } from '../../../src/main/machine/devices/edu/edu-profiles';
import { bootedEdu, hex, nextFactFinish } from '../../support/edu';

describe("edu profile 'qemu-4.0' (the seed article's QEMU)", () => {
  const boot = () => bootedEdu({ profile: 'qemu-4.0' });

  it('splits an 8-byte read below 0x80 into two 4-byte reads', async () => {
    const { r } = await boot();
    r.writel(0x04, 0x0f0f0f0f);
    expect(hex(r.readq(0x00))).toBe('0xf0f0f0f0010000ed');
    expect(hex(r.readq(0x20)), '0x20 status, then 0x24 interrupt status').toBe('0x0');
  });

  it('splits an 8-byte write at 0x04: liveness takes the low half, 0x08 starts a factorial of the high half', async () => {
    const { machine, r } = await boot();
    const finished = nextFactFinish(machine);
    r.writeq(0x04, 0x0000000512345678n);
    expect(hex(r.readl(0x04))).toBe('0xedcba987');
    await finished;
    expect(r.readl(0x08)).toBe(120);
  });

  it('splits an 8-byte write at 0x00: the ID ignores the low half, liveness takes the high half', async () => {
    const { r } = await boot();
    r.writeq(0x00, 0x12345678ffffffffn);
    expect(hex(r.readl(0x04))).toBe('0xedcba987');
  });

  it('returns all ones for 1- and 2-byte reads (the handler saw them and refused)', async () => {
    const { r } = await boot();
    expect(hex(r.readb(0x00))).toBe('0xff');
    expect(hex(r.readb(0x03))).toBe('0xff');
    expect(hex(r.readw(0x00))).toBe('0xffff');
    expect(hex(r.readw(0x82))).toBe('0xffff');
  });

  it('drops 1- and 2-byte writes', async () => {
    const { machine, r } = await boot();
    const before = machine.edu.snapshot();
    r.writeb(0x04, 0x1);
    r.writew(0x60, 0x1);
    r.writew(0x80, 0x1);
    expect(machine.edu.snapshot()).toEqual(before);
  });

  it('keeps only 32 bits of an 8-byte DMA register write (the high half lands on an ignored offset)', async () => {
    const { machine, r } = await boot();
    r.writeq(0x80, 0x1122334455667788n);
    r.writeq(0x88, 0xffffffff00040000n);
    expect(machine.edu.snapshot().dma.src).toBe(0x55667788n);
    expect(machine.edu.snapshot().dma.dst).toBe(0x40000n);
    expect(hex(r.readl(0x80))).toBe('0x55667788');
    // An 8-byte read is also split: the high half comes from 0x84, which reads all ones.
    expect(hex(r.readq(0x80))).toBe('0xffffffff55667788');
  });

  it('starts a transfer from the low half of an 8-byte command write', async () => {
    const { machine, r } = await boot();
    r.writeq(0x98, 0x0000000100000005n);
    expect(machine.edu.snapshot().dma.cmd).toBe(5n);
    expect(machine.edu.snapshot().dmaDeadline).toBeDefined();
  });

  it('keeps the register rules of the other profiles for dword accesses', async () => {
    const { r } = await boot();
    expect(hex(r.readl(0x00))).toBe('0x10000ed');
    expect(hex(r.readl(0x0c))).toBe('0xffffffff');
    expect(hex(r.readl(0x02)), 'a misaligned dword is two word pieces, each all ones').toBe('0xffffffff');
    r.writel(0x60, 0x3);
    expect(hex(r.readl(0x24))).toBe('0x3');
  });
});

describe('edu profiles', () => {
  it("defaults to 'upstream' and knows exactly three profiles", async () => {
    const { machine } = await bootedEdu();
    expect(machine.edu.profileName).toBe('upstream');
    expect([...EDU_PROFILE_NAMES]).toEqual(['upstream', 'qemu-7.2', 'qemu-4.0']);
    expect(isEduProfileName('qemu-4.0')).toBe(true);
    expect(isEduProfileName('qemu-5.0')).toBe(false);
  });

  it('switch access rules at run time', async () => {
    const { machine, r } = await bootedEdu();
    expect(hex(r.readb(0x00))).toBe('0x0');
    machine.edu.setProfile('qemu-4.0');
    expect(hex(r.readb(0x00))).toBe('0xff');
    machine.edu.setProfile('qemu-7.2');
    expect(hex(r.readb(0x00))).toBe('0x0');
    expect(machine.edu.profileName).toBe('qemu-7.2');
  });
});
