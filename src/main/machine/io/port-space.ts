import type { Source } from '../../../common/trace/schema';
import { allOnes, type NarrowSize } from '../memory/region';

export interface PortHandler {
  read(port: number, size: NarrowSize, source: Source): number;
  write(port: number, size: NarrowSize, value: number, source: Source): void;
}

interface Claim {
  readonly base: number;
  readonly end: number; // exclusive
  readonly name: string;
  readonly handler: PortHandler;
}

/**
 * The x86 I/O port space (`in`/`out`): 64 KiB of ports. Unclaimed ports read all ones and drop writes.
 * An access that falls inside one claim reaches its handler whole, aligned or not.
 */
export class IoPortSpace {
  private readonly claims: Claim[] = [];

  claim(base: number, length: number, name: string, handler: PortHandler): void {
    if (base < 0 || length <= 0 || base + length > 0x10000) throw new RangeError(`bad port range for ${name}`);
    for (const c of this.claims) {
      if (base < c.end && c.base < base + length) throw new RangeError(`ports of ${name} overlap ${c.name}`);
    }
    this.claims.push({ base, end: base + length, name, handler });
    this.claims.sort((a, b) => a.base - b.base);
  }

  /** Claimed ranges in port order (for /proc/ioports). */
  ranges(): { base: number; length: number; name: string }[] {
    return this.claims.map((c) => ({ base: c.base, length: c.end - c.base, name: c.name }));
  }

  read(port: number, size: NarrowSize, source: Source): number {
    if (this.straddles(port, size)) {
      let value = 0;
      for (const piece of this.pieces(port, size)) {
        value += this.read(piece.port, piece.size, source) * 2 ** (8 * (piece.port - port));
      }
      return value >>> 0;
    }
    const c = this.claimFor(port);
    return c ? c.handler.read(port, size, source) >>> 0 : allOnes(size);
  }

  write(port: number, size: NarrowSize, value: number, source: Source): void {
    if (this.straddles(port, size)) {
      for (const piece of this.pieces(port, size)) {
        const shift = 8 * (piece.port - port);
        this.write(piece.port, piece.size, Math.floor((value >>> 0) / 2 ** shift) % 2 ** (8 * piece.size), source);
      }
      return;
    }
    this.claimFor(port)?.handler.write(port, size, value >>> 0, source);
  }

  private claimFor(port: number): Claim | undefined {
    return this.claims.find((c) => port >= c.base && port < c.end);
  }

  /** Whether the access covers ports of more than one claim (or of a claim and unclaimed ports). */
  private straddles(port: number, size: number): boolean {
    const last = port + size - 1;
    return this.claimFor(port) !== this.claimFor(last) || this.claims.some((c) => c.base > port && c.base <= last);
  }

  /**
   * An access that straddles a boundary is split as QEMU's dispatch splits it: into naturally aligned
   * pieces of up to 4 bytes that each stay on one side of every boundary (`inl 0xcfd` reads three bytes
   * of configuration data and one unclaimed port).
   */
  private pieces(port: number, size: number): { port: number; size: NarrowSize }[] {
    const out: { port: number; size: NarrowSize }[] = [];
    for (let at = port; at < port + size; ) {
      const claim = this.claimFor(at);
      const next = claim ? claim.end : Math.min(port + size, ...this.claims.filter((c) => c.base > at).map((c) => c.base));
      const room = Math.min(port + size, next) - at;
      const piece: NarrowSize = room >= 4 && at % 4 === 0 ? 4 : room >= 2 && at % 2 === 0 ? 2 : 1;
      out.push({ port: at, size: piece });
      at += piece;
    }
    return out;
  }
}
