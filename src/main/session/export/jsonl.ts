import { EVENT_KIND_NAMES, EventFlag, SOURCE_NAMES, type TraceEvent } from '../../../common/trace/schema';
import { writeEncoded, type EventEncoder, type WriteOptions } from './sink';

export type { WriteOptions } from './sink';

export const SESSION_FORMAT = 'edu-lab-session';
export const SESSION_FORMAT_VERSION = 1;

/** The first line of a JSON Lines session: what the events were recorded on. */
export interface SessionHeader {
  readonly format: typeof SESSION_FORMAT;
  readonly version: number;
  readonly app: string;
  readonly createdAt: string;
  readonly profile: string;
  readonly machine: {
    readonly ramSize: number;
    readonly dmaMask: string;
    readonly deterministic: boolean;
    readonly speed: number;
  };
  readonly firstSeq: number;
  /**
   * The edu device's config space at power-on and its write mask (256 bytes each): with the recorded
   * config writes, a replay rebuilds config space at any moment. Absent in older files.
   */
  readonly config?: { readonly initial: readonly number[]; readonly writable: readonly number[] };
}

/** One event as a JSON object: every field, the 64-bit value as hex, kinds and sources by name. */
export function eventToJson(e: TraceEvent): Record<string, unknown> {
  const o: Record<string, unknown> = {
    seq: e.seq,
    vns: e.vns,
    hns: e.hns,
    kind: EVENT_KIND_NAMES[e.kind],
    source: SOURCE_NAMES[e.source],
    size: e.size,
    flags: e.flags,
    addr: e.addr,
  };
  if (e.flags & EventFlag.Text) o.text = e.text ?? '';
  else o.value = '0x' + e.value.toString(16);
  return o;
}

/** The middle of a line (kind .. addr key) by kind, source, size and flags: few combinations, built once. */
const jsonMiddles = new Map<number, string>();

/** One number for kind, source, size and flags when each is a byte (as the recorder stores them), else -1. */
export function middleKey(e: TraceEvent): number {
  const { kind, source, size, flags } = e;
  if (!(kind >= 0 && kind < 256 && source >= 0 && source < 256 && size >= 0 && size < 256 && flags >= 0 && flags < 256)) return -1;
  const key = kind + source * 0x100 + size * 0x10000 + flags * 0x1000000;
  return Number.isInteger(key) ? key : -1;
}

/** A 64-bit value in hex without BigInt formatting in the common (32-bit) case. */
export function hex64(v: bigint): string {
  return v >= 0n && v <= 0xffffffffn ? Number(v).toString(16) : v.toString(16);
}

/**
 * `JSON.stringify(eventToJson(e))`, built without the intermediate object (the exporter's hot path).
 * Falls back to the object for anything unusual (unknown kind or source, non-finite numbers).
 */
export function eventToJsonLine(e: TraceEvent): string {
  const key = middleKey(e);
  let middle = jsonMiddles.get(key);
  if (middle === undefined) {
    const kind = EVENT_KIND_NAMES[e.kind];
    const source = SOURCE_NAMES[e.source];
    if (kind === undefined || source === undefined || key < 0) return JSON.stringify(eventToJson(e));
    middle = ',"kind":"' + kind + '","source":"' + source + '","size":' + e.size + ',"flags":' + e.flags + ',"addr":';
    if (jsonMiddles.size < 4096) jsonMiddles.set(key, middle);
  }
  // One check for the four numbers (JSON writes NaN and Infinity as null; the slow path does that).
  if (!Number.isFinite(e.seq + e.vns + e.hns + e.addr)) return JSON.stringify(eventToJson(e));
  const tail = e.flags & EventFlag.Text ? ',"text":' + JSON.stringify(e.text ?? '') + '}' : ',"value":"0x' + hex64(e.value) + '"}';
  return '{"seq":' + e.seq + ',"vns":' + e.vns + ',"hns":' + e.hns + middle + e.addr + tail;
}

/** JSON Lines: the header line, then one line per event. */
export class JsonlEncoder implements EventEncoder {
  private buf = '';
  constructor(private readonly header: SessionHeader) {}
  begin(): string {
    return JSON.stringify(this.header) + '\n';
  }
  prime(): void {}
  push(e: TraceEvent): void {
    this.buf += eventToJsonLine(e) + '\n';
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

/**
 * Write a session as JSON Lines to `path`: the header, then one event per line. Waits for the file
 * when it falls behind (no unbounded buffering); an abort leaves a truncated file and rejects.
 */
export async function writeJsonl(path: string, header: SessionHeader, events: Iterable<TraceEvent>, options: WriteOptions = {}): Promise<number> {
  return writeEncoded(path, new JsonlEncoder(header), events, { signal: options.signal, onProgress: options.onProgress, partial: 'keep' });
}
