/**
 * The export lane model, shared by the VCD and Perfetto writers: a streaming state machine that turns
 * trace events into changes of named signals, like the probes of a logic analyser on the edu card.
 * It follows the UI timeline's lanes (src/renderer/src/timeline/lanes.ts), and keeps only the current
 * value of each signal (memory is bounded by the number of signals, never by the number of events).
 *
 *   signal            kind    width  from
 *   mmio_<source>     pulse   1      each MMIO access by that initiator (guest, ui, test, ...)
 *   mmio_we           level   1      the last access was a write (1) or a read (0)
 *   mmio_addr         bus     20     offset in BAR0 of the last access
 *   mmio_data         bus     32     value of the last access (low 32 bits)
 *   fact_busy         level   1      STATUS.COMPUTING: FactStart .. FactFinish
 *   intx_<gsi>        level   1      IntxLevel (GSI 11 always declared)
 *   msi               pulse   1      each MSI message (delivered or dropped)
 *   msi_dropped       pulse   1      each MSI message not delivered (bus mastering off)
 *   msi_data          bus     32     data of the last MSI message
 *   irq_status        bus     32     IRQ_STATUS after each raise / ack / reset
 *   irq_raise         pulse   1      each IrqRaise
 *   irq_ack           pulse   1      each IrqAck
 *   irq_fact, irq_dma level   1      status bits 0x1 and 0x100 (always declared)
 *   irq_bit<n>        level   1      any other status bit, from the first time it is set
 *   handler_<irq>     level   1      a guest handler of Linux irq <irq> running: HandlerEnter .. HandlerExit
 *   dma_busy          level   1      DMA_CMD.RUN: DmaStart .. DmaComplete / DmaError
 *   dma_error         pulse   1      each DmaError
 *   clock_paused      level   1      ClockPause .. ClockResume
 *   irq_disabled      pulse   1      the guest kernel disabled a line ("nobody cared")
 *
 * A pulse is reported as two changes at the same instant (1 then 0); writers decide how to show it.
 * Values are unsigned 32-bit numbers.
 */
import { EduIrq, EduReg } from '../../../common/edu/datasheet';
import { EventFlag, EventKind, SOURCE_NAMES, Source, type TraceEvent } from '../../../common/trace/schema';

export type SignalKind = 'level' | 'pulse' | 'bus';
export type SignalGroup = 'mmio' | 'mmio-bus' | 'fact' | 'intx' | 'msi' | 'msi-bus' | 'irq-status' | 'irq-strobe' | 'irq-bit' | 'handler' | 'dma' | 'clock' | 'guest';

export interface SignalInfo {
  /** Position in `SignalModel.signals` (declaration order). */
  readonly index: number;
  /** A VCD-safe name (letters, digits, underscores). */
  readonly name: string;
  readonly width: number;
  readonly kind: SignalKind;
  readonly group: SignalGroup;
  /** What it is, in words (for track names). */
  readonly label: string;
  /** The number the signal is about: source of an MMIO strobe, GSI, status bit, Linux irq; else -1. */
  readonly key: number;
}

export interface SignalListener {
  /** A signal was declared (at construction for the fixed ones, or when first needed). */
  signal(info: SignalInfo): void;
  /** Signal `index` took `value` at virtual time `vns`, because of event `e`. Only called for real changes. */
  change(index: number, vns: number, value: number, e: TraceEvent): void;
}

/** Sources with an MMIO strobe from the start (as the timeline shows guest and UI lanes). */
const DEFAULT_MMIO_SOURCES: readonly Source[] = [Source.Guest, Source.Ui];
export const DEFAULT_INTX_GSI = 11;

const BAR_OFFSET_BITS = 20;

/** The low 32 bits of a 64-bit value (without BigInt arithmetic in the common case). */
export function low32(v: bigint): number {
  return v >= 0n && v <= 0xffffffffn ? Number(v) : Number(BigInt.asUintN(32, v));
}

export class SignalModel {
  /** Every signal, in declaration order. */
  readonly signals: SignalInfo[] = [];
  /** Current value of each signal. */
  readonly values: number[] = [];
  private readonly mmioStrobe: number[] = [];
  private readonly intxSig = new Map<number, number>();
  private readonly bitSig: number[] = [];
  private readonly handlerSig = new Map<number, number>();
  readonly mmioWe: number;
  readonly mmioAddr: number;
  readonly mmioData: number;
  readonly fact: number;
  readonly msi: number;
  readonly msiDropped: number;
  readonly msiData: number;
  readonly irqStatus: number;
  readonly irqRaise: number;
  readonly irqAck: number;
  readonly dma: number;
  readonly dmaError: number;
  readonly clock: number;
  readonly irqDisabled: number;

  constructor(private readonly listener: SignalListener) {
    for (const s of DEFAULT_MMIO_SOURCES) this.mmioSignal(s);
    this.mmioWe = this.declare('mmio_we', 1, 'level', 'mmio-bus', 'MMIO write enable (last access was a write)', -1);
    this.mmioAddr = this.declare('mmio_addr', BAR_OFFSET_BITS, 'bus', 'mmio-bus', 'MMIO offset in BAR0 of the last access', -1);
    this.mmioData = this.declare('mmio_data', 32, 'bus', 'mmio-bus', 'MMIO value of the last access (low 32 bits)', -1);
    this.fact = this.declare('fact_busy', 1, 'level', 'fact', 'factorial busy (STATUS.COMPUTING)', -1);
    this.intxSignal(DEFAULT_INTX_GSI);
    this.msi = this.declare('msi', 1, 'pulse', 'msi', 'MSI message', -1);
    this.msiDropped = this.declare('msi_dropped', 1, 'pulse', 'msi', 'MSI message dropped (bus mastering off)', -1);
    this.msiData = this.declare('msi_data', 32, 'bus', 'msi-bus', 'MSI data of the last message', -1);
    this.irqStatus = this.declare('irq_status', 32, 'bus', 'irq-status', 'IRQ_STATUS', -1);
    this.irqRaise = this.declare('irq_raise', 1, 'pulse', 'irq-strobe', 'interrupt raised (IRQ_RAISE or device)', -1);
    this.irqAck = this.declare('irq_ack', 1, 'pulse', 'irq-strobe', 'interrupt acknowledged (IRQ_ACK)', -1);
    this.bitSignal(0);
    this.bitSignal(8);
    this.dma = this.declare('dma_busy', 1, 'level', 'dma', 'DMA busy (DMA_CMD.RUN)', -1);
    this.dmaError = this.declare('dma_error', 1, 'pulse', 'dma', 'DMA error', -1);
    this.clock = this.declare('clock_paused', 1, 'level', 'clock', 'clock paused', -1);
    this.irqDisabled = this.declare('irq_disabled', 1, 'pulse', 'guest', 'the kernel disabled an interrupt line', -1);
  }

  private declare(name: string, width: number, kind: SignalKind, group: SignalGroup, label: string, key: number): number {
    const index = this.signals.length;
    const info: SignalInfo = { index, name, width, kind, group, label, key };
    this.signals.push(info);
    this.values.push(0);
    this.listener.signal(info);
    return index;
  }

  mmioSignal(source: number): number {
    const known = this.mmioStrobe[source];
    if (known !== undefined) return known;
    const name = SOURCE_NAMES[source as Source] ?? `source${source}`;
    return (this.mmioStrobe[source] = this.declare(`mmio_${name}`, 1, 'pulse', 'mmio', `MMIO ${source === Source.Ui ? 'UI' : name}`, source));
  }

  intxSignal(gsi: number): number {
    let i = this.intxSig.get(gsi);
    if (i === undefined) {
      i = this.declare(`intx_${gsi}`, 1, 'level', 'intx', `INTx GSI ${gsi}`, gsi);
      this.intxSig.set(gsi, i);
    }
    return i;
  }

  bitSignal(bit: number): number {
    const known = this.bitSig[bit];
    if (known !== undefined) return known;
    const mask = (1 << bit) >>> 0;
    const name = mask === EduIrq.Fact ? 'irq_fact' : mask === EduIrq.Dma ? 'irq_dma' : `irq_bit${bit}`;
    const label = `IRQ_STATUS bit 0x${mask.toString(16)}${mask === EduIrq.Fact ? ' (FACT)' : mask === EduIrq.Dma ? ' (DMA)' : ''}`;
    return (this.bitSig[bit] = this.declare(name, 1, 'level', 'irq-bit', label, bit));
  }

  handlerSignal(irq: number): number {
    let i = this.handlerSig.get(irq);
    if (i === undefined) {
      i = this.declare(`handler_${irq}`, 1, 'level', 'handler', `handler irq ${irq}`, irq);
      this.handlerSig.set(irq, i);
    }
    return i;
  }

  /** Handlers declared so far (Linux irq -> signal index). */
  get handlers(): ReadonlyMap<number, number> {
    return this.handlerSig;
  }

  private set(i: number, v: number, e: TraceEvent): void {
    if (this.values[i] === v) return;
    this.values[i] = v;
    this.listener.change(i, e.vns, v, e);
  }

  private pulse(i: number, e: TraceEvent): void {
    // values[] of a pulse stays 0: it is 1 only at the instant itself.
    this.listener.change(i, e.vns, 1, e);
    this.listener.change(i, e.vns, 0, e);
  }

  private setStatus(status: number, e: TraceEvent): void {
    const before = this.values[this.irqStatus]!;
    let changed = (before ^ status) >>> 0;
    if (changed === 0) return;
    this.set(this.irqStatus, status, e);
    while (changed !== 0) {
      const bit = 31 - Math.clz32(changed & -changed);
      changed = (changed & (changed - 1)) >>> 0;
      const on = (status >>> bit) & 1;
      if (on || this.bitSig[bit] !== undefined) this.set(this.bitSignal(bit), on, e);
    }
  }

  /** Derives signal changes from one event (events in recording order). */
  process(e: TraceEvent): void {
    switch (e.kind) {
      case EventKind.MmioRead:
      case EventKind.MmioWrite: {
        this.pulse(this.mmioSignal(e.source), e);
        this.set(this.mmioWe, e.kind === EventKind.MmioWrite ? 1 : 0, e);
        this.set(this.mmioAddr, e.addr & ((1 << BAR_OFFSET_BITS) - 1), e);
        this.set(this.mmioData, low32(e.value), e);
        break;
      }
      case EventKind.FactStart:
        this.set(this.fact, 1, e);
        break;
      case EventKind.FactFinish:
        this.set(this.fact, 0, e);
        break;
      case EventKind.IntxLevel:
        this.set(this.intxSignal(e.addr), e.value !== 0n ? 1 : 0, e);
        break;
      case EventKind.MsiMessage:
        this.set(this.msiData, low32(e.value), e);
        this.pulse(this.msi, e);
        if (e.flags & EventFlag.Dropped) this.pulse(this.msiDropped, e);
        break;
      case EventKind.IrqRaise:
        this.pulse(this.irqRaise, e);
        this.setStatus(e.addr >>> 0, e);
        break;
      case EventKind.IrqAck:
        this.pulse(this.irqAck, e);
        this.setStatus(e.addr >>> 0, e);
        break;
      case EventKind.RegisterChange:
        // The status register also changes without a raise or ack (a power-on reset zeroes it).
        if (e.addr === EduReg.IrqStatus) this.setStatus(low32(e.value), e);
        break;
      case EventKind.HandlerEnter:
        this.set(this.handlerSignal(e.addr), 1, e);
        break;
      case EventKind.HandlerExit:
        this.set(this.handlerSignal(e.addr), 0, e);
        break;
      case EventKind.IrqDisabled:
        this.pulse(this.irqDisabled, e);
        break;
      case EventKind.DmaStart:
        this.set(this.dma, 1, e);
        break;
      case EventKind.DmaComplete:
        this.set(this.dma, 0, e);
        break;
      case EventKind.DmaError:
        this.pulse(this.dmaError, e);
        this.set(this.dma, 0, e);
        break;
      case EventKind.ClockPause:
        this.set(this.clock, 1, e);
        break;
      case EventKind.ClockResume:
        this.set(this.clock, 0, e);
        break;
      case EventKind.MachineReset:
        // The guest starts over: no handler runs any more. A restart after a hardware error (value 1)
        // also puts the device back to power-on values: no status, no transfer.
        for (const i of this.handlerSig.values()) this.set(i, 0, e);
        if (e.value === 1n) {
          this.setStatus(0, e);
          this.set(this.dma, 0, e);
        }
        break;
      default:
        break;
    }
  }
}
