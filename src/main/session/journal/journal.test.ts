import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSample, sampleHeader, sampleRecorder, tempDir, FakeTime, prng } from '../../../../test/session/support';
import type { TraceEvent } from '../../../common/trace/schema';
import { writeJsonl } from '../export/jsonl';
import { Recorder } from '../recorder/recorder';
import { MAGIC_BYTES, RECORD_HEADER_BYTES } from './format';
import { SessionJournal, type JournalOptions } from './journal';
import { convertJournalToJsonl, discardSession, findRecoverableSession, findRecoverableSessions, JournalError, recoverSession, type RecoveredSession } from './recover';

const root = tempDir('edu-lab-journal-');
let dirNo = 0;
const newDir = () => join(root, `d${dirNo++}`);

const open: SessionJournal[] = [];
afterEach(async () => {
  for (const j of open.splice(0)) await j.detach();
});

async function journal(dir: string, recorder: Recorder, options: JournalOptions = {}): Promise<SessionJournal> {
  const j = await SessionJournal.open(dir, recorder, sampleHeader(), { durable: false, ...options });
  open.push(j);
  return j;
}

/** A text event's value is a string id, which each store assigns: compare without it. */
const same = (events: Iterable<TraceEvent | undefined>) => [...events].map((e) => (e?.text !== undefined ? { ...e, value: 'text' } : e));

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await sleep(5);
  }
}

describe('SessionJournal', () => {
  it('writes every event the recorder records; recovery reads them back identical', async () => {
    const dir = newDir();
    const { recorder, time } = sampleRecorder(300, { chunkSize: 64 });
    const j = await journal(dir, recorder, { durable: true });
    recordSample(recorder, time, 2000, 7);
    await j.flush();
    expect(j.writtenSeq).toBe(recorder.recorded);
    expect(j.durableSeq).toBe(recorder.recorded);
    await j.detach();
    const s = await recoverSession(j.path);
    expect(s.closed).toBe(false);
    expect(s.stopped).toBeUndefined();
    expect(s.header).toEqual(sampleHeader());
    expect(s.log.count).toBe(recorder.recorded);
    expect(same(s.log.events())).toEqual(same(recorder.events()));
    expect(s.bytes).toBe(statSync(j.path).size);
  });

  it('converts to JSON Lines exactly as the exporter writes the same session', async () => {
    const dir = newDir();
    const { recorder, time } = sampleRecorder(100, { chunkSize: 50 });
    const j = await journal(dir, recorder);
    recordSample(recorder, time, 1000, 3);
    await j.flush();
    await j.detach();
    const converted = join(dir, 'converted.jsonl');
    const exported = join(dir, 'exported.jsonl');
    const result = await convertJournalToJsonl(j.path, converted);
    expect(result).toEqual({ events: recorder.recorded, closed: false });
    await writeJsonl(exported, sampleHeader(), recorder.events());
    expect(readFileSync(converted).equals(readFileSync(exported))).toBe(true);
  });

  it('writes a sealed chunk at once, and the head at the next flush tick', async () => {
    const dir = newDir();
    const time = new FakeTime();
    const recorder = new Recorder(time, { chunkSize: 100 });
    const j = await journal(dir, recorder, { flushIntervalMs: 300 });
    recordSample(recorder, time, 248); // 250 events: two sealed chunks and 50 in the head
    expect(j.journaledSeq).toBe(200);
    await until(() => j.writtenSeq === 200, 250);
    expect(j.writtenSeq).toBe(200);
    await until(() => j.writtenSeq === 250, 1000);
  });

  it('syncs within a flush interval when durable', async () => {
    const dir = newDir();
    const { recorder, time } = sampleRecorder(10, { chunkSize: 1000 });
    const j = await journal(dir, recorder, { durable: true, flushIntervalMs: 200 });
    recordSample(recorder, time, 20);
    const start = Date.now();
    await until(() => j.durableSeq === recorder.recorded, 2000);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(j.stats().syncs).toBeGreaterThan(0);
  });

  it('starts from what the recorder still holds, with its firstSeq', async () => {
    const dir = newDir();
    const { recorder, time } = sampleRecorder(1000, { chunkSize: 64, maxEvents: 256 });
    expect(recorder.firstSeq).toBeGreaterThan(0);
    const j = await journal(dir, recorder);
    expect(j.header.firstSeq).toBe(recorder.firstSeq);
    const first = recorder.firstSeq;
    recordSample(recorder, time, 150); // more evictions while journaling
    await j.flush();
    await j.detach();
    const s = await recoverSession(j.path);
    expect(s.log.firstSeq).toBe(first);
    expect(s.log.recorded).toBe(recorder.recorded);
    expect(same(s.log.events(recorder.firstSeq))).toEqual(same(recorder.events()));
  });

  it('keeps memory bounded when the disk falls behind: writes become synchronous, nothing is lost', async () => {
    const dir = newDir();
    const { recorder, time } = sampleRecorder(0, { chunkSize: 128 });
    const j = await journal(dir, recorder, { maxPendingBytes: 10_000 });
    recordSample(recorder, time, 20_000);
    const stats = j.stats();
    expect(stats.stalls).toBeGreaterThan(0);
    expect(stats.peakPendingBytes).toBeLessThanOrEqual(10_000 + 128 * 32 + 4096);
    await j.flush();
    await j.detach();
    const s = await recoverSession(j.path);
    expect(same(s.log.events())).toEqual(same(recorder.events()));
  });

  it('closes cleanly: the marker, then the file is gone unless kept', async () => {
    const dir = newDir();
    const { recorder, time } = sampleRecorder(50);
    const gone = await SessionJournal.open(dir, recorder, sampleHeader(), { durable: false });
    recordSample(recorder, time, 10);
    await gone.close();
    expect(existsSync(gone.path)).toBe(false);
    const kept = await SessionJournal.open(dir, recorder, sampleHeader());
    recordSample(recorder, time, 10);
    await kept.close({ keep: true });
    expect(existsSync(kept.path)).toBe(true);
    expect(await findRecoverableSession(dir)).toBeUndefined();
    const s = await recoverSession(kept.path);
    expect(s.closed).toBe(true);
    expect(s.log.count).toBe(recorder.recorded);
  });
});

describe('Recorder.addSealListener (what the journal attaches with)', () => {
  it('calls listeners after onSeal on every seal, until removed', () => {
    const calls: string[] = [];
    const time = new FakeTime();
    const recorder = new Recorder(time, { chunkSize: 4, onSeal: (c) => calls.push(`onSeal ${c.firstSeq}`) });
    const remove = recorder.addSealListener((c) => calls.push(`listener ${c.firstSeq}+${c.length}`));
    recordSample(recorder, time, 8); // 10 events: two full chunks sealed
    recorder.seal();
    remove();
    recordSample(recorder, time, 6);
    expect(calls).toEqual(['onSeal 0', 'listener 0+4', 'onSeal 4', 'listener 4+4', 'onSeal 8', 'listener 8+2', 'onSeal 10']);
  });
});

describe('finding and discarding journals', () => {
  it('offers journals left without a close marker, newest first, never a live one', async () => {
    const dir = newDir();
    const a = sampleRecorder(100);
    const older = await journal(dir, a.recorder);
    await older.detach();
    await sleep(20);
    const b = sampleRecorder(200);
    const newer = await journal(dir, b.recorder);
    await newer.detach();
    const live = await journal(dir, sampleRecorder(10).recorder);
    writeFileSync(join(dir, 'stray.edujournal'), 'not a journal at all');
    const found = await findRecoverableSessions(dir);
    expect(found.map((f) => f.path)).toEqual([newer.path, older.path]);
    expect(found[0]).toMatchObject({ header: sampleHeader(), pid: process.pid, bytes: statSync(newer.path).size });
    expect((await findRecoverableSession(dir))?.path).toBe(newer.path);
    expect(found.some((f) => f.path === live.path)).toBe(false);
    expect(existsSync(join(dir, 'stray.edujournal'))).toBe(true);
    expect(await findRecoverableSessions(join(dir, 'missing'))).toEqual([]);
  });

  it('removes dead journals that hold no event', async () => {
    const dir = newDir();
    const empty = await journal(dir, new Recorder(new FakeTime()));
    await empty.detach();
    expect(await findRecoverableSession(dir)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('discards a journal, but not another file nor the running journal', async () => {
    const dir = newDir();
    const j = await journal(dir, sampleRecorder(10).recorder);
    await expect(discardSession(j.path)).rejects.toThrow(JournalError);
    await j.detach();
    await discardSession(j.path);
    expect(existsSync(j.path)).toBe(false);
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'keep me');
    await expect(discardSession(other)).rejects.toThrow(/not an edu-lab session journal/);
    expect(existsSync(other)).toBe(true);
  });

  it('refuses what is not a journal', async () => {
    const dir = newDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'x.edujournal');
    writeFileSync(path, 'EDULABJ');
    await expect(recoverSession(path)).rejects.toThrow(/not an edu-lab session journal/);
    await expect(convertJournalToJsonl(path, join(dir, 'out.jsonl'))).rejects.toThrow(JournalError);
  });
});

describe('recovering damaged journals', () => {
  async function sampleJournal(): Promise<{ path: string; events: TraceEvent[]; bytes: Buffer }> {
    const dir = newDir();
    const { recorder, time } = sampleRecorder(0, { chunkSize: 100 });
    const j = await journal(dir, recorder);
    for (let i = 0; i < 10; i++) {
      recordSample(recorder, time, 70, i);
      await j.flush(); // records of different sizes: sealed chunks and head slices
    }
    await j.detach();
    return { path: j.path, events: [...recorder.events()], bytes: readFileSync(j.path) };
  }

  it('recovers the intact prefix of a journal cut anywhere', async () => {
    const { path, events, bytes } = await sampleJournal();
    const random = prng(42);
    const cuts = [MAGIC_BYTES + RECORD_HEADER_BYTES + 10, bytes.length - 1, bytes.length - 17, ...Array.from({ length: 40 }, () => Math.floor(random() * bytes.length))];
    const headerEnd = MAGIC_BYTES + RECORD_HEADER_BYTES + bytes.readUInt32LE(MAGIC_BYTES + 4);
    for (const cut of cuts) {
      writeFileSync(path, bytes.subarray(0, cut));
      let s: RecoveredSession;
      try {
        s = await recoverSession(path);
      } catch (error) {
        if (!(error instanceof JournalError)) throw error;
        expect(cut).toBeLessThan(headerEnd); // only a cut inside the session header loses everything
        continue;
      }
      const got = [...s.log.events()];
      expect(same(got), `cut at ${cut}`).toEqual(same(events.slice(0, got.length)));
      if (cut < bytes.length) expect(got.length).toBeLessThan(events.length);
    }
  });

  it('stops at a damaged record or at zeros never written (a power cut)', async () => {
    const { path, events, bytes } = await sampleJournal();
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 0x40;
    writeFileSync(path, flipped);
    const s = await recoverSession(path);
    expect(s.stopped).toMatch(/fails its checksum|damaged/);
    expect(s.log.count).toBeLessThan(events.length);
    expect(same(s.log.events())).toEqual(same(events.slice(0, s.log.count)));

    writeFileSync(path, bytes);
    appendFileSync(path, Buffer.alloc(4096));
    const z = await recoverSession(path);
    expect(z.stopped).toMatch(/record header is damaged/);
    expect(z.log.count).toBe(events.length);

    truncateSync(path, bytes.length - 5);
    const t = await recoverSession(path);
    expect(t.stopped).toMatch(/cut short/);
  });
});
