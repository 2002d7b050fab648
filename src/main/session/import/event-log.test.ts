import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind, Source } from '../../../common/trace/schema';
import { BYTES_PER_EVENT, columnsOf } from '../recorder/chunk';
import { EventLog } from './event-log';

describe('EventLog', () => {
  it('grows its chunks from 1,024 events to chunkSize, and compacts the last one when finished', () => {
    const log = new EventLog(5, { chunkSize: 4096 });
    for (let i = 0; i < 10_000; i++) log.append(i, i, EventKind.MmioRead, Source.Guest, 4, 0, i, i, 0);
    log.finish();
    const m = log.memory();
    expect(m.events).toBe(10_000);
    expect(m.chunks).toBe(4); // 1024 + 2048 + 4096 + 2832 (compacted)
    expect(m.allocatedBytes).toBe(10_000 * BYTES_PER_EVENT);
    expect(log.firstSeq).toBe(5);
    expect(log.recorded).toBe(10_005);
    expect(log.get(5 + 1024)).toMatchObject({ seq: 1029, vns: 1024, addr: 1024 });
    expect([...log.events(10_000, 10_003)].map((e) => e.seq)).toEqual([10_000, 10_001, 10_002]);
    expect(log.seqAtTime(5000.5)).toBe(5 + 5001);
    expect(() => log.append(0, 0, 1, 0, 0, 0, 0, 0, 0)).toThrow(/finished/);
  });

  it('appends blocks of columns across chunk boundaries, giving their strings its own ids', () => {
    const log = new EventLog(0, { chunkSize: 1024 });
    log.appendText(0, 0, EventKind.Dmesg, Source.Guest, 0, 0, 0, 'first');
    const n = 3000;
    const cols = columnsOf(new ArrayBuffer(n * BYTES_PER_EVENT), n);
    for (let i = 0; i < n; i++) {
      cols.vns[i] = 10 + i;
      cols.kind[i] = i % 2 === 0 ? EventKind.GuestError : EventKind.MmioWrite;
      cols.flags[i] = i % 2 === 0 ? EventFlag.Text : 0;
      cols.valueLo[i] = i % 2 === 0 ? 77 + (i % 4) : i;
      cols.valueHi[i] = i % 2 === 0 ? 0 : 1;
    }
    log.appendColumns(cols, n, new Map([[77, 'seventy-seven'], [79, 'seventy-nine']]));
    log.finish();
    expect(log.count).toBe(n + 1);
    expect(log.endVns).toBe(10 + n - 1);
    expect(log.get(1)).toMatchObject({ kind: EventKind.GuestError, text: 'seventy-seven' });
    expect(log.get(3)).toMatchObject({ text: 'seventy-nine' });
    expect(log.get(2)).toMatchObject({ kind: EventKind.MmioWrite, value: (1n << 32n) | 1n });
    expect(log.memory().strings).toBe(3);
    const slice = log.slice(2500, 2600);
    expect([...slice.strings.values()].sort()).toEqual(['seventy-nine', 'seventy-seven']);
  });
});
