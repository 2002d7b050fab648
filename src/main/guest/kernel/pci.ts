import {
  formatBdf,
  MsiFlags,
  MsiReg,
  PCI_CONFIG_ADDRESS_PORT,
  PCI_CONFIG_DATA_PORT,
  PCI_NUM_BARS,
  PciBarBits,
  PciCapId,
  PciCommand,
  PciReg,
} from '../../../common/pci';
import type { NarrowSize } from '../../machine/platform';
import { ERRNO_NUMBER, KernelError } from './errors';
import { IoMapping, type CpuIo } from './io';
import type { IrqSubsystem } from './irq';
import type { KernelLog } from './printk';
import type { Resource } from './resource';

export interface PciBar {
  readonly index: number;
  readonly start: number;
  readonly size: number;
  readonly io: boolean;
  readonly prefetch: boolean;
  readonly is64: boolean;
}

/** A PCI function as the kernel knows it (struct pci_dev). */
export class PciDev {
  readonly bars: (PciBar | undefined)[] = new Array(PCI_NUM_BARS).fill(undefined);
  /** The device's own entry in /proc/iomem, under which drivers claim its BARs. */
  readonly barResources: (Resource | undefined)[] = new Array(PCI_NUM_BARS).fill(undefined);
  enableCount = 0;
  dmaMask = 0xffffffffn;
  /** Interrupt line from config space (what `irq` in sysfs shows while MSI is off). */
  legacyIrq = 0;
  msiIrq: number | undefined;
  driver: PciDriver | undefined;
  driverData: unknown;

  constructor(
    readonly slot: number,
    readonly fn: number,
    readonly vendor: number,
    readonly device: number,
    readonly classCode: number,
    readonly revision: number,
    readonly subsystemVendor: number,
    readonly subsystemDevice: number,
    readonly pin: number,
    readonly msiCap: number,
  ) {}

  get devfn(): number {
    return (this.slot << 3) | this.fn;
  }
  /** `0000:00:04.0` */
  get name(): string {
    return `0000:${formatBdf({ bus: 0, slot: this.slot, fn: this.fn })}`;
  }
  /** The irq a driver should request: the MSI irq once enabled, else the INTx line. */
  get irq(): number {
    return this.msiIrq ?? this.legacyIrq;
  }
}

export interface PciDriver {
  readonly name: string;
  readonly ids: readonly { readonly vendor: number; readonly device: number }[];
  probe(dev: PciDev): void | Promise<void>;
  remove(dev: PciDev): void | Promise<void>;
}

/** How a driver wants its interrupt (pci_alloc_irq_vectors flags). */
export interface IrqVectorFlags {
  readonly msi: boolean;
  readonly intx: boolean;
}

const CONFIG_ENABLE = 0x80000000;

/**
 * The kernel's PCI core: it finds functions through configuration mechanism #1, sizes their BARs,
 * keeps them in /proc/iomem, and gives drivers the usual calls (enable, bus mastering, DMA mask,
 * region claims, iomap, MSI or INTx vectors).
 */
export class PciCore {
  private readonly devs: PciDev[] = [];
  private readonly drivers: PciDriver[] = [];

  constructor(
    private readonly io: CpuIo,
    private readonly irq: IrqSubsystem,
    private readonly log: KernelLog,
    private readonly iomem: Resource,
  ) {}

  devices(): readonly PciDev[] {
    return this.devs;
  }

  find(slot: number, fn = 0): PciDev | undefined {
    return this.devs.find((d) => d.slot === slot && d.fn === fn);
  }

  // ---- configuration space --------------------------------------------------------------------

  configRead(dev: { slot: number; fn: number }, offset: number, size: NarrowSize): number {
    checkConfigAccess(offset, size);
    this.io.out(PCI_CONFIG_ADDRESS_PORT, 4, (CONFIG_ENABLE | (dev.slot << 11) | (dev.fn << 8) | (offset & 0xfc)) >>> 0);
    return this.io.in(PCI_CONFIG_DATA_PORT + (offset & 3), size);
  }

  configWrite(dev: { slot: number; fn: number }, offset: number, size: NarrowSize, value: number): void {
    checkConfigAccess(offset, size);
    this.io.out(PCI_CONFIG_ADDRESS_PORT, 4, (CONFIG_ENABLE | (dev.slot << 11) | (dev.fn << 8) | (offset & 0xfc)) >>> 0);
    this.io.out(PCI_CONFIG_DATA_PORT + (offset & 3), size, value);
  }

  // ---- enumeration ----------------------------------------------------------------------------

  /** Scan bus 0 and log what is found, as Linux does at boot. */
  scan(): void {
    this.log.info('PCI: Using configuration type 1 for base access');
    this.log.info('PCI host bridge to bus 0000:00');
    for (let slot = 0; slot < 32; slot++) {
      const id = this.configRead({ slot, fn: 0 }, PciReg.VendorId, 4);
      if ((id & 0xffff) === 0xffff) continue;
      const dev = this.probeFunction(slot, id);
      this.devs.push(dev);
    }
  }

  private probeFunction(slot: number, id: number): PciDev {
    const at = { slot, fn: 0 };
    const classRev = this.configRead(at, PciReg.RevisionId, 4);
    const sub = this.configRead(at, PciReg.SubsystemVendorId, 4);
    const pin = this.configRead(at, PciReg.InterruptPin, 1);
    const status = this.configRead(at, PciReg.Status, 2);
    const msiCap = status & 0x10 ? this.findCapability(at, PciCapId.Msi) : 0;
    const dev = new PciDev(slot, 0, id & 0xffff, id >>> 16, classRev >>> 8, classRev & 0xff, sub & 0xffff, sub >>> 16, pin, msiCap);
    dev.legacyIrq = pin ? this.configRead(at, PciReg.InterruptLine, 1) : 0;
    const hex4 = (n: number) => n.toString(16).padStart(4, '0');
    this.log.info(`pci ${dev.name}: [${hex4(dev.vendor)}:${hex4(dev.device)}] type 00 class 0x${dev.classCode.toString(16).padStart(6, '0')}`);
    this.sizeBars(dev);
    return dev;
  }

  private findCapability(at: { slot: number; fn: number }, id: number): number {
    let ptr = this.configRead(at, PciReg.CapabilityList, 1) & 0xfc;
    for (let hops = 0; ptr && hops < 48; hops++) {
      if (this.configRead(at, ptr, 1) === id) return ptr;
      ptr = this.configRead(at, ptr + 1, 1) & 0xfc;
    }
    return 0;
  }

  /** Read each BAR and size it (decoding off while the all-ones probe is in place), as Linux does. */
  private sizeBars(dev: PciDev): void {
    const command = this.configRead(dev, PciReg.Command, 2);
    this.configWrite(dev, PciReg.Command, 2, command & ~(PciCommand.Memory | PciCommand.Io));
    for (let i = 0; i < PCI_NUM_BARS; i++) {
      const reg = PciReg.Bar0 + 4 * i;
      const original = this.configRead(dev, reg, 4);
      this.configWrite(dev, reg, 4, 0xffffffff);
      const probe = this.configRead(dev, reg, 4);
      this.configWrite(dev, reg, 4, original);
      if (probe === 0 || probe === 0xffffffff) continue;
      const io = (original & PciBarBits.SpaceIo) !== 0;
      const mask = io ? PciBarBits.IoMask : PciBarBits.MemMask;
      const size = ((~(probe & mask) >>> 0) + 1) >>> 0;
      const start = (original & mask) >>> 0;
      const bar: PciBar = { index: i, start, size, io, prefetch: !io && (original & PciBarBits.MemPrefetch) !== 0, is64: false };
      dev.bars[i] = bar;
      const end = start + size - 1;
      const kind = io ? 'io' : 'mem';
      this.log.info(`pci ${dev.name}: reg 0x${reg.toString(16)}: [${kind} 0x${start.toString(16).padStart(8, '0')}-0x${end.toString(16).padStart(8, '0')}]`);
      if (!io && start) dev.barResources[i] = this.iomem.claim(start, end, dev.name);
    }
    this.configWrite(dev, PciReg.Command, 2, command);
  }

  // ---- drivers --------------------------------------------------------------------------------

  async registerDriver(driver: PciDriver): Promise<number> {
    this.drivers.push(driver);
    let bound = 0;
    for (const dev of this.devs) {
      if (dev.driver || !driver.ids.some((id) => id.vendor === dev.vendor && id.device === dev.device)) continue;
      dev.driver = driver;
      try {
        await driver.probe(dev);
        bound++;
      } catch (error) {
        dev.driver = undefined;
        const e = error;
        this.log.warn(`${driver.name}: probe of ${dev.name} failed with error -${e instanceof KernelError ? ERRNO_NUMBER[e.errno] : 5}`);
      }
    }
    return bound;
  }

  async unregisterDriver(driver: PciDriver): Promise<void> {
    for (const dev of this.devs) {
      if (dev.driver !== driver) continue;
      await driver.remove(dev);
      dev.driver = undefined;
      dev.driverData = undefined;
    }
    const i = this.drivers.indexOf(driver);
    if (i >= 0) this.drivers.splice(i, 1);
  }

  // ---- what drivers call ------------------------------------------------------------------------

  enableDevice(dev: PciDev): void {
    if (dev.enableCount++ > 0) return;
    let bits = 0;
    for (const bar of dev.bars) if (bar) bits |= bar.io ? PciCommand.Io : PciCommand.Memory;
    const command = this.configRead(dev, PciReg.Command, 2);
    if ((command & bits) !== bits) {
      this.log.info(`${dev.driver?.name ?? 'pci'} ${dev.name}: enabling device (${hex4(command)} -> ${hex4(command | bits)})`);
      this.configWrite(dev, PciReg.Command, 2, command | bits);
    }
  }

  disableDevice(dev: PciDev): void {
    if (dev.enableCount === 0 || --dev.enableCount > 0) return;
    this.clearMaster(dev);
  }

  setMaster(dev: PciDev): void {
    const command = this.configRead(dev, PciReg.Command, 2);
    if (!(command & PciCommand.Master)) this.configWrite(dev, PciReg.Command, 2, command | PciCommand.Master);
  }

  clearMaster(dev: PciDev): void {
    const command = this.configRead(dev, PciReg.Command, 2);
    if (command & PciCommand.Master) this.configWrite(dev, PciReg.Command, 2, command & ~PciCommand.Master);
  }

  /** dma_set_mask_and_coherent(): fails for masks narrower than the 24 bits ISA DMA could reach. */
  setDmaMask(dev: PciDev, mask: bigint): void {
    if (mask < 0xffffffn) throw new KernelError('EIO', 'DMA mask too narrow');
    dev.dmaMask = mask;
  }

  /** pci_request_region(): claim a BAR in /proc/iomem under the device's entry. */
  requestRegion(dev: PciDev, index: number, name: string): Resource {
    const bar = dev.bars[index];
    const parent = dev.barResources[index];
    if (!bar || !parent) throw new KernelError('ENODEV', `BAR ${index} is not assigned`);
    if (parent.children.length > 0) throw new KernelError('EBUSY', `BAR ${index} of ${dev.name} is claimed by ${parent.children[0]!.name}`);
    return parent.claim(bar.start, bar.start + bar.size - 1, name);
  }

  releaseRegion(dev: PciDev, index: number): void {
    const parent = dev.barResources[index];
    if (parent) parent.children.length = 0;
  }

  /** pci_iomap(): access BAR `index` through its current address. */
  iomap(dev: PciDev, index: number): IoMapping {
    const bar = dev.bars[index];
    if (!bar || bar.io) throw new KernelError('ENODEV', `BAR ${index} is not a memory BAR`);
    return new IoMapping(this.io, bar.start, bar.size);
  }

  /** pci_alloc_irq_vectors() for one vector: MSI when asked and present, else INTx when allowed. */
  allocIrqVector(dev: PciDev, flags: IrqVectorFlags): number {
    if (flags.msi && dev.msiCap) {
      const { irq, address, data } = this.irq.allocateMsi((dev.devfn << 11) >>> 0);
      const cap = dev.msiCap;
      this.configWrite(dev, cap + MsiReg.AddressLo, 4, address);
      this.configWrite(dev, cap + MsiReg.AddressHi, 4, 0);
      this.configWrite(dev, cap + MsiReg.Data64, 2, data);
      const control = this.configRead(dev, cap + MsiReg.Flags, 2);
      this.configWrite(dev, cap + MsiReg.Flags, 2, (control & ~MsiFlags.QSize) | MsiFlags.Enable);
      // With MSI on, INTx is turned off at the function (Linux sets INTX_DISABLE).
      const command = this.configRead(dev, PciReg.Command, 2);
      this.configWrite(dev, PciReg.Command, 2, command | PciCommand.IntxDisable);
      dev.msiIrq = irq;
      return irq;
    }
    if (flags.intx && dev.pin) return dev.legacyIrq;
    throw new KernelError('ENOSPC', 'no interrupt vector available');
  }

  freeIrqVectors(dev: PciDev): void {
    if (dev.msiIrq === undefined) return;
    const cap = dev.msiCap;
    const control = this.configRead(dev, cap + MsiReg.Flags, 2);
    this.configWrite(dev, cap + MsiReg.Flags, 2, control & ~MsiFlags.Enable);
    const command = this.configRead(dev, PciReg.Command, 2);
    this.configWrite(dev, PciReg.Command, 2, command & ~PciCommand.IntxDisable);
    this.irq.freeMsi(dev.msiIrq);
    dev.msiIrq = undefined;
  }
}

/** Mechanism #1 reaches 256 bytes with naturally aligned accesses; anything else is refused, not wrapped. */
function checkConfigAccess(offset: number, size: NarrowSize): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + size > 256 || offset % size !== 0) {
    throw new KernelError('EINVAL', `config access of ${size} bytes at 0x${offset.toString(16)}`);
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
