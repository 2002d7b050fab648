import {
  MsiFlags,
  MsiReg,
  PCI_CONFIG_HEADER_SIZE,
  PCI_CONFIG_SPACE_SIZE,
  PCI_NUM_BARS,
  PciBarBits,
  PciCapId,
  PciCommand,
  PciReg,
  PciStatus,
} from '../../../common/pci';
import { EventFlag, EventKind, Source } from '../../../common/trace/schema';
import type { MmioRegion } from '../memory/region';
import type { DeviceHost } from '../device-host';
import { PciConfigSpace } from './config-space';

/** What identifies a PCI function (QEMU's PCIDeviceClass ids). */
export interface PciIdentity {
  readonly vendorId: number;
  readonly deviceId: number;
  readonly revision: number;
  /** base class << 16 | subclass << 8 | programming interface */
  readonly classCode: number;
  /** Defaults to the PCI core's 0x1af4 (Red Hat) / 0x1100 (QEMU), as QEMU fills them in. */
  readonly subsystemVendorId?: number;
  readonly subsystemId?: number;
  /** 0: none, 1..4: INTA#..INTD# */
  readonly interruptPin: 0 | 1 | 2 | 3 | 4;
}

/** What a device sees of the bus it is plugged into. */
export interface PciBusPort {
  /** The BARs or the command register's decode bits changed: re-evaluate where BARs are mapped. */
  mappingsChanged(): void;
  /** The INTx pin's level as delivered (after INTX_DISABLE) changed. */
  intxChanged(level: boolean): void;
  /** The physical address space the device reaches when it masters the bus. */
  dmaRead(addr: bigint, length: number): Uint8Array;
  dmaWrite(addr: bigint, data: Uint8Array): void;
  /** The interrupt line (GSI) the INTx pin is routed to. */
  readonly gsi: number;
}

const DEFAULT_SUBSYSTEM_VENDOR_ID = 0x1af4;
const DEFAULT_SUBSYSTEM_ID = 0x1100;
const COMMAND_WRITABLE = PciCommand.Io | PciCommand.Memory | PciCommand.Master | PciCommand.Serr | PciCommand.IntxDisable;
const STATUS_W1C =
  PciStatus.Parity | PciStatus.SigTargetAbort | PciStatus.RecTargetAbort | PciStatus.RecMasterAbort |
  PciStatus.SigSystemError | PciStatus.DetectedParity;
const MSI_ADDRESS_LO_MASK = 0xfffffffc;

function overlaps(a: number, aLen: number, b: number, bLen: number): boolean {
  return a < b + bLen && b < a + aLen;
}

/**
 * A conventional PCI function: the device-model API devices are written against, the analogue of
 * QEMU's PCIDevice with pci_register_bar, msi_init, pci_set_irq, msi_notify and pci_dma_read/write.
 * Subclasses provide realize (create regions, threads, timers) and unrealize (undo it).
 */
export abstract class PciDevice {
  readonly config = new PciConfigSpace();
  private readonly bars: (MmioRegion | undefined)[] = new Array(PCI_NUM_BARS).fill(undefined);
  private pinLevel = false;
  private msiCap = 0;
  private msiCapSize = 0;
  private port: PciBusPort | undefined;
  private realized = false;
  protected host!: DeviceHost;

  constructor(
    readonly typeName: string,
    readonly identity: PciIdentity,
  ) {
    this.initHeader(identity);
  }

  /** Create the device's regions, threads and timers (QEMU's realize). */
  protected abstract onRealize(): void | Promise<void>;
  /** Stop threads and cancel timers (QEMU's unrealize/exit). */
  protected abstract onUnrealize(): void | Promise<void>;

  async realize(host: DeviceHost): Promise<void> {
    this.host = host;
    this.realized = true;
    await this.onRealize();
  }

  /** Undo realize; a device that was never realized has nothing to undo. */
  async unrealize(): Promise<void> {
    if (!this.realized) return;
    this.realized = false;
    await this.onUnrealize();
  }

  /** @internal called by the bus when the device is plugged in or out */
  attach(port: PciBusPort | undefined): void {
    this.port = port;
  }

  // ---- BARs ---------------------------------------------------------------------------------------

  /** Register a 32-bit non-prefetchable memory BAR backed by `region` (size must be a power of two). */
  protected registerBar(index: number, region: MmioRegion): void {
    if (index < 0 || index >= PCI_NUM_BARS) throw new RangeError(`no BAR ${index}`);
    const size = region.size;
    if (size < 16 || (size & (size - 1)) !== 0) throw new RangeError(`BAR size must be a power of two >= 16, got ${size}`);
    this.bars[index] = region;
    const offset = PciReg.Bar0 + 4 * index;
    this.config.set32(offset, 0);
    this.config.setWmask32(offset, ~(size - 1) & PciBarBits.MemMask);
  }

  barRegion(index: number): MmioRegion | undefined {
    return this.bars[index];
  }

  /**
   * Where BAR `index` decodes, or undefined when it does not: memory decoding off, address 0, or an
   * address range that does not fit below 4 GiB (a sizing probe leaves all ones there).
   */
  barAddress(index: number): number | undefined {
    const region = this.bars[index];
    if (!region || !(this.command & PciCommand.Memory)) return undefined;
    const addr = (this.config.get32(PciReg.Bar0 + 4 * index) & PciBarBits.MemMask) >>> 0;
    if (addr === 0 || addr + region.size - 1 >= 0xffffffff) return undefined;
    return addr;
  }

  // ---- capabilities and MSI -------------------------------------------------------------------------

  protected addCapability(id: number, offset: number, size: number): void {
    if (offset < PCI_CONFIG_HEADER_SIZE || offset + size > PCI_CONFIG_SPACE_SIZE || offset % 4 !== 0) {
      throw new RangeError(`capability at 0x${offset.toString(16)} does not fit`);
    }
    const c = this.config;
    c.set8(offset, id);
    c.set8(offset + 1, c.get8(PciReg.CapabilityList));
    c.set8(PciReg.CapabilityList, offset);
    c.set16(PciReg.Status, c.get16(PciReg.Status) | PciStatus.CapList);
    c.wmask.fill(0, offset, offset + size);
  }

  /** An MSI capability with one vector: 64-bit addresses, no per-vector masking. */
  protected msiInit(offset: number): void {
    const size = MsiReg.Data64 + 2;
    this.addCapability(PciCapId.Msi, offset, size);
    this.msiCap = offset;
    this.msiCapSize = size;
    const c = this.config;
    c.set16(offset + MsiReg.Flags, MsiFlags.Is64Bit);
    c.setWmask16(offset + MsiReg.Flags, MsiFlags.Enable | MsiFlags.QSize);
    c.setWmask32(offset + MsiReg.AddressLo, MSI_ADDRESS_LO_MASK);
    c.setWmask32(offset + MsiReg.AddressHi, 0xffffffff);
    c.setWmask16(offset + MsiReg.Data64, 0xffff);
  }

  get msiEnabled(): boolean {
    return this.msiCap !== 0 && (this.config.get16(this.msiCap + MsiReg.Flags) & MsiFlags.Enable) !== 0;
  }

  /** Send MSI vector `vector` (a DMA write of the message): dropped while bus mastering is off. */
  protected msiNotify(vector = 0): void {
    if (!this.msiEnabled) return;
    const c = this.config;
    const lo = c.get32(this.msiCap + MsiReg.AddressLo);
    const hi = c.get32(this.msiCap + MsiReg.AddressHi);
    const data = (c.get16(this.msiCap + MsiReg.Data64) | vector) >>> 0;
    const master = this.busMaster;
    this.host.trace.event(EventKind.MsiMessage, Source.Device, lo, 4, master ? 0 : EventFlag.Dropped, data);
    if (!master) return;
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, data, true);
    this.port?.dmaWrite((BigInt(hi) << 32n) | BigInt(lo), bytes);
  }

  // ---- INTx ---------------------------------------------------------------------------------------

  /** Drive the INTx pin (QEMU's pci_set_irq). Status bit 3 follows the pin even while delivery is disabled. */
  protected setIrq(level: boolean): void {
    if (level === this.pinLevel) return;
    this.pinLevel = level;
    const c = this.config;
    const status = c.get16(PciReg.Status);
    c.set16(PciReg.Status, level ? status | PciStatus.Interrupt : status & ~PciStatus.Interrupt);
    if (!(this.command & PciCommand.IntxDisable)) this.port?.intxChanged(level);
  }

  get intxPin(): boolean {
    return this.pinLevel;
  }

  /** The level the interrupt controller sees from this device. */
  get intxDelivered(): boolean {
    return this.pinLevel && !(this.command & PciCommand.IntxDisable);
  }

  // ---- DMA ----------------------------------------------------------------------------------------

  get busMaster(): boolean {
    return (this.command & PciCommand.Master) !== 0;
  }

  /** Read guest memory as a bus master; with bus mastering off nothing is reached and zeros come back. */
  protected dmaRead(addr: bigint, length: number): Uint8Array {
    if (!this.busMaster || !this.port) return new Uint8Array(length);
    return this.port.dmaRead(addr, length);
  }

  /** Write guest memory as a bus master; with bus mastering off the write goes nowhere. */
  protected dmaWrite(addr: bigint, data: Uint8Array): void {
    if (this.busMaster) this.port?.dmaWrite(addr, data);
  }

  // ---- configuration cycles -----------------------------------------------------------------------

  get command(): number {
    return this.config.get16(PciReg.Command);
  }

  configRead(offset: number, size: 1 | 2 | 4): number {
    return this.config.read(offset, size);
  }

  configWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    const oldCommand = this.command;
    this.config.guestWrite(offset, size, value);
    if (this.msiCap && overlaps(offset, size, this.msiCap, this.msiCapSize)) this.msiConfigWritten();
    const command = this.command;
    const decodeChanged = ((oldCommand ^ command) & (PciCommand.Memory | PciCommand.Io)) !== 0;
    if (decodeChanged || overlaps(offset, size, PciReg.Bar0, 4 * PCI_NUM_BARS)) this.port?.mappingsChanged();
    if ((oldCommand ^ command) & PciCommand.IntxDisable && this.pinLevel) {
      this.port?.intxChanged(!(command & PciCommand.IntxDisable));
    }
  }

  /**
   * A bus reset (QEMU's pci_do_device_reset): INTx deasserted, writable command/status/interrupt-line
   * bits cleared, BAR addresses cleared, MSI disabled. The device's own registers are untouched.
   */
  resetConfig(): void {
    this.setIrq(false);
    const c = this.config;
    c.clear16(PciReg.Command, COMMAND_WRITABLE);
    c.clear16(PciReg.Status, STATUS_W1C);
    c.set8(PciReg.InterruptLine, 0);
    c.set8(PciReg.CacheLineSize, 0);
    for (let i = 0; i < PCI_NUM_BARS; i++) if (this.bars[i]) c.set32(PciReg.Bar0 + 4 * i, 0);
    if (this.msiCap) {
      c.clear16(this.msiCap + MsiReg.Flags, MsiFlags.Enable | MsiFlags.QSize);
      c.set32(this.msiCap + MsiReg.AddressLo, 0);
      c.set32(this.msiCap + MsiReg.AddressHi, 0);
      c.set16(this.msiCap + MsiReg.Data64, 0);
    }
    this.port?.mappingsChanged();
  }

  /** While MSI is enabled, any write to the capability deasserts INTx and clamps the vectors enabled. */
  private msiConfigWritten(): void {
    const at = this.msiCap + MsiReg.Flags;
    const flags = this.config.get16(at);
    if (!(flags & MsiFlags.Enable)) return;
    this.setIrq(false);
    const capable = (flags & MsiFlags.QMask) >>> 1;
    const enabled = (flags & MsiFlags.QSize) >>> 4;
    if (enabled > capable) this.config.set16(at, (flags & ~MsiFlags.QSize) | (capable << 4));
  }

  private initHeader(id: PciIdentity): void {
    const c = this.config;
    c.set16(PciReg.VendorId, id.vendorId);
    c.set16(PciReg.DeviceId, id.deviceId);
    c.set8(PciReg.RevisionId, id.revision);
    c.set8(PciReg.ClassProg, id.classCode);
    c.set16(PciReg.ClassDevice, id.classCode >>> 8);
    c.set8(PciReg.HeaderType, 0);
    c.set16(PciReg.SubsystemVendorId, id.subsystemVendorId ?? DEFAULT_SUBSYSTEM_VENDOR_ID);
    c.set16(PciReg.SubsystemId, id.subsystemId ?? DEFAULT_SUBSYSTEM_ID);
    c.set8(PciReg.InterruptPin, id.interruptPin);
    // QEMU's defaults: cache line size, command and interrupt line writable in the header (the latency
    // timer is not: a conventional function emulated by QEMU hardwires it to 0), and the device-specific
    // area writable until a capability claims part of it.
    c.wmask[PciReg.CacheLineSize] = 0xff;
    c.setWmask16(PciReg.Command, COMMAND_WRITABLE);
    c.wmask[PciReg.InterruptLine] = 0xff;
    c.setW1cmask16(PciReg.Status, STATUS_W1C);
    c.wmask.fill(0xff, PCI_CONFIG_HEADER_SIZE);
  }
}
