import { EventKind, Source } from '../../../common/trace/schema';
import type { IoApic } from '../interrupts/ioapic';
import type { AddressSpace } from '../memory/address-space';
import { allOnes, type NarrowSize } from '../memory/region';
import type { Tracer } from '../trace';
import type { PciBusPort, PciDevice } from './pci-device';

export const PCI_SLOTS = 32;

/** Maps a slot's interrupt pin (1 = INTA#) to an interrupt controller line. */
export type IntxRouting = (slot: number, pin: number) => number;

/**
 * QEMU's pc machine after SeaBIOS has programmed the PIIX3 PIRQ router: pins are swizzled by slot onto
 * PIRQA..D, which firmware routes to IRQs 10, 10, 11, 11. Slot 4's INTA# lands on IRQ 11.
 */
export const pcIntxRouting: IntxRouting = (slot, pin) => [10, 10, 11, 11][(pin - 1 + slot - 1) & 3]!;

/** Config address as recorded in trace events: slot << 11 | function << 8 | register (bus 0). */
export function configEventAddr(slot: number, fn: number, offset: number): number {
  return (slot << 11) | (fn << 8) | offset;
}

/**
 * PCI bus 0: 32 slots of single-function devices. It owns the memory decoding of their BARs, routes
 * their INTx pins to the interrupt controller and gives them a bus-master view of memory.
 */
export class PciBus {
  private readonly slots: (PciDevice | undefined)[] = new Array(PCI_SLOTS).fill(undefined);

  constructor(
    private readonly memory: AddressSpace,
    private readonly ioapic: IoApic,
    private readonly trace: Tracer,
    private readonly routing: IntxRouting = pcIntxRouting,
  ) {}

  plug(device: PciDevice, slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= PCI_SLOTS) throw new RangeError(`no PCI slot ${slot}`);
    if (this.slots[slot]) throw new Error(`PCI slot ${slot} is taken by ${this.slots[slot]!.typeName}`);
    this.slots[slot] = device;
    const pin = device.identity.interruptPin;
    const gsi = pin ? this.routing(slot, pin) : -1;
    const port: PciBusPort = {
      gsi,
      mappingsChanged: () => this.updateMappings(device),
      intxChanged: (level) => {
        if (gsi >= 0) this.ioapic.drive(gsi, device, level);
      },
      dmaRead: (addr, length) => this.memory.readBytes(addr, length, Source.Device),
      dmaWrite: (addr, data) => this.memory.writeBytes(addr, data, Source.Device),
    };
    device.attach(port);
    this.updateMappings(device);
  }

  unplug(slot: number): PciDevice | undefined {
    const device = this.slots[slot];
    if (!device) return undefined;
    for (let i = 0; i < 6; i++) {
      const region = device.barRegion(i);
      if (region) this.memory.unmap(region);
    }
    const pin = device.identity.interruptPin;
    if (pin) this.ioapic.drive(this.routing(slot, pin), device, false);
    this.slots[slot] = undefined;
    device.attach(undefined);
    return device;
  }

  device(slot: number): PciDevice | undefined {
    return this.slots[slot];
  }

  devices(): { slot: number; device: PciDevice }[] {
    const out: { slot: number; device: PciDevice }[] = [];
    this.slots.forEach((device, slot) => device && out.push({ slot, device }));
    return out;
  }

  slotOf(device: PciDevice): number {
    return this.slots.indexOf(device);
  }

  /** A configuration read: absent functions read all ones. */
  configRead(slot: number, fn: number, offset: number, size: NarrowSize, source: Source): number {
    const device = fn === 0 ? this.slots[slot] : undefined;
    const value = (device ? device.configRead(offset, size) : allOnes(size)) >>> 0;
    this.trace.event(EventKind.ConfigRead, source, configEventAddr(slot, fn, offset), size, 0, value);
    return value;
  }

  configWrite(slot: number, fn: number, offset: number, size: NarrowSize, value: number, source: Source): void {
    this.trace.begin();
    try {
      this.trace.event(EventKind.ConfigWrite, source, configEventAddr(slot, fn, offset), size, 0, value);
      const device = fn === 0 ? this.slots[slot] : undefined;
      device?.configWrite(offset, size, value);
    } finally {
      this.trace.end();
    }
  }

  /** System reset: every function's configuration state goes back to power-on. */
  reset(): void {
    for (const device of this.slots) device?.resetConfig();
  }

  private updateMappings(device: PciDevice): void {
    for (let i = 0; i < 6; i++) {
      const region = device.barRegion(i);
      if (!region) continue;
      const want = device.barAddress(i);
      const have = this.memory.baseOf(region);
      if (want === have) continue;
      if (have !== undefined) this.memory.unmap(region);
      if (want !== undefined) this.memory.map(want, region);
    }
  }
}
