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
 * What the memory core accepts for a region (QEMU's MemoryRegionOps .valid). An access reaches the
 * region in pieces, as QEMU's address space cuts it: no piece wider than `validMax`, and without
 * `unaligned` none wider than the alignment of its address (8 bytes at 0x04 arrive as 4 at 0x04 and 4
 * at 0x08). A piece the rules reject never reaches the device: it reads 0 and its write is dropped.
 */
export interface AccessRules {
  readonly validMin: AccessSize;
  readonly validMax: AccessSize;
  readonly unaligned: boolean;
}

/**
 * A device's register handlers. The 64-bit handlers are needed when `validMax` is 8. Writes carry
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
 * When traced, every piece that reaches the region (accepted or not) is recorded with its initiator,
 * and one access with all its effects is one instant.
 */
export class MmioRegion {
  constructor(
    readonly name: string,
    readonly size: number,
    private readonly ops: MmioOps,
    public rules: AccessRules,
    private readonly tracer?: Tracer,
  ) {}

  /** Whether one piece passes the rules: a size in [validMin, validMax], aligned, inside the region. */
  isValid(offset: number, size: AccessSize): boolean {
    const r = this.rules;
    if (size < r.validMin || size > r.validMax) return false;
    if (!r.unaligned && offset % size !== 0) return false;
    return offset >= 0 && offset + size <= this.size;
  }

  /** The size of the piece the memory core sends for `remaining` bytes at `offset` (QEMU's memory_access_size). */
  pieceSize(offset: number, remaining: number): AccessSize {
    let size = Math.min(remaining, this.rules.validMax);
    if (!this.rules.unaligned) {
      const alignment = offset & -offset;
      if (alignment !== 0 && alignment < size) size = alignment;
    }
    return size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
  }

  read(offset: number, size: NarrowSize, source: Source): number {
    const t = this.tracer;
    t?.begin();
    try {
      if (this.pieceSize(offset, size) === size) return this.readPiece(offset, size, source);
      let value = 0;
      for (let done = 0; done < size; ) {
        const piece = this.pieceSize(offset + done, size - done) as NarrowSize;
        value += this.readPiece(offset + done, piece, source) * 2 ** (8 * done);
        done += piece;
      }
      return value >>> 0;
    } finally {
      t?.end();
    }
  }

  write(offset: number, size: NarrowSize, value: number, source: Source): void {
    const t = this.tracer;
    t?.begin();
    try {
      if (this.pieceSize(offset, size) === size) return this.writePiece(offset, size, value >>> 0, source);
      for (let done = 0; done < size; ) {
        const piece = this.pieceSize(offset + done, size - done) as NarrowSize;
        this.writePiece(offset + done, piece, (Math.floor(value / 2 ** (8 * done)) & allOnes(piece)) >>> 0, source);
        done += piece;
      }
    } finally {
      t?.end();
    }
  }

  read64(offset: number, source: Source): bigint {
    const t = this.tracer;
    t?.begin();
    try {
      if (this.pieceSize(offset, 8) === 8) return this.readPiece64(offset, source);
      let value = 0n;
      for (let done = 0; done < 8; ) {
        const piece = this.pieceSize(offset + done, 8 - done) as NarrowSize;
        value |= BigInt(this.readPiece(offset + done, piece, source)) << BigInt(8 * done);
        done += piece;
      }
      return value;
    } finally {
      t?.end();
    }
  }

  write64(offset: number, value: bigint, source: Source): void {
    const t = this.tracer;
    t?.begin();
    try {
      value = BigInt.asUintN(64, value);
      if (this.pieceSize(offset, 8) === 8) return this.writePiece64(offset, value, source);
      for (let done = 0; done < 8; ) {
        const piece = this.pieceSize(offset + done, 8 - done) as NarrowSize;
        this.writePiece(offset + done, piece, Number((value >> BigInt(8 * done)) & BigInt(allOnes(piece))), source);
        done += piece;
      }
    } finally {
      t?.end();
    }
  }

  private readPiece(offset: number, size: NarrowSize, source: Source): number {
    const valid = this.isValid(offset, size);
    // The memory core keeps only the bytes of the piece, whatever the handler returns.
    const value = valid ? (this.ops.read(offset, size) & allOnes(size)) >>> 0 : 0;
    this.tracer?.event(EventKind.MmioRead, source, offset, size, valid ? 0 : EventFlag.Invalid, value);
    return value;
  }

  private writePiece(offset: number, size: NarrowSize, value: number, source: Source): void {
    const valid = this.isValid(offset, size);
    this.tracer?.event(EventKind.MmioWrite, source, offset, size, valid ? 0 : EventFlag.Invalid, value);
    if (valid) this.ops.write(offset, size, value, source);
  }

  private readPiece64(offset: number, source: Source): bigint {
    const valid = this.isValid(offset, 8) && this.ops.read64 !== undefined;
    const value = valid ? BigInt.asUintN(64, this.ops.read64!(offset)) : 0n;
    this.tracer?.event64(EventKind.MmioRead, source, offset, 8, valid ? 0 : EventFlag.Invalid, value);
    return value;
  }

  private writePiece64(offset: number, value: bigint, source: Source): void {
    const valid = this.isValid(offset, 8) && this.ops.write64 !== undefined;
    this.tracer?.event64(EventKind.MmioWrite, source, offset, 8, valid ? 0 : EventFlag.Invalid, value);
    if (valid) this.ops.write64!(offset, value, source);
  }
}
