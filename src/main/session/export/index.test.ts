import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventKind, Source, type TraceEvent } from '../../../common/trace/schema';
import { labAfter } from '../../../../test/support/lab-session';
import { everyLaneScript, testHeader } from '../../../../test/support/trace-events';
import { createEncoder, encodeSession, EXPORT_EXTENSIONS, EXPORT_FORMATS, exportSession, isExportFormat, type ExportFormat } from './index';
import { CSV_COLUMNS, eventToCsvRow } from './csv';
import { eventToJson, eventToJsonLine, writeJsonl } from './jsonl';
import { BATCH_EVENTS } from './sink';

const dir = () => mkdtempSync(join(tmpdir(), 'edu-lab-export-'));

/** A long synthetic session (raise/ack through BAR0), produced lazily; counts what was pulled. */
function stream(count: number) {
  const counter = { pulled: 0 };
  function* gen(): Generator<TraceEvent> {
    for (let i = 0; i < count; i++) {
      counter.pulled++;
      const raise = (i & 1) === 0;
      yield { seq: i, vns: i * 250, hns: i * 250, kind: raise ? EventKind.IrqRaise : EventKind.IrqAck, source: Source.Test, size: 4, flags: 0, addr: raise ? 1 : 0, value: 1n };
    }
  }
  return { events: gen(), counter };
}

describe('session export registry', () => {
  it('knows five formats with their extensions', () => {
    expect(EXPORT_FORMATS).toEqual(['jsonl', 'vcd', 'vcd-pulseview', 'perfetto', 'csv']);
    expect(EXPORT_EXTENSIONS).toEqual({ jsonl: 'jsonl', vcd: 'vcd', 'vcd-pulseview': 'vcd', perfetto: 'json', csv: 'csv' });
    expect(isExportFormat('vcd')).toBe(true);
    expect(isExportFormat('fst')).toBe(false);
    expect(() => createEncoder('fst' as ExportFormat, testHeader())).toThrow(/unknown export format fst/);
  });

  it('rejects a range that ends before it starts', async () => {
    await expect(exportSession(join(dir(), 'x'), 'csv', testHeader(), [], { from: 10, to: 5 })).rejects.toThrow(RangeError);
  });

  it('exports a real session in every format, with progress, and leaves no temporary files', async () => {
    const lab = await labAfter([{ line: 'modprobe edu && edu fact 10 --irq', until: '3628800' }], { deterministic: false });
    const d = dir();
    for (const format of EXPORT_FORMATS) {
      const path = join(d, `session-${format}.${EXPORT_EXTENSIONS[format]}`);
      const progress: number[] = [];
      const n = await exportSession(path, format, lab.sessionHeader(), lab.recorder.events(0), { onProgress: (k) => progress.push(k) });
      expect(n).toBe(lab.recorder.recorded);
      expect(progress.at(-1)).toBe(n);
      expect(readFileSync(path, 'utf8').length).toBeGreaterThan(100);
    }
    expect(readdirSync(d).sort()).toEqual(EXPORT_FORMATS.map((f) => `session-${f}.${EXPORT_EXTENSIONS[f]}`).sort());
  });

  it('JSON Lines through exportSession is what writeJsonl writes, and the fast line is JSON.stringify of the object', async () => {
    const lab = await labAfter([{ line: 'modprobe edu && edu fact 10 --irq', until: '3628800' }]);
    const d = dir();
    const header = lab.sessionHeader();
    const events = [...lab.recorder.events(), ...everyLaneScript().events];
    await exportSession(join(d, 'a.jsonl'), 'jsonl', header, events);
    await writeJsonl(join(d, 'b.jsonl'), header, events);
    expect(readFileSync(join(d, 'a.jsonl'), 'utf8')).toBe(readFileSync(join(d, 'b.jsonl'), 'utf8'));
    const odd: TraceEvent[] = [
      { seq: 1, vns: 0.5, hns: 1e21, kind: EventKind.MmioRead, source: Source.Ui, size: 8, flags: 3, addr: 0xfffff, value: 0xffff_ffff_ffff_ffffn },
      { seq: 2, vns: 3, hns: 4, kind: 99 as EventKind, source: Source.Ui, size: 0, flags: 0, addr: 0, value: 0n },
      { seq: 3, vns: 3, hns: 4, kind: EventKind.Dmesg, source: Source.Guest, size: 0, flags: 0x80, addr: 0, value: 7n, text: 'tab\t"q" \u2028 \u0001' },
      { seq: 4, vns: Number.NaN, hns: 4, kind: EventKind.MmioRead, source: Source.Guest, size: 4, flags: 0, addr: 0, value: 0n },
      { seq: 5, vns: 1, hns: 4, kind: EventKind.MmioRead, source: 300 as Source, size: 4, flags: 0, addr: 0, value: 0n },
      { seq: 6, vns: 1, hns: 4, kind: EventKind.MmioRead, source: Source.Guest, size: 4.5, flags: 0, addr: 0, value: 0n },
      { seq: 7, vns: 1, hns: 4, kind: EventKind.MmioRead, source: Source.Guest, size: 4, flags: 0, addr: 0, value: 0x1_0000_0000n },
    ];
    for (const e of [...events, ...odd]) expect(eventToJsonLine(e)).toBe(JSON.stringify(eventToJson(e)));
    // The CSV row says the same, cell by cell (texts aside, which the CSV test reads back; an unknown
    // kind or source is written as its number there, and JSON has no NaN).
    for (const e of [...events, odd[0]!, odd.at(-1)!].filter((x) => !x.text)) {
      const j = eventToJson(e);
      expect(eventToCsvRow(e)).toBe(CSV_COLUMNS.map((c) => (j[c] === undefined ? '' : String(j[c]))).join(',') + '\r\n');
    }
  });

  it('streams: the file is written while events are pulled, a batch at a time', async () => {
    const { events, counter } = stream(20 * BATCH_EVENTS + 5);
    const pulledAtProgress: [number, number][] = [];
    const n = await exportSession(join(dir(), 's.vcd'), 'vcd', testHeader(), events, { onProgress: (k) => pulledAtProgress.push([k, counter.pulled]) });
    expect(n).toBe(20 * BATCH_EVENTS + 5);
    for (const [written, pulled] of pulledAtProgress.slice(0, -1)) expect(pulled).toBe(written);
  });

  it('stops pulling events at the first one past `to`', async () => {
    const { events, counter } = stream(100_000);
    const n = await exportSession(join(dir(), 'r.csv'), 'csv', testHeader(), events, { from: 1000, to: 2000 });
    expect(n).toBe(5);
    expect(counter.pulled).toBe(10);
  });

  it.each(EXPORT_FORMATS)('a cancelled %s export rejects, deletes its partial file and stops reading', async (format) => {
    const d = dir();
    const path = join(d, `cancel.${EXPORT_EXTENSIONS[format]}`);
    const { events, counter } = stream(50 * BATCH_EVENTS);
    const abort = new AbortController();
    const promise = exportSession(path, format, testHeader(), events, { signal: abort.signal, onProgress: (k) => k >= 2 * BATCH_EVENTS && abort.abort() });
    await expect(promise).rejects.toMatchObject({ name: 'AbortError', message: 'export cancelled' });
    expect(counter.pulled).toBeLessThan(3 * BATCH_EVENTS);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(d)).toEqual([]);
  });

  it('a cancel from a timer stops a long export (the writer yields to the event loop)', async () => {
    const d = dir();
    const { events, counter } = stream(2_000_000);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    await expect(exportSession(join(d, 'long.json'), 'perfetto', testHeader(), events, { signal: abort.signal })).rejects.toThrow('export cancelled');
    expect(counter.pulled).toBeLessThan(2_000_000);
    expect(readdirSync(d)).toEqual([]);
  });

  it('an export cancelled before it starts writes nothing', async () => {
    const d = dir();
    const abort = new AbortController();
    abort.abort();
    await expect(exportSession(join(d, 'x.csv'), 'csv', testHeader(), everyLaneScript().events, { signal: abort.signal })).rejects.toThrow('export cancelled');
    expect(readdirSync(d)).toEqual([]);
  });

  it('reports a path it cannot write, leaving nothing behind', async () => {
    for (const format of EXPORT_FORMATS) {
      await expect(exportSession('/nonexistent-dir/x', format, testHeader(), everyLaneScript().events)).rejects.toThrow(/ENOENT/);
    }
  });

  it('a cancelled VCD export leaves an existing file of the same name alone until it writes the new one', async () => {
    const d = dir();
    const path = join(d, 'old.vcd');
    writeFileSync(path, 'old');
    const { events } = stream(10 * BATCH_EVENTS);
    const abort = new AbortController();
    await expect(exportSession(path, 'vcd', testHeader(), events, { signal: abort.signal, onProgress: () => abort.abort() })).rejects.toThrow('export cancelled');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['old.vcd']);
  });

  it('encodeSession gives the same text as the file export', async () => {
    const d = dir();
    for (const format of EXPORT_FORMATS) {
      const path = join(d, `same.${format}`);
      await exportSession(path, format, testHeader(), everyLaneScript().events, { from: 20_000, to: 200_000 });
      expect(readFileSync(path, 'utf8')).toBe(encodeSession(format, testHeader(), everyLaneScript().events, { from: 20_000, to: 200_000 }));
    }
  });
});
