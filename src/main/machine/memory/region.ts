import { EventFlag, EventKind, type Source } from '../../../common/trace/schema';
import type { Tracer } from '../trace';

export type AccessSize = 1 | 2 | 4 | 8;
export type NarrowSize = 1 | 2 | 4;

export function isAccessSize(n: unknown): n is AccessSize {
  return n === 1 || n === 2 || n === 4 || n === 8;
}

/** All ones for an access of `size` bytes (4 or fewer). */
export function allOnes(size: NarrowSize): number {
  return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
}

/**
 * What the memory core accepts for a region (QEMU's MemoryRegionOps .valid and .impl).
 * An access the rules reject never reaches the device: a read returns 0, a write is dropped.
 * An accepted access wider than `implMax` reaches the handlers as little-endian pieces of `implMax` bytes.
 */
export interface AccessRules {
  readonly validMin: AccessSize;
  readonly validMax: AccessSize;
  readonly unaligned: boolean;
  readonly implMax: 4 | 8;
}

/**
 * A device's register handlers. 64-bit handlers are needed only when `implMax` is 8. Writes carry
 * their initiator (QEMU's MemTxAttrs requester), so a device can say who caused what.
 */
export interface MmioOps {
  read(offset: number, size: NarrowSize): number;
  write(offset: number, size: NarrowSize, value: number, source: Source): void;
  read64?(offset: number): bigint;
  write64?(offset: number, value: bigint, source: Source): void;
}

/**
 * An I/O memory region: `size` bytes of registers behind `ops`, with the memory core's access rules.
 * When traced, every access (accepted or not) is recorded with its initiator.
 */
export class MmioRegion {
  constructor(
    readonly name: string,
    readonly size: number,
    private readonly ops: MmioOps,
    public rules: AccessRules,
    private readonly tracer?: Tracer,
  ) {}

  isValid(offset: number, size: AccessSize): boolean {
    const r = this.rules;
    if (size < r.validMin || size > r.validMax) return false;
    if (!r.unaligned && offset % size !== 0) return false;
    return offset >= 0 && offset + size <= this.size;
  }

  read(offset: number, size: NarrowSize, source: Source): number {
    const valid = this.isValid(offset, size);
    const value = valid ? this.ops.read(offset, size) >>> 0 : 0;
    this.tracer?.event(EventKind.MmioRead, source, offset, size, valid ? 0 : EventFlag.Invalid, value);
    return value;
  }

  write(offset: number, size: NarrowSize, value: number, source: Source): void {
    const valid = this.isValid(offset, size);
    this.tracer?.event(EventKind.MmioWrite, source, offset, size, valid ? 0 : EventFlag.Invalid, value);
    if (valid) this.ops.write(offset, size, value >>> 0, source);
  }

  read64(offset: number, source: Source): bigint {
    const valid = this.isValid(offset, 8);
    let value = 0n;
    if (valid) {
      if (this.rules.implMax === 8 && this.ops.read64) value = BigInt.asUintN(64, this.ops.read64(offset));
      else value = BigInt(this.ops.read(offset, 4) >>> 0) | (BigInt(this.ops.read(offset + 4, 4) >>> 0) << 32n);
    }
    this.tracer?.event64(EventKind.MmioRead, source, offset, 8, valid ? 0 : EventFlag.Invalid, value);
    return value;
  }

  write64(offset: number, value: bigint, source: Source): void {
    const valid = this.isValid(offset, 8);
    value = BigInt.asUintN(64, value);
    this.tracer?.event64(EventKind.MmioWrite, source, offset, 8, valid ? 0 : EventFlag.Invalid, value);
    if (!valid) return;
    if (this.rules.implMax === 8 && this.ops.write64) {
      this.ops.write64(offset, value, source);
    } else {
      this.ops.write(offset, 4, Number(value & 0xffffffffn), source);
      this.ops.write(offset + 4, 4, Number(value >> 32n), source);
    }
  }
}
