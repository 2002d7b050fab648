import { describe, expect, it } from 'vitest';
import type { DecodedBatch } from '../../src/common/api/event-batch';
import { columnsOf } from '../../src/common/trace/columns';
import { EventIngestQueue, defaultSliceScheduler, type SliceScheduler } from '../../src/renderer/src/event-ingest';

/** A batch of `count` events whose vns are their sequence numbers. */
function batch(fromSeq: number, count: number): DecodedBatch {
  const columns = columnsOf(new ArrayBuffer(count * 32), count);
  for (let i = 0; i < count; i++) columns.vns[i] = fromSeq + i;
  return { ...columns, fromSeq, count, strings: new Map() };
}

/** A scheduler the test runs by hand: posted slices wait until run; input can be made pending. */
class ManualScheduler implements SliceScheduler {
  waiting: (() => void)[] = [];
  input = false;
  runNext(): void {
    this.waiting.shift()!();
  }
  runAll(limit = 10_000): void {
    for (let i = 0; i < limit && this.waiting.length > 0; i++) this.runNext();
  }
  post(slice: () => void): void {
    this.waiting.push(slice);
  }
  inputPending(): boolean {
    return this.input;
  }
}

/** Busy-waits (a consumer that costs time). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('EventIngestQueue', () => {
  it('hands over every event once, in order, in steps, and says when each batch is taken', () => {
    const s = new ManualScheduler();
    const seen: number[] = [];
    const taken: number[] = [];
    let slices = 0;
    const q = new EventIngestQueue((b) => {
      for (let i = 0; i < b.count; i++) seen.push(b.vns[i]!);
    }, () => slices++, s);
    q.push(batch(0, 3000), () => taken.push(0));
    q.push(batch(3000, 10), () => taken.push(1));
    expect(q.backlog).toBe(3010);
    expect(s.waiting).toHaveLength(1); // one slice scheduled, however many batches
    s.runAll();
    expect(seen).toEqual(Array.from({ length: 3010 }, (_, i) => i));
    expect(taken).toEqual([0, 1]);
    expect(q.backlog).toBe(0);
    expect(slices).toBeGreaterThanOrEqual(1);
    expect(s.waiting).toHaveLength(0);
  });

  it('an empty batch is taken at once', () => {
    const s = new ManualScheduler();
    let taken = false;
    new EventIngestQueue(() => {}, () => {}, s).push(batch(0, 0), () => (taken = true));
    expect(taken).toBe(true);
    expect(s.waiting).toHaveLength(0);
  });

  it('takes a few milliseconds a slice (at least one step), then lets the window do more urgent work', () => {
    const s = new ManualScheduler();
    let steps = 0;
    let slices = 0;
    const q = new EventIngestQueue(() => {
      steps++;
      spin(1.5);
    }, () => slices++, s);
    q.push(batch(0, 100_000));
    const t0 = performance.now();
    s.runNext();
    const took = performance.now() - t0;
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThanOrEqual(3);
    expect(took).toBeLessThan(10); // (4 ms a slice, more only if this process was descheduled)
    expect(slices).toBe(1);
    expect(s.waiting).toHaveLength(1); // the rest in a slice of its own
    s.runNext();
    expect(steps).toBeGreaterThanOrEqual(2);
  });

  it('ends a slice early when input is waiting', () => {
    const s = new ManualScheduler();
    let steps = 0;
    const q = new EventIngestQueue(() => {
      steps++;
      s.input = true;
    }, () => {}, s);
    q.push(batch(0, 100_000));
    s.runNext();
    expect(steps).toBe(1);
    expect(s.waiting).toHaveLength(1);
  });

  it('clear() drops what waits; a slice scheduled before finds nothing; new batches are taken', () => {
    const s = new ManualScheduler();
    const seen: number[] = [];
    let after = 0;
    const q = new EventIngestQueue((b) => seen.push(b.fromSeq), () => after++, s);
    q.push(batch(0, 10));
    q.clear();
    expect(q.backlog).toBe(0);
    s.runAll();
    expect(seen).toEqual([]);
    expect(after).toBe(0);
    q.push(batch(100, 10));
    s.runAll();
    expect(seen).toEqual([100]);
  });

  it('a batch pushed while a slice runs (from a consumer) is taken too, in one schedule', () => {
    const s = new ManualScheduler();
    const seen: number[] = [];
    const q = new EventIngestQueue((b) => seen.push(b.fromSeq), () => {}, s);
    q.push(batch(0, 10), () => q.push(batch(10, 10)));
    s.runNext();
    expect(s.waiting.length).toBeLessThanOrEqual(1);
    s.runAll();
    expect(seen).toEqual([0, 10]);
  });

  it('the default scheduler works without a window (macrotasks)', async () => {
    const seen: number[] = [];
    const q = new EventIngestQueue((b) => seen.push(b.count), () => {}, defaultSliceScheduler());
    const done = new Promise<void>((resolve) => q.push(batch(0, 5000), resolve));
    await done;
    expect(seen.reduce((a, b) => a + b, 0)).toBe(5000);
  });
});
