/**
 * What the driver does with the device for each request: liveness, factorial (interrupt or polling),
 * raise, and DMA between RAM and the device buffer. Callers hold the device lock (eduLock).
 */
import { EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE, EduDmaCmd, EduIrq, EduReg, EduStatus } from '../../../../common/edu/datasheet';
import { KernelError } from '../../kernel/errors';
import type { EduDev } from './driver';
import { eduArmIrq, eduDisarmIrq, type EduIrqCatch } from './irq';
import {
  EDU_TIMEOUT_NS,
  type EduDmaResult,
  type EduFactResult,
  type EduRaiseResult,
  type EduWaitMode,
} from './uapi';

/** Register reads while polling before the driver starts sleeping between them. */
const POLL_SPINS = 1000;
/** Sleeps between polls grow from 1 us to 1 ms. */
const POLL_SLEEP_MIN_NS = 1_000;
const POLL_SLEEP_MAX_NS = 1_000_000;
/** How long remove waits for a transfer still in flight (it takes 100 ms). */
const QUIESCE_DMA_NS = 250_000_000;

const hex8 = (n: number) => '0x' + (n >>> 0).toString(16).padStart(8, '0');

// ---- locking and waiting --------------------------------------------------------------------------

/** Take the device for one request (a mutex: requests run one at a time). Interruptible. */
export async function eduLock(edu: EduDev, signal?: AbortSignal): Promise<void> {
  await edu.kernel.wait.event(
    edu.lockWq,
    () => {
      if (edu.busy) return false;
      edu.busy = true;
      return true;
    },
    { signal },
  );
}

export function eduUnlock(edu: EduDev): void {
  edu.busy = false;
  edu.lockWq.wake();
}

function eduGone(): KernelError {
  return new KernelError('ENODEV', 'the edu device was removed');
}

/** Why an interrupt may not have come, for the -ETIMEDOUT message. */
function eduTimeoutHint(edu: EduDev): string {
  const hints: string[] = [];
  const status = edu.bar.readl(EduReg.IrqStatus);
  hints.push(`interrupt status ${hex8(status)}`);
  if (edu.irq !== undefined && edu.kernel.irq.desc(edu.irq)?.disabled) {
    hints.push(`irq ${edu.irq} was disabled by the kernel (see dmesg)`);
  }
  if (edu.mode === 'MSI' && !edu.master) hints.push('bus mastering is off, so MSI messages are dropped');
  return hints.join('; ');
}

function eduTimedOut(edu: EduDev, what: string): KernelError {
  const message = `no interrupt for ${what} within ${EDU_TIMEOUT_NS / 1e9} s (${eduTimeoutHint(edu)})`;
  edu.warn(message);
  return new KernelError('ETIMEDOUT', message);
}

/** Sleep until the handler has seen the interrupt `c` waits for. */
async function eduWaitIrq(edu: EduDev, c: EduIrqCatch, what: string, signal?: AbortSignal): Promise<{ status: number; ns: number }> {
  const ok = await edu.kernel.wait.event(edu.wq, () => edu.gone || c.seen !== undefined, { timeoutNs: EDU_TIMEOUT_NS, signal });
  if (edu.gone) throw eduGone();
  if (!ok || !c.seen) throw eduTimedOut(edu, what);
  return c.seen;
}

/**
 * readx_poll_timeout(): read until `done()` holds; spin a while, then sleep between reads (until remove
 * starts, on the driver's wait queue, so that remove cuts the sleep short). Returns false after
 * `timeoutNs` of virtual time.
 */
async function eduPollTimeout(edu: EduDev, done: () => boolean, timeoutNs: number, signal?: AbortSignal): Promise<boolean> {
  const { cpu, wait, timers } = edu.kernel;
  const deadline = timers.now() + timeoutNs;
  let sleepNs = POLL_SLEEP_MIN_NS;
  for (let spins = 0; ; spins++) {
    if (done()) return true;
    if (timers.now() >= deadline) return false;
    if (spins < POLL_SPINS) {
      await cpu.checkpoint(signal);
    } else {
      if (edu.gone) await wait.sleep(sleepNs, signal);
      else await wait.event(edu.wq, () => edu.gone, { timeoutNs: sleepNs, signal });
      sleepNs = Math.min(sleepNs * 2, POLL_SLEEP_MAX_NS);
    }
  }
}

/** Poll for a request: fails with -ENODEV once remove starts and -ETIMEDOUT after EDU_TIMEOUT_NS. */
async function eduPoll(edu: EduDev, done: () => boolean, what: string, signal?: AbortSignal): Promise<void> {
  const ok = await eduPollTimeout(edu, () => edu.gone || done(), EDU_TIMEOUT_NS, signal);
  if (edu.gone) throw eduGone();
  if (!ok) {
    const message = `${what} did not finish within ${EDU_TIMEOUT_NS / 1e9} s`;
    edu.warn(message);
    throw new KernelError('ETIMEDOUT', message);
  }
}

const factBusy = (edu: EduDev) => (edu.bar.readl(EduReg.Status) & EduStatus.Computing) !== 0;
const dmaBusy = (edu: EduDev) => (edu.bar.readl(EduReg.DmaCmd) & EduDmaCmd.Run) !== 0;

// ---- liveness -------------------------------------------------------------------------------------

export function eduLive(edu: EduDev, value: number): number {
  edu.bar.writel(EduReg.Liveness, value >>> 0);
  return edu.bar.readl(EduReg.Liveness);
}

// ---- factorial ------------------------------------------------------------------------------------

/** A computation an interrupted request left running makes the device drop new input: wait for it. */
async function eduWaitFactIdle(edu: EduDev, signal?: AbortSignal): Promise<void> {
  if (!factBusy(edu)) return;
  await eduPoll(edu, () => !factBusy(edu), 'an earlier factorial', signal);
}

async function eduFactIrq(edu: EduDev, n: number, signal?: AbortSignal): Promise<number> {
  const regs = edu.bar;
  const c = eduArmIrq(edu, EduIrq.Fact);
  regs.writel(EduReg.Status, EduStatus.IrqFact);
  try {
    const t0 = edu.kernel.timers.now();
    regs.writel(EduReg.Factorial, n);
    const seen = await eduWaitIrq(edu, c, `${n}!`, signal);
    return seen.ns - t0;
  } finally {
    // Also when interrupted: a computation still running then ends without an interrupt.
    edu.regs?.writel(EduReg.Status, 0);
    eduDisarmIrq(edu, c);
  }
}

async function eduFactPoll(edu: EduDev, n: number, signal?: AbortSignal): Promise<number> {
  const regs = edu.bar;
  regs.writel(EduReg.Status, 0);
  const t0 = edu.kernel.timers.now();
  regs.writel(EduReg.Factorial, n);
  await eduPoll(edu, () => !factBusy(edu), `${n}!`, signal);
  return edu.kernel.timers.now() - t0;
}

export async function eduFact(edu: EduDev, n: number, mode: EduWaitMode, signal?: AbortSignal): Promise<EduFactResult> {
  await eduWaitFactIdle(edu, signal);
  const ns = mode === 'irq' ? await eduFactIrq(edu, n >>> 0, signal) : await eduFactPoll(edu, n >>> 0, signal);
  return { n: n >>> 0, result: edu.bar.readl(EduReg.Factorial), ns, mode };
}

// ---- raise ----------------------------------------------------------------------------------------

export async function eduRaise(edu: EduDev, value: number, signal?: AbortSignal): Promise<EduRaiseResult> {
  value >>>= 0;
  if (value === 0) throw new KernelError('EINVAL', 'raising 0 sets no status bit, so the device sends no interrupt');
  const c = eduArmIrq(edu, value);
  try {
    const t0 = edu.kernel.timers.now();
    edu.bar.writel(EduReg.IrqRaise, value);
    const seen = await eduWaitIrq(edu, c, `raise ${hex8(value)}`, signal);
    return {
      value,
      statusSeenInHandler: seen.status,
      latencyNs: seen.ns - t0,
      irq: edu.irq ?? 0,
      mode: edu.mode,
      statusAfter: edu.bar.readl(EduReg.IrqStatus),
    };
  } finally {
    eduDisarmIrq(edu, c);
  }
}

// ---- DMA ------------------------------------------------------------------------------------------

export interface EduDmaTransfer {
  readonly direction: 'to-dev' | 'from-dev';
  /** Offset in the device's buffer. */
  readonly offset: number;
  readonly ramAddr: bigint;
  readonly count: number;
  readonly mode: EduWaitMode;
}

/** Check a transfer against the device buffer: offset and count must stay inside its 4 KiB. */
export function eduCheckDmaRange(offset: number, count: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset >= EDU_DMA_BUF_SIZE) {
    throw new KernelError('EINVAL', `offset must be 0..${EDU_DMA_BUF_SIZE - 1}`);
  }
  if (!Number.isInteger(count) || count < 1 || offset + count > EDU_DMA_BUF_SIZE) {
    throw new KernelError('EINVAL', `count must be 1..${EDU_DMA_BUF_SIZE - offset} at offset ${offset} (the device buffer holds ${EDU_DMA_BUF_SIZE} bytes)`);
  }
}

/** Program source, destination and count, then the command; wait for completion. Returns the time taken. */
async function eduDmaRun(edu: EduDev, t: EduDmaTransfer, signal?: AbortSignal): Promise<number> {
  const regs = edu.bar;
  if (dmaBusy(edu)) await eduPoll(edu, () => !dmaBusy(edu), 'an earlier DMA transfer', signal);
  const dev = BigInt(EDU_DMA_BUF_ADDR + t.offset);
  const toRam = t.direction === 'from-dev';
  regs.writeq(EduReg.DmaSrc, toRam ? dev : t.ramAddr);
  regs.writeq(EduReg.DmaDst, toRam ? t.ramAddr : dev);
  regs.writeq(EduReg.DmaCount, BigInt(t.count));
  const cmd = EduDmaCmd.Run | (toRam ? EduDmaCmd.ToRam : 0) | (t.mode === 'irq' ? EduDmaCmd.Irq : 0);
  const what = `DMA ${t.direction} of ${t.count} bytes`;
  if (t.mode === 'poll') {
    const t0 = edu.kernel.timers.now();
    regs.writeq(EduReg.DmaCmd, BigInt(cmd));
    await eduPoll(edu, () => !dmaBusy(edu), what, signal);
    return edu.kernel.timers.now() - t0;
  }
  const c = eduArmIrq(edu, EduIrq.Dma);
  try {
    const t0 = edu.kernel.timers.now();
    regs.writeq(EduReg.DmaCmd, BigInt(cmd));
    const seen = await eduWaitIrq(edu, c, what, signal);
    return seen.ns - t0;
  } finally {
    eduDisarmIrq(edu, c);
  }
}

/** RAM to the device buffer, from the coherent buffer (after copying `data` in) or from `ramAddr`. */
export async function eduDmaToDevice(
  edu: EduDev,
  offset: number,
  source: { data: Uint8Array } | { ramAddr: bigint; count: number },
  mode: EduWaitMode,
  signal?: AbortSignal,
): Promise<EduDmaResult> {
  const coherent = 'data' in source;
  const count = coherent ? source.data.length : source.count;
  eduCheckDmaRange(offset, count);
  let ramAddr: bigint;
  if (coherent) {
    edu.dma.write(source.data, offset);
    ramAddr = edu.dma.dma + BigInt(offset);
  } else {
    ramAddr = source.ramAddr;
  }
  const t: EduDmaTransfer = { direction: 'to-dev', offset, ramAddr, count, mode };
  const ns = await eduDmaRun(edu, t, signal);
  return { direction: 'to-dev', count, offset, ramAddr, coherent, ns, mode };
}

/** The device buffer to RAM: into the coherent buffer (cleared first, returned) or to `ramAddr`. */
export async function eduDmaFromDevice(
  edu: EduDev,
  offset: number,
  count: number,
  ramAddr: bigint | undefined,
  mode: EduWaitMode,
  signal?: AbortSignal,
): Promise<EduDmaResult> {
  eduCheckDmaRange(offset, count);
  const coherent = ramAddr === undefined;
  const addr = coherent ? edu.dma.dma + BigInt(offset) : ramAddr;
  // Clear the destination first, so bytes the device did not write show as zeros.
  if (coherent) edu.dma.write(new Uint8Array(count), offset);
  const t: EduDmaTransfer = { direction: 'from-dev', offset, ramAddr: addr, count, mode };
  const ns = await eduDmaRun(edu, t, signal);
  const inRam = addr + BigInt(count) <= BigInt(edu.kernel.pages.ramSize);
  const data = coherent ? edu.dma.read(offset, count) : inRam ? edu.kernel.io.readBytes(addr, count) : undefined;
  return { direction: 'from-dev', count, offset, ramAddr: addr, coherent, ns, mode, ...(data ? { data } : {}) };
}

// ---- remove ---------------------------------------------------------------------------------------

/**
 * Before the irq and the DMA buffer go: no factorial interrupt, no transfer still writing into our
 * buffer, nothing pending.
 */
export async function eduQuiesce(edu: EduDev): Promise<void> {
  const regs = edu.bar;
  regs.writel(EduReg.Status, 0);
  if (dmaBusy(edu) && !(await eduPollTimeout(edu, () => !dmaBusy(edu), QUIESCE_DMA_NS))) {
    edu.warn('DMA transfer still running at remove');
  }
  const status = regs.readl(EduReg.IrqStatus);
  if (status) regs.writel(EduReg.IrqAck, status);
}
