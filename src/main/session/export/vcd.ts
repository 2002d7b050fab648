/**
 * Value Change Dump (IEEE 1364) of the export lane model (signals.ts), for GTKWave and PulseView.
 *
 * - `$timescale 1 us`, virtual time. Time 0 is the range start (`from`), or the first event when the
 *   whole session is exported (the origin in virtual ns is written in the `$comment`).
 * - Variant 'gtkwave' declares every signal, buses included (`b1010 !`). Variant 'pulseview' declares
 *   only the 1-bit wires: Debian 12's libsigrok rejects wider signals and then stops importing.
 *   The buses are left out there; irq_status is still visible bit by bit (irq_fact, irq_dma, irq_bit<n>).
 * - `#0` comes before `$dumpvars`, which holds the state at the range start (computed from the events
 *   before it); timestamps then strictly increase, with every change of one microsecond grouped under
 *   its `#t`, and a final `#t` one microsecond after the last change (or after the end of the range)
 *   so that readers that drop the last change (PulseView) keep it.
 *
 * Sub-microsecond changes. Events are nanoseconds apart; the file has one value per signal per
 * microsecond. Within a microsecond a signal shows the last value it took. If it changed and came back
 * within the same microsecond (a pulse: an MMIO strobe, an IrqRaise followed at once by its IrqAck, a
 * zero-width clock pause), the other value is shown for that microsecond and the return moves to the
 * next microsecond: the pulse is stretched to 1 us instead of vanishing. Consequences: a pulse lasts at
 * least 1 us; a change right after a stretched pulse shows up to 1 us late (never later: the delay does
 * not add up); pulses less than 2 us apart may merge into one longer pulse.
 *
 * The header lists every signal, including those first seen late in the stream (a handler's irq, an
 * INTx line), so it can only be written at the end: `head()` (the sink writes the body to a temporary
 * file first). Memory is bounded by the number of signals.
 */
import type { TraceEvent } from '../../../common/trace/schema';
import type { SessionHeader } from './jsonl';
import type { EventEncoder } from './sink';
import { SignalModel, type SignalInfo, type SignalListener } from './signals';

export type VcdVariant = 'gtkwave' | 'pulseview';

export interface VcdOptions {
  readonly variant?: VcdVariant;
  /** Range start in virtual ns (events before it only set the initial state). */
  readonly from?: number;
  /** Virtual ns of time 0 (default: `from`, else the first event's time). */
  readonly origin?: number;
}

/**
 * Identifier number n: printable ASCII from '!' to '~' in base 92, skipping '#' and '$' (a bus change
 * `b1 #` or `b1 $` would read as a timestamp or a keyword to a tokenising reader).
 */
const ID_CHARS = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).filter((c) => c !== '#' && c !== '$');
export function vcdIdentifier(n: number): string {
  let s = '';
  do {
    s += ID_CHARS[n % ID_CHARS.length];
    n = Math.floor(n / ID_CHARS.length);
  } while (n > 0);
  return s;
}

const NONE = -1;

export class VcdEncoder implements EventEncoder, SignalListener {
  readonly variant: VcdVariant;
  private readonly model: SignalModel;
  private readonly from: number | undefined;
  private origin: number | undefined;
  private started = false;
  private buf = '';

  // Per signal (by model index).
  private readonly emitted: boolean[] = [];
  private readonly ids: string[] = [];
  private readonly zero: string[] = [];
  private readonly one: string[] = [];
  private readonly width: number[] = [];
  /** The value the file shows now. */
  private readonly shown: number[] = [];
  /** The newest value within the current microsecond. */
  private readonly cur: number[] = [];
  /** A value other than `shown` seen within the current microsecond (a pulse to keep), or NONE. */
  private readonly mid: number[] = [];
  private readonly touched: boolean[] = [];
  private touchedList: number[] = [];
  private carry: number[] = [];

  /** The microsecond being collected (relative to the origin). */
  private slot = 0;
  /** The last timestamp written to the body (0: only the dump so far). */
  private lastWritten = 0;
  /** Values at the end of microsecond 0: the $dumpvars. */
  private dump: number[] | undefined;

  constructor(
    private readonly header: SessionHeader,
    options: VcdOptions = {},
  ) {
    this.variant = options.variant ?? 'gtkwave';
    this.from = options.from !== undefined && Number.isFinite(options.from) ? options.from : undefined;
    this.origin = options.origin ?? this.from;
    this.model = new SignalModel(this);
  }

  /** Every signal of the model (declared or not in this variant). */
  get signals(): readonly SignalInfo[] {
    return this.model.signals;
  }

  // ---- SignalListener --------------------------------------------------------------------------------

  signal(info: SignalInfo): void {
    const i = info.index;
    const emitted = this.variant === 'gtkwave' || info.width === 1;
    let id = '';
    if (emitted) id = vcdIdentifier(this.ids.reduce((n, x) => (x ? n + 1 : n), 0));
    this.emitted[i] = emitted;
    this.ids[i] = id;
    this.zero[i] = '0' + id + '\n';
    this.one[i] = '1' + id + '\n';
    this.width[i] = info.width;
    // A signal declared while exporting was 0 until now (that is what the dump says for it).
    this.shown[i] = 0;
    this.cur[i] = 0;
    this.mid[i] = NONE;
    this.touched[i] = false;
  }

  change(i: number, vns: number, value: number): void {
    if (!this.started || !this.emitted[i]) return;
    let slot = Math.floor((vns - this.origin!) / 1000);
    if (slot < this.slot) slot = this.slot;
    else if (slot > this.slot) this.advance(slot);
    if (!this.touched[i]) {
      this.touched[i] = true;
      this.touchedList.push(i);
    }
    if (value !== this.shown[i] && this.mid[i] === NONE) this.mid[i] = value;
    this.cur[i] = value;
  }

  // ---- EventEncoder ----------------------------------------------------------------------------------

  begin(): string {
    return '';
  }

  prime(e: TraceEvent): void {
    this.model.process(e);
  }

  push(e: TraceEvent): void {
    if (!this.started) this.start(e.vns);
    this.model.process(e);
  }

  take(): string {
    const t = this.buf;
    this.buf = '';
    return t;
  }

  end(endVns: number): string {
    if (!this.started) this.start(Number.isFinite(endVns) ? endVns : 0);
    let endSlot = Number.isFinite(endVns) ? Math.floor((endVns - this.origin!) / 1000) : 0;
    if (endSlot < this.slot) endSlot = this.slot;
    this.advance(endSlot + 1);
    this.flush(); // the returns of pulses in the last microsecond
    const final = Math.max(this.lastWritten + 1, endSlot + 1);
    return this.take() + '#' + final + '\n';
  }

  head(): string {
    const h = this.header;
    const lines: string[] = [];
    lines.push('$date', `\t${h.createdAt}`, '$end');
    lines.push('$version', `\t${h.app} (edu-lab session export)`, '$end');
    lines.push(
      '$comment',
      `\tedu device profile ${h.profile}; time 0 = ${this.origin ?? 0} ns of virtual time; one timestep = 1 us of virtual time.`,
      '\tChanges within one microsecond show the last value; a pulse shorter than 1 us is stretched to 1 us.',
      this.variant === 'pulseview' ? '\tPulseView variant: 1-bit wires only (buses left out; irq_status is split into its bits).' : '\tGTKWave variant: buses included.',
      '$end',
    );
    lines.push('$timescale 1 us $end', '$scope module edu $end');
    for (const s of this.model.signals) {
      if (!this.emitted[s.index]) continue;
      lines.push(`$var wire ${s.width} ${this.ids[s.index]} ${s.name} $end`);
    }
    lines.push('$upscope $end', '$enddefinitions $end', '#0', '$dumpvars');
    let text = lines.join('\n') + '\n';
    const dump = this.dump ?? this.shown;
    for (const s of this.model.signals) {
      if (this.emitted[s.index]) text += this.format(s.index, dump[s.index] ?? 0);
    }
    return text + '$end\n';
  }

  // ---- quantiser -------------------------------------------------------------------------------------

  private start(firstVns: number): void {
    this.started = true;
    if (this.origin === undefined) this.origin = firstVns;
    // The state at the range start, computed from the events before it.
    const values = this.model.values;
    for (let i = 0; i < values.length; i++) {
      this.shown[i] = values[i]!;
      this.cur[i] = values[i]!;
    }
  }

  private format(i: number, v: number): string {
    if (this.width[i] === 1) return v ? this.one[i]! : this.zero[i]!;
    return 'b' + (v >>> 0).toString(2) + ' ' + this.ids[i] + '\n';
  }

  /** Close the current microsecond (and the one after it, if it carries returns of pulses) and move to `slot`. */
  private advance(slot: number): void {
    this.flush();
    if (this.carry.length > 0) {
      this.slot++;
      const carried = this.carry;
      this.carry = [];
      for (const i of carried) {
        this.touched[i] = true;
        this.touchedList.push(i);
      }
      if (this.slot < slot) this.flush();
    }
    if (slot > this.slot) this.slot = slot;
  }

  private flush(): void {
    const list = this.touchedList;
    if (list.length === 0) {
      if (this.slot === 0 && this.dump === undefined) this.dump = this.shown.slice();
      return;
    }
    let text = '';
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      this.touched[i] = false;
      const c = this.cur[i]!;
      const m = this.mid[i]!;
      let v: number;
      if (c !== this.shown[i]) {
        v = c;
        this.mid[i] = NONE;
      } else if (m !== NONE) {
        // Out and back within the microsecond: show the pulse now, the return next microsecond.
        v = m;
        this.mid[i] = c;
        this.carry.push(i);
      } else {
        continue;
      }
      this.shown[i] = v;
      text += this.format(i, v);
    }
    list.length = 0;
    if (this.slot === 0) {
      if (this.dump === undefined) this.dump = this.shown.slice();
      return;
    }
    if (text.length > 0) {
      this.buf += '#' + this.slot + '\n' + text;
      this.lastWritten = this.slot;
    }
  }
}
