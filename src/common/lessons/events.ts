import type { DecodedBatch } from '../api/event-batch';
import { EventFlag, type TraceEvent } from '../trace/schema';
import type { LessonEvent } from './types';

/** A recorder's event (node side: `lab.recorder.events()`) as a check sees it. */
export function lessonEventOf(e: TraceEvent): LessonEvent {
  return {
    seq: e.seq,
    vns: e.vns,
    kind: e.kind,
    source: e.source,
    size: e.size,
    flags: e.flags,
    addr: e.addr,
    lo: Number(e.value & 0xffffffffn),
    hi: Number((e.value >> 32n) & 0xffffffffn),
    text: e.text,
  };
}

/** A mutable event the batch walker fills in place (one object per batch, not one per event). */
class BatchCursor implements LessonEvent {
  seq = 0;
  vns = 0;
  kind = 0;
  source = 0;
  size = 0;
  flags = 0;
  addr = 0;
  lo = 0;
  hi = 0;
  text: string | undefined = undefined;
}

/**
 * Call `fn` with each event of a decoded stream batch whose sequence number is at least `fromSeq`. The
 * event object is reused: copy what you keep.
 */
export function forEachBatchEvent(batch: DecodedBatch, fromSeq: number, fn: (e: LessonEvent) => void): void {
  const c = new BatchCursor();
  const start = Math.max(0, fromSeq - batch.fromSeq);
  for (let i = start; i < batch.count; i++) {
    c.seq = batch.fromSeq + i;
    c.vns = batch.vns[i]!;
    c.kind = batch.kind[i]!;
    c.source = batch.source[i]!;
    c.size = batch.size[i]!;
    c.flags = batch.flags[i]!;
    c.addr = batch.addr[i]!;
    c.lo = batch.valueLo[i]!;
    c.hi = batch.valueHi[i]!;
    c.text = c.flags & EventFlag.Text ? (batch.strings.get(c.lo) ?? '') : undefined;
    fn(c);
  }
}
