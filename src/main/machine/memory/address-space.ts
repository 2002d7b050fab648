import type { Source } from '../../../common/trace/schema';
import type { GuestRam } from './guest-ram';
import type { MmioRegion, NarrowSize } from './region';

interface Mapping {
  readonly base: number;
  readonly end: number; // exclusive
  readonly region: MmioRegion;
}

/** Addresses past this cannot be represented exactly as a JS number: they decode to nothing. */
const MAX_ADDRESS = Number.MAX_SAFE_INTEGER;

/** The widest naturally aligned access of at most 4 bytes that starts at `addr` and fits in `remaining`. */
function pieceSize(addr: number, remaining: number): NarrowSize {
  if (remaining >= 4 && addr % 4 === 0) return 4;
  if (remaining >= 2 && addr % 2 === 0) return 2;
  return 1;
}

/**
 * The physical address space as seen by the CPU and by bus-mastering devices: RAM from address 0, and
 * MMIO regions mapped elsewhere (PCI BARs, the MSI window). Accesses that hit nothing read 0 and are
 * dropped, as on a PC. An access must fall inside one region; one that straddles a boundary decodes to
 * nothing. Software may place a BAR anywhere: where it overlaps RAM, RAM wins; where two regions
 * overlap, the one mapped first wins.
 */
export class AddressSpace {
  private mappings: Mapping[] = [];
  private lastHit: Mapping | undefined;
  /** Whether any two regions overlap; then the last-hit shortcut could pick the wrong one. */
  private overlapping = false;

  constructor(
    readonly name: string,
    readonly ram: GuestRam,
  ) {}

  map(base: number, region: MmioRegion): void {
    if (!Number.isSafeInteger(base) || base < 0) throw new RangeError(`bad base address ${base}`);
    if (this.mappings.some((m) => m.region === region)) throw new Error(`${region.name} is already mapped`);
    this.mappings.push({ base, end: base + region.size, region });
    this.mappingsChanged();
  }

  unmap(region: MmioRegion): void {
    this.mappings = this.mappings.filter((m) => m.region !== region);
    this.mappingsChanged();
  }

  /** Where a region is mapped, if it is. */
  baseOf(region: MmioRegion): number | undefined {
    return this.mappings.find((m) => m.region === region)?.base;
  }

  /** The regions currently mapped, in address order (for /proc/iomem and the UI). */
  regions(): { base: number; size: number; name: string }[] {
    return this.mappings
      .map((m) => ({ base: m.base, size: m.region.size, name: m.region.name }))
      .sort((a, b) => a.base - b.base);
  }

  read(addr: number, size: NarrowSize, source: Source): number {
    if (this.ram.contains(addr, size)) return this.ram.read(addr, size);
    const m = this.find(addr, size);
    return m ? m.region.read(addr - m.base, size, source) : 0;
  }

  write(addr: number, size: NarrowSize, value: number, source: Source): void {
    if (this.ram.contains(addr, size)) return this.ram.write(addr, size, value);
    const m = this.find(addr, size);
    if (m) m.region.write(addr - m.base, size, value, source);
  }

  read64(addr: number, source: Source): bigint {
    if (this.ram.contains(addr, 8)) return this.ram.read64(addr);
    const m = this.find(addr, 8);
    return m ? m.region.read64(addr - m.base, source) : 0n;
  }

  write64(addr: number, value: bigint, source: Source): void {
    if (this.ram.contains(addr, 8)) return this.ram.write64(addr, value);
    const m = this.find(addr, 8);
    if (m) m.region.write64(addr - m.base, value, source);
  }

  /**
   * Bulk read for DMA. Outside RAM the bytes come through the regions as the widest naturally aligned
   * accesses of up to 4 bytes (as QEMU's memory core splits them); unassigned bytes read 0.
   */
  readBytes(addr: bigint, length: number, source: Source): Uint8Array {
    const a = Number(addr);
    if (addr <= BigInt(MAX_ADDRESS) && this.ram.contains(a, length)) return this.ram.readBytes(a, length);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; ) {
      const pieceAddr = addr + BigInt(i);
      if (pieceAddr > BigInt(MAX_ADDRESS)) break;
      const size = pieceSize(Number(pieceAddr), length - i);
      const value = this.read(Number(pieceAddr), size, source);
      for (let b = 0; b < size; b++) out[i + b] = (value >>> (8 * b)) & 0xff;
      i += size;
    }
    return out;
  }

  /**
   * Bulk write for DMA, with the same decoding as readBytes. A device's 4-byte store (an MSI message)
   * thus reaches a region as one dword write, not as four byte writes the region may ignore.
   */
  writeBytes(addr: bigint, data: Uint8Array, source: Source): void {
    const a = Number(addr);
    if (addr <= BigInt(MAX_ADDRESS) && this.ram.contains(a, data.length)) return this.ram.writeBytes(a, data);
    for (let i = 0; i < data.length; ) {
      const pieceAddr = addr + BigInt(i);
      if (pieceAddr > BigInt(MAX_ADDRESS)) break;
      const size = pieceSize(Number(pieceAddr), data.length - i);
      let value = 0;
      for (let b = size - 1; b >= 0; b--) value = value * 256 + data[i + b]!;
      this.write(Number(pieceAddr), size, value, source);
      i += size;
    }
  }

  private mappingsChanged(): void {
    this.lastHit = undefined;
    this.overlapping = this.mappings.some((a, i) => this.mappings.some((b, j) => i !== j && a.base < b.end && b.base < a.end));
  }

  private find(addr: number, size: number): Mapping | undefined {
    const hit = this.lastHit;
    if (hit && !this.overlapping && addr >= hit.base && addr + size <= hit.end) return hit;
    for (const m of this.mappings) {
      if (addr >= m.base && addr + size <= m.end) {
        this.lastHit = m;
        return m;
      }
    }
    return undefined;
  }
}
