import { describe, expect, it } from 'vitest';
import { IrqReturn } from '../../src/main/guest/kernel/irq';
import { bootGuest } from '../support/guest';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('/proc', () => {
  it('prints /proc/interrupts column for column as Linux does', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const dev = {};
    k.irq.requestIrq(11, () => IrqReturn.None, { name: 'edu', dev, shared: true });
    const msi = k.irq.allocateMsi(65536);
    k.irq.requestIrq(msi.irq, () => IrqReturn.Handled, { name: 'edu', dev, shared: false });
    expect(text(k.vfs.readFile('/proc/interrupts'))).toBe(
      [
        '           CPU0       ',
        ' 11:          0   IO-APIC  11-fasteoi   edu',
        ' 24:          0   PCI-MSI 65536-edge      edu',
        'NMI:          0   Non-maskable interrupts',
        'ERR:          0',
        '',
      ].join('\n'),
    );
    expect(msi).toEqual({ irq: 24, address: 0xfee00000, data: 0x4023 });
  });

  it('lists memory and ports', async () => {
    const { guest } = await bootGuest();
    const iomem = text(guest.kernel.vfs.readFile('/proc/iomem'));
    expect(iomem).toContain('00100000-0fffffff : System RAM\n  01000000-01ffffff : Kernel code\n');
    expect(iomem).toContain('e0000000-feafffff : PCI Bus 0000:00\n  fea00000-feafffff : 0000:00:04.0\n');
    expect(iomem).toContain('fee00000-fee00fff : Local APIC\n');
    expect(text(guest.kernel.vfs.readFile('/proc/ioports'))).toBe(
      ['0000-0cf7 : PCI Bus 0000:00', '  03f8-03ff : serial', '0cf8-0cff : PCI conf1', '0d00-ffff : PCI Bus 0000:00', ''].join('\n'),
    );
  });
});
