import { decodeEventBatch, type DecodedBatch } from '../../common/api/event-batch';
import { MAX_EVENTS_PER_CALL } from '../../common/api/lab-api';
import type { StreamMessage, UiCommand } from '../../common/api/stream';
import { EventFlag, EventKind } from '../../common/trace/schema';
import type { Lab } from './api/lab';
import { consoleBus } from './console-bus';
import { EventIngestQueue } from './event-ingest';
import { publishEventBatch, timeline, timelineChanged } from './session';
import { useLab, type LogLine, type RegisterAccess } from './stores/lab';
import { useSettings } from './stores/settings';
import { useSession } from './stores/session';
import { useUi } from './stores/ui';

/** One display frame (ms). */
const FRAME_MS = 1000 / 60;
/**
 * Events a window acknowledges arrive a batch at a time, one round trip after the previous one was
 * taken in: a pause shorter than this is a flood still being delivered, not its end.
 */
const EVENTS_QUIET_MS = 250;

/**
 * Keeps the window in step with the lab: applies each stream message to the stores, the console and
 * the timeline. A snapshot starts everything over (and the events recorded before it are fetched); a
 * hole in the message numbers asks for a new snapshot rather than drawing a wrong picture. Recorded
 * events go through a queue taken in time slices; everything else in a message applies at once.
 */
export function startLabSync(lab: Lab): () => void {
  const store = useLab();
  let expected = -1;
  let loading: StreamMessage[] | undefined;
  // What the events say about the registers and the kernel log, gathered while they are taken in and
  // handed to the store at most once a frame, and when the backlog is done (each hand-over re-renders
  // the views that show them; several slices of ingestion may run in one frame).
  const accesses = new Map<number, RegisterAccess>();
  let lines: LogLine[] = [];
  let flushedAt = -Infinity;
  /** When the last message with events arrived. */
  let lastEventsAt = -Infinity;
  const events = new EventIngestQueue(ingest, () => {
    const now = performance.now();
    if (events.backlog === 0 || now - flushedAt >= FRAME_MS) {
      flushedAt = now;
      flushDerived();
    }
    timelineChanged();
  });

  const apply = (m: StreamMessage) => {
    store.applyMessage(m);
    if (m.console) consoleBus.output(m.console);
    if (m.gap) timeline.noteGap(m.gap.from, m.gap.to);
    // Acknowledged once taken in: the lab sends a window only a couple of event messages ahead.
    if (m.events) events.push(decodeEventBatch(m.events), () => lab.ack(m.seq));
    if (m.events) lastEventsAt = performance.now();
    // While events are still being taken in, or keep arriving, the clock is ahead of them: not quiet.
    if (m.clock) timeline.setLiveTime(m.clock.vns, events.backlog > 0 || performance.now() - lastEventsAt < EVENTS_QUIET_MS);
    if (m.ui) for (const command of m.ui) uiCommand(command);
    timelineChanged();
  };

  const restart = async (m: StreamMessage) => {
    const s = m.snapshot!;
    loading = [];
    expected = m.seq + 1;
    events.clear();
    accesses.clear();
    lines = [];
    timeline.reset();
    store.applySnapshot(s);
    consoleBus.reset(s.console);
    timeline.setLiveTime(s.clock.vns);
    // The events recorded before this stream began, page by page, before anything newer.
    for (let from = s.eventsFirstSeq; from < s.eventsRecorded; ) {
      const batch = await store.call('getEvents', from, Math.min(s.eventsRecorded, from + MAX_EVENTS_PER_CALL));
      if (!batch || batch.count === 0) break;
      events.push(decodeEventBatch(batch));
      from = batch.fromSeq + batch.count;
    }
    const queued = loading;
    loading = undefined;
    for (const q of queued) apply(q);
    timelineChanged();
  };

  return lab.onStream((m) => {
    if (m.snapshot) return void restart(m);
    if (expected < 0) return; // waiting for a snapshot
    if (m.seq !== expected) {
      expected = -1;
      lab.resync();
      return;
    }
    expected++;
    if (loading) loading.push(m);
    else apply(m);
  });

  function ingest(batch: DecodedBatch): void {
    timeline.append(batch);
    // The last access to each register wins: note where it is, build it (a BigInt) once per register.
    const last = new Map<number, number>();
    for (let i = 0; i < batch.count; i++) {
      const kind = batch.kind[i]!;
      if (kind === EventKind.MmioRead || kind === EventKind.MmioWrite) last.set(batch.addr[i]!, i);
      else if (kind === EventKind.Dmesg && batch.flags[i]! & EventFlag.Text) {
        lines.push({ origin: 'dmesg', channel: 'dmesg', text: batch.strings.get(batch.valueLo[i]!) ?? '', vns: batch.vns[i]! });
      }
    }
    for (const [addr, i] of last) {
      accesses.delete(addr); // keeps the map in order of last access
      accesses.set(addr, {
        source: batch.source[i]!,
        write: batch.kind[i] === EventKind.MmioWrite,
        vns: batch.vns[i]!,
        value: (BigInt(batch.valueHi[i]!) << 32n) | BigInt(batch.valueLo[i]!),
      });
    }
    publishEventBatch(batch);
  }

  function flushDerived(): void {
    if (accesses.size > 0) {
      store.noteAccesses(new Map(accesses));
      accesses.clear();
    }
    if (lines.length > 0) {
      store.addLogs(lines);
      lines = [];
    }
  }
}

function uiCommand(command: UiCommand): void {
  const ui = useUi();
  if (command === 'export-session') useSession().openExport();
  else if (command === 'open-session') ui.pickSessionFile++;
  else if (command === 'toggle-theme') useSettings().toggleTheme();
  else if (command === 'show-shortcuts') ui.dialog = 'help';
  else if (command === 'show-about') ui.dialog = 'about';
}
