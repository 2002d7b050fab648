/**
 * PCI configuration space layout (PCI Local Bus Specification 3.0, type 0 header), shared by the
 * machine, the guest's tools and the UI.
 */

export const PCI_CONFIG_SPACE_SIZE = 256;
export const PCI_CONFIG_HEADER_SIZE = 0x40;

export const PciReg = {
  VendorId: 0x00,
  DeviceId: 0x02,
  Command: 0x04,
  Status: 0x06,
  RevisionId: 0x08,
  ClassProg: 0x09,
  ClassDevice: 0x0a,
  CacheLineSize: 0x0c,
  LatencyTimer: 0x0d,
  HeaderType: 0x0e,
  Bist: 0x0f,
  Bar0: 0x10,
  CardbusCis: 0x28,
  SubsystemVendorId: 0x2c,
  SubsystemId: 0x2e,
  RomAddress: 0x30,
  CapabilityList: 0x34,
  InterruptLine: 0x3c,
  InterruptPin: 0x3d,
  MinGnt: 0x3e,
  MaxLat: 0x3f,
} as const;

export const PCI_NUM_BARS = 6;

export const PciCommand = {
  Io: 0x0001,
  Memory: 0x0002,
  Master: 0x0004,
  Special: 0x0008,
  Invalidate: 0x0010,
  VgaPalette: 0x0020,
  Parity: 0x0040,
  Wait: 0x0080,
  Serr: 0x0100,
  FastBack: 0x0200,
  IntxDisable: 0x0400,
} as const;

export const PciStatus = {
  Interrupt: 0x0008,
  CapList: 0x0010,
  Mhz66: 0x0020,
  Udf: 0x0040,
  FastBack: 0x0080,
  Parity: 0x0100,
  DevselMask: 0x0600,
  SigTargetAbort: 0x0800,
  RecTargetAbort: 0x1000,
  RecMasterAbort: 0x2000,
  SigSystemError: 0x4000,
  DetectedParity: 0x8000,
} as const;

export const PciBarBits = {
  SpaceIo: 0x01,
  MemType64: 0x04,
  MemPrefetch: 0x08,
  MemMask: 0xfffffff0,
  IoMask: 0xfffffffc,
} as const;

export const PciCapId = { Msi: 0x05, MsiX: 0x11 } as const;

/** MSI capability: register offsets from the capability start, and message-control bits. */
export const MsiReg = {
  Flags: 0x02,
  AddressLo: 0x04,
  AddressHi: 0x08,
  Data32: 0x08,
  Data64: 0x0c,
  Mask64: 0x10,
} as const;

export const MsiFlags = {
  Enable: 0x0001,
  /** Multiple Message Capable (log2 of vectors the function supports), bits 3:1. */
  QMask: 0x000e,
  /** Multiple Message Enable (log2 of vectors allocated), bits 6:4. */
  QSize: 0x0070,
  Is64Bit: 0x0080,
  MaskBit: 0x0100,
} as const;

/** The x86 MSI address window: 0xfee00000 | destination APIC id << 12. */
export const MSI_ADDRESS_BASE = 0xfee00000;
export const MSI_WINDOW_SIZE = 0x100000;

/** Mechanism #1 configuration ports. */
export const PCI_CONFIG_ADDRESS_PORT = 0xcf8;
export const PCI_CONFIG_DATA_PORT = 0xcfc;

export interface PciAddress {
  readonly bus: number;
  readonly slot: number;
  readonly fn: number;
}

export function formatBdf({ bus, slot, fn }: PciAddress): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${hex(bus, 2)}:${hex(slot, 2)}.${fn}`;
}
