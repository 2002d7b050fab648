import { describe, expect, it } from 'vitest';
import { EventKind, Source } from '../../../../src/common/trace/schema';
import { TimelineView, sameContent } from '../../../../src/renderer/src/components/timeline/controller';
import { Timeline } from '../../../../src/renderer/src/timeline';
import { batch } from '../../timeline/support';
import { storm } from './support';

describe('sameContent', () => {
  it('compares values, then arrays and plain objects item by item, as deep as asked', () => {
    const lane = { id: 'x' };
    expect(sameContent(1, 1)).toBe(true);
    expect(sameContent(NaN, NaN)).toBe(true);
    expect(sameContent('a', 'b')).toBe(false);
    expect(sameContent([1, 'a', null], [1, 'a', null])).toBe(true);
    expect(sameContent([1, 2], [1, 2, 3])).toBe(false);
    expect(sameContent({ a: 1, b: lane }, { a: 1, b: lane })).toBe(true);
    expect(sameContent({ a: 1, b: lane }, { a: 1, b: { id: 'x' } }, 1)).toBe(false); // one level: references
    expect(sameContent({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameContent([{ lane, hidden: false }], [{ lane, hidden: false }], 2)).toBe(true);
    expect(sameContent({ l: [{ lane, hidden: false }] }, { l: [{ lane, hidden: false }] }, 2)).toBe(false);
    expect(sameContent({ l: [{ lane, hidden: false }] }, { l: [{ lane, hidden: false }] }, 3)).toBe(true);
    expect(sameContent([1], { 0: 1 })).toBe(false);
    expect(sameContent(new Map(), new Map())).toBe(false); // only plain objects and arrays are looked into
  });
});

describe('TimelineView.select', () => {
  it('changes only when its own part of the snapshot does', () => {
    const tl = new Timeline();
    const view = new TimelineView(tl);
    const lanes = view.select((s) => s.lanes.filter((l) => !l.hidden).map((l) => l.lane));
    const stormPart = view.select((s) => s.storm);
    const span = view.select((s) => s.spanText);
    const first = lanes.value;
    const firstStorm = stormPart.value;

    // A zoom and a storm change the snapshot, not the lanes.
    tl.append(batch(storm(0, 400, 1_000).map((e) => ({ ...e, source: Source.Guest })), 0));
    view.zoom(2);
    view.sync();
    expect(view.snapshot.value.storm.active).toBe(true);
    expect(stormPart.value).not.toBe(firstStorm);
    expect(span.value).toBe(view.snapshot.value.spanText);
    expect(lanes.value).not.toBe(first); // a handler lane appeared
    const withHandler = lanes.value;
    tl.append(batch([{ t: 500_000, kind: EventKind.MmioRead, source: Source.Guest }], 800));
    view.zoom(2);
    view.sync();
    expect(lanes.value).toBe(withHandler);

    // Hiding a lane does change them.
    view.setLaneHidden('fact', true);
    view.sync();
    expect(lanes.value).not.toBe(withHandler);
    expect(lanes.value.some((l) => l.id === 'fact')).toBe(false);
    view.dispose();
  });

  it('timeDisplayKey follows the mode and the relative origin', () => {
    const tl = new Timeline();
    const view = new TimelineView(tl);
    tl.append(batch([{ t: 1_000, kind: EventKind.MmioRead, source: Source.Guest }], 0));
    view.sync();
    expect(view.timeDisplayKey.value).toBe(null);
    view.setRelative(true);
    view.sync();
    expect(view.timeDisplayKey.value).toBe(1_000);
    view.setCursor('a', 5_000);
    view.flush();
    expect(view.timeDisplayKey.value).toBe(5_000);
    view.dispose();
  });
});
