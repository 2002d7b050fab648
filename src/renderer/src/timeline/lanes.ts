/**
 * The timeline's lanes, derived from events as they arrive (each event is looked at once, when it is
 * appended; nothing is rescanned):
 *
 *   mmio:<source>   MMIO accesses by initiator (guest, ui, ...): instants, classes read / write / invalid
 *   fact            factorial busy: FactStart .. FactFinish
 *   intx:<gsi>      INTx level of a line (IntxLevel); GSI 11 is always there
 *   msi             MSI messages: instants, classes delivered / dropped
 *   irq-status      the interrupt status register (IrqRaise / IrqAck new status): a multi-bit value
 *   irq-bit:<n>     one lane per status bit ever set (FACT bit 0 and DMA bit 8 always)
 *   handler:<irq>   a guest interrupt handler running: HandlerEnter .. HandlerExit; unhandled exits
 *                   are marked as instants
 *   dma             DMA busy: DmaStart .. DmaComplete / DmaError; instants mark each deadline (from
 *                   DmaStart's addr, in ms) and each error
 *   clock           clock paused: ClockPause .. ClockResume (zero width in virtual time: the clock
 *                   does not advance while paused)
 *   storm           the storm warning (see storm.ts); instants mark IrqDisabled
 *
 * Spans still open at the end of the data stay open: the level simply has not changed back yet.
 */
import { EduIrq, EduReg } from '../../../common/edu/datasheet';
import { EventFlag, EventKind, SOURCE_NAMES, Source } from '../../../common/trace/schema';
import type { RawEvent } from './event-store';
import { InstantSeries, LevelSeries } from './series';
import { StormDetector, type StormOptions } from './storm';

export type LaneKind = 'instants' | 'span' | 'value';
export type LaneGroup = 'mmio' | 'fact' | 'intx' | 'msi' | 'irq-status' | 'irq-bit' | 'handler' | 'dma' | 'clock' | 'storm';

export interface Lane {
  readonly id: string;
  readonly group: LaneGroup;
  /** instants: only points; span: a 0/1 level (plus optional instants); value: a multi-bit level. */
  readonly kind: LaneKind;
  readonly label: string;
  readonly description: string;
  /** Sort key: lanes are listed by it. */
  readonly order: number;
  readonly level: LevelSeries | null;
  readonly instants: InstantSeries | null;
  /** Names of the instant classes (index = class). */
  readonly classes: readonly string[];
}

export const MMIO_CLASSES = ['read', 'write', 'invalid'] as const;
export const MmioClass = { Read: 0, Write: 1, Invalid: 2 } as const;
export const MSI_CLASSES = ['delivered', 'dropped'] as const;
export const DMA_MARK_CLASSES = ['deadline', 'error'] as const;
export const DmaMark = { Deadline: 0, Error: 1 } as const;

/** The edu device's INTx line on this machine (always shown, even before it moves). */
export const DEFAULT_INTX_GSI = 11;

export interface LaneSetOptions {
  /** INTx lines shown from the start (default [11]); others appear when they first change. */
  readonly intxLines?: readonly number[];
  readonly storm?: StormOptions;
}

/** A status bit's name: FACT, DMA, or `bit n`. */
export function bitName(bit: number): string {
  const mask = 1 << bit;
  if (mask === EduIrq.Fact) return 'FACT';
  if (mask === EduIrq.Dma) return 'DMA';
  return `bit ${bit}`;
}

export function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

export class LaneSet {
  private byId = new Map<string, Lane>();
  private sorted: Lane[] = [];
  private status = 0;
  private readonly handlerLanes = new Map<number, Lane>();
  private readonly mmioLanes: (Lane | undefined)[] = [];
  private readonly intxLanes = new Map<number, Lane>();
  private readonly bitLanes: (Lane | undefined)[] = [];
  readonly fact: Lane;
  readonly msi: Lane;
  readonly irqStatus: Lane;
  readonly dma: Lane;
  readonly clock: Lane;
  readonly stormLane: Lane;
  readonly storm: StormDetector;
  /** Bumped when lanes are added (layout changes). */
  structureVersion = 0;
  /** Bumped when any lane's data changes. */
  dataVersion = 0;

  constructor(private readonly options: LaneSetOptions = {}) {
    this.mmio(Source.Guest);
    this.mmio(Source.Ui);
    this.fact = this.add({
      id: 'fact', group: 'fact', kind: 'span', label: 'factorial busy', order: 200,
      description: 'STATUS.COMPUTING: from the write of n to FACTORIAL (FactStart) to the result (FactFinish).',
      level: new LevelSeries(), instants: null, classes: [],
    });
    for (const gsi of options.intxLines ?? [DEFAULT_INTX_GSI]) this.intx(gsi);
    this.msi = this.add({
      id: 'msi', group: 'msi', kind: 'instants', label: 'MSI', order: 400,
      description: 'MSI messages sent by the device; dropped ones (bus mastering off) are marked.',
      level: null, instants: new InstantSeries(MSI_CLASSES.length), classes: MSI_CLASSES,
    });
    this.irqStatus = this.add({
      id: 'irq-status', group: 'irq-status', kind: 'value', label: 'IRQ_STATUS', order: 500,
      description: 'The interrupt status register (0x24) after each raise and acknowledge.',
      level: new LevelSeries(), instants: null, classes: [],
    });
    this.bit(0);
    this.bit(8);
    this.dma = this.add({
      id: 'dma', group: 'dma', kind: 'span', label: 'DMA busy', order: 700,
      description: 'DMA_CMD.RUN: from the command (DmaStart) to completion or error; ticks mark the deadline and errors.',
      level: new LevelSeries(), instants: new InstantSeries(DMA_MARK_CLASSES.length), classes: DMA_MARK_CLASSES,
    });
    this.clock = this.add({
      id: 'clock', group: 'clock', kind: 'span', label: 'clock paused', order: 800,
      description: 'The machine clock paused (virtual time stands still meanwhile, so these are instants in virtual time).',
      level: new LevelSeries(), instants: null, classes: [],
    });
    this.stormLane = this.add({
      id: 'storm', group: 'storm', kind: 'span', label: 'storm', order: 900,
      description: 'Interrupts outpacing acknowledgements over a window; ticks mark lines the kernel disabled.',
      level: new LevelSeries(), instants: new InstantSeries(1), classes: ['irq disabled'],
    });
    this.storm = new StormDetector(this.stormLane.level!, this.stormLane.instants!, options.storm);
  }

  /** Every lane, in display order. */
  get lanes(): readonly Lane[] {
    return this.sorted;
  }

  get(id: string): Lane | undefined {
    return this.byId.get(id);
  }

  private add(lane: Lane): Lane {
    this.byId.set(lane.id, lane);
    this.sorted.push(lane);
    this.sorted.sort((a, b) => a.order - b.order);
    this.structureVersion++;
    return lane;
  }

  /** The MMIO lane of an initiator (created when first needed). */
  mmio(source: Source): Lane {
    const known = this.mmioLanes[source];
    if (known) return known;
    const id = `mmio:${SOURCE_NAMES[source] ?? source}`;
    const name = source === Source.Ui ? 'UI' : (SOURCE_NAMES[source] ?? `source ${source}`);
    return (this.mmioLanes[source] = this.add({
      id, group: 'mmio', kind: 'instants', label: `MMIO ${name}`, order: 100 + (source === Source.Guest ? 0 : source === Source.Ui ? 1 : 2 + source),
      description: `BAR0 accesses initiated by ${name}: reads, writes, and accesses that broke the size or alignment rules.`,
      level: null, instants: new InstantSeries(MMIO_CLASSES.length), classes: MMIO_CLASSES,
    }));
  }

  intx(gsi: number): Lane {
    const known = this.intxLanes.get(gsi);
    if (known) return known;
    const lane = this.add({
      id: `intx:${gsi}`, group: 'intx', kind: 'span', label: `INTx GSI ${gsi}`, order: 300 + gsi / 1000,
      description: `The level of interrupt line ${gsi} (the device's INTx pin after routing).`,
      level: new LevelSeries(), instants: null, classes: [],
    });
    this.intxLanes.set(gsi, lane);
    return lane;
  }

  bit(bit: number): Lane {
    const known = this.bitLanes[bit];
    if (known) return known;
    const mask = (1 << bit) >>> 0;
    return (this.bitLanes[bit] = this.add({
      id: `irq-bit:${bit}`, group: 'irq-bit', kind: 'span', label: `IRQ ${bitName(bit)} ${hex(mask)}`, order: 510 + bit / 100,
      description: `Interrupt status bit ${hex(mask)} set (raised, not yet acknowledged).`,
      level: new LevelSeries(), instants: null, classes: [],
    }));
  }

  handler(irq: number, hwirq?: number): Lane {
    let lane = this.handlerLanes.get(irq);
    if (!lane) {
      const how = hwirq === undefined ? '' : ` (hwirq ${hwirq < 1024 ? hwirq : hex(hwirq)})`;
      lane = this.add({
        id: `handler:${irq}`, group: 'handler', kind: 'span', label: `handler irq ${irq}`, order: 600 + irq / 10_000,
        description: `The guest's handlers for irq ${irq}${how} running; ticks mark invocations nobody handled.`,
        level: new LevelSeries(), instants: new InstantSeries(1), classes: ['unhandled'],
      });
      this.handlerLanes.set(irq, lane);
    }
    return lane;
  }

  /** Derives lane data from one event (called for each appended event, in order). */
  process(e: RawEvent): void {
    const t = e.vns;
    const ix = e.ix;
    switch (e.kind) {
      case EventKind.MmioRead:
      case EventKind.MmioWrite: {
        const cls = e.flags & (EventFlag.Invalid | EventFlag.Ignored) ? MmioClass.Invalid : e.kind === EventKind.MmioWrite ? MmioClass.Write : MmioClass.Read;
        this.mmio(e.source).instants!.push(t, cls, ix);
        break;
      }
      case EventKind.FactStart:
        this.fact.level!.set(t, 1, ix);
        break;
      case EventKind.FactFinish:
        this.fact.level!.set(t, 0, ix);
        break;
      case EventKind.IntxLevel:
        this.intx(e.addr).level!.set(t, e.lo ? 1 : 0, ix);
        break;
      case EventKind.MsiMessage:
        this.msi.instants!.push(t, e.flags & EventFlag.Dropped ? 1 : 0, ix);
        break;
      case EventKind.IrqRaise:
        this.setStatus(t, e.addr >>> 0, ix);
        this.storm.raise(t, ix);
        break;
      case EventKind.IrqAck:
        this.setStatus(t, e.addr >>> 0, ix);
        this.storm.ack(t, ix);
        break;
      case EventKind.RegisterChange:
        // The status register also changes without a raise or ack (a power-on reset zeroes it).
        if (e.addr === EduReg.IrqStatus) this.setStatus(t, e.lo >>> 0, ix);
        break;
      case EventKind.HandlerEnter:
        this.handler(e.addr, e.lo).level!.set(t, 1, ix);
        this.storm.entry(t, ix);
        break;
      case EventKind.HandlerExit: {
        const lane = this.handler(e.addr);
        lane.level!.set(t, 0, ix);
        if (e.lo === 0) lane.instants!.push(t, 0, ix);
        break;
      }
      case EventKind.IrqDisabled:
        this.storm.irqDisabled(t, e.addr, ix);
        break;
      case EventKind.DmaStart:
        this.dma.level!.set(t, 1, ix);
        this.dma.instants!.push(e.addr * 1e6, DmaMark.Deadline, ix);
        break;
      case EventKind.DmaComplete:
        this.dma.level!.set(t, 0, ix);
        break;
      case EventKind.DmaError:
        this.dma.level!.set(t, 0, ix);
        this.dma.instants!.push(t, DmaMark.Error, ix);
        break;
      case EventKind.ClockPause:
        this.clock.level!.set(t, 1, ix);
        break;
      case EventKind.ClockResume:
        this.clock.level!.set(t, 0, ix);
        break;
      case EventKind.MachineReset:
        // The guest starts over: no handler is running any more. A restart after a hardware error
        // (value 1) also puts the device back to power-on values: no status, no transfer.
        for (const lane of this.handlerLanes.values()) lane.level!.set(t, 0, ix);
        if (e.lo === 1) {
          this.setStatus(t, 0, ix);
          this.dma.level!.set(t, 0, ix);
        }
        break;
      default:
        return;
    }
    this.dataVersion++;
  }

  private setStatus(t: number, status: number, ix: number): void {
    let changed = (this.status ^ status) >>> 0;
    if (changed === 0) return;
    this.status = status;
    this.irqStatus.level!.set(t, status, ix);
    while (changed !== 0) {
      const bit = 31 - Math.clz32(changed & -changed);
      changed = (changed & (changed - 1)) >>> 0;
      const on = (status >>> bit) & 1;
      if (on || this.bitLanes[bit]) this.bit(bit).level!.set(t, on, ix);
    }
  }

  /** Slides time-based state (the storm window) to t, the end of the data. */
  advanceTo(t: number): void {
    if (Number.isFinite(t)) this.storm.advanceTo(t);
  }

  /** Forgets lane data older than store index `firstIndex` (the store dropped it). */
  trim(firstIndex: number): void {
    for (const lane of this.sorted) {
      lane.level?.trimBeforeIndex(firstIndex);
      lane.instants?.trimBeforeIndex(firstIndex);
    }
    this.dataVersion++;
  }

  /** Back to an empty session (the default lanes stay). */
  clear(): void {
    const keep = new Set(['mmio:guest', 'mmio:ui', 'fact', 'msi', 'irq-status', 'irq-bit:0', 'irq-bit:8', 'dma', 'clock', 'storm']);
    for (const gsi of this.options.intxLines ?? [DEFAULT_INTX_GSI]) keep.add(`intx:${gsi}`);
    this.sorted = this.sorted.filter((l) => keep.has(l.id));
    this.byId = new Map(this.sorted.map((l) => [l.id, l]));
    this.handlerLanes.clear();
    for (const list of [this.mmioLanes, this.bitLanes]) list.forEach((l, i) => l && !keep.has(l.id) && (list[i] = undefined));
    for (const [gsi, l] of this.intxLanes) if (!keep.has(l.id)) this.intxLanes.delete(gsi);
    for (const lane of this.sorted) {
      lane.level?.clear();
      lane.instants?.clear();
    }
    this.status = 0;
    this.storm.clear();
    this.structureVersion++;
    this.dataVersion++;
  }
}
