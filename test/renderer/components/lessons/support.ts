/**
 * The lesson panel's tests: a fake Lab whose answers may be functions of the arguments (getEvents for
 * catching up), event batches as the stream decodes them (with sources and texts), and stores set up
 * the way the window has them.
 */
import { flushPromises } from '@vue/test-utils';
import { encodeEventBatch, type DecodedBatch, type EventBatch } from '../../../../src/common/api/event-batch';
import { BYTES_PER_EVENT, columnsOf } from '../../../../src/common/trace/columns';
import { EventFlag, EventKind, Source } from '../../../../src/common/trace/schema';
import type { Lab } from '../../../../src/renderer/src/api/lab';
import { publishEventBatch } from '../../../../src/renderer/src/session';
import { useLessons } from '../../../../src/renderer/src/stores/lessons';
import { fakeLab, setupStores, snapshot, type Answer } from '../shell/support';

export interface Ev {
  readonly kind: EventKind;
  readonly vns?: number;
  readonly source?: Source;
  readonly size?: number;
  readonly addr?: number;
  readonly value?: number | bigint;
  readonly flags?: number;
  readonly text?: string;
}

/** `events` as one batch numbered from `fromSeq` (the columns, as on the wire). */
export function rawBatch(fromSeq: number, events: readonly Ev[]): { buffer: ArrayBuffer; strings: Map<number, string> } {
  const n = events.length;
  const buffer = new ArrayBuffer(n * BYTES_PER_EVENT);
  const cols = columnsOf(buffer, n);
  const strings = new Map<number, string>();
  events.forEach((e, i) => {
    cols.vns[i] = e.vns ?? (fromSeq + i) * 1000;
    cols.hns[i] = cols.vns[i]!;
    cols.kind[i] = e.kind;
    cols.source[i] = e.source ?? Source.Guest;
    cols.size[i] = e.size ?? 4;
    cols.addr[i] = e.addr ?? 0;
    let flags = e.flags ?? 0;
    if (e.text !== undefined) {
      const id = 1000 + fromSeq + i;
      strings.set(id, e.text);
      cols.valueLo[i] = id;
      flags |= EventFlag.Text;
    } else {
      const v = BigInt(e.value ?? 0);
      cols.valueLo[i] = Number(v & 0xffffffffn);
      cols.valueHi[i] = Number(v >> 32n);
    }
    cols.flags[i] = flags;
  });
  return { buffer, strings };
}

export function decoded(fromSeq: number, events: readonly Ev[]): DecodedBatch {
  const { buffer, strings } = rawBatch(fromSeq, events);
  return { ...columnsOf(buffer, events.length), fromSeq, count: events.length, strings };
}

export function wire(fromSeq: number, events: readonly Ev[]): EventBatch {
  const { buffer, strings } = rawBatch(fromSeq, events);
  return encodeEventBatch(fromSeq, events.length, buffer, strings);
}

/** A stream message's events reaching the window (as the stream router hands them on). */
export async function stream(fromSeq: number, events: readonly Ev[]): Promise<void> {
  publishEventBatch(decoded(fromSeq, events));
  await flushPromises();
}

/** Fresh stores on `lab`, with `recorded` events in the session so far. */
export function setup(lab: Lab, recorded = 0) {
  return { lab: setupStores(lab, snapshot({ eventsRecorded: recorded })), lessons: useLessons() };
}

/** A lab that answers getSnapshot with `recorded` events and getEvents from `events` (index = sequence number). */
export function labWith(events: readonly Ev[] = [], recorded = events.length, more: Record<string, Answer> = {}) {
  return fakeLab({
    ...more,
    getSnapshot: () => snapshot({ eventsRecorded: recorded }),
    getEvents: (from: unknown, to: unknown) => {
      const f = Math.min(Number(from), events.length);
      const t = Math.min(Number(to), events.length);
      return wire(f, events.slice(f, Math.max(f, t)));
    },
  });
}

export const PROMPT = 'root@edu-lab:~# \x1b[J';
