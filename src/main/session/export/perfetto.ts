/**
 * Chrome trace JSON (the object form, `{"traceEvents":[...]}`) for ui.perfetto.dev and chrome://tracing,
 * written as a stream: each event becomes its trace events as it is read, nothing is held back but the
 * one MMIO write that may start a flow (see below).
 *
 * - One process ("edu-lab session", pid 1) with one thread per lane, named by `M` events
 *   (`process_name`, `thread_name`, `thread_sort_index`), created when a lane is first used.
 * - Spans are `B`/`E` pairs on their lane's thread: factorial (FactStart .. FactFinish), DMA transfers
 *   (DmaStart .. DmaComplete / DmaError), guest interrupt handlers (HandlerEnter .. HandlerExit, one
 *   thread per Linux irq), clock paused. A span open at the range start begins at the range start, one
 *   still open at the end ends at the end (args say so); every B has its E.
 * - MMIO accesses are zero-length `X` slices on one thread per initiator (flows attach only to slices).
 * - Raises and MSI messages are thread-scoped instants (`"ph":"i","s":"t"`); log lines (dmesg, guest
 *   errors, DMA errors, shell commands, resets, aborts, disabled lines) are instants on a "log" thread.
 * - Levels are counters (`C`): "INTx GSI <n>" (arg `level`) and "IRQ_STATUS" (arg `value`), each
 *   starting with its value at the range start.
 * - A write of FACTORIAL (0x08) that starts the factorial gets a flow arrow to the factorial slice: flow
 *   v2 (`bind_id` with `flow_out` on the write's X slice and `flow_in` on the factorial's B), the form
 *   Perfetto binds to slices without guessing (v1 `s`/`f` events bind to whatever slice encloses them).
 * - `ts` in microseconds with nanosecond decimals, relative to the origin (the range start, or the first
 *   event), which is kept in `otherData`. `displayTimeUnit` is left out (Perfetto has read "ns" as the
 *   unit of the timestamps).
 */
import { EDU_REGISTERS, EduDmaCmd, EduReg } from '../../../common/edu/datasheet';
import { EVENT_KIND_NAMES, EventFlag, EventKind, SOURCE_NAMES, Source, type TraceEvent } from '../../../common/trace/schema';
import type { SessionHeader } from './jsonl';
import type { EventEncoder } from './sink';
import { low32, SignalModel, type SignalInfo, type SignalListener } from './signals';

export interface PerfettoOptions {
  /** Range start in virtual ns (events before it only set the initial state). */
  readonly from?: number;
  /** Virtual ns of ts 0 (default: `from`, else the first event's time). */
  readonly origin?: number;
}

export const PERFETTO_PID = 1;

const REG_NAMES = new Map<number, string>(EDU_REGISTERS.map((r) => [r.offset, r.name]));
const hex = (v: number | bigint): string => '0x' + v.toString(16);

/** Text events shown on the log thread. */
const LOG_KINDS = new Set<number>([
  EventKind.Dmesg,
  EventKind.GuestError,
  EventKind.DmaError,
  EventKind.MachineAbort,
  EventKind.ShellCommand,
  EventKind.PropertyChange,
]);

interface Track {
  readonly tid: number;
  /** `,"pid":1,"tid":N` */
  readonly ids: string;
}

export class PerfettoEncoder implements EventEncoder, SignalListener {
  private readonly model: SignalModel;
  private readonly from: number | undefined;
  private origin: number | undefined;
  private started = false;
  private buf = '';
  private readonly tracks = new Map<string, Track>();
  private nextTid = 2;
  /** The X slice of a FACTORIAL write, without its closing brace, until the next event shows whether it started the factorial. */
  private pendingWrite: string | undefined;
  private flowIn = 0;
  private flows = 0;
  /** Per signal: the JSON prefix of its counter events (`{"ph":"C",...,"args":{"level":`), or undefined. */
  private readonly counterPrefix: (string | undefined)[] = [];
  /** Cached MMIO slice names by kind and offset. */
  private readonly mmioNames = new Map<number, string>();
  private lastTs = '0';

  constructor(
    private readonly header: SessionHeader,
    options: PerfettoOptions = {},
  ) {
    this.from = options.from !== undefined && Number.isFinite(options.from) ? options.from : undefined;
    this.origin = options.origin ?? this.from;
    this.model = new SignalModel(this);
  }

  get signals(): readonly SignalInfo[] {
    return this.model.signals;
  }

  // ---- tracks ----------------------------------------------------------------------------------------

  private track(key: string, name: string, order: number): Track {
    let t = this.tracks.get(key);
    if (!t) {
      const tid = this.nextTid++;
      t = { tid, ids: `,"pid":${PERFETTO_PID},"tid":${tid}` };
      this.tracks.set(key, t);
      this.buf +=
        `,\n{"ph":"M","name":"thread_name","ts":0${t.ids},"args":{"name":${JSON.stringify(name)}}}` +
        `,\n{"ph":"M","name":"thread_sort_index","ts":0${t.ids},"args":{"sort_index":${order}}}`;
    }
    return t;
  }

  private ts(vns: number): string {
    return String(Math.round(vns - this.origin!) / 1000);
  }

  // ---- SignalListener --------------------------------------------------------------------------------

  signal(info: SignalInfo): void {
    if (info.group === 'intx') this.counterPrefix[info.index] = `,\n{"ph":"C","name":${JSON.stringify(info.label)},"pid":${PERFETTO_PID},"tid":1,"ts":`;
    else if (info.group === 'irq-status') this.counterPrefix[info.index] = `,\n{"ph":"C","name":"IRQ_STATUS","pid":${PERFETTO_PID},"tid":1,"ts":`;
  }

  change(i: number, vns: number, value: number, e: TraceEvent): void {
    if (!this.started) return;
    const m = this.model;
    const ts = this.ts(vns);
    this.lastTs = ts;
    const counter = this.counterPrefix[i];
    if (counter !== undefined) {
      this.buf += counter + ts + (i === m.irqStatus ? ',"args":{"value":' : ',"args":{"level":') + value + '}}';
      return;
    }
    const info = m.signals[i]!;
    switch (info.group) {
      case 'mmio':
        if (value === 1) this.mmio(e, ts);
        return;
      case 'fact': {
        const t = this.track('fact', 'factorial', 200);
        if (value === 1) {
          let flow = '';
          if (this.flowIn !== 0) {
            flow = `,"bind_id":${this.flowIn},"flow_in":true`;
            this.flowIn = 0;
          }
          this.buf += `,\n{"ph":"B","name":"factorial"${t.ids},"ts":${ts},"args":{"n":${e.kind === EventKind.FactStart ? String(e.value) : 'null'}}${flow}}`;
        } else {
          const args = e.kind === EventKind.FactFinish ? `{"result":${String(e.value)},"irq":${(e.flags & EventFlag.IrqRequested) !== 0}}` : '{}';
          this.buf += `,\n{"ph":"E"${t.ids},"ts":${ts},"args":${args}}`;
        }
        return;
      }
      case 'msi':
        if (i === m.msi && value === 1) {
          const t = this.track('msi', 'MSI', 400);
          this.buf += `,\n{"ph":"i","s":"t","name":"${e.flags & EventFlag.Dropped ? 'MSI dropped' : 'MSI'}"${t.ids},"ts":${ts},"args":{"address":"${hex(e.addr >>> 0)}","data":"${hex(low32(e.value))}","dropped":${(e.flags & EventFlag.Dropped) !== 0}}}`;
        }
        return;
      case 'irq-strobe':
        if (i === m.irqRaise && value === 1) {
          const t = this.track('irq', 'interrupts raised', 450);
          const bits = hex(low32(e.value));
          this.buf += `,\n{"ph":"i","s":"t","name":"raise ${bits}"${t.ids},"ts":${ts},"args":{"bits":"${bits}","status":"${hex(e.addr >>> 0)}","by":"${SOURCE_NAMES[e.source] ?? e.source}"}}`;
        }
        return;
      case 'handler': {
        const t = this.track(`handler:${info.key}`, `handler irq ${info.key}`, 600 + info.key);
        if (value === 1) {
          const hw = e.kind === EventKind.HandlerEnter ? low32(e.value) : -1;
          this.buf += `,\n{"ph":"B","name":"irq ${info.key}"${t.ids},"ts":${ts},"args":{"irq":${info.key},"hwirq":"${hw < 0 ? '?' : hw < 1024 ? String(hw) : hex(hw)}"}}`;
        } else {
          const args = e.kind === EventKind.HandlerExit ? `{"handled":${e.value !== 0n}}` : `{"ended_by":"${EVENT_KIND_NAMES[e.kind] ?? e.kind}"}`;
          this.buf += `,\n{"ph":"E"${t.ids},"ts":${ts},"args":${args}}`;
        }
        return;
      }
      case 'dma': {
        if (i !== m.dma) return;
        const t = this.track('dma', 'DMA', 700);
        if (value === 1) {
          const cmd = e.kind === EventKind.DmaStart ? low32(e.value) : 0;
          const name = cmd & EduDmaCmd.ToRam ? 'DMA to RAM' : 'DMA to device';
          this.buf += `,\n{"ph":"B","name":"${name}"${t.ids},"ts":${ts},"args":{"command":"${hex(cmd)}","deadline_ms":${e.kind === EventKind.DmaStart ? e.addr : 'null'},"irq":${(cmd & EduDmaCmd.Irq) !== 0}}}`;
        } else {
          let args: string;
          if (e.kind === EventKind.DmaComplete) args = `{"bytes":${String(e.value)},"flags":${e.flags}}`;
          else if (e.kind === EventKind.DmaError) args = `{"error":${JSON.stringify(e.text ?? '')}}`;
          else args = `{"ended_by":"${EVENT_KIND_NAMES[e.kind] ?? e.kind}"}`;
          this.buf += `,\n{"ph":"E"${t.ids},"ts":${ts},"args":${args}}`;
        }
        return;
      }
      case 'clock': {
        const t = this.track('clock', 'clock paused', 800);
        this.buf += value === 1 ? `,\n{"ph":"B","name":"paused"${t.ids},"ts":${ts}}` : `,\n{"ph":"E"${t.ids},"ts":${ts}}`;
        return;
      }
      case 'guest':
        if (i === m.irqDisabled && value === 1) {
          const t = this.track('log', 'log', 900);
          this.buf += `,\n{"ph":"i","s":"t","name":"irq ${e.addr} disabled"${t.ids},"ts":${ts},"args":{"irq":${e.addr}}}`;
        }
        return;
      default:
        return; // buses and status bits: the counters show them
    }
  }

  private mmio(e: TraceEvent, ts: string): void {
    const write = e.kind === EventKind.MmioWrite;
    const key = (write ? 0x1000_0000 : 0) + (e.addr >>> 0);
    let name = this.mmioNames.get(key);
    if (name === undefined) {
      name = JSON.stringify(`${write ? 'write' : 'read'} ${REG_NAMES.get(e.addr) ?? hex(e.addr >>> 0)}`);
      if (this.mmioNames.size < 4096) this.mmioNames.set(key, name);
    }
    const source = e.source;
    const t = this.track(`mmio:${source}`, `MMIO ${source === Source.Ui ? 'UI' : (SOURCE_NAMES[source] ?? source)}`, 100 + (source === Source.Guest ? 0 : source === Source.Ui ? 1 : 2 + source));
    const bad = e.flags & EventFlag.Invalid ? ',"invalid":true' : e.flags & EventFlag.Ignored ? ',"ignored":true' : '';
    const x = `,\n{"ph":"X","name":${name}${t.ids},"ts":${ts},"dur":0,"args":{"offset":"${hex(e.addr >>> 0)}","size":${e.size},"value":"0x${e.value.toString(16)}"${bad}}`;
    if (write && e.addr === EduReg.Factorial && (e.flags & (EventFlag.Invalid | EventFlag.Ignored)) === 0) this.pendingWrite = x;
    else this.buf += x + '}';
  }

  // ---- EventEncoder ----------------------------------------------------------------------------------

  begin(): string {
    return `{"traceEvents":[\n{"ph":"M","name":"process_name","ts":0,"pid":${PERFETTO_PID},"tid":1,"args":{"name":"edu-lab session"}}`;
  }

  prime(e: TraceEvent): void {
    this.model.process(e);
  }

  push(e: TraceEvent): void {
    if (!this.started) this.start(e.vns);
    if (this.pendingWrite !== undefined) {
      if (e.kind === EventKind.FactStart) {
        this.flowIn = ++this.flows;
        this.buf += this.pendingWrite + `,"bind_id":${this.flowIn},"flow_out":true}`;
      } else {
        this.buf += this.pendingWrite + '}';
      }
      this.pendingWrite = undefined;
    }
    this.model.process(e);
    if (LOG_KINDS.has(e.kind) || e.kind === EventKind.MachineReset) this.log(e);
  }

  private log(e: TraceEvent): void {
    const t = this.track('log', 'log', 900);
    const name = EVENT_KIND_NAMES[e.kind] ?? String(e.kind);
    const args = e.flags & EventFlag.Text ? `{"text":${JSON.stringify(e.text ?? '')}}` : `{"value":"${hex(e.value)}"}`;
    this.buf += `,\n{"ph":"i","s":"t","name":"${name}"${t.ids},"ts":${this.ts(e.vns)},"args":${args}}`;
  }

  take(): string {
    const t = this.buf;
    this.buf = '';
    return t;
  }

  end(endVns: number): string {
    if (!this.started) this.start(Number.isFinite(endVns) ? endVns : 0);
    if (this.pendingWrite !== undefined) {
      this.buf += this.pendingWrite + '}';
      this.pendingWrite = undefined;
    }
    // Close what is still open at the end, so every B has its E.
    const endTs = Number.isFinite(endVns) ? this.ts(Math.max(endVns, this.origin!)) : this.lastTs;
    for (const s of this.model.signals) {
      if (this.model.values[s.index] !== 1 || s.kind !== 'level') continue;
      const key = s.group === 'handler' ? `handler:${s.key}` : s.group;
      if (s.group !== 'handler' && s.group !== 'fact' && s.group !== 'dma' && s.group !== 'clock') continue;
      const t = this.tracks.get(key);
      if (t) this.buf += `,\n{"ph":"E"${t.ids},"ts":${endTs},"args":{"open_at_end":true}}`;
    }
    const other = {
      app: this.header.app,
      createdAt: this.header.createdAt,
      profile: this.header.profile,
      machine: this.header.machine,
      firstSeq: this.header.firstSeq,
      timeOriginVirtualNs: this.origin,
      timeUnit: 'us of virtual time',
    };
    return this.take() + `\n],\n"otherData":${JSON.stringify(other)}}\n`;
  }

  /** Opens the range: spans already running and the counters' current values, at the origin. */
  private start(firstVns: number): void {
    this.started = true;
    if (this.origin === undefined) this.origin = firstVns;
    const at = this.ts(this.from ?? this.origin);
    const m = this.model;
    for (const s of m.signals) {
      const v = m.values[s.index]!;
      const counter = this.counterPrefix[s.index];
      if (counter !== undefined) {
        this.buf += counter + at + (s.index === m.irqStatus ? ',"args":{"value":' : ',"args":{"level":') + v + '}}';
        continue;
      }
      if (v !== 1 || s.kind !== 'level') continue;
      let t: Track | undefined;
      let name = '';
      if (s.group === 'fact') [t, name] = [this.track('fact', 'factorial', 200), 'factorial'];
      else if (s.group === 'dma') [t, name] = [this.track('dma', 'DMA', 700), 'DMA'];
      else if (s.group === 'clock') [t, name] = [this.track('clock', 'clock paused', 800), 'paused'];
      else if (s.group === 'handler') [t, name] = [this.track(`handler:${s.key}`, `handler irq ${s.key}`, 600 + s.key), `irq ${s.key}`];
      if (t) this.buf += `,\n{"ph":"B","name":"${name}"${t.ids},"ts":${at},"args":{"open_at_start":true}}`;
    }
  }
}
