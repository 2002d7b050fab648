import { Source } from '../../../common/trace/schema';
import type { GuestPlatform, NarrowSize } from '../../machine/platform';
import type { IrqSubsystem } from './irq';

/**
 * The CPU's loads, stores, `in` and `out`, as the kernel performs them: each access goes to the
 * platform, and the CPU takes any interrupt the access raised before the next one (an instruction
 * boundary), as a real CPU would.
 */
export class CpuIo {
  constructor(
    private readonly platform: GuestPlatform,
    private readonly irq: IrqSubsystem,
  ) {}

  read(addr: number, size: NarrowSize): number {
    const value = this.platform.memory.read(addr, size, Source.Guest);
    this.irq.poll();
    return value;
  }

  write(addr: number, size: NarrowSize, value: number): void {
    this.platform.memory.write(addr, size, value, Source.Guest);
    this.irq.poll();
  }

  read64(addr: number): bigint {
    const value = this.platform.memory.read64(addr, Source.Guest);
    this.irq.poll();
    return value;
  }

  write64(addr: number, value: bigint): void {
    this.platform.memory.write64(addr, value, Source.Guest);
    this.irq.poll();
  }

  readBytes(addr: bigint, length: number): Uint8Array {
    const bytes = this.platform.memory.readBytes(addr, length, Source.Guest);
    this.irq.poll();
    return bytes;
  }

  writeBytes(addr: bigint, data: Uint8Array): void {
    this.platform.memory.writeBytes(addr, data, Source.Guest);
    this.irq.poll();
  }

  in(port: number, size: NarrowSize): number {
    const value = this.platform.io.read(port, size, Source.Guest);
    this.irq.poll();
    return value;
  }

  out(port: number, size: NarrowSize, value: number): void {
    this.platform.io.write(port, size, value, Source.Guest);
    this.irq.poll();
  }
}

/** A mapped MMIO range (what ioremap/pci_iomap return): register accesses at offsets. */
export class IoMapping {
  constructor(
    private readonly io: CpuIo,
    readonly base: number,
    readonly size: number,
  ) {}

  readl(offset: number): number {
    return this.io.read(this.base + offset, 4);
  }
  writel(offset: number, value: number): void {
    this.io.write(this.base + offset, 4, value);
  }
  readq(offset: number): bigint {
    return this.io.read64(this.base + offset);
  }
  writeq(offset: number, value: bigint): void {
    this.io.write64(this.base + offset, value);
  }
}
