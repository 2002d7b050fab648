/**
 * Two measurement cursors (A and B) and the edge searches behind them: snapping a time to the nearest
 * edge of any lane (a level's transition or an instant) within a few pixels, and finding the next or
 * previous edge on a lane (any, rising, falling, a given value, or an instant class).
 */
import type { Lane } from './lanes';
import type { Marker } from './markers';

export interface Edge {
  readonly time: number;
  readonly lane: Lane;
  /** Store index of the event that made the edge. */
  readonly eventIndex: number;
  /** For a level transition: the value before and after. */
  readonly from?: number;
  readonly to?: number;
}

/** Which edges a search stops at. `value` matches a level becoming that value; `cls` an instant class. */
export type EdgeFilter = 'any' | 'rising' | 'falling' | { readonly value: number } | { readonly cls: number };

function levelEdge(lane: Lane, i: number): Edge {
  const level = lane.level!;
  return { time: level.time(i), lane, eventIndex: level.eventIndex(i), from: level.valueAt(i - 1), to: level.valueAt(i) };
}

function instantEdge(lane: Lane, i: number): Edge {
  const s = lane.instants!;
  return { time: s.time(i), lane, eventIndex: s.eventIndex(i) };
}

function levelMatches(lane: Lane, i: number, filter: EdgeFilter): boolean {
  const level = lane.level!;
  if (filter === 'any') return true;
  const before = level.valueAt(i - 1);
  const after = level.valueAt(i);
  if (filter === 'rising') return before === 0 && after !== 0;
  if (filter === 'falling') return before !== 0 && after === 0;
  return 'value' in filter ? after === filter.value : false;
}

function instantMatches(lane: Lane, i: number, filter: EdgeFilter): boolean {
  if (typeof filter === 'object' && 'cls' in filter) return lane.instants!.classOf(i) === filter.cls;
  // Instants are both edges of a zero-width pulse.
  return filter === 'any' || filter === 'rising' || filter === 'falling';
}

/**
 * The first edge strictly after `from` (direction 1) or strictly before it (-1) on the lane that
 * passes the filter, or null.
 */
export function findEdge(lane: Lane, from: number, direction: 1 | -1, filter: EdgeFilter = 'any'): Edge | null {
  let best: Edge | null = null;
  const better = (e: Edge): boolean => !best || (direction > 0 ? e.time < best.time : e.time > best.time);
  const level = lane.level;
  if (level && !(typeof filter === 'object' && 'cls' in filter)) {
    if (direction > 0) {
      for (let i = level.upperBound(from); i < level.length; i++) {
        if (levelMatches(lane, i, filter)) {
          best = levelEdge(lane, i);
          break;
        }
      }
    } else {
      for (let i = level.lowerBound(from) - 1; i >= 0; i--) {
        if (levelMatches(lane, i, filter)) {
          best = levelEdge(lane, i);
          break;
        }
      }
    }
  }
  const inst = lane.instants;
  if (inst && !(typeof filter === 'object' && 'value' in filter)) {
    if (direction > 0) {
      for (let i = inst.upperBound(from); i < inst.length; i++) {
        if (instantMatches(lane, i, filter)) {
          const e = instantEdge(lane, i);
          if (better(e)) best = e;
          break;
        }
      }
    } else {
      for (let i = inst.lowerBound(from) - 1; i >= 0; i--) {
        if (instantMatches(lane, i, filter)) {
          const e = instantEdge(lane, i);
          if (better(e)) best = e;
          break;
        }
      }
    }
  }
  return best;
}

/** The lane's edge nearest to t (either side), or null when it has none. */
export function nearestEdge(lane: Lane, t: number): Edge | null {
  let best: Edge | null = null;
  const consider = (e: Edge): void => {
    if (!best || Math.abs(e.time - t) < Math.abs(best.time - t)) best = e;
  };
  const level = lane.level;
  if (level && level.length > 0) {
    const i = level.lowerBound(t);
    if (i < level.length) consider(levelEdge(lane, i));
    if (i > 0) consider(levelEdge(lane, i - 1));
  }
  const inst = lane.instants;
  if (inst && inst.length > 0) {
    const i = inst.lowerBound(t);
    if (i < inst.length) consider(instantEdge(lane, i));
    if (i > 0) consider(instantEdge(lane, i - 1));
  }
  return best;
}

export interface SnapResult {
  /** The snapped time (t itself when nothing was near enough). */
  readonly time: number;
  readonly snapped: boolean;
  readonly edge?: Edge;
  readonly marker?: Marker;
}

/**
 * Snaps t to the nearest edge of the given lanes, or marker, that is within `tolerancePx` pixels at
 * `nsPerPx`. Ties go to the earlier lane in the list.
 */
export function snapTime(t: number, lanes: readonly Lane[], nsPerPx: number, tolerancePx = 6, markers: readonly Marker[] = []): SnapResult {
  const limit = tolerancePx * nsPerPx;
  let best: SnapResult = { time: t, snapped: false };
  let bestDist = Infinity;
  for (const lane of lanes) {
    const e = nearestEdge(lane, t);
    if (!e) continue;
    const dist = Math.abs(e.time - t);
    if (dist <= limit && dist < bestDist) {
      bestDist = dist;
      best = { time: e.time, snapped: true, edge: e };
    }
  }
  for (const m of markers) {
    const dist = Math.abs(m.time - t);
    if (dist <= limit && dist < bestDist) {
      bestDist = dist;
      best = { time: m.time, snapped: true, marker: m };
    }
  }
  return best;
}

export type CursorName = 'a' | 'b';

/** Cursors A and B. The time between them is `delta` (B − A), null unless both are placed. */
export class Cursors {
  a: number | null = null;
  b: number | null = null;
  version = 0;

  set(which: CursorName, time: number | null): void {
    if (this[which] === time) return;
    this[which] = time;
    this.version++;
  }

  clear(which?: CursorName): void {
    if (which) this.set(which, null);
    else {
      this.set('a', null);
      this.set('b', null);
    }
  }

  get delta(): number | null {
    return this.a === null || this.b === null ? null : this.b - this.a;
  }

  /** The placed cursors in time order, as a range (null unless both are placed). */
  get range(): { from: number; to: number } | null {
    if (this.a === null || this.b === null) return null;
    return { from: Math.min(this.a, this.b), to: Math.max(this.a, this.b) };
  }

  /** The cursor nearest to pixel x within tolerancePx (to drag it), or null. */
  pick(x: number, timeToX: (t: number) => number, tolerancePx = 5): CursorName | null {
    let best: CursorName | null = null;
    let bestDist = tolerancePx;
    for (const name of ['a', 'b'] as const) {
      const t = this[name];
      if (t === null) continue;
      const d = Math.abs(timeToX(t) - x);
      if (d <= bestDist) {
        best = name;
        bestDist = d;
      }
    }
    return best;
  }
}
