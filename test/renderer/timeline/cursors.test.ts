import { describe, expect, it } from 'vitest';
import { EventKind, Source } from '../../../src/common/trace/schema';
import { Cursors, findEdge, nearestEdge, snapTime } from '../../../src/renderer/src/timeline/cursors';
import { EventStore } from '../../../src/renderer/src/timeline/event-store';
import { LaneSet } from '../../../src/renderer/src/timeline/lanes';
import { MarkerSet } from '../../../src/renderer/src/timeline/markers';
import { batch, type Ev } from './support';

function lanesOf(events: Ev[]): LaneSet {
  const lanes = new LaneSet();
  new EventStore().append(batch(events), (e) => lanes.process(e));
  return lanes;
}

const events: Ev[] = [
  { t: 1_000, kind: EventKind.FactStart, value: 4 },
  { t: 1_100, kind: EventKind.MmioRead, source: Source.Guest, addr: 0x20 },
  { t: 2_000, kind: EventKind.FactFinish, value: 24 },
  { t: 2_000, kind: EventKind.IrqRaise, addr: 0x1, value: 0x1 },
  { t: 2_500, kind: EventKind.IrqRaise, addr: 0x101, value: 0x100 },
  { t: 3_000, kind: EventKind.IrqAck, addr: 0x100, value: 0x1 },
  { t: 3_500, kind: EventKind.IrqAck, addr: 0x0, value: 0x100 },
  { t: 4_000, kind: EventKind.IrqRaise, addr: 0x100, value: 0x100 },
];

describe('edges', () => {
  const lanes = lanesOf(events);
  const status = lanes.irqStatus;

  it('finds the nearest edge of a lane on either side', () => {
    expect(nearestEdge(lanes.fact, 1_400)).toMatchObject({ time: 1_000, from: 0, to: 1, eventIndex: 0 });
    expect(nearestEdge(lanes.fact, 1_600)).toMatchObject({ time: 2_000, from: 1, to: 0, eventIndex: 2 });
    expect(nearestEdge(lanes.get('mmio:guest')!, 0)).toMatchObject({ time: 1_100, eventIndex: 1 });
    expect(nearestEdge(lanes.get('mmio:ui')!, 0)).toBeNull();
  });

  it('searches forward and backward for any, rising, falling edges and values', () => {
    expect(findEdge(status, 2_000, 1)?.time).toBe(2_500); // strictly after
    expect(findEdge(status, 0, 1, 'rising')?.time).toBe(2_000);
    expect(findEdge(status, 2_000, 1, 'rising')?.time).toBe(4_000);
    expect(findEdge(status, 0, 1, 'falling')?.time).toBe(3_500);
    expect(findEdge(status, 0, 1, { value: 0x100 })?.time).toBe(3_000);
    expect(findEdge(status, 5_000, -1, { value: 0x101 })?.time).toBe(2_500);
    expect(findEdge(status, 3_500, -1)?.time).toBe(3_000);
    expect(findEdge(status, 4_000, 1)).toBeNull();
    expect(findEdge(lanes.get('mmio:guest')!, 0, 1)?.time).toBe(1_100);
    expect(findEdge(lanes.get('mmio:guest')!, 0, 1, { cls: 1 })).toBeNull();
  });

  it('snaps to the nearest edge within the pixel tolerance, or a marker', () => {
    const all = lanes.lanes;
    // 10 ns per px, 6 px: 60 ns.
    expect(snapTime(1_045, all, 10, 6)).toMatchObject({ time: 1_000, snapped: true });
    expect(snapTime(1_045, all, 10, 6).edge?.lane.id).toBe('fact');
    expect(snapTime(1_060, all, 10, 6).edge?.lane.id).toBe('mmio:guest'); // fact is 60 away, the read 40
    expect(snapTime(1_070, all, 10, 6)).toMatchObject({ time: 1_100, snapped: true });
    expect(snapTime(1_300, all, 10, 6)).toEqual({ time: 1_300, snapped: false });
    const markers = new MarkerSet();
    markers.add(1_290, 'here');
    expect(snapTime(1_300, all, 10, 6, markers.list)).toMatchObject({ time: 1_290, snapped: true, marker: { label: 'here' } });
    expect(snapTime(1_300, all, 1, 6, markers.list)).toEqual({ time: 1_300, snapped: false });
  });
});

describe('Cursors', () => {
  it('holds A and B, the time between them, and picks one under the pointer', () => {
    const c = new Cursors();
    expect(c.delta).toBeNull();
    c.set('a', 2_000);
    c.set('b', 1_500);
    expect(c.delta).toBe(-500);
    expect(c.range).toEqual({ from: 1_500, to: 2_000 });
    const toX = (t: number): number => t / 10;
    expect(c.pick(203, toX)).toBe('a');
    expect(c.pick(149, toX)).toBe('b');
    expect(c.pick(175, toX)).toBeNull();
    const v = c.version;
    c.clear('a');
    expect([c.a, c.b, c.version > v]).toEqual([null, 1_500, true]);
  });
});
