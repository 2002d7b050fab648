import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventKind, Source, type TraceEvent } from '../../../common/trace/schema';
import { labAfter } from '../../../../test/support/lab-session';
import { everyLaneScript, EventScript, testHeader } from '../../../../test/support/trace-events';
import { CSV_COLUMNS, csvField } from './csv';
import { encodeSession, exportSession } from './index';
import { eventToJson } from './jsonl';

/**
 * An RFC 4180 reader, strict: records end with CRLF, quoted fields may hold anything (quotes doubled),
 * unquoted fields hold no quote, CR or LF. Throws on anything else.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('CSV: unterminated quoted field');
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          field += c;
          i++;
        }
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`CSV: quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (i >= n) throw new Error('CSV: the last record has no CRLF');
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      rows.push(row);
      row = [];
      continue;
    }
    throw new Error(`CSV: expected a comma or CRLF at ${i}, got ${JSON.stringify(text.slice(i, i + 10))}`);
  }
  return rows;
}

/** What the JSON Lines export says about the event, as CSV cells. */
function expectedRow(e: TraceEvent): string[] {
  const j = eventToJson(e);
  return CSV_COLUMNS.map((c) => (j[c] === undefined ? '' : String(j[c])));
}

const TRICKY_TEXTS = [
  'plain',
  'comma, inside',
  'a "quoted" word',
  '"starts and ends with quotes"',
  'line one\nline two',
  'carriage\rreturn',
  'windows\r\nline end',
  '',
  '  leading and trailing spaces  ',
  'unicode: µs → ✓, 日本語',
  ',',
  '"',
  '""',
  'trailing newline\n',
];

describe('CSV export', () => {
  it('quotes only the fields RFC 4180 requires', () => {
    expect(csvField('abc')).toBe('abc');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField(' x ')).toBe(' x ');
  });

  it('writes a header row and one CRLF row per event that reads back to the JSON Lines fields, texts included', () => {
    const s = everyLaneScript();
    for (const text of TRICKY_TEXTS) s.add(EventKind.ConsoleOutput, 300_000, { source: Source.Guest, text });
    s.add(EventKind.MmioWrite, 301_000, { source: Source.Ui, addr: 0x80, size: 8, value: 0xfedc_ba98_4000_0000n });
    const text = encodeSession('csv', testHeader(), s.events);
    // Every line break outside quotes is CRLF, and the file ends with one.
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.length).toBe(s.events.length + 1);
    rows.slice(1).forEach((row, i) => expect(row).toEqual(expectedRow(s.events[i]!)));
    // The texts come back exactly.
    const texts = rows.slice(1).filter((r) => r[3] === 'ConsoleOutput').map((r) => r[9]);
    expect(texts).toEqual(TRICKY_TEXTS);
    expect(rows.at(-1)!.slice(3, 9)).toEqual(['MmioWrite', 'ui', '8', '0', '128', '0xfedcba9840000000']);
  });

  it('exports a range: exactly the events with from <= vns <= to', async () => {
    const s = new EventScript();
    for (let i = 0; i < 100; i++) s.add(EventKind.MmioRead, i * 10, { source: Source.Guest, addr: 4, value: i });
    const path = join(mkdtempSync(join(tmpdir(), 'edu-lab-csv-')), 'range.csv');
    const n = await exportSession(path, 'csv', testHeader(), s.events, { from: 200, to: 450 });
    const rows = parseCsv(readFileSync(path, 'utf8')).slice(1);
    expect(n).toBe(26);
    expect(rows.map((r) => Number(r[1]))).toEqual(Array.from({ length: 26 }, (_, i) => 200 + i * 10));
  });

  it('exports a real session row for row', async () => {
    const lab = await labAfter([{ line: 'modprobe edu && edu fact 10 --irq', until: '3628800' }]);
    const path = join(mkdtempSync(join(tmpdir(), 'edu-lab-csv-')), 'session.csv');
    const events = [...lab.recorder.events()];
    const n = await exportSession(path, 'csv', lab.sessionHeader(), events);
    expect(n).toBe(events.length);
    const rows = parseCsv(readFileSync(path, 'utf8'));
    expect(rows.slice(1)).toEqual(events.map(expectedRow));
    // Console output has CR/LF in it: those rows are quoted and still read back.
    expect(rows.some((r) => r[3] === 'ConsoleOutput' && /\r\n/.test(r[9]!))).toBe(true);
  });
});
