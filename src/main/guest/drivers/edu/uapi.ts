/**
 * What user space sees of the edu driver (its "uapi" header): the device node, the requests /dev/edu0
 * answers through ioctl(), and their argument and result types.
 */
import type { CharDevNode } from '../../kernel/vfs';

export const EDU_DEVICE_NAME = 'edu0';
export const EDU_DEVICE_PATH = `/dev/${EDU_DEVICE_NAME}`;

/** How long a request waits for the device before -ETIMEDOUT (virtual time). */
export const EDU_TIMEOUT_NS = 10_000_000_000;

/** Wait for completion with the device's interrupt, or by polling its status register. */
export type EduWaitMode = 'irq' | 'poll';
export type EduIrqMode = 'INTx' | 'MSI';

/** The module's parameters, as `modprobe edu use_msi=1 ...` set them. */
export interface EduParams {
  readonly use_msi: boolean;
  readonly no_master: boolean;
  readonly no_ack: boolean;
  readonly no_mask: boolean;
}

/** What the interrupt handler has seen since the driver was bound. */
export interface EduIrqStats {
  /** Handler calls (including those on a shared line that were not ours). */
  readonly calls: number;
  /** Calls that found the interrupt status at 0 (IRQ_NONE: another device on the line, or nothing new). */
  readonly none: number;
  /** Interrupts with the factorial bit (0x1). */
  readonly fact: number;
  /** Interrupts with the DMA bit (0x100). */
  readonly dma: number;
  /** Interrupts with any other bit (values written to the raise register). */
  readonly other: number;
  /** The last non-zero status the handler read, and when (virtual ns), if any. */
  readonly lastStatus: number | undefined;
  readonly lastNs: number | undefined;
}

/** INFO: the bound device and the driver's state. */
export interface EduInfo {
  readonly device: string;
  readonly vendor: number;
  readonly deviceId: number;
  readonly revision: number;
  /** The identification register and the version it encodes ("1.0"). */
  readonly id: number;
  readonly version: string;
  readonly bar0: { readonly start: number; readonly size: number };
  readonly irq: number;
  readonly mode: EduIrqMode;
  /** The kernel disabled the irq (the spurious-interrupt detector after a storm). */
  readonly irqDisabled: boolean;
  readonly busMaster: boolean;
  readonly dmaMask: bigint;
  /** The driver's coherent DMA buffer (bus address and size). */
  readonly dmaBuffer: { readonly bus: bigint; readonly size: number };
  readonly params: EduParams;
  readonly interrupts: EduIrqStats;
  /** The interrupt status register (0x24) right now. */
  readonly irqStatus: number;
}

export interface EduFactArg {
  readonly n: number;
  readonly mode: EduWaitMode;
}

export interface EduFactResult {
  readonly n: number;
  /** n! mod 2^32 as the device computes it. */
  readonly result: number;
  /** Virtual time from the write of n to the completion the driver saw. */
  readonly ns: number;
  readonly mode: EduWaitMode;
}

export interface EduRaiseResult {
  readonly value: number;
  /** The interrupt status the handler read at 0x24. */
  readonly statusSeenInHandler: number;
  /** Virtual time from the write to 0x60 to the handler's entry. */
  readonly latencyNs: number;
  readonly irq: number;
  readonly mode: EduIrqMode;
  /** The interrupt status once the request is done: 0 unless the handler did not acknowledge. */
  readonly statusAfter: number;
}

/** Where a transfer's RAM side is: the driver's coherent buffer, or a caller-given physical address. */
interface EduDmaCommon {
  /** Offset in the device's 4 KiB buffer (default 0). */
  readonly offset?: number;
  readonly mode?: EduWaitMode;
}

/** DMA_TO_DEV: bytes copied into the coherent buffer, or `count` bytes read from RAM at `ramAddr`. */
export type EduDmaToDevArg = EduDmaCommon &
  ({ readonly data: Uint8Array } | { readonly ramAddr: bigint; readonly count: number });

/** DMA_FROM_DEV: `count` bytes into the coherent buffer (returned), or into RAM at `ramAddr`. */
export interface EduDmaFromDevArg extends EduDmaCommon {
  readonly count: number;
  readonly ramAddr?: bigint;
}

export interface EduDmaResult {
  readonly direction: 'to-dev' | 'from-dev';
  readonly count: number;
  readonly offset: number;
  /** The RAM address programmed into the device (before the device applies its own dma_mask). */
  readonly ramAddr: bigint;
  /** The RAM side was the driver's coherent buffer. */
  readonly coherent: boolean;
  readonly ns: number;
  readonly mode: EduWaitMode;
  /** from-dev: the bytes at `ramAddr` after the transfer (absent when that is not RAM). */
  readonly data?: Uint8Array;
}

/** Every request /dev/edu0 answers: its argument and its result. */
export interface EduRequests {
  INFO: { arg: undefined; result: EduInfo };
  /** Write a value to the liveness register; returns what reads back (its bitwise inverse). */
  LIVE: { arg: number; result: number };
  FACT: { arg: EduFactArg; result: EduFactResult };
  RAISE: { arg: number; result: EduRaiseResult };
  DMA_TO_DEV: { arg: EduDmaToDevArg; result: EduDmaResult };
  DMA_FROM_DEV: { arg: EduDmaFromDevArg; result: EduDmaResult };
}
export type EduRequest = keyof EduRequests;
export const EDU_REQUESTS: readonly EduRequest[] = ['INFO', 'LIVE', 'FACT', 'RAISE', 'DMA_TO_DEV', 'DMA_FROM_DEV'];

/** ioctl() on /dev/edu0 with the types of the request. */
export async function eduIoctl<R extends EduRequest>(
  node: CharDevNode,
  request: R,
  arg: EduRequests[R]['arg'],
  signal?: AbortSignal,
): Promise<EduRequests[R]['result']> {
  if (!node.ioctl) throw new TypeError('not an ioctl device');
  return (await node.ioctl(request, arg, signal)) as EduRequests[R]['result'];
}
