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
  const events = new EventIngestQueue(ingest, timelineChanged);

  const apply = (m: StreamMessage) => {
    store.applyMessage(m);
    if (m.console) consoleBus.output(m.console);
    if (m.gap) timeline.noteGap(m.gap.from, m.gap.to);
    // Acknowledged once taken in: the lab sends a window only a couple of event messages ahead.
    if (m.events) events.push(decodeEventBatch(m.events), () => lab.ack(m.seq));
    if (m.clock) timeline.setLiveTime(m.clock.vns);
    if (m.ui) for (const command of m.ui) uiCommand(command);
    timelineChanged();
  };

  const restart = async (m: StreamMessage) => {
    const s = m.snapshot!;
    loading = [];
    expected = m.seq + 1;
    events.clear();
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
    const accesses = new Map<number, RegisterAccess>();
    const lines: LogLine[] = [];
    for (let i = 0; i < batch.count; i++) {
      const kind = batch.kind[i]!;
      if (kind === EventKind.MmioRead || kind === EventKind.MmioWrite) {
        accesses.set(batch.addr[i]!, {
          source: batch.source[i]!,
          write: kind === EventKind.MmioWrite,
          vns: batch.vns[i]!,
          value: (BigInt(batch.valueHi[i]!) << 32n) | BigInt(batch.valueLo[i]!),
        });
      } else if (kind === EventKind.Dmesg && batch.flags[i]! & EventFlag.Text) {
        lines.push({ origin: 'dmesg', channel: 'dmesg', text: batch.strings.get(batch.valueLo[i]!) ?? '', vns: batch.vns[i]! });
      }
    }
    store.noteAccesses(accesses);
    store.addLogs(lines);
    publishEventBatch(batch);
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
