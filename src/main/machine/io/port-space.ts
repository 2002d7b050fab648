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

/** The x86 I/O port space (`in`/`out`): 64 KiB of ports. Unclaimed ports read all ones and drop writes. */
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
    const c = this.claimFor(port);
    return c ? c.handler.read(port, size, source) >>> 0 : allOnes(size);
  }

  write(port: number, size: NarrowSize, value: number, source: Source): void {
    this.claimFor(port)?.handler.write(port, size, value >>> 0, source);
  }

  private claimFor(port: number): Claim | undefined {
    return this.claims.find((c) => port >= c.base && port < c.end);
  }
}
