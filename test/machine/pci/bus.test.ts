import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import type { DeviceHost } from '../../../src/main/machine/device-host';
import { IoApic } from '../../../src/main/machine/interrupts/ioapic';
import { createMsiWindow, type MsiMessage } from '../../../src/main/machine/interrupts/msi-window';
import { AddressSpace } from '../../../src/main/machine/memory/address-space';
import { GuestRam } from '../../../src/main/machine/memory/guest-ram';
import { MmioRegion } from '../../../src/main/machine/memory/region';
import { PciConfigSpace } from '../../../src/main/machine/pci/config-space';
import { PciBus, pcIntxRouting } from '../../../src/main/machine/pci/pci-bus';
import { PciDevice } from '../../../src/main/machine/pci/pci-device';
import { Tracer } from '../../../src/main/machine/trace';
import { hex } from '../../support/edu';

/** A minimal device written against the device-model API, to test the bus without edu. */
class ProbeDevice extends PciDevice {
  readonly bar = new MmioRegion('probe-bar', 0x1000, { read: (offset) => 0xc0de0000 | offset, write: () => {} }, {
    validMin: 4,
    validMax: 4,
    unaligned: false,
  });
  constructor(pin: 0 | 1 | 2 | 3 | 4 = 1) {
    super('probe', { vendorId: 0x1b36, deviceId: 0x0005, revision: 0x01, classCode: 0xff0000, interruptPin: pin });
  }
  protected onRealize(): void {
    this.registerBar(2, this.bar);
    this.msiInit(0x50);
  }
  protected onUnrealize(): void {}
  irq(level: boolean): void {
    this.setIrq(level);
  }
  read(addr: bigint, length: number): Uint8Array {
    return this.dmaRead(addr, length);
  }
  write(addr: bigint, data: Uint8Array): void {
    this.dmaWrite(addr, data);
  }
  notify(): void {
    this.msiNotify(0);
  }
}

async function bus() {
  const trace = new Tracer();
  const ram = new GuestRam(16 * GuestRam.PAGE_SIZE);
  const memory = new AddressSpace('system', ram);
  const messages: MsiMessage[] = [];
  memory.map(0xfee00000, createMsiWindow(0xfee00000, (m) => messages.push(m)));
  const ioapic = new IoApic(trace);
  const pci = new PciBus(memory, ioapic, trace);
  const lines: string[] = [];
  ioapic.onChange((gsi, level) => lines.push(`${gsi}:${level ? 'high' : 'low'}`));
  const plug = async (slot: number, pin: 0 | 1 | 2 | 3 | 4 = 1) => {
    const d = new ProbeDevice(pin);
    await d.realize({ trace } as DeviceHost);
    pci.plug(d, slot);
    return d;
  };
  const cfgw = (slot: number, offset: number, size: 1 | 2 | 4, v: number) => pci.configWrite(slot, 0, offset, size, v, Source.Test);
  const cfgr = (slot: number, offset: number, size: 1 | 2 | 4 = 4) => pci.configRead(slot, 0, offset, size, Source.Test);
  return { ram, memory, ioapic, pci, lines, messages, plug, cfgw, cfgr };
}

describe('PciConfigSpace', () => {
  it('reads little-endian bytes, words and dwords', () => {
    const c = new PciConfigSpace();
    c.set32(0x10, 0x11223344);
    expect(hex(c.read(0x10, 4))).toBe('0x11223344');
    expect(hex(c.read(0x12, 2))).toBe('0x1122');
    expect(hex(c.read(0x11, 1))).toBe('0x33');
    c.set32(0x20, 0xffffffff);
    expect(c.read(0x20, 4), 'dwords read unsigned').toBe(0xffffffff);
  });

  it('changes only writable bits on a guest write and clears write-1-to-clear bits written as 1', () => {
    const c = new PciConfigSpace();
    c.set16(0x06, 0xa5a5);
    c.setWmask16(0x06, 0x00f0);
    c.setW1cmask16(0x06, 0x8001);
    c.guestWrite(0x06, 2, 0x0f0e);
    expect(hex(c.get16(0x06)), 'read-only bits kept, writable bits written, W1C bits written 0 kept').toBe('0xa505');
    c.guestWrite(0x06, 2, 0xffff);
    expect(hex(c.get16(0x06)), 'W1C bits written 1 clear').toBe('0x25f4');
  });
});

describe('PCI bus', () => {
  it('routes INTA# of slot 4 to IRQ 11, swizzling pins by slot onto PIRQ A-D = IRQ 10, 10, 11, 11', () => {
    expect(pcIntxRouting(4, 1)).toBe(11);
    expect(pcIntxRouting(1, 1)).toBe(10);
    expect(pcIntxRouting(2, 1)).toBe(10);
    expect(pcIntxRouting(3, 1)).toBe(11);
    expect(pcIntxRouting(5, 1)).toBe(10);
    expect(pcIntxRouting(4, 2)).toBe(10);
  });

  it("drives the routed line with a device's INTx level and shares it between devices", async () => {
    const b = await bus();
    const a = await b.plug(4);
    const c = await b.plug(8); // also PIRQD: IRQ 11
    a.irq(true);
    c.irq(true);
    a.irq(false);
    expect(b.ioapic.level(11), 'still held by the second device').toBe(true);
    c.irq(false);
    expect(b.lines).toEqual(['11:high', '11:low']);
  });

  it('shows the pin level in config status bit 3, delivered or not', async () => {
    const b = await bus();
    const d = await b.plug(4);
    d.irq(true);
    expect(hex(b.cfgr(4, 0x06, 2))).toBe('0x18');
    b.cfgw(4, 0x04, 2, 0x0400);
    expect(hex(b.cfgr(4, 0x06, 2)), 'INTX_DISABLE does not hide the status bit').toBe('0x18');
    expect(d.intxPin).toBe(true);
    expect(d.intxDelivered).toBe(false);
    d.irq(false);
    expect(hex(b.cfgr(4, 0x06, 2))).toBe('0x10');
  });

  it('does not route a device without an interrupt pin', async () => {
    const b = await bus();
    const d = await b.plug(4, 0);
    d.irq(true);
    expect(b.lines).toEqual([]);
  });

  it('refuses a taken slot and slots outside 0-31', async () => {
    const b = await bus();
    await b.plug(4);
    const other = new ProbeDevice();
    expect(() => b.pci.plug(other, 4)).toThrow(/slot 4 is taken/);
    expect(() => b.pci.plug(other, 32)).toThrow(RangeError);
    expect(() => b.pci.plug(other, -1)).toThrow(RangeError);
  });

  it('chains a capability into the list and sets status bit 4', async () => {
    const b = await bus();
    await b.plug(3);
    expect(hex(b.cfgr(3, 0x34, 1))).toBe('0x50');
    expect(hex(b.cfgr(3, 0x50, 2))).toBe('0x5');
    expect(hex(b.cfgr(3, 0x06, 2))).toBe('0x10');
  });

  it('maps any BAR index, and unmaps it and lowers INTx when the device is unplugged', async () => {
    const b = await bus();
    const d = await b.plug(4);
    b.cfgw(4, 0x18, 4, 0xfeb00000); // BAR2
    b.cfgw(4, 0x04, 2, 0x0002);
    expect(hex(b.memory.read(0xfeb00008, 4, Source.Test))).toBe('0xc0de0008');
    d.irq(true);
    expect(b.pci.unplug(4)).toBe(d);
    expect(hex(b.memory.read(0xfeb00008, 4, Source.Test))).toBe('0x0');
    expect(b.ioapic.level(11)).toBe(false);
    expect(hex(b.cfgr(4, 0x00))).toBe('0xffffffff');
  });

  it('gives a bus master the memory view, and a device without MASTER zeros and nowhere to write', async () => {
    const b = await bus();
    const d = await b.plug(4);
    b.ram.writeBytes(0x1000, Uint8Array.of(1, 2, 3, 4));
    expect([...d.read(0x1000n, 4)], 'MASTER clear: reads zeros').toEqual([0, 0, 0, 0]);
    d.write(0x2000n, Uint8Array.of(9, 9));
    expect([...b.ram.readBytes(0x2000, 2)], 'MASTER clear: writes nothing').toEqual([0, 0]);
    b.cfgw(4, 0x04, 2, 0x0004);
    expect([...d.read(0x1000n, 4)]).toEqual([1, 2, 3, 4]);
    d.write(0x2000n, Uint8Array.of(9, 9));
    expect([...b.ram.readBytes(0x2000, 2)]).toEqual([9, 9]);
  });

  it('sends an MSI as one dword write of the data to the programmed address, only as bus master', async () => {
    const b = await bus();
    const d = await b.plug(4);
    b.cfgw(4, 0x54, 4, 0xfee01000);
    b.cfgw(4, 0x5c, 2, 0x4041);
    b.cfgw(4, 0x52, 2, 0x0001);
    d.notify();
    expect(b.messages, 'MASTER clear: the message goes nowhere').toEqual([]);
    b.cfgw(4, 0x04, 2, 0x0004);
    d.notify();
    expect(b.messages).toEqual([{ address: 0xfee01000, data: 0x4041 }]);
  });

  it('resets config state: INTx low, command, status errors, line, cache line, BARs and MSI cleared', async () => {
    const b = await bus();
    const d = await b.plug(4);
    b.cfgw(4, 0x18, 4, 0xfeb00000);
    b.cfgw(4, 0x3c, 1, 11);
    b.cfgw(4, 0x0c, 1, 0x10);
    b.cfgw(4, 0x04, 2, 0x0507);
    b.cfgw(4, 0x54, 4, 0xfee00000);
    b.cfgw(4, 0x58, 4, 0x1);
    b.cfgw(4, 0x5c, 2, 0x4023);
    b.cfgw(4, 0x52, 2, 0x0001);
    b.cfgw(4, 0x60, 4, 0x12345678);
    d.config.set16(0x06, d.config.get16(0x06) | 0x2000);
    b.cfgw(4, 0x04, 2, 0x0103);
    d.irq(true);
    b.pci.reset();
    expect(b.lines).toEqual(['11:high', '11:low']);
    expect(hex(b.cfgr(4, 0x04))).toBe('0x100000');
    expect(hex(b.cfgr(4, 0x0c))).toBe('0x0');
    expect(hex(b.cfgr(4, 0x18))).toBe('0x0');
    expect(hex(b.cfgr(4, 0x3c, 2))).toBe('0x100');
    expect(hex(b.cfgr(4, 0x50))).toBe('0x800005');
    expect(hex(b.cfgr(4, 0x54))).toBe('0x0');
    expect(hex(b.cfgr(4, 0x58))).toBe('0x0');
    expect(hex(b.cfgr(4, 0x5c, 2))).toBe('0x0');
    expect(hex(b.cfgr(4, 0x60)), 'the device-specific area is not reset').toBe('0x12345678');
    expect(b.memory.regions().map((r) => r.name)).toEqual(['msi']);
    expect(d.intxPin).toBe(false);
  });
});
