/**
 * The register table's model: which value each BAR0 register shows, which access sizes it answers to,
 * what its bits mean right now, and who touched it last. Pure functions over the datasheet and the
 * lab store's data; the component only draws them.
 */
import type { EduRegisters } from '../../../../common/api/lab-api';
import { EDU_DMA_REGS_START, EduDmaCmd, EduReg, type RegisterInfo } from '../../../../common/edu/datasheet';
import { SOURCE_NAMES, type Source } from '../../../../common/trace/schema';
import { toBigInt } from './value';

/** The snapshot field that holds each readable register (write-only ones have none). */
export const REGISTER_FIELD: Readonly<Partial<Record<number, keyof EduRegisters>>> = {
  [EduReg.Id]: 'id',
  [EduReg.Liveness]: 'liveness',
  [EduReg.Factorial]: 'factorial',
  [EduReg.Status]: 'status',
  [EduReg.IrqStatus]: 'irqStatus',
  [EduReg.DmaSrc]: 'dmaSrc',
  [EduReg.DmaDst]: 'dmaDst',
  [EduReg.DmaCount]: 'dmaCount',
  [EduReg.DmaCmd]: 'dmaCmd',
};

/** The register's value as the device holds it, or null (write-only, or no data yet). */
export function registerValue(registers: EduRegisters | null, info: RegisterInfo): bigint | null {
  const field = REGISTER_FIELD[info.offset];
  if (!registers || !field || info.access === 'WO') return null;
  const raw = registers[field];
  return raw === null ? null : toBigInt(raw);
}

export type AccessSize = 4 | 8;

/** The access sizes a register takes: 4 bytes below 0x80, 4 or 8 for the 64-bit DMA registers. */
export function accessSizes(info: RegisterInfo): readonly AccessSize[] {
  return info.offset >= EDU_DMA_REGS_START ? [4, 8] : [4];
}

/** The size a read or write of this register uses, given the size chosen for DMA registers. */
export function accessSize(info: RegisterInfo, dmaSize: AccessSize): AccessSize {
  return info.offset >= EDU_DMA_REGS_START ? dmaSize : 4;
}

/** How many bits a write of `size` bytes can carry into this register. */
export function writeBits(info: RegisterInfo, size: AccessSize): number {
  return Math.min(info.width, size * 8);
}

export function canRead(info: RegisterInfo): boolean {
  return info.access !== 'WO';
}

export function canWrite(info: RegisterInfo): boolean {
  return info.access !== 'RO';
}

/** A bit whose meaning the table explains (its description is a message). */
export type BitId = 'computing' | 'irqFact' | 'fact' | 'dma' | 'run' | 'toRam' | 'irq';

const BIT_IDS: Readonly<Record<string, BitId>> = {
  COMPUTING: 'computing',
  IRQFACT: 'irqFact',
  FACT: 'fact',
  DMA: 'dma',
  RUN: 'run',
  TO_RAM: 'toRam',
  IRQ: 'irq',
};

/** One piece of a register's decoding, as the "bits" column shows it. */
export type Chip =
  | { readonly kind: 'flag'; readonly bit: BitId; readonly name: string; readonly mask: number; readonly on: boolean }
  | { readonly kind: 'direction'; readonly toRam: boolean }
  | { readonly kind: 'version'; readonly major: number; readonly minor: number }
  /** Bits set that have no name (a raise with any value lands in the interrupt status). */
  | { readonly kind: 'other'; readonly value: bigint };

/**
 * What the register's value means: status COMPUTING / IRQFACT, interrupt status FACT / DMA (and any
 * other raised bits), DMA command RUN / direction / IRQ, the identification's version.
 */
export function decodeRegister(info: RegisterInfo, value: bigint | null): Chip[] {
  if (value === null) return [];
  if (info.offset === EduReg.Id) return [{ kind: 'version', major: Number((value >> 24n) & 0xffn), minor: Number((value >> 16n) & 0xffn) }];
  if (!info.bits) return [];
  const chips: Chip[] = [];
  let named = 0n;
  let direction: Chip | undefined;
  for (const b of info.bits) {
    named |= BigInt(b.mask);
    if (info.offset === EduReg.DmaCmd && b.mask === EduDmaCmd.ToRam) {
      direction = { kind: 'direction', toRam: (value & BigInt(b.mask)) !== 0n };
      continue;
    }
    const bit = BIT_IDS[b.name];
    if (bit) chips.push({ kind: 'flag', bit, name: b.name, mask: b.mask, on: (value & BigInt(b.mask)) !== 0n });
  }
  // The direction last: RUN and IRQ stay together when the column is narrow.
  if (direction) chips.push(direction);
  if (info.offset === EduReg.IrqStatus && (value & ~named) !== 0n) chips.push({ kind: 'other', value: value & ~named });
  return chips;
}

/** Who touched a register, as the store keeps it. */
export interface Access {
  readonly source: number;
  readonly write: boolean;
  readonly vns: number;
  readonly value: bigint;
}

/** The newest access to the register (for 64-bit registers, to either half). */
export function lastAccessOf(accesses: ReadonlyMap<number, Access>, info: RegisterInfo): Access | undefined {
  const candidates = info.width === 64 ? [accesses.get(info.offset), accesses.get(info.offset + 4)] : [accesses.get(info.offset)];
  let newest: Access | undefined;
  for (const a of candidates) if (a && (!newest || a.vns >= newest.vns)) newest = a;
  return newest;
}

export type SourceId = 'machine' | 'guest' | 'ui' | 'test' | 'device' | 'firmware' | 'unknown';

/** The trace's initiator as a name the view translates. */
export function sourceId(source: number): SourceId {
  const name = SOURCE_NAMES[source as Source];
  return (name as SourceId | undefined) ?? 'unknown';
}

/** Whether a change at `changedAt` (performance.now()) is recent enough to flash. */
export function isRecent(changedAt: number | undefined, now: number, windowMs = 1000): boolean {
  return changedAt !== undefined && now - changedAt >= 0 && now - changedAt < windowMs;
}
