/**
 * Hover: which lane and which events are under a point, for a tooltip. The pixel's time range is
 * widened by a few pixels so single instants are easy to hit; at most `maxEvents` events are decoded
 * (the rest are counted). Over a level with no transition near the pointer, the span under it is
 * reported (its value, start and end) with the events that began and ended it.
 */
import { eduRegisterAt } from '../../../common/edu/datasheet';
import { EVENT_KIND_NAMES, EventFlag, EventKind, SOURCE_NAMES, type TraceEvent } from '../../../common/trace/schema';
import type { EventStore } from './event-store';
import { hex, type Lane } from './lanes';
import { rowAt, type TimelineLayout } from './layout';
import type { LevelSpan } from './series';
import { formatTime } from './time-format';

export type HitArea = 'axis' | 'label' | 'plot' | 'none';

export interface Hit {
  readonly area: HitArea;
  readonly lane: Lane | null;
  /** The time under the pointer (NaN outside the plot's columns). */
  readonly time: number;
  /** The time range searched: the pixel widened by the tolerance. */
  readonly from: number;
  readonly to: number;
  /** Decoded events in the range, in time order (at most maxEvents). */
  readonly events: readonly TraceEvent[];
  /** Events in the range that were not decoded. */
  readonly more: number;
  /** For a level lane: the span under the pointer. */
  readonly span: LevelSpan | null;
}

export interface HitTestOptions {
  readonly tolerancePx?: number;
  readonly maxEvents?: number;
}

export interface HitView {
  readonly start: number;
  readonly span: number;
}

export function hitTest(x: number, y: number, layout: TimelineLayout, view: HitView, store: EventStore, options: HitTestOptions = {}): Hit {
  const tol = options.tolerancePx ?? 3;
  const max = options.maxEvents ?? 4;
  const nsPerPx = view.span / layout.plotWidth;
  const inPlotX = x >= layout.plotX && x < layout.plotX + layout.plotWidth;
  const time = inPlotX ? view.start + (x - layout.plotX) * nsPerPx : NaN;
  const empty = (area: HitArea, lane: Lane | null): Hit => ({ area, lane, time, from: time, to: time, events: [], more: 0, span: null });
  if (x < 0 || y < 0 || x >= layout.width || y >= layout.height) return empty('none', null);
  if (y < layout.axisHeight) return empty('axis', null);
  const row = rowAt(layout, y);
  if (!row) return empty(inPlotX ? 'plot' : 'label', null);
  if (!inPlotX) return empty('label', row.lane);

  const col = Math.floor(x - layout.plotX);
  const from = view.start + (col - tol) * nsPerPx;
  const to = view.start + (col + 1 + tol) * nsPerPx;
  const indices: number[] = [];
  let total = 0;
  const lane = row.lane;
  const inst = lane.instants;
  if (inst) {
    const lo = inst.lowerBound(from);
    const hi = inst.lowerBound(to);
    total += hi - lo;
    for (let i = lo; i < hi && indices.length < max; i++) indices.push(inst.eventIndex(i));
  }
  let span: LevelSpan | null = null;
  const level = lane.level;
  if (level) {
    const lo = level.lowerBound(from);
    const hi = level.lowerBound(to);
    total += hi - lo;
    for (let i = lo; i < hi && indices.length < max; i++) indices.push(level.eventIndex(i));
    span = level.spanAt(time);
    if (hi === lo) {
      for (const ix of [span.startEvent, span.endEvent]) {
        if (ix >= 0 && indices.length < max && !indices.includes(ix)) {
          indices.push(ix);
          total++;
        }
      }
    }
  }
  const held = [...new Set(indices)].filter((ix) => store.has(ix)).sort((a, b) => a - b);
  const events = held.map((ix) => store.event(ix));
  return { area: 'plot', lane, time, from, to, events, more: Math.max(0, total - events.length), span };
}

/** One line about an event for a tooltip: "MmioWrite guest FACTORIAL (0x8) <- 0x5 [4]". */
export function describeEvent(e: TraceEvent): string {
  const kind = EVENT_KIND_NAMES[e.kind] ?? `kind ${e.kind}`;
  const who = SOURCE_NAMES[e.source] ?? `source ${e.source}`;
  const v = e.value <= 0xffffffffn ? hex(Number(e.value)) : `0x${e.value.toString(16)}`;
  const reg = (off: number): string => {
    const r = eduRegisterAt(off);
    return r ? `${r.name} (${hex(off)})` : hex(off);
  };
  const flags: string[] = [];
  for (const [name, bit] of Object.entries(EventFlag)) if (name !== 'Text' && e.flags & bit) flags.push(name.toLowerCase());
  const tail = flags.length ? ` {${flags.join(', ')}}` : '';
  switch (e.kind) {
    case EventKind.MmioRead:
      return `${kind} ${who} ${reg(e.addr)} -> ${v} [${e.size}]${tail}`;
    case EventKind.MmioWrite:
      return `${kind} ${who} ${reg(e.addr)} <- ${v} [${e.size}]${tail}`;
    case EventKind.IrqRaise:
    case EventKind.IrqAck:
      return `${kind} ${who} bits ${v}, status now ${hex(e.addr)}`;
    case EventKind.IntxLevel:
      return `${kind} GSI ${e.addr} ${e.value ? 'high' : 'low'}`;
    case EventKind.MsiMessage:
      return `${kind} addr ${hex(e.addr)} data ${v}${tail}`;
    case EventKind.HandlerEnter:
      return `${kind} irq ${e.addr} (hwirq ${e.value})`;
    case EventKind.HandlerExit:
      return `${kind} irq ${e.addr} ${e.value ? 'handled' : 'not handled'}`;
    case EventKind.DmaStart:
      return `${kind} ${who} cmd ${v}, deadline ${formatTime(e.addr * 1e6)}`;
    case EventKind.DmaComplete:
      return `${kind} ${e.value} bytes${tail}`;
    case EventKind.TimerFire:
      return `${kind} timer ${e.addr}, ${formatTime(Number(e.value))} late`;
    case EventKind.FactStart:
      return `${kind} ${who} n = ${e.value}`;
    case EventKind.FactFinish:
      return `${kind} result ${e.value}${tail}`;
    case EventKind.RegisterChange:
      return `${kind} ${reg(e.addr)} = ${v}`;
    default:
      return e.text !== undefined ? `${kind} ${who}: ${e.text}` : `${kind} ${who} addr ${hex(e.addr)} value ${v}${tail}`;
  }
}
