import { MSI_WINDOW_SIZE } from '../../../common/pci';
import { MmioRegion, type MmioOps, type NarrowSize } from '../memory/region';

export interface MsiMessage {
  readonly address: number;
  readonly data: number;
}
export type MsiListener = (message: MsiMessage) => void;

/**
 * The local APICs' MSI window at 0xfee00000: a 4-byte write here is an interrupt message (destination
 * APIC id in address bits 19:12, vector in data bits 7:0). Reads return 0.
 */
export function createMsiWindow(base: number, deliver: MsiListener): MmioRegion {
  const ops: MmioOps = {
    read: () => 0,
    write(offset: number, size: NarrowSize, value: number) {
      if (size === 4) deliver({ address: base + offset, data: value });
    },
  };
  return new MmioRegion('msi', MSI_WINDOW_SIZE, ops, { validMin: 1, validMax: 4, unaligned: false });
}
