/**
 * The importer's fast path: an event line exactly as the exporter writes it (fields in its order, no
 * spaces, no text, no escapes) is read straight from the bytes, without a string or a JSON.parse.
 *
 * It only ever accepts: any line it is not sure about (another field order, an extra field, a space, a
 * text event, a value out of range, a number it cannot read exactly) is left to the general path
 * (JSON.parse + validate.ts), which reads it or says what is wrong. So it needs no messages, and for
 * every line it accepts the general path would give the very same event (the tests check that).
 */
import { EventKind, Source } from '../../../common/trace/schema';
import type { CheckedEvent, EventCursor } from './validate';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const SEQ = bytes('{"seq":');
const VNS = bytes(',"vns":');
const HNS = bytes(',"hns":');
const KIND = bytes(',"kind":"');
const SOURCE = bytes('","source":"');
const SIZE = bytes('","size":');
const FLAGS = bytes(',"flags":');
const ADDR = bytes(',"addr":');
const VALUE = bytes(',"value":"0x');
const TWO_POW_32 = 0x1_0000_0000;

interface Name {
  readonly bytes: Uint8Array;
  readonly id: number;
}

/** Names by a hash of their bytes (verified byte by byte on lookup). */
function nameTable(entries: [string, number][]): Map<number, Name> {
  const table = new Map<number, Name>();
  for (const [name, id] of entries) {
    const b = bytes(name);
    const h = hash(b, 0, b.length);
    if (table.has(h)) throw new Error(`name hash collision: ${name}`);
    table.set(h, { bytes: b, id });
  }
  return table;
}

/** The hash `name()` computes as it reads. */
function hash(b: Uint8Array, from: number, to: number): number {
  let h = 5381;
  for (let i = from; i < to; i++) h = (Math.imul(h, 33) + b[i]!) | 0;
  return h;
}

const KINDS = nameTable(Object.entries(EventKind));
const SOURCES = nameTable(Object.entries(Source).map(([name, id]) => [name.toLowerCase(), id]));

/** Where reading stopped (the position after what was read) and the number read. */
const cursor = { p: 0, value: 0 };

/** Position after `lit` at `p`, or -1 when the bytes differ. */
function literal(b: Uint8Array, p: number, end: number, lit: Uint8Array): number {
  const n = lit.length;
  if (p + n > end) return -1;
  for (let i = 0; i < n; i++) if (b[p + i] !== lit[i]) return -1;
  return p + n;
}

/** A JSON number at p: its exact value (as JSON.parse reads it) in cursor.value, NaN if none; cursor.p after it. */
function number(b: Uint8Array, p: number, end: number): number {
  const s = p;
  let c = p < end ? b[p]! : -1;
  if (c === 45 /* - */) c = ++p < end ? b[p]! : -1;
  let v = 0;
  if (c === 48 /* 0 */) {
    c = ++p < end ? b[p]! : -1;
  } else if (c >= 49 && c <= 57) {
    do {
      v = v * 10 + (c - 48);
      c = ++p < end ? b[p]! : -1;
    } while (c >= 48 && c <= 57);
  } else {
    return NaN;
  }
  let simple = b[s] !== 45 && p - s <= 15;
  if (c === 46 /* . */) {
    c = ++p < end ? b[p]! : -1;
    if (!(c >= 48 && c <= 57)) return NaN;
    do c = ++p < end ? b[p]! : -1;
    while (c >= 48 && c <= 57);
    simple = false;
  }
  if ((c | 0x20) === 101 /* e E */) {
    c = ++p < end ? b[p]! : -1;
    if (c === 43 || c === 45) c = ++p < end ? b[p]! : -1;
    if (!(c >= 48 && c <= 57)) return NaN;
    do c = ++p < end ? b[p]! : -1;
    while (c >= 48 && c <= 57);
    simple = false;
  }
  cursor.p = p;
  // Up to 15 digits the sum is exact; anything else goes through the engine's own conversion.
  if (simple) return v;
  let text = '';
  for (let i = s; i < p; i++) text += String.fromCharCode(b[i]!);
  return Number(text);
}

/** A name of ASCII letters at p (the quote after it not consumed), looked up in `table`; -1 if none. */
function name(b: Uint8Array, p: number, end: number, table: Map<number, Name>): number {
  const s = p;
  let h = 5381;
  while (p < end) {
    const l = b[p]! | 0x20;
    if (l < 97 || l > 122) break;
    h = (Math.imul(h, 33) + b[p]!) | 0;
    p++;
  }
  cursor.p = p;
  if (p === s) return -1;
  const entry = table.get(h);
  if (!entry || entry.bytes.length !== p - s) return -1;
  for (let i = 0; i < entry.bytes.length; i++) if (b[s + i] !== entry.bytes[i]) return -1;
  return entry.id;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * Read bytes [from, to) of `b` as an event in the exporter's exact form, following `at`. Fills `out`
 * and returns true, or returns false (nothing else changes) for the general path to take over.
 */
export function readCanonicalEvent(b: Uint8Array, from: number, to: number, at: EventCursor, out: CheckedEvent): boolean {
  const end = to > from && b[to - 1] === 13 /* \r */ ? to - 1 : to;
  let p = literal(b, from, end, SEQ);
  if (p < 0 || number(b, p, end) !== at.seq) return false;
  p = literal(b, cursor.p, end, VNS);
  if (p < 0) return false;
  const vns = number(b, p, end);
  if (!(vns >= 0 && vns < Infinity && vns >= at.vns)) return false;
  p = literal(b, cursor.p, end, HNS);
  if (p < 0) return false;
  const hns = number(b, p, end);
  if (!(hns >= 0 && hns < Infinity)) return false;
  p = literal(b, cursor.p, end, KIND);
  if (p < 0) return false;
  const kind = name(b, p, end, KINDS);
  if (kind < 0) return false;
  p = literal(b, cursor.p, end, SOURCE);
  if (p < 0) return false;
  const source = name(b, p, end, SOURCES);
  if (source < 0) return false;
  p = literal(b, cursor.p, end, SIZE);
  if (p < 0) return false;
  const size = number(b, p, end);
  if (!(Number.isInteger(size) && size >= 0 && size <= 8)) return false;
  p = literal(b, cursor.p, end, FLAGS);
  if (p < 0) return false;
  const flags = number(b, p, end);
  // Text events (0x80) carry a string: the general path reads them.
  if (!(Number.isInteger(flags) && flags >= 0 && flags < 0x80)) return false;
  p = literal(b, cursor.p, end, ADDR);
  if (p < 0) return false;
  const addr = number(b, p, end);
  if (!(Number.isInteger(addr) && addr >= 0 && addr < TWO_POW_32)) return false;
  p = literal(b, cursor.p, end, VALUE);
  if (p < 0) return false;
  const s = p;
  while (p < end && hexDigit(b[p]!) >= 0) p++;
  const digits = p - s;
  if (digits < 1 || digits > 16 || end - p !== 2 || b[p] !== 34 /* " */ || b[p + 1] !== 125 /* } */) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < digits; i++) {
    const d = hexDigit(b[s + i]!);
    if (i < digits - 8) hi = hi * 16 + d;
    else lo = lo * 16 + d;
  }
  out.vns = vns;
  out.hns = hns;
  out.kind = kind;
  out.source = source;
  out.size = size;
  out.flags = flags;
  out.addr = addr;
  out.lo = lo;
  out.hi = hi;
  out.text = undefined;
  return true;
}
