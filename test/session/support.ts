import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { EventFlag, EventKind, Source } from '../../src/common/trace/schema';
import { SESSION_FORMAT, SESSION_FORMAT_VERSION, type SessionHeader } from '../../src/main/session/export/jsonl';
import { Recorder, type RecorderOptions } from '../../src/main/session/recorder';

/** A time source the test drives. */
export class FakeTime {
  host = 1_000;
  vns = 0;
  hostNs(): number {
    return this.host;
  }
  virtualAt(): number {
    return this.vns;
  }
}

export function sampleHeader(firstSeq = 0): SessionHeader {
  return {
    format: SESSION_FORMAT,
    version: SESSION_FORMAT_VERSION,
    app: 'edu-lab 0.1.0',
    createdAt: '2025-01-02T03:04:05.678Z',
    profile: 'upstream',
    machine: { ramSize: 268435456, dmaMask: '0xfffffff', deterministic: true, speed: 0.25 },
    firstSeq,
  };
}

const KINDS = Object.values(EventKind);
const SOURCES = Object.values(Source);
const TEXTS = ['EDU: DMA range out of bounds', 'Linux version 6.1 "edu"\tok', 'ünïcødé ✓ 🐧', 'a\nb\\c', '', 'x'.repeat(300)];

/**
 * Record `n` varied events: every kind and source, 64-bit values, fractional and repeated virtual
 * times, text events (with quotes, escapes, non-ASCII), and every flag.
 */
export function recordSample(recorder: Recorder, time: FakeTime, n: number, seed = 1): void {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < n; i++) {
    const r = next();
    time.host += 1 + (r % 977);
    if (r % 3 !== 0) time.vns += (r % 5000) / (r % 7 === 0 ? 3 : 1);
    const kind = KINDS[r % KINDS.length]!;
    const source = SOURCES[(r >>> 8) % SOURCES.length]!;
    if (r % 9 === 0) {
      recorder.recordText(kind, source, r >>> 3, (r >>> 4) & 0x7f, TEXTS[(r >>> 5) % TEXTS.length]! + (r % 4 === 0 ? String(i) : ''));
    } else {
      const hi = r % 4 === 0 ? next() : 0;
      recorder.record(kind, source, next(), r % 9, (r >>> 12) & 0x7f, next(), hi);
    }
  }
  // One of each flag, and the extremes of every field.
  recorder.record(EventKind.MmioWrite, Source.Firmware, 0xffffffff, 8, 0x7f, 0xffffffff, 0xffffffff);
  recorder.recordText(EventKind.Dmesg, Source.Guest, 0, EventFlag.Invalid, 'last');
}

export function sampleRecorder(n: number, options: RecorderOptions = {}, seed = 1): { recorder: Recorder; time: FakeTime } {
  const time = new FakeTime();
  const recorder = new Recorder(time, options);
  recordSample(recorder, time, n, seed);
  return { recorder, time };
}

/** A temporary directory removed after the file's tests. */
export function tempDir(prefix = 'edu-lab-session-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Mulberry32: a small seeded PRNG so that fuzz failures reproduce. */
export { mulberry32 as prng } from '../support/prng';
