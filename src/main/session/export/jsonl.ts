import { createWriteStream } from 'node:fs';
import { EVENT_KIND_NAMES, EventFlag, SOURCE_NAMES, type TraceEvent } from '../../../common/trace/schema';

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

export interface WriteOptions {
  readonly signal?: AbortSignal;
  /** Called every few thousand events with how many were written. */
  readonly onProgress?: (written: number) => void;
}

/**
 * Write a session as JSON Lines to `path`: the header, then one event per line. Waits for the file
 * when it falls behind (no unbounded buffering); an abort leaves a truncated file and rejects.
 */
export async function writeJsonl(path: string, header: SessionHeader, events: Iterable<TraceEvent>, options: WriteOptions = {}): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
  };
  let written = 0;
  try {
    await write(JSON.stringify(header) + '\n');
    let batch = '';
    for (const e of events) {
      if (options.signal?.aborted) throw new Error('export cancelled');
      batch += JSON.stringify(eventToJson(e)) + '\n';
      if (++written % 4096 === 0) {
        await write(batch);
        batch = '';
        options.onProgress?.(written);
      }
    }
    await write(batch);
    options.onProgress?.(written);
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  await Promise.race([Promise.resolve(), failed]);
  return written;
}
