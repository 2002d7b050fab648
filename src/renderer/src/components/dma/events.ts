/**
 * What the DMA events of the recorded stream say, folded into a small state: the last start (when RUN
 * was written and the deadline it set), how the last transfer ended (unless the registers have been
 * programmed since), the last DMA_IRQ raise and the machine's abort. Pure: a batch in, a state out.
 */
import type { DecodedBatch } from '../../../../common/api/event-batch';
import { EduIrq } from '../../../../common/edu/datasheet';
import { EventFlag, EventKind } from '../../../../common/trace/schema';
import type { DmaOutcome } from './model';

export interface DmaStartInfo {
  readonly seq: number;
  /** Virtual time RUN was written. */
  readonly vns: number;
  readonly deadlineNs: number;
  readonly cmd: bigint;
}

export interface DmaActivity {
  readonly start: DmaStartInfo | null;
  /** How the last transfer ended; null again as soon as a DMA register is programmed. */
  readonly outcome: DmaOutcome | null;
  /** Sequence number of the last DmaProgram (the registers were written, maybe with the same values). */
  readonly programSeq: number;
  /** The last time DMA_IRQ (0x100) was raised, by anyone. */
  readonly irqRaise: { readonly seq: number; readonly vns: number } | null;
  /** The machine's hardware error, until the machine is restarted. */
  readonly abortText: string | null;
}

export const INITIAL_ACTIVITY: DmaActivity = Object.freeze({ start: null, outcome: null, programSeq: -1, irqRaise: null, abortText: null });

const RELEVANT = new Set<number>([
  EventKind.DmaProgram,
  EventKind.DmaStart,
  EventKind.DmaComplete,
  EventKind.DmaError,
  EventKind.IrqRaise,
  EventKind.MachineAbort,
  EventKind.MachineReset,
]);

function textOf(batch: DecodedBatch, i: number): string | null {
  return batch.flags[i]! & EventFlag.Text ? (batch.strings.get(batch.valueLo[i]!) ?? null) : null;
}

/** The state after `batch`; the same object when the batch holds nothing the animator follows. */
export function reduceDmaEvents(state: DmaActivity, batch: DecodedBatch): DmaActivity {
  let s: { -readonly [K in keyof DmaActivity]: DmaActivity[K] } | null = null;
  const edit = () => (s ??= { ...state });
  for (let i = 0; i < batch.count; i++) {
    const kind = batch.kind[i]!;
    if (!RELEVANT.has(kind)) continue;
    const seq = batch.fromSeq + i;
    const vns = batch.vns[i]!;
    const lo = batch.valueLo[i]!;
    const hi = batch.valueHi[i]!;
    switch (kind) {
      case EventKind.DmaProgram: {
        const e = edit();
        e.programSeq = seq;
        e.outcome = null;
        break;
      }
      case EventKind.DmaStart: {
        const e = edit();
        e.start = { seq, vns, deadlineNs: batch.addr[i]! * 1e6, cmd: (BigInt(hi) << 32n) | BigInt(lo) };
        e.outcome = null;
        break;
      }
      case EventKind.DmaError: {
        const e = edit();
        e.outcome = { seq, vns, flags: EventFlag.OutOfRange, bytes: 0, completed: false, errorText: textOf(batch, i) };
        break;
      }
      case EventKind.DmaComplete: {
        const e = edit();
        const before = e.outcome;
        const errorText = before && !before.completed ? before.errorText : null;
        e.outcome = { seq, vns, flags: batch.flags[i]!, bytes: hi * 2 ** 32 + lo, completed: true, errorText };
        e.start = null;
        break;
      }
      case EventKind.IrqRaise:
        if (lo & EduIrq.Dma) edit().irqRaise = { seq, vns };
        break;
      case EventKind.MachineAbort:
        edit().abortText = textOf(batch, i);
        break;
      case EventKind.MachineReset: {
        const e = edit();
        e.abortText = null;
        if (lo === 1) {
          // Restarted after a hardware error: the device's registers are back to power-on.
          e.outcome = null;
          e.start = null;
        }
        break;
      }
    }
  }
  return s ?? state;
}
