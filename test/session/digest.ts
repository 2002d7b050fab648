import { createHash } from 'node:crypto';
import type { TraceEvent } from '../../src/common/trace/schema';

/** A digest of a run of events: every field, text by content (string ids differ between stores). */
export class EventDigest {
  /** Digest of the events from `events` with seq below `end`. */
  of(events: Iterable<TraceEvent>, end: number): string {
    const hash = createHash('sha1');
    let batch = '';
    for (const e of events) {
      if (e.seq >= end) break;
      batch += `${e.seq},${e.vns},${e.hns},${e.kind},${e.source},${e.size},${e.flags},${e.addr},${e.text === undefined ? e.value : 'T' + JSON.stringify(e.text)}\n`;
      if (batch.length > 1 << 16) {
        hash.update(batch);
        batch = '';
      }
    }
    hash.update(batch);
    return hash.digest('hex');
  }
}
