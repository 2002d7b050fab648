import { describe, expect, it, vi } from 'vitest';
import { MsiFlags, MsiReg, PciReg } from '../../../src/common/pci';
import { EDU_SLOT } from '../../../src/main/machine/machine';
import type { Kernel } from '../../../src/main/guest/kernel/kernel';
import { eduConfig } from '../../support/pci';
import { bootEduGuest, dmesg, edu, readText } from './edu-support';

const MSI_CAP = 0x40;
const NESTED = '  fea00000-feafffff : 0000:00:04.0\n    fea00000-feafffff : edu\n';

function devNode(k: Kernel) {
  return k.vfs.list('/dev').find(([name]) => name === 'edu0')?.[1];
}

describe('edu driver: probe and remove', () => {
  it('INTx: binds, logs one line, claims BAR0 under the device, takes the shared line; rmmod releases everything', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    const pdev = k.pci.find(EDU_SLOT)!;
    const freeBefore = k.pages.freeBytes;

    await k.modules.load('edu', []);
    expect(dmesg(k)).toContain('edu 0000:00:04.0: edu device 1.0, irq 11 (INTx)');
    expect(devNode(k)?.kind).toBe('chardev');
    expect(pdev.driver?.name).toBe('edu');
    expect(pdev.dmaMask).toBe(0x0fffffffn);
    expect(eduConfig(machine, PciReg.Command, 2)).toBe(0x0107); // bus master on
    expect(readText(k, '/proc/iomem')).toContain(NESTED);
    expect(readText(k, '/proc/interrupts')).toMatch(/^ +11: +\d+ +IO-APIC +11-fasteoi +edu$/m);
    expect(k.irq.desc(11)!.actions).toMatchObject([{ name: 'edu', symbol: 'edu_irq [edu]', shared: true }]);
    expect(k.pages.freeBytes).toBe(freeBefore - 4096); // the coherent DMA buffer

    await k.modules.unload('edu');
    expect(dmesg(k)).toContain('edu 0000:00:04.0: edu device removed');
    expect(devNode(k)).toBeUndefined();
    expect(pdev.driver).toBeUndefined();
    expect(readText(k, '/proc/iomem')).toContain('  fea00000-feafffff : 0000:00:04.0\n');
    expect(readText(k, '/proc/iomem')).not.toContain(': edu');
    expect(readText(k, '/proc/interrupts')).not.toContain('edu');
    expect(k.irq.desc(11)!.actions).toHaveLength(0);
    expect(eduConfig(machine, PciReg.Command, 2)).toBe(0x0103); // bus master off again
    expect(pdev.enableCount).toBe(0);
    expect(k.pages.freeBytes).toBe(freeBefore);

    // And it binds again.
    await k.modules.load('edu', []);
    expect((await edu(k, 'live', '1')).status).toBe(0);
  });

  it('MSI: an edge irq from 24 on PCI-MSI, MSI enabled with INTx off; rmmod turns MSI off', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    await k.modules.load('edu', ['use_msi=1']);
    expect(dmesg(k)).toContain('edu 0000:00:04.0: edu device 1.0, irq 24 (MSI)');
    expect(readText(k, '/proc/interrupts')).toMatch(/^ +24: +\d+ +PCI-MSI +65536-edge +edu$/m);
    expect(readText(k, '/proc/interrupts')).not.toMatch(/^ +11:.*edu$/m);
    expect(eduConfig(machine, MSI_CAP + MsiReg.Flags, 2) & MsiFlags.Enable).toBe(1);
    expect(eduConfig(machine, MSI_CAP + MsiReg.AddressLo)).toBe(0xfee00000);
    expect(eduConfig(machine, MSI_CAP + MsiReg.Data64, 2) & 0xff00).toBe(0x4000);
    expect(eduConfig(machine, PciReg.Command, 2)).toBe(0x0507); // master + INTX_DISABLE
    expect(k.irq.desc(24)!.actions).toMatchObject([{ name: 'edu', shared: false }]);

    await k.modules.unload('edu');
    expect(eduConfig(machine, MSI_CAP + MsiReg.Flags, 2) & MsiFlags.Enable).toBe(0);
    expect(eduConfig(machine, PciReg.Command, 2)).toBe(0x0103);
    expect(k.irq.desc(24)).toBeUndefined();
    expect(readText(k, '/proc/interrupts')).not.toContain('edu');
  });

  it('liveness failure: probe fails with -ENODEV, says why, and undoes every step', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    const pdev = k.pci.find(EDU_SLOT)!;
    const freeBefore = k.pages.freeBytes;
    // A device that does not invert: the liveness register reads back 0.
    const read = k.io.read.bind(k.io);
    vi.spyOn(k.io, 'read').mockImplementation((addr, size) => (addr === 0xfea00004 ? 0 : read(addr, size)));

    await k.modules.load('edu', []); // as in Linux, the module loads even though no device bound
    const log = dmesg(k);
    expect(log).toContain('edu 0000:00:04.0: liveness check failed: wrote 0x12345678, read 0x00000000, expected 0xedcba987');
    expect(log).toContain('edu: probe of 0000:00:04.0 failed with error -19');
    expect(log.some((l) => l.includes('edu device 1.0, irq'))).toBe(false);
    expect(pdev.driver).toBeUndefined();
    expect(devNode(k)).toBeUndefined();
    expect(readText(k, '/proc/iomem')).not.toContain(': edu');
    expect(readText(k, '/proc/interrupts')).not.toContain('edu');
    expect(eduConfig(machine, PciReg.Command, 2)).toBe(0x0103);
    expect(pdev.enableCount).toBe(0);
    expect(k.pages.freeBytes).toBe(freeBefore);

    const r = await edu(k, 'info');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('edu: /dev/edu0: No such file or directory (is the edu module loaded? try: modprobe edu)\n');
  });

  it('a wrong identification register fails the probe with -ENODEV', async () => {
    const { guest } = await bootEduGuest();
    const k = guest.kernel;
    const read = k.io.read.bind(k.io);
    vi.spyOn(k.io, 'read').mockImplementation((addr, size) => (addr === 0xfea00000 ? 0xffffffff : read(addr, size)));
    await k.modules.load('edu', []);
    expect(dmesg(k)).toContain('edu 0000:00:04.0: unexpected identification 0xffffffff (expected 0x..0000ed)');
    expect(dmesg(k)).toContain('edu: probe of 0000:00:04.0 failed with error -19');
  });

  it('BAR0 already claimed: probe fails with -EBUSY and gives bus mastering back', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    const pdev = k.pci.find(EDU_SLOT)!;
    k.pci.requestRegion(pdev, 0, 'uio_pci_generic');
    await k.modules.load('edu', []);
    expect(dmesg(k).some((l) => l.startsWith('edu 0000:00:04.0: BAR 0: can\'t reserve [mem 0xfea00000-0xfeafffff] (-16'))).toBe(true);
    expect(dmesg(k)).toContain('edu: probe of 0000:00:04.0 failed with error -16');
    expect(eduConfig(machine, PciReg.Command, 2)).toBe(0x0103);
    expect(readText(k, '/proc/iomem')).toContain('    fea00000-feafffff : uio_pci_generic\n');
  });

  it('module parameters are bools: a bad value refuses the load', async () => {
    const { guest } = await bootEduGuest();
    const k = guest.kernel;
    await expect(k.modules.load('edu', ['use_msi=maybe'])).rejects.toMatchObject({ errno: 'EINVAL' });
    expect(k.modules.isLoaded('edu')).toBe(false);
    await k.modules.load('edu', ['use_msi']); // a bare bool name means 1
    expect(dmesg(k)).toContain('edu 0000:00:04.0: edu device 1.0, irq 24 (MSI)');
    expect(k.modules.info('edu')!.params.map((p) => p.name)).toEqual(['use_msi', 'no_master', 'no_ack', 'no_mask']);
  });
});
