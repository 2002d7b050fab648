/**
 * CSV (RFC 4180): a header row, then one row per event with the JSON Lines fields (seq, vns, hns, kind,
 * source, size, flags, addr, value, text). Rows end with CRLF; a field containing a comma, a double
 * quote, CR or LF is enclosed in double quotes with its quotes doubled. `value` is hex as in JSON Lines
 * and empty on text events; `text` is empty on the others.
 */
import { EVENT_KIND_NAMES, EventFlag, SOURCE_NAMES, type TraceEvent } from '../../../common/trace/schema';
import { hex64, middleKey } from './jsonl';
import type { EventEncoder } from './sink';

export const CSV_COLUMNS = ['seq', 'vns', 'hns', 'kind', 'source', 'size', 'flags', 'addr', 'value', 'text'] as const;

const NEEDS_QUOTES = /[",\r\n]/;

/** One field as RFC 4180 wants it. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** `kind,source,size,flags,` by kind, source, size and flags: few combinations, built once. */
const csvMiddles = new Map<number, string>();

export function eventToCsvRow(e: TraceEvent): string {
  const key = middleKey(e);
  let middle = key < 0 ? undefined : csvMiddles.get(key);
  if (middle === undefined) {
    const kind = EVENT_KIND_NAMES[e.kind] ?? String(e.kind);
    const source = SOURCE_NAMES[e.source] ?? String(e.source);
    middle = ',' + csvField(kind) + ',' + csvField(source) + ',' + e.size + ',' + e.flags + ',';
    if (key >= 0 && csvMiddles.size < 4096) csvMiddles.set(key, middle);
  }
  const rest = e.flags & EventFlag.Text ? ',' + csvField(e.text ?? '') : '0x' + hex64(e.value) + ',';
  return e.seq + ',' + e.vns + ',' + e.hns + middle + e.addr + ',' + rest + '\r\n';
}

export class CsvEncoder implements EventEncoder {
  private buf = '';
  begin(): string {
    return CSV_COLUMNS.join(',') + '\r\n';
  }
  prime(): void {}
  push(e: TraceEvent): void {
    this.buf += eventToCsvRow(e);
  }
  take(): string {
    const t = this.buf;
    this.buf = '';
    return t;
  }
  end(): string {
    return '';
  }
}
