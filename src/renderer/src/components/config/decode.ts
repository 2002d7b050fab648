/**
 * Decoding of a type 0 PCI configuration space as the config view shows it: the header's fields,
 * command and status bits, BARs (size from the write mask, never by writing the BAR), the capability
 * list and MSI, what each byte belongs to, and which bits software may write. Pure functions over the
 * 256 bytes and the 256 write masks the lab store holds.
 */
import { MsiFlags, MsiReg, PCI_CONFIG_HEADER_SIZE, PCI_CONFIG_SPACE_SIZE, PCI_NUM_BARS, PciBarBits, PciCapId, PciCommand, PciReg, PciStatus } from '../../../../common/pci';

export type Bytes = readonly number[];

/** A little-endian field of 1, 2 or 4 bytes (missing bytes read as 0). */
export function readLe(bytes: Bytes, offset: number, size: 1 | 2 | 4): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + ((bytes[offset + i] ?? 0) & 0xff);
  return v;
}

/** Which bits of a field software can write (its write mask, little-endian like the field). */
export function writableMask(wmask: Bytes, offset: number, size: 1 | 2 | 4): number {
  return readLe(wmask, offset, size);
}

/** Whether software can change any bit of the byte. */
export function isByteWritable(wmask: Bytes, offset: number): boolean {
  return ((wmask[offset] ?? 0) & 0xff) !== 0;
}

// ---- command and status ----------------------------------------------------------------------------

export type CommandBitId = 'io' | 'mem' | 'master' | 'special' | 'mwi' | 'vgaSnoop' | 'parity' | 'wait' | 'serr' | 'fastB2b' | 'intxDisable';

export interface BitDef<Id extends string> {
  readonly id: Id;
  readonly mask: number;
  /** The bit's identifier, as headers and lspci-like tools name it (not translated). */
  readonly name: string;
}

export const COMMAND_BITS: readonly BitDef<CommandBitId>[] = [
  { id: 'io', mask: PciCommand.Io, name: 'IO' },
  { id: 'mem', mask: PciCommand.Memory, name: 'MEM' },
  { id: 'master', mask: PciCommand.Master, name: 'MASTER' },
  { id: 'special', mask: PciCommand.Special, name: 'SPECIAL' },
  { id: 'mwi', mask: PciCommand.Invalidate, name: 'MWI' },
  { id: 'vgaSnoop', mask: PciCommand.VgaPalette, name: 'VGA_SNOOP' },
  { id: 'parity', mask: PciCommand.Parity, name: 'PARITY' },
  { id: 'wait', mask: PciCommand.Wait, name: 'WAIT' },
  { id: 'serr', mask: PciCommand.Serr, name: 'SERR' },
  { id: 'fastB2b', mask: PciCommand.FastBack, name: 'FAST_B2B' },
  { id: 'intxDisable', mask: PciCommand.IntxDisable, name: 'INTX_DISABLE' },
];

export interface BitState<Id extends string> extends BitDef<Id> {
  readonly on: boolean;
  readonly writable: boolean;
}

/** Each command bit: set or not, and whether software may change it (from the command's write mask). */
export function commandBits(command: number, wmask: number): BitState<CommandBitId>[] {
  return COMMAND_BITS.map((b) => ({ ...b, on: (command & b.mask) !== 0, writable: (wmask & b.mask) !== 0 }));
}

/** The command word with one bit flipped: what a toggle writes. */
export function toggleBit(word: number, mask: number, bits = 16): number {
  const all = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  return ((word ^ mask) & all) >>> 0;
}

export type StatusBitId =
  | 'interrupt'
  | 'capList'
  | 'mhz66'
  | 'udf'
  | 'fastB2b'
  | 'parity'
  | 'sigTargetAbort'
  | 'recTargetAbort'
  | 'recMasterAbort'
  | 'sigSystemError'
  | 'detectedParity';

export const STATUS_BITS: readonly BitDef<StatusBitId>[] = [
  { id: 'interrupt', mask: PciStatus.Interrupt, name: 'INTX' },
  { id: 'capList', mask: PciStatus.CapList, name: 'CAP_LIST' },
  { id: 'mhz66', mask: PciStatus.Mhz66, name: '66MHZ' },
  { id: 'udf', mask: PciStatus.Udf, name: 'UDF' },
  { id: 'fastB2b', mask: PciStatus.FastBack, name: 'FAST_B2B' },
  { id: 'parity', mask: PciStatus.Parity, name: 'PARITY' },
  { id: 'sigTargetAbort', mask: PciStatus.SigTargetAbort, name: 'SIG_TABORT' },
  { id: 'recTargetAbort', mask: PciStatus.RecTargetAbort, name: 'REC_TABORT' },
  { id: 'recMasterAbort', mask: PciStatus.RecMasterAbort, name: 'REC_MABORT' },
  { id: 'sigSystemError', mask: PciStatus.SigSystemError, name: 'SIG_SERR' },
  { id: 'detectedParity', mask: PciStatus.DetectedParity, name: 'DETECTED_PERR' },
];

/** Each status bit, set or not (the view shows them read-only; bit 3 follows the INTx level). */
export function statusBits(status: number, wmask = 0): BitState<StatusBitId>[] {
  return STATUS_BITS.map((b) => ({ ...b, on: (status & b.mask) !== 0, writable: (wmask & b.mask) !== 0 }));
}

export type Devsel = 'fast' | 'medium' | 'slow' | 'reserved';

/** DEVSEL timing, status bits 10:9. */
export function devselTiming(status: number): Devsel {
  return (['fast', 'medium', 'slow', 'reserved'] as const)[(status & PciStatus.DevselMask) >> 9]!;
}

// ---- BARs ------------------------------------------------------------------------------------------

export interface BarInfo {
  readonly index: number;
  readonly offset: number;
  readonly io: boolean;
  readonly is64: boolean;
  readonly prefetchable: boolean;
  /** The base address (type bits removed). */
  readonly address: bigint;
  /** Decoded from the write mask: the bits that cannot be written are the size's. */
  readonly size: bigint;
}

/**
 * The size a BAR decodes, from its write mask: ~mask + 1 over the BAR's width, with the type bits
 * (never writable) counted as zero. A mask of 0 is an unused BAR: size 0.
 */
export function barSizeFromMask(maskLo: number, maskHi = 0, is64 = false): bigint {
  const mask = ((BigInt(maskHi >>> 0) << 32n) | BigInt(maskLo >>> 0)) & (is64 ? 0xffffffffffffffffn : 0xffffffffn);
  if (mask === 0n) return 0n;
  const width = is64 ? 0xffffffffffffffffn : 0xffffffffn;
  return (~mask & width) + 1n;
}

/** The BAR at `index` (a 64-bit BAR takes the next one as its upper half), or null when it is unused. */
export function decodeBar(bytes: Bytes, wmask: Bytes, index: number): BarInfo | null {
  const offset = PciReg.Bar0 + 4 * index;
  const raw = readLe(bytes, offset, 4);
  const mask = writableMask(wmask, offset, 4);
  if (mask === 0) return null;
  const io = (raw & PciBarBits.SpaceIo) !== 0;
  const is64 = !io && (raw & 0x6) === PciBarBits.MemType64 && index + 1 < PCI_NUM_BARS;
  const prefetchable = !io && (raw & PciBarBits.MemPrefetch) !== 0;
  const lo = (raw & (io ? PciBarBits.IoMask : PciBarBits.MemMask)) >>> 0;
  const hi = is64 ? readLe(bytes, offset + 4, 4) : 0;
  const maskHi = is64 ? writableMask(wmask, offset + 4, 4) : 0;
  return {
    index,
    offset,
    io,
    is64,
    prefetchable,
    address: (BigInt(hi) << 32n) | BigInt(lo),
    size: barSizeFromMask(mask & (io ? PciBarBits.IoMask : PciBarBits.MemMask), maskHi, is64),
  };
}

/** Every BAR in use. */
export function decodeBars(bytes: Bytes, wmask: Bytes): BarInfo[] {
  const bars: BarInfo[] = [];
  for (let i = 0; i < PCI_NUM_BARS; i++) {
    const bar = decodeBar(bytes, wmask, i);
    if (!bar) continue;
    bars.push(bar);
    if (bar.is64) i++; // its upper half
  }
  return bars;
}

/** A power-of-two friendly size: `1 MiB`, `4 KiB`, `256 B` (the largest unit that divides it). */
export function formatSize(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let n = bytes;
  let u = 0;
  while (u < units.length - 1 && n >= 1024n && n % 1024n === 0n) {
    n /= 1024n;
    u++;
  }
  return `${n} ${units[u]}`;
}

// ---- capabilities and MSI -------------------------------------------------------------------------------

export interface Capability {
  readonly offset: number;
  readonly id: number;
  readonly next: number;
}

/**
 * The capability list: from the pointer at 0x34 (when status says there is a list), each entry's ID
 * and next pointer, in order. Pointers into the header, out of range or back to a visited entry end it.
 */
export function capabilities(bytes: Bytes): Capability[] {
  const list: Capability[] = [];
  if ((readLe(bytes, PciReg.Status, 2) & PciStatus.CapList) === 0) return list;
  const seen = new Set<number>();
  let at = (bytes[PciReg.CapabilityList] ?? 0) & 0xfc;
  while (at >= PCI_CONFIG_HEADER_SIZE && at < PCI_CONFIG_SPACE_SIZE - 1 && !seen.has(at)) {
    seen.add(at);
    const id = bytes[at] ?? 0;
    const next = (bytes[at + 1] ?? 0) & 0xfc;
    list.push({ offset: at, id, next });
    at = next;
  }
  return list;
}

export interface MsiInfo {
  readonly offset: number;
  readonly control: number;
  /** Which message-control bits software may write. */
  readonly controlWritable: number;
  readonly enabled: boolean;
  readonly is64: boolean;
  readonly maskable: boolean;
  /** Vectors the function can use (Multiple Message Capable) and vectors allocated (Multiple Message Enable). */
  readonly vectorsCapable: number;
  readonly vectorsEnabled: number;
  readonly addressLo: number;
  readonly addressHi: number | null;
  readonly data: number;
  readonly addressLoOffset: number;
  readonly addressHiOffset: number | null;
  readonly dataOffset: number;
  readonly maskOffset: number | null;
  readonly pendingOffset: number | null;
}

/** The MSI capability at `offset`: its control bits and where each register is (they move with 64-bit). */
export function decodeMsi(bytes: Bytes, wmask: Bytes, offset: number): MsiInfo {
  const control = readLe(bytes, offset + MsiReg.Flags, 2);
  const is64 = (control & MsiFlags.Is64Bit) !== 0;
  const maskable = (control & MsiFlags.MaskBit) !== 0;
  const dataOffset = offset + (is64 ? MsiReg.Data64 : MsiReg.Data32);
  const maskOffset = maskable ? offset + (is64 ? MsiReg.Mask64 : MsiReg.Data32 + 4) : null;
  return {
    offset,
    control,
    controlWritable: writableMask(wmask, offset + MsiReg.Flags, 2),
    enabled: (control & MsiFlags.Enable) !== 0,
    is64,
    maskable,
    vectorsCapable: 1 << ((control & MsiFlags.QMask) >> 1),
    vectorsEnabled: 1 << ((control & MsiFlags.QSize) >> 4),
    addressLo: readLe(bytes, offset + MsiReg.AddressLo, 4),
    addressHi: is64 ? readLe(bytes, offset + MsiReg.AddressHi, 4) : null,
    data: readLe(bytes, dataOffset, 2),
    addressLoOffset: offset + MsiReg.AddressLo,
    addressHiOffset: is64 ? offset + MsiReg.AddressHi : null,
    dataOffset,
    maskOffset,
    pendingOffset: maskOffset === null ? null : maskOffset + 4,
  };
}

/** The MSI capability, if the list has one. */
export function findMsi(bytes: Bytes, wmask: Bytes): MsiInfo | null {
  const cap = capabilities(bytes).find((c) => c.id === PciCapId.Msi);
  return cap ? decodeMsi(bytes, wmask, cap.offset) : null;
}

// ---- what each byte is ------------------------------------------------------------------------------

export type FieldId =
  | 'vendorId'
  | 'deviceId'
  | 'command'
  | 'status'
  | 'revision'
  | 'classCode'
  | 'cacheLine'
  | 'latency'
  | 'headerType'
  | 'bist'
  | 'bar'
  | 'cardbus'
  | 'subVendor'
  | 'subId'
  | 'rom'
  | 'capPtr'
  | 'reserved'
  | 'intLine'
  | 'intPin'
  | 'minGnt'
  | 'maxLat'
  | 'capId'
  | 'capNext'
  | 'msiControl'
  | 'msiAddrLo'
  | 'msiAddrHi'
  | 'msiData'
  | 'msiMask'
  | 'msiPending'
  | 'deviceSpecific';

export interface Field {
  readonly id: FieldId;
  readonly start: number;
  readonly size: number;
  /** BAR number for 'bar'; capability offset for capability fields. */
  readonly index?: number;
}

const HEADER_FIELDS: readonly Field[] = [
  { id: 'vendorId', start: PciReg.VendorId, size: 2 },
  { id: 'deviceId', start: PciReg.DeviceId, size: 2 },
  { id: 'command', start: PciReg.Command, size: 2 },
  { id: 'status', start: PciReg.Status, size: 2 },
  { id: 'revision', start: PciReg.RevisionId, size: 1 },
  { id: 'classCode', start: PciReg.ClassProg, size: 3 },
  { id: 'cacheLine', start: PciReg.CacheLineSize, size: 1 },
  { id: 'latency', start: PciReg.LatencyTimer, size: 1 },
  { id: 'headerType', start: PciReg.HeaderType, size: 1 },
  { id: 'bist', start: PciReg.Bist, size: 1 },
  ...Array.from({ length: PCI_NUM_BARS }, (_, i): Field => ({ id: 'bar', start: PciReg.Bar0 + 4 * i, size: 4, index: i })),
  { id: 'cardbus', start: PciReg.CardbusCis, size: 4 },
  { id: 'subVendor', start: PciReg.SubsystemVendorId, size: 2 },
  { id: 'subId', start: PciReg.SubsystemId, size: 2 },
  { id: 'rom', start: PciReg.RomAddress, size: 4 },
  { id: 'capPtr', start: PciReg.CapabilityList, size: 1 },
  { id: 'reserved', start: PciReg.CapabilityList + 1, size: PciReg.InterruptLine - PciReg.CapabilityList - 1 },
  { id: 'intLine', start: PciReg.InterruptLine, size: 1 },
  { id: 'intPin', start: PciReg.InterruptPin, size: 1 },
  { id: 'minGnt', start: PciReg.MinGnt, size: 1 },
  { id: 'maxLat', start: PciReg.MaxLat, size: 1 },
];

/** The fields of the capabilities in the list (MSI in full; other capabilities by ID and next pointer). */
function capabilityFields(bytes: Bytes): Field[] {
  const fields: Field[] = [];
  for (const cap of capabilities(bytes)) {
    const at = cap.offset;
    fields.push({ id: 'capId', start: at, size: 1, index: at }, { id: 'capNext', start: at + 1, size: 1, index: at });
    if (cap.id !== PciCapId.Msi) continue;
    const msi = decodeMsi(bytes, [], at);
    fields.push({ id: 'msiControl', start: at + MsiReg.Flags, size: 2, index: at }, { id: 'msiAddrLo', start: msi.addressLoOffset, size: 4, index: at });
    if (msi.addressHiOffset !== null) fields.push({ id: 'msiAddrHi', start: msi.addressHiOffset, size: 4, index: at });
    fields.push({ id: 'msiData', start: msi.dataOffset, size: 2, index: at });
    if (msi.maskOffset !== null) fields.push({ id: 'msiMask', start: msi.maskOffset, size: 4, index: at });
    if (msi.pendingOffset !== null) fields.push({ id: 'msiPending', start: msi.pendingOffset, size: 4, index: at });
  }
  return fields;
}

/** The field each of the 256 bytes belongs to (anything past the header not in a capability is device-specific). */
export function fieldMap(bytes: Bytes): Field[] {
  const map: Field[] = [];
  for (const f of [...HEADER_FIELDS, ...capabilityFields(bytes)]) {
    for (let i = f.start; i < f.start + f.size && i < PCI_CONFIG_SPACE_SIZE; i++) map[i] ??= f;
  }
  for (let i = 0; i < PCI_CONFIG_SPACE_SIZE; i++) map[i] ??= { id: 'deviceSpecific', start: i, size: 1 };
  return map;
}

// ---- input ------------------------------------------------------------------------------------------

/** A byte typed in the hex dump: one or two hex digits (an `0x` is allowed), or null. */
export function parseByte(text: string): number | null {
  const m = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(text.trim());
  return m ? parseInt(m[1]!, 16) : null;
}

export const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
