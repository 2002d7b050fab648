/**
 * The edu interrupt handler (edu_irq): read the interrupt status, acknowledge exactly those bits,
 * note what came in and when, wake whoever waits. On the shared INTx line a status of 0 means the
 * interrupt was some other device's.
 */
import { EduIrq, EduReg } from '../../../../common/edu/datasheet';
import { IrqReturn, type IrqHandler } from '../../kernel/irq';
import type { EduDev } from './driver';

/** What a request waits for: the first interrupt (after it armed this) whose status holds all of `bits`. */
export interface EduIrqCatch {
  readonly bits: number;
  seen: { readonly status: number; readonly ns: number } | undefined;
}

/** Start listening for an interrupt carrying `bits` (call before making the device raise it). */
export function eduArmIrq(edu: EduDev, bits: number): EduIrqCatch {
  const c: EduIrqCatch = { bits: bits >>> 0, seen: undefined };
  edu.catcher = c;
  return c;
}

export function eduDisarmIrq(edu: EduDev, c: EduIrqCatch): void {
  if (edu.catcher === c) edu.catcher = undefined;
}

function eduNoteIrq(edu: EduDev, status: number, ns: number): void {
  const c = edu.catcher;
  if (c && !c.seen && ((status & c.bits) >>> 0) === c.bits) c.seen = { status: status >>> 0, ns };
  edu.stats.lastStatus = status >>> 0;
  edu.stats.lastNs = ns;
}

function eduCount(edu: EduDev, status: number): void {
  if (status & EduIrq.Fact) edu.stats.fact++;
  if (status & EduIrq.Dma) edu.stats.dma++;
  if (status & ~(EduIrq.Fact | EduIrq.Dma)) edu.stats.other++;
}

/**
 * no_ack=1: the handler "forgets" the acknowledge. It only claims interrupts that bring status bits it
 * has not seen yet (returned), so a line that stays up without news counts as unhandled, and the
 * kernel's spurious-interrupt detector eventually disables it.
 */
function eduNoAckNewBits(edu: EduDev, status: number): number {
  const fresh = (status & ~edu.noAckSeen) >>> 0;
  edu.noAckSeen = status;
  return fresh;
}

export function eduIrqHandler(edu: EduDev): IrqHandler {
  return function edu_irq() {
    const ns = edu.kernel.timers.now();
    edu.stats.calls++;
    const regs = edu.regs;
    const status = regs ? regs.readl(EduReg.IrqStatus) : 0;
    if (status === 0) {
      edu.stats.none++;
      return IrqReturn.None;
    }
    let news = status;
    if (edu.params.no_ack) news = eduNoAckNewBits(edu, status);
    else regs!.writel(EduReg.IrqAck, status);
    eduNoteIrq(edu, status, ns);
    edu.wq.wake();
    if (news === 0) {
      edu.stats.none++;
      return IrqReturn.None;
    }
    eduCount(edu, news);
    return IrqReturn.Handled;
  };
}
