import type { GuestPlatform } from '../../machine/platform';
import { Cpu } from './cpu';
import { KernelError } from './errors';
import { CpuIo } from './io';
import { IrqSubsystem } from './irq';
import { DmaBuffer, PageAllocator } from './mm';
import { ModuleLoader } from './modules';
import { PciCore, type PciDev } from './pci';
import { KernelLog, LogLevel } from './printk';
import { createProcfs } from './procfs';
import { Resource } from './resource';
import { createSysfs } from './sysfs';
import { KernelTimers, KernelWait } from './time';
import { Directory, Vfs } from './vfs';
import { createDevfs } from './devfs';

export const KERNEL_RELEASE = '6.1.0-edu-lab';
export const KERNEL_VERSION = '#1 SMP PREEMPT_DYNAMIC';

/** Where kernel messages reach the serial console. */
export type ConsoleWriter = (text: string) => void;

/**
 * The guest kernel: the subsystems a driver and the tools rely on, composed at boot. It touches the
 * machine only through the platform (port I/O, memory, interrupts, the clock).
 */
export class Kernel {
  readonly release = KERNEL_RELEASE;
  readonly hostname = 'edu-lab';
  readonly version = KERNEL_VERSION;
  readonly bootNs: number;
  readonly cpu: Cpu;
  readonly log: KernelLog;
  readonly irq: IrqSubsystem;
  readonly io: CpuIo;
  readonly timers: KernelTimers;
  readonly wait: KernelWait;
  readonly pages: PageAllocator;
  readonly iomem = new Resource(0, 0xffffffff, 'PCI mem');
  readonly ioports = new Resource(0, 0xffff, 'PCI IO');
  readonly pci: PciCore;
  readonly modules: ModuleLoader;
  readonly vfs: Vfs;
  /** /dev: drivers add their device nodes here. */
  readonly dev: Directory;

  private constructor(
    readonly platform: GuestPlatform,
    console: ConsoleWriter,
  ) {
    this.bootNs = platform.now();
    this.cpu = new Cpu(platform);
    this.log = new KernelLog(platform, this.bootNs, console);
    this.irq = new IrqSubsystem(platform, this.cpu, this.log);
    this.io = new CpuIo(platform, this.irq);
    this.timers = new KernelTimers(platform);
    this.wait = new KernelWait(this.cpu, this.timers);
    this.pages = new PageAllocator(platform.ramSize);
    this.pci = new PciCore(this.io, this.irq, this.log, this.iomem);
    this.modules = new ModuleLoader(this.log);
    this.dev = createDevfs(this.io);
    this.vfs = new Vfs(
      new Directory()
        .add('proc', createProcfs(this))
        .add('sys', createSysfs(this))
        .add('dev', this.dev)
        .add('root', new Directory())
        .add('etc', new Directory()),
    );
  }

  /** Start the kernel: memory map, PCI enumeration, then quiet down the console for the shell. */
  static boot(platform: GuestPlatform, console: ConsoleWriter): Kernel {
    const k = new Kernel(platform, console);
    k.log.info(`Linux version ${k.release} (root@edu-lab) (gcc 12.2.0) ${k.version}`);
    k.log.info('Command line: console=ttyS0 quiet');
    k.log.info(`Memory: ${Math.floor(platform.ramSize / 1024)}K/${Math.floor(platform.ramSize / 1024)}K available`);
    k.mapResources();
    k.pci.scan();
    k.log.info('Serial: 8250/16550 driver, 1 ports, IRQ sharing enabled');
    k.log.info('serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A');
    k.log.info('Run /sbin/init as init process');
    // From here on only warnings and worse interrupt the learner's console.
    k.log.consoleLevel = LogLevel.Warning;
    return k;
  }

  /** dma_alloc_coherent(): memory the device can reach under its DMA mask, zeroed. */
  dmaAllocCoherent(dev: PciDev, size: number): DmaBuffer {
    if (!Number.isInteger(size) || size <= 0) throw new KernelError('EINVAL', 'bad DMA buffer size');
    const reach = dev.dmaMask >= BigInt(this.pages.ramSize) ? this.pages.ramSize : Number(dev.dmaMask) + 1;
    const addr = this.pages.alloc(size, reach);
    const buffer = new DmaBuffer(this.io, this.pages, BigInt(addr), size);
    buffer.write(new Uint8Array(size));
    return buffer;
  }

  /** Stop taking interrupts and cancel timers (reboot, shutdown). */
  shutdown(): void {
    this.irq.stop();
    this.timers.dispose();
    this.cpu.dispose();
  }

  private mapResources(): void {
    const ram = this.platform.ramSize;
    this.iomem.claim(0, 0xfff, 'Reserved');
    this.iomem.claim(0x1000, 0x9fbff, 'System RAM');
    this.iomem.claim(0xa0000, 0xbffff, 'PCI Bus 0000:00');
    this.iomem.claim(0xf0000, 0xfffff, 'Reserved');
    const systemRam = this.iomem.claim(0x100000, ram - 1, 'System RAM');
    systemRam.claim(0x1000000, 0x1ffffff, 'Kernel code');
    const window = this.platform.board.pciMmioWindow;
    this.iomem.claim(window.start, window.end - 1, 'PCI Bus 0000:00');
    this.iomem.claim(0xfec00000, 0xfec003ff, 'IOAPIC 0');
    this.iomem.claim(this.platform.board.msiAddressBase, this.platform.board.msiAddressBase + 0xfff, 'Local APIC');
    this.ioports.claim(0x0000, 0x0cf7, 'PCI Bus 0000:00').claim(0x3f8, 0x3ff, 'serial');
    this.ioports.claim(0x0cf8, 0x0cff, 'PCI conf1');
    this.ioports.claim(0x0d00, 0xffff, 'PCI Bus 0000:00');
  }
}
