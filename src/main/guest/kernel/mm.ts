import { KernelError } from './errors';
import type { CpuIo } from './io';

export const PAGE_SIZE = 4096;
/** The first 16 MiB hold the firmware area and the kernel image: never handed out. */
const RESERVED_LOW = 16 * 1024 * 1024;

/**
 * Physical page allocator over guest RAM. Allocations are contiguous and come from the top of the
 * memory a caller may use (below a DMA mask, say), as Linux's allocators tend to: a driver that forgets
 * its DMA mask gets high memory, where the device cannot reach it.
 */
export class PageAllocator {
  private readonly used: Uint8Array;

  constructor(readonly ramSize: number) {
    this.used = new Uint8Array(Math.floor(ramSize / PAGE_SIZE));
    this.used.fill(1, 0, Math.min(this.used.length, RESERVED_LOW / PAGE_SIZE));
  }

  get totalBytes(): number {
    return this.ramSize;
  }

  get freeBytes(): number {
    let free = 0;
    for (const u of this.used) if (!u) free++;
    return free * PAGE_SIZE;
  }

  /** Allocate `bytes` of contiguous memory ending at or below `limit` (exclusive). Returns its address. */
  alloc(bytes: number, limit = this.ramSize): number {
    const pages = Math.max(1, Math.ceil(bytes / PAGE_SIZE));
    const top = Math.min(this.used.length, Math.floor(limit / PAGE_SIZE));
    let run = 0;
    for (let p = top - 1; p >= 0; p--) {
      run = this.used[p] ? 0 : run + 1;
      if (run === pages) {
        this.used.fill(1, p, p + pages);
        return p * PAGE_SIZE;
      }
    }
    throw new KernelError('ENOMEM');
  }

  free(addr: number, bytes: number): void {
    const first = Math.floor(addr / PAGE_SIZE);
    this.used.fill(0, first, first + Math.max(1, Math.ceil(bytes / PAGE_SIZE)));
  }
}

/** Memory shared by CPU and device (dma_alloc_coherent): the device sees `dma`, the CPU reads and writes it. */
export class DmaBuffer {
  private freed = false;

  constructor(
    private readonly io: CpuIo,
    private readonly pages: PageAllocator,
    /** The bus address the device uses (equal to the physical address: no IOMMU). */
    readonly dma: bigint,
    readonly size: number,
  ) {}

  read(offset = 0, length = this.size - offset): Uint8Array {
    this.check(offset, length);
    return this.io.readBytes(this.dma + BigInt(offset), length);
  }

  write(data: Uint8Array, offset = 0): void {
    this.check(offset, data.length);
    this.io.writeBytes(this.dma + BigInt(offset), data);
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.pages.free(Number(this.dma), this.size);
  }

  private check(offset: number, length: number): void {
    if (this.freed) throw new KernelError('EINVAL', 'DMA buffer used after free');
    if (offset < 0 || length < 0 || offset + length > this.size) throw new KernelError('EINVAL', 'outside the DMA buffer');
  }
}
