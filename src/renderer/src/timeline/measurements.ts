/**
 * Measured figures, derived incrementally from the events (each looked at once):
 *
 * - Interrupts, one row per raise like `perf sched timehist`: the IrqRaise, how it was delivered (the
 *   MSI message, or the INTx rising edge; a line that was already high makes no edge), the handler
 *   entry that served it, latency (raise -> entry), handler duration (entry -> exit), the IrqAck that
 *   cleared its bits (raise -> ack) and, for an INTx edge, how long the line stayed high.
 * - Factorials: the write of n to FACTORIAL (0x08) to FactFinish.
 * - DMA transfers: the deadline (DmaStart's addr, ms) against the DMA timer's firing (its lateness) and
 *   the completion time.
 *
 * Matching rules. A raise is delivered by the MsiMessage or the IntxLevel rise recorded right after it
 * (same instant; RegisterChange events may come between). A handler entry serves every delivered raise
 * still waiting for one on its line: INTx lines by hwirq = GSI, MSI by a hwirq that is no INTx line
 * (the guest's PCI-MSI hwirq is devfn << 11). Raises waiting together are served by the same entry
 * (their latencies differ). A raise is acknowledged by the IrqAck after which each of its bits has been
 * cleared (by that ack or an earlier one since the raise).
 */
import { EduReg } from '../../../common/edu/datasheet';
import { EventFlag, EventKind, type Source } from '../../../common/trace/schema';
import type { RawEvent } from './event-store';
import { histogram, type Histogram, type HistogramOptions } from './histogram';

export type Delivery = 'msi' | 'msi-dropped' | 'intx' | 'intx-held' | 'none';

export interface InterruptRow {
  readonly seq: number;
  /** Store index of the IrqRaise. */
  readonly raiseIndex: number;
  readonly raiseTime: number;
  readonly bits: number;
  /** Interrupt status after the raise. */
  readonly status: number;
  readonly source: Source;
  /** How it reached the CPU: null until known; intx-held when the line was already high (no edge). */
  readonly delivery: Delivery | null;
  readonly deliveryTime: number | null;
  readonly gsi: number | null;
  readonly irq: number | null;
  readonly entryTime: number | null;
  readonly exitTime: number | null;
  readonly handled: boolean | null;
  readonly ackTime: number | null;
  /** raise -> handler entry. */
  readonly latency: number | null;
  /** handler entry -> exit. */
  readonly duration: number | null;
  /** raise -> the ack that cleared its bits. */
  readonly raiseToAck: number | null;
  /** INTx rising edge -> falling edge (only for the raise that made the edge). */
  readonly intxHigh: number | null;
}

type Row = { -readonly [K in keyof InterruptRow]: InterruptRow[K] };

export interface FactRow {
  readonly startIndex: number;
  readonly n: number;
  readonly source: Source;
  /** The MMIO write of n to FACTORIAL (null when it was not seen). */
  readonly writeTime: number | null;
  readonly startTime: number;
  readonly finishTime: number | null;
  readonly result: number | null;
  readonly irqRequested: boolean | null;
  /** write (or start) -> finish. */
  readonly duration: number | null;
}

type MutableFact = { -readonly [K in keyof FactRow]: FactRow[K] };

export interface DmaRow {
  readonly startIndex: number;
  readonly startTime: number;
  readonly cmd: number;
  readonly source: Source;
  /** The deadline (ns), from DmaStart's addr in ms. */
  readonly deadline: number;
  /** When the DMA timer fired and how late, by its own TimerFire (null if not seen). */
  readonly fireTime: number | null;
  readonly timerLateness: number | null;
  readonly endTime: number | null;
  readonly outcome: 'complete' | 'error' | null;
  readonly bytes: number | null;
  readonly flags: number;
  readonly error: string | null;
  /** end - deadline. */
  readonly lateness: number | null;
}

type MutableDma = { -readonly [K in keyof DmaRow]: DmaRow[K] };

export interface MeasurementOptions {
  /** Most rows kept per table (the oldest tenth goes when exceeded; default 100,000). */
  readonly maxRows?: number;
  /** The DMA timer's name (TimerName) (default 'edu-dma'). */
  readonly dmaTimerName?: string;
}

/** INTx GSIs are below this; other hwirqs are MSI. */
const LEGACY_LINES = 24;
const MAX_PENDING = 10_000;

/** Exactly one bit set. */
const singleBit = (bits: number): boolean => bits !== 0 && (bits & (bits - 1)) === 0;

function trimFront<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max + Math.ceil(max / 10));
}

export class MeasurementTracker {
  private readonly maxRows: number;
  private readonly dmaTimerName: string;
  private irqRows: Row[] = [];
  private factRows: MutableFact[] = [];
  private dmaRows: MutableDma[] = [];
  private awaiting: Row | null = null;
  private pendingEntry: Row[] = [];
  private inHandler = new Map<number, Row[]>();
  /** Raises waiting for acks, by status bit (bit b: rows with b set that no ack has cleared yet). */
  private unacked: Row[][] = Array.from({ length: 32 }, () => []);
  /**
   * Bits of each row raising several bits not yet cleared by an ack. A row raising one bit (nearly all)
   * is not kept here: it is acknowledged when its bit clears, if it is still in that bit's list.
   */
  private remaining = new Map<Row, number>();
  /** Bits that have rows in `unacked`. */
  private unackedBits = 0;
  private edgeRows = new Map<number, Row[]>();
  private intxHigh = new Map<number, boolean>();
  private openFact: MutableFact[] = [];
  private openDma: MutableDma | null = null;
  private lastFactWrite = NaN;
  private lastFire: { id: number; time: number; lateness: number } | null = null;
  private dmaTimerId: number | null = null;
  version = 0;

  constructor(options: MeasurementOptions = {}) {
    this.maxRows = options.maxRows ?? 100_000;
    this.dmaTimerName = options.dmaTimerName ?? 'edu-dma';
  }

  get interrupts(): readonly InterruptRow[] {
    return this.irqRows;
  }

  get factorials(): readonly FactRow[] {
    return this.factRows;
  }

  get dma(): readonly DmaRow[] {
    return this.dmaRows;
  }

  process(e: RawEvent): void {
    const t = e.vns;
    if (this.awaiting && !(e.kind === EventKind.RegisterChange || e.kind === EventKind.MsiMessage || (e.kind === EventKind.IntxLevel && e.lo === 1))) {
      this.resolveWithoutEdge(this.awaiting);
    }
    switch (e.kind) {
      case EventKind.IrqRaise:
        this.raise(e);
        break;
      case EventKind.MsiMessage:
        if (this.awaiting) {
          const row = this.awaiting;
          this.awaiting = null;
          row.deliveryTime = t;
          if (e.flags & EventFlag.Dropped) row.delivery = 'msi-dropped';
          else {
            row.delivery = 'msi';
            this.pend(row);
          }
        }
        break;
      case EventKind.IntxLevel:
        this.intxLevel(e.addr, e.lo !== 0, t);
        break;
      case EventKind.HandlerEnter:
        this.handlerEnter(e.addr, e.lo, t);
        break;
      case EventKind.HandlerExit: {
        const rows = this.inHandler.get(e.addr);
        if (rows) {
          for (const r of rows) {
            r.exitTime = t;
            r.handled = e.lo !== 0;
            r.duration = t - r.entryTime!;
          }
          this.inHandler.delete(e.addr);
        }
        break;
      }
      case EventKind.IrqAck:
        this.ack(e.addr >>> 0, t);
        break;
      case EventKind.MachineReset:
        this.pendingEntry = [];
        this.inHandler.clear();
        if (e.lo === 1) this.clearUnacked();
        break;
      case EventKind.MmioWrite:
        if (e.addr === EduReg.Factorial) this.lastFactWrite = t;
        break;
      case EventKind.FactStart: {
        const row: MutableFact = {
          startIndex: e.ix, n: e.lo, source: e.source, writeTime: this.lastFactWrite === t ? t : null, startTime: t,
          finishTime: null, result: null, irqRequested: null, duration: null,
        };
        this.factRows.push(row);
        this.openFact.push(row);
        trimFront(this.factRows, this.maxRows);
        break;
      }
      case EventKind.FactFinish: {
        const row = this.openFact.shift();
        if (row) {
          row.finishTime = t;
          row.result = e.lo;
          row.irqRequested = (e.flags & EventFlag.IrqRequested) !== 0;
          row.duration = t - (row.writeTime ?? row.startTime);
        }
        break;
      }
      case EventKind.TimerName:
        if (e.text === this.dmaTimerName) this.dmaTimerId = e.addr;
        break;
      case EventKind.TimerFire:
        this.lastFire = { id: e.addr, time: t, lateness: e.lo + e.hi * 0x1_0000_0000 };
        break;
      case EventKind.DmaStart: {
        const row: MutableDma = {
          startIndex: e.ix, startTime: t, cmd: e.lo, source: e.source, deadline: e.addr * 1e6, fireTime: null, timerLateness: null,
          endTime: null, outcome: null, bytes: null, flags: 0, error: null, lateness: null,
        };
        this.dmaRows.push(row);
        this.openDma = row;
        trimFront(this.dmaRows, this.maxRows);
        break;
      }
      case EventKind.DmaComplete:
      case EventKind.DmaError:
        this.dmaEnd(e);
        break;
      default:
        return;
    }
    this.version++;
  }

  private raise(e: RawEvent): void {
    const row: Row = {
      seq: e.seq, raiseIndex: e.ix, raiseTime: e.vns, bits: e.lo >>> 0, status: e.addr >>> 0, source: e.source,
      delivery: null, deliveryTime: null, gsi: null, irq: null, entryTime: null, exitTime: null, handled: null, ackTime: null,
      latency: null, duration: null, raiseToAck: null, intxHigh: null,
    };
    this.irqRows.push(row);
    trimFront(this.irqRows, this.maxRows);
    this.awaiting = row;
    if (row.bits !== 0) {
      if (!singleBit(row.bits)) this.remaining.set(row, row.bits);
      for (let b = row.bits; b !== 0; b &= b - 1) {
        const bit = 31 - Math.clz32(b & -b);
        const list = this.unacked[bit]!;
        list.push(row);
        // Past the limit the oldest tenth goes at once: dropping one per raise would move the whole
        // list on every raise of a storm (quadratic: a million unacknowledged raises took a minute).
        if (list.length > MAX_PENDING) this.forgetOldest(list, list.length - MAX_PENDING + MAX_PENDING / 10);
      }
      this.unackedBits = (this.unackedBits | row.bits) >>> 0;
    }
  }

  /** Stops waiting for acks of the `n` oldest raises of a bit's list. */
  private forgetOldest(list: Row[], n: number): void {
    for (let i = 0; i < n; i++) {
      const old = list[i]!;
      if (!singleBit(old.bits)) this.remaining.delete(old);
    }
    list.splice(0, n); // (a memmove: Array.prototype.copyWithin is element by element, fifty times slower)
  }

  /** No MSI and no INTx edge followed the raise: an INTx line already high carries it, or nothing does. */
  private resolveWithoutEdge(row: Row): void {
    this.awaiting = null;
    let gsi = -1;
    for (const [line, on] of this.intxHigh) {
      if (on) {
        gsi = line;
        break;
      }
    }
    if (gsi >= 0 && row.status !== 0) {
      row.delivery = 'intx-held';
      row.gsi = gsi;
      row.deliveryTime = row.raiseTime;
      this.pend(row);
    } else {
      row.delivery = 'none';
    }
  }

  private pend(row: Row): void {
    this.pendingEntry.push(row);
    trimFront(this.pendingEntry, MAX_PENDING);
  }

  private intxLevel(gsi: number, on: boolean, t: number): void {
    this.intxHigh.set(gsi, on);
    if (on) {
      const row = this.awaiting;
      if (!row) return;
      this.awaiting = null;
      row.delivery = 'intx';
      row.gsi = gsi;
      row.deliveryTime = t;
      this.pend(row);
      const list = this.edgeRows.get(gsi) ?? [];
      list.push(row);
      this.edgeRows.set(gsi, list);
    } else {
      for (const row of this.edgeRows.get(gsi) ?? []) row.intxHigh = t - row.deliveryTime!;
      this.edgeRows.delete(gsi);
    }
  }

  private handlerEnter(irq: number, hwirq: number, t: number): void {
    const isIntx = this.intxHigh.has(hwirq) || hwirq < LEGACY_LINES;
    const pending = this.pendingEntry;
    let served: Row[] | undefined;
    let keep = 0;
    for (let i = 0; i < pending.length; i++) {
      const r = pending[i]!;
      const match = isIntx ? (r.delivery === 'intx' || r.delivery === 'intx-held') && r.gsi === hwirq : r.delivery === 'msi';
      if (!match) {
        pending[keep++] = r;
        continue;
      }
      r.irq = irq;
      r.entryTime = t;
      r.latency = t - r.raiseTime;
      served ??= this.inHandler.get(irq) ?? [];
      served.push(r);
    }
    pending.length = keep;
    if (served) this.inHandler.set(irq, served);
  }

  /**
   * An ack left `status`: each bit now clear is cleared for every raise waiting on it; a raise whose
   * bits have all been cleared is acknowledged now. Only the lists of bits that just cleared are visited.
   */
  private ack(status: number, t: number): void {
    let cleared = (this.unackedBits & ~status) >>> 0;
    while (cleared !== 0) {
      const bit = 31 - Math.clz32(cleared & -cleared);
      cleared = (cleared & (cleared - 1)) >>> 0;
      const mask = (1 << bit) >>> 0;
      for (const r of this.unacked[bit]!) {
        if (!singleBit(r.bits)) {
          const left = this.remaining.get(r);
          if (left === undefined) continue;
          const now = (left & ~mask) >>> 0;
          if (now !== 0) {
            this.remaining.set(r, now);
            continue;
          }
          this.remaining.delete(r);
        }
        r.ackTime = t;
        r.raiseToAck = t - r.raiseTime;
      }
      this.unacked[bit] = [];
      this.unackedBits = (this.unackedBits & ~mask) >>> 0;
    }
  }

  private clearUnacked(): void {
    this.unacked = Array.from({ length: 32 }, () => []);
    this.remaining.clear();
    this.unackedBits = 0;
  }

  private dmaEnd(e: RawEvent): void {
    const t = e.vns;
    let row = this.openDma;
    if (!row) {
      // The completion that follows an error in the same instant (the 'log' profile) belongs to it.
      const last = this.dmaRows[this.dmaRows.length - 1];
      if (e.kind === EventKind.DmaComplete && last && last.endTime === t && last.bytes === null) {
        last.bytes = e.lo + e.hi * 0x1_0000_0000;
        last.flags |= e.flags;
      }
      return;
    }
    this.openDma = null;
    const fire = this.lastFire;
    if (fire && fire.time === t && (this.dmaTimerId === null || fire.id === this.dmaTimerId)) {
      row.fireTime = fire.time;
      row.timerLateness = fire.lateness;
    }
    row.endTime = t;
    row.lateness = t - row.deadline;
    if (e.kind === EventKind.DmaError) {
      row.outcome = 'error';
      row.error = e.text ?? '';
    } else {
      row.outcome = 'complete';
      row.bytes = e.lo + e.hi * 0x1_0000_0000;
      row.flags = e.flags;
    }
  }

  clear(): void {
    this.irqRows = [];
    this.factRows = [];
    this.dmaRows = [];
    this.awaiting = null;
    this.pendingEntry = [];
    this.inHandler.clear();
    this.clearUnacked();
    this.edgeRows.clear();
    this.intxHigh.clear();
    this.openFact = [];
    this.openDma = null;
    this.lastFactWrite = NaN;
    this.lastFire = null;
    this.dmaTimerId = null;
    this.version++;
  }
}

export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

export interface InterruptSummary {
  readonly count: number;
  /** Raises a handler entry served. */
  readonly served: number;
  readonly acked: number;
  /** Raises whose MSI message was dropped. */
  readonly dropped: number;
  readonly latency: Histogram;
  readonly duration: Histogram;
  readonly raiseToAck: Histogram;
  readonly intxHigh: Histogram;
  /** Raises per second of virtual time: over the range, or between the first and the last raise (null if undefined). */
  readonly ratePerSecond: number | null;
}

export interface MeasurementReport {
  readonly range: TimeRange | null;
  readonly interrupts: readonly InterruptRow[];
  readonly summary: InterruptSummary;
  readonly factorials: readonly FactRow[];
  readonly factDuration: Histogram;
  readonly dma: readonly DmaRow[];
  readonly dmaLateness: Histogram;
}

const inRange = (t: number, r: TimeRange | null): boolean => !r || (t >= r.from && t <= r.to);

function values<T>(rows: readonly T[], pick: (r: T) => number | null): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const v = pick(r);
    if (v !== null) out.push(v);
  }
  return out;
}

export function summarizeInterrupts(rows: readonly InterruptRow[], range: TimeRange | null = null, options: HistogramOptions = {}): InterruptSummary {
  const sel = range ? rows.filter((r) => inRange(r.raiseTime, range)) : rows;
  // Over a range: raises per its duration. Over everything: raises per interval between the first and last.
  let rate: number | null = null;
  if (range && range.to > range.from) rate = (sel.length * 1e9) / (range.to - range.from);
  else if (!range && sel.length > 1) {
    const span = sel[sel.length - 1]!.raiseTime - sel[0]!.raiseTime;
    if (span > 0) rate = ((sel.length - 1) * 1e9) / span;
  }
  return {
    count: sel.length,
    served: sel.filter((r) => r.entryTime !== null).length,
    acked: sel.filter((r) => r.ackTime !== null).length,
    dropped: sel.filter((r) => r.delivery === 'msi-dropped').length,
    latency: histogram(values(sel, (r) => r.latency), options),
    duration: histogram(values(sel, (r) => r.duration), options),
    raiseToAck: histogram(values(sel, (r) => r.raiseToAck), options),
    intxHigh: histogram(values(sel, (r) => r.intxHigh), options),
    ratePerSecond: rate,
  };
}

/** Everything measured, restricted to a time range (by raise / start time) when given. */
export function measurementReport(tracker: MeasurementTracker, range: TimeRange | null = null, options: HistogramOptions = {}): MeasurementReport {
  const interrupts = range ? tracker.interrupts.filter((r) => inRange(r.raiseTime, range)) : tracker.interrupts;
  const factorials = range ? tracker.factorials.filter((r) => inRange(r.startTime, range)) : tracker.factorials;
  const dma = range ? tracker.dma.filter((r) => inRange(r.startTime, range)) : tracker.dma;
  return {
    range,
    interrupts,
    summary: summarizeInterrupts(interrupts, range, options),
    factorials,
    factDuration: histogram(values(factorials, (r) => r.duration), options),
    dma,
    dmaLateness: histogram(values(dma, (r) => r.lateness), options),
  };
}
