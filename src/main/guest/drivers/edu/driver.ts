/**
 * The edu PCI driver: the per-device state, probe and remove. Probe follows the order public edu drivers
 * use (enable, bus master, DMA mask, claim and map BAR0, check identity and liveness, pick MSI or INTx,
 * request the irq, create /dev/edu0); every step that fails says why in dmesg and undoes what came before.
 */
import { EDU_DEVICE_ID, EDU_DMA_BUF_SIZE, EDU_VENDOR_ID, EduReg } from '../../../../common/edu/datasheet';
import { ERRNO_NUMBER, KernelError } from '../../kernel/errors';
import type { IoMapping } from '../../kernel/io';
import type { Kernel } from '../../kernel/kernel';
import type { DmaBuffer } from '../../kernel/mm';
import type { PciDev, PciDriver } from '../../kernel/pci';
import type { Resource } from '../../kernel/resource';
import { WaitQueue } from '../../kernel/time';
import { eduCreateChardev, eduRemoveChardev } from './chardev';
import { eduIrqHandler, type EduIrqCatch } from './irq';
import { eduLock, eduQuiesce, eduUnlock } from './ops';
import type { EduIrqMode, EduParams } from './uapi';

export const EDU_DRV_NAME = 'edu';
/** The device masks DMA addresses to 28 bits (its dma_mask property, 256 MiB). */
export const EDU_DMA_BITS = 28;
export const EDU_DMA_MASK = (1n << BigInt(EDU_DMA_BITS)) - 1n;
/** Written to the liveness register at probe; the device must read back its inverse. */
const EDU_LIVENESS_PROBE = 0x12345678;
const EDU_ID_SIGNATURE = 0xed;

/** Mutable interrupt counters (EduIrqStats as the handler keeps them). */
export interface EduIrqCounters {
  calls: number;
  none: number;
  fact: number;
  dma: number;
  other: number;
  lastStatus: number | undefined;
  lastNs: number | undefined;
}

/** One bound edu device: what probe set up (so remove and a failed probe undo exactly that) and the runtime state. */
export class EduDev {
  // ---- what probe set up ------------------------------------------------------------------------
  enabled = false;
  master = false;
  regs: IoMapping | undefined;
  region: Resource | undefined;
  /** ID and liveness checked: the registers are the device's. */
  verified = false;
  version = '';
  id = 0;
  dmaBuf: DmaBuffer | undefined;
  vectors = false;
  irq: number | undefined;
  mode: EduIrqMode = 'INTx';
  chardev = false;

  // ---- interrupts -------------------------------------------------------------------------------
  /** Woken by the handler (and by remove). */
  readonly wq = new WaitQueue();
  readonly stats: EduIrqCounters = { calls: 0, none: 0, fact: 0, dma: 0, other: 0, lastStatus: undefined, lastNs: undefined };
  /** The interrupt a request is waiting for, if any. */
  catcher: EduIrqCatch | undefined;
  /** no_ack=1: the status of the previous interrupt (bits the handler has already seen). */
  noAckSeen = 0;

  // ---- requests ---------------------------------------------------------------------------------
  /** One request at a time: set while a request owns the device. */
  busy = false;
  readonly lockWq = new WaitQueue();
  /** Remove has started: requests fail with -ENODEV. */
  gone = false;

  constructor(
    readonly kernel: Kernel,
    readonly pdev: PciDev,
    readonly params: EduParams,
  ) {}

  /** dev_info(): `edu 0000:00:04.0: text` */
  info(text: string): void {
    this.kernel.log.info(`${EDU_DRV_NAME} ${this.pdev.name}: ${text}`);
  }
  warn(text: string): void {
    this.kernel.log.warn(`${EDU_DRV_NAME} ${this.pdev.name}: ${text}`);
  }
  err(text: string): void {
    this.kernel.log.err(`${EDU_DRV_NAME} ${this.pdev.name}: ${text}`);
  }

  /** The mapped registers (probe has mapped them whenever a request or the handler runs). */
  get bar(): IoMapping {
    if (!this.regs) throw new KernelError('ENODEV', 'edu registers are not mapped');
    return this.regs;
  }

  get dma(): DmaBuffer {
    if (!this.dmaBuf) throw new KernelError('ENODEV', 'edu has no DMA buffer');
    return this.dmaBuf;
  }
}

/** `-19` for a KernelError('ENODEV'), as drivers print return codes. */
export function errnoOf(error: unknown): number {
  return -(error instanceof KernelError ? ERRNO_NUMBER[error.errno] : ERRNO_NUMBER.EIO);
}

const hex8 = (n: number) => '0x' + (n >>> 0).toString(16).padStart(8, '0');

// ---- probe ----------------------------------------------------------------------------------------

function eduEnableDevice(edu: EduDev): void {
  try {
    edu.kernel.pci.enableDevice(edu.pdev);
  } catch (error) {
    edu.err(`can't enable PCI device (${errnoOf(error)})`);
    throw error;
  }
  edu.enabled = true;
}

function eduSetMaster(edu: EduDev): void {
  if (edu.params.no_master) {
    edu.warn('no_master=1: bus mastering left off (DMA moves no data, MSI messages are dropped)');
    return;
  }
  edu.kernel.pci.setMaster(edu.pdev);
  edu.master = true;
}

function eduSetDmaMask(edu: EduDev): void {
  if (edu.params.no_mask) {
    edu.warn(`no_mask=1: DMA mask left at 0x${edu.pdev.dmaMask.toString(16)} (the device reaches ${EDU_DMA_BITS} bits)`);
    return;
  }
  try {
    edu.kernel.pci.setDmaMask(edu.pdev, EDU_DMA_MASK);
  } catch (error) {
    edu.err(`no suitable DMA available (${EDU_DMA_BITS}-bit mask refused: ${errnoOf(error)})`);
    throw error;
  }
}

function eduMapBar(edu: EduDev): void {
  const bar = edu.pdev.bars[0];
  const range = bar ? `[mem 0x${bar.start.toString(16).padStart(8, '0')}-0x${(bar.start + bar.size - 1).toString(16).padStart(8, '0')}]` : '';
  try {
    edu.region = edu.kernel.pci.requestRegion(edu.pdev, 0, EDU_DRV_NAME);
  } catch (error) {
    edu.err(`BAR 0: can't reserve ${range} (${errnoOf(error)}: ${(error as Error).message})`);
    throw error;
  }
  try {
    edu.regs = edu.kernel.pci.iomap(edu.pdev, 0);
  } catch (error) {
    edu.err(`can't map BAR 0 ${range} (${errnoOf(error)})`);
    throw error;
  }
}

function eduCheckId(edu: EduDev): void {
  const id = edu.bar.readl(EduReg.Id);
  if ((id & 0xff) !== EDU_ID_SIGNATURE) {
    edu.err(`unexpected identification ${hex8(id)} (expected 0x..0000ed)`);
    throw new KernelError('ENODEV', `unexpected identification ${hex8(id)}`);
  }
  edu.id = id;
  edu.version = `${id >>> 24}.${(id >>> 16) & 0xff}`;
}

function eduCheckLiveness(edu: EduDev): void {
  edu.bar.writel(EduReg.Liveness, EDU_LIVENESS_PROBE);
  const got = edu.bar.readl(EduReg.Liveness);
  const want = ~EDU_LIVENESS_PROBE >>> 0;
  if (got !== want) {
    edu.err(`liveness check failed: wrote ${hex8(EDU_LIVENESS_PROBE)}, read ${hex8(got)}, expected ${hex8(want)}`);
    throw new KernelError('ENODEV', 'liveness check failed');
  }
  edu.verified = true;
}

/** Clear what an earlier driver may have left: the factorial interrupt request and pending status bits. */
function eduResetInterrupts(edu: EduDev): void {
  edu.bar.writel(EduReg.Status, 0);
  const stale = edu.bar.readl(EduReg.IrqStatus);
  if (stale) {
    edu.bar.writel(EduReg.IrqAck, stale);
    edu.info(`acknowledged stale interrupt status ${hex8(stale)}`);
  }
}

function eduAllocDmaBuffer(edu: EduDev): void {
  try {
    edu.dmaBuf = edu.kernel.dmaAllocCoherent(edu.pdev, EDU_DMA_BUF_SIZE);
  } catch (error) {
    edu.err(`can't allocate a ${EDU_DMA_BUF_SIZE}-byte DMA buffer (${errnoOf(error)})`);
    throw error;
  }
  if (edu.params.no_mask) eduExplainNoMask(edu);
}

/** no_mask=1 only shows when the buffer lies beyond what the device can address. */
function eduExplainNoMask(edu: EduDev): void {
  const bus = edu.dma.dma;
  const at = `0x${bus.toString(16).padStart(8, '0')}`;
  if ((bus + BigInt(EDU_DMA_BUF_SIZE) - 1n) & ~EDU_DMA_MASK) {
    edu.warn(`no_mask=1: DMA buffer at ${at} is beyond the device's ${EDU_DMA_BITS}-bit reach: transfers will land at 0x${(bus & EDU_DMA_MASK).toString(16).padStart(8, '0')}`);
  } else {
    edu.warn(`no_mask=1: DMA buffer at ${at} is within the device's ${EDU_DMA_BITS}-bit reach, so nothing will show (try a machine with more than 256 MiB of RAM)`);
  }
}

function eduSetupIrq(edu: EduDev): void {
  const { pci, irq: irqs } = edu.kernel;
  let irq: number;
  try {
    irq = pci.allocIrqVector(edu.pdev, { msi: edu.params.use_msi, intx: true });
  } catch (error) {
    edu.err(`can't allocate an interrupt vector (${errnoOf(error)})`);
    throw error;
  }
  edu.vectors = true;
  edu.mode = edu.pdev.msiIrq === undefined ? 'INTx' : 'MSI';
  if (edu.params.use_msi && edu.mode === 'INTx') edu.warn('MSI not available, using INTx');
  try {
    irqs.requestIrq(irq, eduIrqHandler(edu), {
      name: EDU_DRV_NAME,
      dev: edu,
      shared: edu.mode === 'INTx',
      symbol: `edu_irq [${EDU_DRV_NAME}]`,
    });
  } catch (error) {
    edu.err(`request_irq(${irq}) failed (${errnoOf(error)}: ${(error as Error).message})`);
    throw error;
  }
  edu.irq = irq;
  if (edu.params.no_ack) edu.warn('no_ack=1: the interrupt handler will not acknowledge interrupts');
}

function eduAddChardev(edu: EduDev): void {
  try {
    eduCreateChardev(edu);
  } catch (error) {
    edu.err(`can't create /dev/edu0 (${errnoOf(error)})`);
    throw error;
  }
  edu.chardev = true;
}

/** Bind to one edu function. */
export async function eduProbe(kernel: Kernel, pdev: PciDev, params: EduParams): Promise<void> {
  const edu = new EduDev(kernel, pdev, params);
  try {
    eduEnableDevice(edu);
    eduSetMaster(edu);
    eduSetDmaMask(edu);
    eduMapBar(edu);
    eduCheckId(edu);
    eduCheckLiveness(edu);
    eduResetInterrupts(edu);
    eduAllocDmaBuffer(edu);
    eduSetupIrq(edu);
    eduAddChardev(edu);
  } catch (error) {
    await eduTeardown(edu);
    throw error;
  }
  pdev.driverData = edu;
  edu.info(`edu device ${edu.version}, irq ${edu.irq} (${edu.mode})`);
}

// ---- remove ---------------------------------------------------------------------------------------

/** Undo whatever probe did, last step first. */
async function eduTeardown(edu: EduDev): Promise<void> {
  const { pci, irq } = edu.kernel;
  if (edu.chardev) eduRemoveChardev(edu);
  edu.chardev = false;
  if (edu.verified) await eduQuiesce(edu);
  if (edu.irq !== undefined) irq.freeIrq(edu.irq, edu);
  edu.irq = undefined;
  if (edu.vectors) pci.freeIrqVectors(edu.pdev);
  edu.vectors = false;
  edu.dmaBuf?.free();
  edu.dmaBuf = undefined;
  edu.regs = undefined; // pci_iounmap
  if (edu.region) pci.releaseRegion(edu.pdev, 0);
  edu.region = undefined;
  if (edu.master) pci.clearMaster(edu.pdev);
  edu.master = false;
  if (edu.enabled) pci.disableDevice(edu.pdev);
  edu.enabled = false;
}

/** Unbind: no new requests, let the one in flight fail, quiesce the device, release everything. */
export async function eduRemove(edu: EduDev): Promise<void> {
  if (edu.chardev) eduRemoveChardev(edu);
  edu.chardev = false;
  edu.gone = true;
  edu.wq.wake();
  await eduLock(edu);
  try {
    await eduTeardown(edu);
  } finally {
    eduUnlock(edu);
  }
  edu.info('edu device removed');
}

/** The PCI driver for module `edu` with the given parameters. */
export function eduPciDriver(kernel: Kernel, params: EduParams): PciDriver {
  return {
    name: EDU_DRV_NAME,
    ids: [{ vendor: EDU_VENDOR_ID, device: EDU_DEVICE_ID }],
    probe: (pdev) => eduProbe(kernel, pdev, params),
    remove: async (pdev) => {
      if (pdev.driverData instanceof EduDev) await eduRemove(pdev.driverData);
    },
  };
}
