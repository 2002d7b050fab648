import { describe, expect, it } from 'vitest';
import { PciReg } from '../../src/common/pci';
import { EDU_SLOT } from '../../src/main/machine/machine';
import { bootGuest } from '../support/guest';
import { eduConfig } from '../support/pci';

describe('guest boot', () => {
  it('firmware places edu at 0xfea00000 with command 0x0103 and line 11; the kernel finds it', async () => {
    const { machine, guest } = await bootGuest();
    expect(eduConfig(machine, PciReg.Bar0).toString(16)).toBe('fea00000');
    expect(eduConfig(machine, PciReg.Command, 2).toString(16)).toBe('103');
    expect(eduConfig(machine, PciReg.InterruptLine, 1)).toBe(11);
    const dev = guest.kernel.pci.find(EDU_SLOT)!;
    expect(dev.name).toBe('0000:00:04.0');
    expect(dev.bars[0]).toMatchObject({ start: 0xfea00000, size: 0x100000 });
    expect(dev.legacyIrq).toBe(11);
    const dmesg = guest.kernel.log.records().map((r) => r.text);
    expect(dmesg).toContain('pci 0000:00:04.0: [1234:11e8] type 00 class 0x00ff00');
    expect(dmesg).toContain('pci 0000:00:04.0: reg 0x10: [mem 0xfea00000-0xfeafffff]');
  });

  it('shows the device in /proc/iomem and sysfs', async () => {
    const { guest } = await bootGuest();
    const read = (p: string) => new TextDecoder().decode(guest.kernel.vfs.readFile(p));
    expect(read('/proc/iomem')).toContain('  fea00000-feafffff : 0000:00:04.0');
    const dir = '/sys/bus/pci/devices/0000:00:04.0';
    expect(read(`${dir}/vendor`)).toBe('0x1234\n');
    expect(read(`${dir}/device`)).toBe('0x11e8\n');
    expect(read(`${dir}/class`)).toBe('0x00ff00\n');
    expect(read(`${dir}/revision`)).toBe('0x10\n');
    expect(read(`${dir}/irq`)).toBe('11\n');
    expect(read(`${dir}/resource`).split('\n')[0]).toBe('0x00000000fea00000 0x00000000feafffff 0x0000000000040200');
    expect(guest.kernel.vfs.lookup(`${dir}/resource0`)).toMatchObject({ size: 1048576 });
    expect(guest.kernel.vfs.readFile(`${dir}/config`).slice(0, 4)).toEqual(new Uint8Array([0x34, 0x12, 0xe8, 0x11]));
  });
});
