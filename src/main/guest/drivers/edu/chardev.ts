/**
 * /dev/edu0: the driver's character device. User space talks to it with ioctl() requests (see uapi.ts);
 * arguments are checked here, then each request takes the device lock so requests run one at a time.
 */
import { EduReg } from '../../../../common/edu/datasheet';
import { KernelError } from '../../kernel/errors';
import type { CharDevNode } from '../../kernel/vfs';
import { PciCommand, PciReg } from '../../../../common/pci';
import type { EduDev } from './driver';
import { eduDmaFromDevice, eduDmaToDevice, eduFact, eduLive, eduLock, eduRaise, eduUnlock } from './ops';
import {
  EDU_DEVICE_NAME,
  type EduDmaFromDevArg,
  type EduFactArg,
  type EduInfo,
  type EduWaitMode,
} from './uapi';

const U64_MAX = (1n << 64n) - 1n;

// ---- argument checks (user space can pass anything) ------------------------------------------------

function invalid(what: string): KernelError {
  return new KernelError('EINVAL', what);
}

function argU32(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw invalid(`${what} must be a 32-bit unsigned integer`);
  return v;
}

function argInt(v: unknown, what: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`${what} must be a non-negative integer`);
  return v;
}

function argMode(v: unknown): EduWaitMode {
  if (v === undefined) return 'irq';
  if (v !== 'irq' && v !== 'poll') throw invalid("mode must be 'irq' or 'poll'");
  return v;
}

function argAddr(v: unknown): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw invalid('ramAddr must be a 64-bit physical address (bigint)');
  return v;
}

function argObject<T>(v: unknown, what: string): Partial<Record<keyof T, unknown>> {
  if (typeof v !== 'object' || v === null) throw invalid(`${what} needs an argument object`);
  return v as Partial<Record<keyof T, unknown>>;
}

// ---- requests -------------------------------------------------------------------------------------

/** Whether the command register has bus mastering on (what lspci shows as BusMaster+). */
function eduBusMaster(edu: EduDev): boolean {
  return (edu.kernel.pci.configRead(edu.pdev, PciReg.Command, 2) & PciCommand.Master) !== 0;
}

function eduInfo(edu: EduDev): EduInfo {
  const bar = edu.pdev.bars[0];
  const irq = edu.irq ?? 0;
  return {
    device: edu.pdev.name,
    vendor: edu.pdev.vendor,
    deviceId: edu.pdev.device,
    revision: edu.pdev.revision,
    id: edu.id,
    version: edu.version,
    bar0: { start: bar?.start ?? 0, size: bar?.size ?? 0 },
    irq,
    mode: edu.mode,
    irqDisabled: edu.kernel.irq.desc(irq)?.disabled ?? false,
    busMaster: eduBusMaster(edu),
    dmaMask: edu.pdev.dmaMask,
    dmaBuffer: { bus: edu.dma.dma, size: edu.dma.size },
    params: { ...edu.params },
    interrupts: { ...edu.stats },
    irqStatus: edu.bar.readl(EduReg.IrqStatus),
  };
}

/** Run `fn` holding the device: one request at a time, none once remove has begun. */
async function eduLocked<T>(edu: EduDev, signal: AbortSignal | undefined, fn: () => Promise<T> | T): Promise<T> {
  await eduLock(edu, signal);
  try {
    if (edu.gone) throw new KernelError('ENODEV', 'the edu device was removed');
    return await fn();
  } finally {
    eduUnlock(edu);
  }
}

async function eduIoctl(edu: EduDev, request: string, arg: unknown, signal?: AbortSignal): Promise<unknown> {
  if (edu.gone) throw new KernelError('ENODEV', 'the edu device was removed');
  switch (request) {
    case 'INFO':
      return eduInfo(edu);
    case 'LIVE': {
      const value = argU32(arg, 'LIVE value');
      return eduLocked(edu, signal, () => eduLive(edu, value));
    }
    case 'FACT': {
      const a = argObject<EduFactArg>(arg, 'FACT');
      const n = argU32(a.n, 'n');
      const mode = argMode(a.mode);
      return eduLocked(edu, signal, () => eduFact(edu, n, mode, signal));
    }
    case 'RAISE': {
      const value = argU32(arg, 'RAISE value');
      return eduLocked(edu, signal, () => eduRaise(edu, value, signal));
    }
    case 'DMA_TO_DEV': {
      const a = argObject<{ offset: number; mode: EduWaitMode; data: Uint8Array; ramAddr: bigint; count: number }>(arg, 'DMA_TO_DEV');
      const offset = argInt(a.offset, 'offset', 0);
      const mode = argMode(a.mode);
      let source: { data: Uint8Array } | { ramAddr: bigint; count: number };
      if (a.data !== undefined) {
        if (!(a.data instanceof Uint8Array)) throw invalid('data must be a Uint8Array');
        source = { data: a.data.slice() };
      } else {
        source = { ramAddr: argAddr(a.ramAddr), count: argInt(a.count, 'count') };
      }
      return eduLocked(edu, signal, () => eduDmaToDevice(edu, offset, source, mode, signal));
    }
    case 'DMA_FROM_DEV': {
      const a = argObject<EduDmaFromDevArg>(arg, 'DMA_FROM_DEV');
      const offset = argInt(a.offset, 'offset', 0);
      const count = argInt(a.count, 'count');
      const mode = argMode(a.mode);
      const ramAddr = a.ramAddr === undefined ? undefined : argAddr(a.ramAddr);
      return eduLocked(edu, signal, () => eduDmaFromDevice(edu, offset, count, ramAddr, mode, signal));
    }
    default:
      throw invalid(`unknown request '${request}'`);
  }
}

export function eduCreateChardev(edu: EduDev): CharDevNode {
  const dev = edu.kernel.dev;
  if (dev.entries().has(EDU_DEVICE_NAME)) throw new KernelError('EEXIST', `/dev/${EDU_DEVICE_NAME} exists`);
  const node: CharDevNode = {
    kind: 'chardev',
    ioctl: (request, arg, signal) => eduIoctl(edu, request, arg, signal),
  };
  dev.add(EDU_DEVICE_NAME, node);
  return node;
}

export function eduRemoveChardev(edu: EduDev): void {
  edu.kernel.dev.remove(EDU_DEVICE_NAME);
}
