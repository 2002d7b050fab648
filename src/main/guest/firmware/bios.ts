import {
  PCI_CONFIG_ADDRESS_PORT,
  PCI_CONFIG_DATA_PORT,
  PCI_NUM_BARS,
  PciBarBits,
  PciCommand,
  PciReg,
} from '../../../common/pci';
import { Source } from '../../../common/trace/schema';
import type { GuestPlatform, NarrowSize } from '../../machine/platform';

const CONFIG_ENABLE = 0x80000000;

export interface AssignedBar {
  readonly index: number;
  readonly address: number;
  readonly size: number;
}

export interface FirmwareDevice {
  readonly slot: number;
  readonly vendor: number;
  readonly device: number;
  readonly bars: readonly AssignedBar[];
  readonly irqLine: number | undefined;
}

/**
 * The firmware's PCI setup, as SeaBIOS does it on QEMU's pc: find every function on bus 0 through
 * configuration mechanism #1, size its memory BARs, place them top-down in the PCI window (largest
 * first, each aligned to its size), set the interrupt line from the board's routing, and enable I/O,
 * memory decoding and SERR. Bus mastering is left for drivers to turn on.
 */
export function runFirmware(platform: GuestPlatform): FirmwareDevice[] {
  const conf = new ConfigCycles(platform);
  const found: { slot: number; vendor: number; device: number; pin: number; bars: { index: number; size: number }[] }[] = [];
  for (let slot = 0; slot < 32; slot++) {
    const id = conf.read(slot, PciReg.VendorId, 4);
    if ((id & 0xffff) === 0xffff) continue;
    const bars: { index: number; size: number }[] = [];
    for (let index = 0; index < PCI_NUM_BARS; index++) {
      const reg = PciReg.Bar0 + 4 * index;
      conf.write(slot, reg, 4, 0xffffffff);
      const probe = conf.read(slot, reg, 4);
      conf.write(slot, reg, 4, 0);
      if (probe === 0 || probe & PciBarBits.SpaceIo) continue;
      bars.push({ index, size: ((~(probe & PciBarBits.MemMask) >>> 0) + 1) >>> 0 });
    }
    found.push({ slot, vendor: id & 0xffff, device: id >>> 16, pin: conf.read(slot, PciReg.InterruptPin, 1), bars });
  }

  // Largest BARs first, from the top of the window down, so alignment wastes nothing.
  const requests = found.flatMap((d) => d.bars.map((b) => ({ slot: d.slot, ...b }))).sort((a, b) => b.size - a.size || a.slot - b.slot);
  const assigned = new Map<number, AssignedBar[]>();
  let top = platform.board.pciMmioWindow.end;
  for (const r of requests) {
    const address = Math.floor((top - r.size) / r.size) * r.size;
    if (address < platform.board.pciMmioWindow.start) continue; // does not fit: left unassigned
    top = address;
    conf.write(r.slot, PciReg.Bar0 + 4 * r.index, 4, address);
    assigned.set(r.slot, [...(assigned.get(r.slot) ?? []), { index: r.index, address, size: r.size }]);
  }

  return found.map((d) => {
    const irqLine = d.pin ? platform.board.intxRoute(d.slot, d.pin) : undefined;
    if (irqLine !== undefined) conf.write(d.slot, PciReg.InterruptLine, 1, irqLine);
    const command = conf.read(d.slot, PciReg.Command, 2);
    conf.write(d.slot, PciReg.Command, 2, command | PciCommand.Io | PciCommand.Memory | PciCommand.Serr);
    return { slot: d.slot, vendor: d.vendor, device: d.device, bars: assigned.get(d.slot) ?? [], irqLine };
  });
}

/** Configuration cycles from the firmware (traced as such). */
class ConfigCycles {
  constructor(private readonly platform: GuestPlatform) {}

  read(slot: number, offset: number, size: NarrowSize): number {
    this.select(slot, offset);
    return this.platform.io.read(PCI_CONFIG_DATA_PORT + (offset & 3), size, Source.Firmware);
  }

  write(slot: number, offset: number, size: NarrowSize, value: number): void {
    this.select(slot, offset);
    this.platform.io.write(PCI_CONFIG_DATA_PORT + (offset & 3), size, value, Source.Firmware);
  }

  private select(slot: number, offset: number): void {
    this.platform.io.write(PCI_CONFIG_ADDRESS_PORT, 4, (CONFIG_ENABLE | (slot << 11) | (offset & 0xfc)) >>> 0, Source.Firmware);
  }
}

/** The lines the firmware prints on the serial console. */
export function firmwareBanner(devices: readonly FirmwareDevice[]): string[] {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const lines = ['SeaBIOS (version edu-lab)'];
  for (const d of devices) {
    const bars = d.bars.map((b) => ` BAR${b.index}=${hex(b.address, 8)}/${hex(b.size, 8)}`).join('');
    lines.push(`PCI: 00:${hex(d.slot, 2)}.0 [${hex(d.vendor, 4)}:${hex(d.device, 4)}]${bars}${d.irqLine !== undefined ? ` IRQ ${d.irqLine}` : ''}`);
  }
  lines.push('Booting from ROM...');
  return lines;
}
