/**
 * Crash recovery: finding journals a previous run left without a close marker, reading them back into
 * an event log (or straight into a JSON Lines file), and discarding them.
 *
 * Reading stops at the first record that is cut short, fails its checksum, does not follow the one
 * before, or holds an event no recorder could have written: what comes before it is the recovered
 * session, and `stopped` says why and where reading stopped (undefined when the file ended cleanly).
 */
import { crc32 } from 'node:zlib';
import { createWriteStream } from 'node:fs';
import { open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EventFlag, SOURCE_NAMES, isEventKind } from '../../../common/trace/schema';
import { BYTES_PER_EVENT, columnsOf, type ChunkColumns } from '../../../common/trace/columns';
import { eventToJsonLine, type SessionHeader } from '../export/jsonl';
import { SessionImportError } from '../import/errors';
import { EventLog } from '../import/event-log';
import { DEFAULT_MAX_IMPORT_EVENTS, type ImportedSession } from '../import/jsonl';
import { decodeAt } from '../recorder/query';
import { isObject, readHeader } from '../import/validate';
import {
  checkMagic,
  CLOSE_PAYLOAD_BYTES,
  endsWithClose,
  EVENTS_HEADER_BYTES,
  MAGIC_BYTES,
  MAX_RECORD_EVENTS,
  MAX_RECORD_STRING_BYTES,
  MAX_SESSION_RECORD_BYTES,
  parseRecordHeader,
  RECORD_HEADER_BYTES,
  RecordType,
} from './format';
import { JOURNAL_EXTENSION, openJournals } from './journal';

/** A file that is not a journal this edu-lab can read (wrong magic, newer version, no session header). */
export class JournalError extends Error {
  override readonly name = 'JournalError';
}

export interface RecoverableSession {
  readonly path: string;
  readonly header: SessionHeader;
  /** The process that wrote it. */
  readonly pid: number;
  readonly startedAt: Date;
  readonly modifiedAt: Date;
  readonly bytes: number;
}

export interface RecoveredSession extends ImportedSession {
  readonly path: string;
  /** The journal ends with its close marker: the session had ended cleanly. */
  readonly closed: boolean;
  /** Why reading stopped before the end of the file, if it did (what was after it is lost). */
  readonly stopped?: string;
}

export interface RecoverOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (bytes: number, total: number) => void;
  /** Most events to hold in memory (default 16,777,216); a longer journal is refused: convert it instead. */
  readonly maxEvents?: number;
}

// ---- reading records ----------------------------------------------------------------------------------

interface JournalStart {
  readonly header: SessionHeader;
  readonly pid: number;
  readonly startedAt: number;
  /** Where the first record after the SESSION record starts. */
  readonly next: number;
}

interface EventsBlock {
  readonly fromSeq: number;
  readonly count: number;
  readonly columns: ChunkColumns;
  readonly strings: ReadonlyMap<number, string>;
}

/** Fill `target` from `position`; false when the file ends first. */
async function readInto(file: FileHandle, target: Uint8Array, position: number): Promise<boolean> {
  let got = 0;
  while (got < target.length) {
    const { bytesRead } = await file.read(target, got, target.length - got, position + got);
    if (bytesRead === 0) return false;
    got += bytesRead;
  }
  return true;
}

async function readExactly(file: FileHandle, length: number, position: number): Promise<Buffer | undefined> {
  const b = Buffer.alloc(length);
  return (await readInto(file, b, position)) ? b : undefined;
}

/** The magic and the SESSION record, or a JournalError saying why the file is not a journal. */
async function readStart(file: FileHandle, path: string): Promise<JournalStart> {
  const magic = await readExactly(file, MAGIC_BYTES, 0);
  const kind = magic ? checkMagic(magic) : 'not-a-journal';
  if (kind === 'not-a-journal') throw new JournalError(`${path} is not an edu-lab session journal`);
  if (kind === 'newer') throw new JournalError(`${path} was written by a newer edu-lab; this one cannot read it`);
  const head = await readExactly(file, RECORD_HEADER_BYTES, MAGIC_BYTES);
  const h = head && parseRecordHeader(head);
  if (!h || h.type !== RecordType.Session || h.length > MAX_SESSION_RECORD_BYTES) throw new JournalError(`${path} has no session header: nothing can be recovered`);
  const payload = await readExactly(file, h.length, MAGIC_BYTES + RECORD_HEADER_BYTES);
  if (!payload || crc32(payload) !== h.crc) throw new JournalError(`${path} has a damaged session header: nothing can be recovered`);
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new JournalError(`${path} has a damaged session header: nothing can be recovered`);
  }
  if (!isObject(value)) throw new JournalError(`${path} has a damaged session header: nothing can be recovered`);
  let header: SessionHeader;
  try {
    header = readHeader(value.session);
  } catch (error) {
    throw new JournalError(`${path}: the session header is not valid (${error instanceof SessionImportError ? error.detail : String(error)})`);
  }
  const pid = typeof value.pid === 'number' && Number.isSafeInteger(value.pid) ? value.pid : 0;
  const startedAt = typeof value.startedAt === 'number' && Number.isFinite(value.startedAt) ? value.startedAt : 0;
  return { header, pid, startedAt, next: MAGIC_BYTES + RECORD_HEADER_BYTES + h.length };
}

/**
 * Why `count` events in `columns` could not have come from a recorder continuing after virtual time
 * `prevVns`, or undefined if they could.
 */
function checkColumns(c: ChunkColumns, count: number, strings: ReadonlyMap<number, string>, prevVns: number): string | undefined {
  let last = prevVns;
  for (let i = 0; i < count; i++) {
    const vns = c.vns[i]!;
    const hns = c.hns[i]!;
    if (!(vns >= last && vns < Infinity)) return `event ${i} of the record has virtual time ${vns} after ${last}`;
    if (!(hns >= 0 && hns < Infinity)) return `event ${i} of the record has host time ${hns}`;
    if (!isEventKind(c.kind[i]!)) return `event ${i} of the record has unknown kind ${c.kind[i]}`;
    if (!(c.source[i]! in SOURCE_NAMES)) return `event ${i} of the record has unknown source ${c.source[i]}`;
    if (c.size[i]! > 8) return `event ${i} of the record has size ${c.size[i]}`;
    if ((c.flags[i]! & EventFlag.Text) !== 0 && !strings.has(c.valueLo[i]!)) return `event ${i} of the record refers to a string it does not carry`;
    last = vns;
  }
  return undefined;
}

function parseStrings(b: Buffer): Map<number, string> | undefined {
  if (b.length === 0) return new Map();
  let value: unknown;
  try {
    value = JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const strings = new Map<number, string>();
  for (const entry of value as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const [id, text] = entry as unknown[];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff || typeof text !== 'string') return undefined;
    strings.set(id, text);
  }
  return strings;
}

/**
 * Walk the records after the session header, calling `onEvents` for each valid block of events in
 * order. Returns whether the close marker was found, why reading stopped early (if it did), and the
 * bytes read.
 */
async function walkRecords(
  file: FileHandle,
  start: JournalStart,
  total: number,
  onEvents: (block: EventsBlock) => string | undefined | Promise<string | undefined>,
  options: Pick<RecoverOptions, 'signal' | 'onProgress'>,
): Promise<{ closed: boolean; stopped?: string; bytes: number }> {
  let pos = start.next;
  let seq = start.header.firstSeq;
  let vns = 0;
  const stop = (why: string) => ({ closed: false, stopped: `at byte ${pos}: ${why}`, bytes: pos });
  while (pos < total) {
    if (options.signal?.aborted) throw Object.assign(new Error('recovery cancelled'), { name: 'AbortError' });
    const head = await readExactly(file, RECORD_HEADER_BYTES, pos);
    if (!head) return stop('the last record is cut short');
    const h = parseRecordHeader(head);
    if (!h) return stop('a record header is damaged (or was never written)');
    const body = pos + RECORD_HEADER_BYTES;
    if (body + h.length > total) return stop('the last record is cut short');
    if (h.type === RecordType.Close) {
      const payload = await readExactly(file, h.length, body);
      if (!payload || h.length !== CLOSE_PAYLOAD_BYTES || crc32(payload) !== h.crc) return stop('the close marker is damaged');
      return { closed: true, bytes: body + h.length };
    }
    if (h.type !== RecordType.Events) {
      // A record type of a later version: skip it if it is intact.
      if (h.length > MAX_RECORD_STRING_BYTES) return stop(`a record of unknown type ${h.type} is too large`);
      const payload = await readExactly(file, h.length, body);
      if (!payload || crc32(payload) !== h.crc) return stop(`a record of unknown type ${h.type} is damaged`);
      pos = body + h.length;
      continue;
    }
    if (h.length < EVENTS_HEADER_BYTES) return stop('an events record is too short');
    const eh = await readExactly(file, EVENTS_HEADER_BYTES, body);
    if (!eh) return stop('the last record is cut short');
    const fromSeq = eh.readDoubleLE(0);
    const count = eh.readUInt32LE(8);
    const stringBytes = eh.readUInt32LE(12);
    if (count < 1 || count > MAX_RECORD_EVENTS || stringBytes > MAX_RECORD_STRING_BYTES || EVENTS_HEADER_BYTES + count * BYTES_PER_EVENT + stringBytes !== h.length) {
      return stop('an events record has inconsistent sizes');
    }
    if (fromSeq !== seq) return stop(`an events record starts at event ${fromSeq}, expected ${seq}`);
    const buffer = new ArrayBuffer(count * BYTES_PER_EVENT);
    const colBytes = new Uint8Array(buffer);
    if (!(await readInto(file, colBytes, body + EVENTS_HEADER_BYTES))) return stop('the last record is cut short');
    const text = stringBytes > 0 ? await readExactly(file, stringBytes, body + EVENTS_HEADER_BYTES + count * BYTES_PER_EVENT) : Buffer.alloc(0);
    if (!text) return stop('the last record is cut short');
    let crc = crc32(eh);
    crc = crc32(colBytes, crc);
    crc = crc32(text, crc);
    if (crc !== h.crc) return stop('an events record fails its checksum');
    const strings = parseStrings(text);
    if (!strings) return stop('an events record has damaged strings');
    const columns = columnsOf(buffer, count);
    const bad = checkColumns(columns, count, strings, vns);
    if (bad) return stop(bad);
    const refused = await onEvents({ fromSeq, count, columns, strings });
    if (refused) return stop(refused);
    seq += count;
    vns = columns.vns[count - 1]!;
    pos = body + h.length;
    options.onProgress?.(pos, total);
  }
  return { closed: false, bytes: pos };
}

// ---- the API ------------------------------------------------------------------------------------------

/**
 * Read a journal back into an event log: every event up to the first damaged or missing record.
 * Rejects with a JournalError if the file is not a journal or has no readable session header.
 */
export async function recoverSession(path: string, options: RecoverOptions = {}): Promise<RecoveredSession> {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_IMPORT_EVENTS;
  const file = await open(path, 'r');
  try {
    const total = (await file.stat()).size;
    const start = await readStart(file, path);
    const log = new EventLog(start.header.firstSeq);
    const end = await walkRecords(
      file,
      start,
      total,
      (block) => {
        if (log.count + block.count > maxEvents) {
          throw new JournalError(`${path} holds more than ${maxEvents.toLocaleString('en-US')} events, more than recovery holds in memory: convert it to a JSON Lines file instead`);
        }
        log.appendColumns(block.columns, block.count, block.strings);
        return undefined;
      },
      options,
    );
    options.onProgress?.(total, total);
    return {
      header: start.header,
      log: log.finish(),
      bytes: end.bytes,
      path,
      closed: end.closed,
      ...(end.stopped !== undefined ? { stopped: end.stopped } : {}),
    };
  } finally {
    await file.close();
  }
}

/**
 * Write what a journal holds as a JSON Lines session (the export format), streaming: memory stays at one
 * record whatever the journal's length. Resolves with the events written and why reading stopped early.
 */
export async function convertJournalToJsonl(
  path: string,
  outPath: string,
  options: Pick<RecoverOptions, 'signal' | 'onProgress'> = {},
): Promise<{ events: number; closed: boolean; stopped?: string }> {
  const file = await open(path, 'r');
  const out = createWriteStream(outPath, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
  };
  let events = 0;
  try {
    const total = (await file.stat()).size;
    const start = await readStart(file, path);
    await write(JSON.stringify(start.header) + '\n');
    const end = await walkRecords(
      file,
      start,
      total,
      async (block) => {
        const textOf = (id: number) => block.strings.get(id);
        let batch = '';
        for (let i = 0; i < block.count; i++) {
          batch += eventToJsonLine(decodeAt(block.columns, i, block.fromSeq + i, textOf)) + '\n';
          if (batch.length > 1 << 20) {
            await write(batch);
            batch = '';
          }
        }
        await write(batch);
        events += block.count;
        return undefined;
      },
      options,
    );
    return { events, closed: end.closed, ...(end.stopped !== undefined ? { stopped: end.stopped } : {}) };
  } finally {
    await new Promise<void>((r) => out.end(r));
    await file.close();
    await Promise.race([Promise.resolve(), failed]);
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Journals in `dir` that a previous run left without a close marker and that hold events, newest first.
 * A journal still being written (by this process, or by a live process of the pid that wrote it) is not
 * offered. As it goes it deletes journals with nothing to recover: unclosed ones of dead processes that
 * hold no event. Files that are not journals are left alone.
 */
export async function findRecoverableSessions(dir: string): Promise<RecoverableSession[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: RecoverableSession[] = [];
  for (const name of names) {
    if (!name.endsWith(JOURNAL_EXTENSION)) continue;
    const path = resolve(join(dir, name));
    if (openJournals.has(path)) continue;
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch {
      continue;
    }
    try {
      const info = await file.stat();
      if (!info.isFile()) continue;
      const start = await readStart(file, path).catch(() => undefined);
      if (!start) continue;
      if (start.pid !== process.pid && isAlive(start.pid)) continue;
      const tailBytes = Math.min(info.size, RECORD_HEADER_BYTES + CLOSE_PAYLOAD_BYTES);
      const tail = (await readExactly(file, tailBytes, info.size - tailBytes)) ?? Buffer.alloc(0);
      if (info.size > start.next && endsWithClose(tail)) continue;
      if (info.size <= start.next) {
        await file.close();
        await rm(path, { force: true });
        continue;
      }
      found.push({ path, header: start.header, pid: start.pid, startedAt: new Date(start.startedAt), modifiedAt: info.mtime, bytes: info.size });
    } finally {
      await file.close().catch(() => undefined);
    }
  }
  return found.sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime() || b.startedAt.getTime() - a.startedAt.getTime());
}

/** The newest journal a previous run left behind, if any (see findRecoverableSessions). */
export async function findRecoverableSession(dir: string): Promise<RecoverableSession | undefined> {
  return (await findRecoverableSessions(dir))[0];
}

/** Delete a journal (after recovering it, or when the user does not want it). Refuses a file that is not one, or one still open. */
export async function discardSession(path: string): Promise<void> {
  const full = resolve(path);
  if (openJournals.has(full)) throw new JournalError(`${path} is the journal of the running session`);
  if (!(await stat(full)).isFile()) throw new JournalError(`${path} is not an edu-lab session journal`);
  const file = await open(full, 'r');
  try {
    const magic = await readExactly(file, MAGIC_BYTES, 0);
    if (!magic || checkMagic(magic) === 'not-a-journal') throw new JournalError(`${path} is not an edu-lab session journal`);
  } finally {
    await file.close();
  }
  await rm(full, { force: true });
}
