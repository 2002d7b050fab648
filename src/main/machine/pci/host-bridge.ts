import { PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_DATA_PORT } from '../../../common/pci';
import type { Source } from '../../../common/trace/schema';
import type { IoPortSpace } from '../io/port-space';
import { allOnes, type NarrowSize } from '../memory/region';
import type { PciBus } from './pci-bus';
import { PciDevice } from './pci-device';

const CONFIG_ENABLE = 0x80000000;

/** The host bridge function at 00:00.0 (an i440FX, as on QEMU's pc machine). */
export class HostBridge extends PciDevice {
  constructor() {
    super('i440FX', {
      vendorId: 0x8086,
      deviceId: 0x1237,
      revision: 0x02,
      classCode: 0x060000,
      interruptPin: 0,
    });
  }
  protected onRealize(): void {}
  protected onUnrealize(): void {}
}

/**
 * Configuration mechanism #1: software writes an address (enable bit, bus, device, function, register)
 * as a dword to port 0xCF8 and moves data through ports 0xCFC-0xCFF. Only dword writes latch the
 * address; with the enable bit clear, or for any bus but 0, data reads return all ones.
 *
 * Odd accesses behave as on QEMU's pc machine: a narrow read of 0xCF8-0xCFB returns the low bytes of
 * the latched address whatever the port; the data port's byte offset is ORed into the register number,
 * address bits 1:0 included; a misaligned access inside the data port reaches the bytes it covers.
 */
export class ConfigMechanism1 {
  private address = 0;

  constructor(private readonly bus: PciBus) {}

  install(io: IoPortSpace): void {
    io.claim(PCI_CONFIG_ADDRESS_PORT, 4, 'PCI conf1', {
      read: (_port, size) => (this.address & allOnes(size)) >>> 0,
      write: (port, size, value) => {
        if (port === PCI_CONFIG_ADDRESS_PORT && size === 4) this.address = value >>> 0;
      },
    });
    io.claim(PCI_CONFIG_DATA_PORT, 4, 'PCI conf1', {
      read: (port, size, source) => this.dataRead(port, size, source),
      write: (port, size, value, source) => this.dataWrite(port, size, value, source),
    });
  }

  private target(port: number): { slot: number; fn: number; offset: number } | undefined {
    const a = this.address;
    if (!(a & CONFIG_ENABLE) || ((a >>> 16) & 0xff) !== 0) return undefined;
    return { slot: (a >>> 11) & 0x1f, fn: (a >>> 8) & 0x7, offset: (a | (port - PCI_CONFIG_DATA_PORT)) & 0xff };
  }

  private dataRead(port: number, size: NarrowSize, source: Source): number {
    const t = this.target(port);
    if (!t) return allOnes(size);
    return this.bus.configRead(t.slot, t.fn, t.offset, size, source);
  }

  private dataWrite(port: number, size: NarrowSize, value: number, source: Source): void {
    const t = this.target(port);
    if (!t) return;
    this.bus.configWrite(t.slot, t.fn, t.offset, size, value, source);
  }
}
