import { PciReg } from '../../src/common/pci';
import { Source } from '../../src/common/trace/schema';
import { EDU_SLOT, type Machine } from '../../src/main/machine/machine';

export const EDU_BAR0 = 0xfea00000;

/** What SeaBIOS leaves behind on QEMU's pc machine: BAR0 at 0xfea00000, command 0x0103, line 11. */
export function programLikeSeaBios(machine: Machine, source: Source = Source.Test): void {
  machine.pci.configWrite(EDU_SLOT, 0, PciReg.Bar0, 4, EDU_BAR0, source);
  machine.pci.configWrite(EDU_SLOT, 0, PciReg.InterruptLine, 1, 11, source);
  machine.pci.configWrite(EDU_SLOT, 0, PciReg.Command, 2, 0x0103, source);
}

export function eduConfig(machine: Machine, offset: number, size: 1 | 2 | 4 = 4): number {
  return machine.pci.configRead(EDU_SLOT, 0, offset, size, Source.Test);
}

export function setEduConfig(machine: Machine, offset: number, size: 1 | 2 | 4, value: number): void {
  machine.pci.configWrite(EDU_SLOT, 0, offset, size, value, Source.Test);
}

/** MMIO helpers at BAR0 as the test initiator. */
export function mmio(machine: Machine, base = EDU_BAR0) {
  const m = machine.memory;
  return {
    readl: (off: number) => m.read(base + off, 4, Source.Test),
    writel: (off: number, v: number) => m.write(base + off, 4, v, Source.Test),
    readw: (off: number) => m.read(base + off, 2, Source.Test),
    writew: (off: number, v: number) => m.write(base + off, 2, v, Source.Test),
    readb: (off: number) => m.read(base + off, 1, Source.Test),
    writeb: (off: number, v: number) => m.write(base + off, 1, v, Source.Test),
    readq: (off: number) => m.read64(base + off, Source.Test),
    writeq: (off: number, v: bigint) => m.write64(base + off, v, Source.Test),
  };
}
