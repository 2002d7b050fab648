import { describe, expect, it } from 'vitest';
import { prng, sampleRecorder } from '../../../../test/session/support';
import { eventToJson } from '../export/jsonl';
import { SessionImportError } from './errors';
import { readCanonicalEvent } from './fast-path';
import { readEvent, type CheckedEvent, type EventCursor } from './validate';

const blank = (): CheckedEvent => ({ vns: -1, hns: -1, kind: -1, source: -1, size: -1, flags: -1, addr: -1, lo: -1, hi: -1, text: 'unset' });

/** What the general path makes of a line: the event, or undefined when it refuses it. */
function general(line: string, at: EventCursor): CheckedEvent | undefined {
  const out = blank();
  try {
    readEvent(JSON.parse(line), 2, at, out);
    return out;
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof SessionImportError) return undefined;
    throw error;
  }
}

function fast(line: string, at: EventCursor): CheckedEvent | undefined {
  const out = blank();
  const bytes = Buffer.from('xx' + line + '\nyy', 'utf8'); // the line inside a bigger block
  return readCanonicalEvent(bytes, 2, bytes.length - 3, at, out) ? out : undefined;
}

describe('the importer fast path', () => {
  it('reads every non-text event line the exporter writes, exactly as the general path does', () => {
    const { recorder } = sampleRecorder(3000);
    let taken = 0;
    for (const e of recorder.events()) {
      const line = JSON.stringify(eventToJson(e));
      const at = { seq: e.seq, vns: 0, first: false };
      const f = fast(line, at);
      if (e.text !== undefined) {
        expect(f, line).toBeUndefined();
        continue;
      }
      expect(f, line).toEqual(general(line, at));
      taken++;
    }
    expect(taken).toBeGreaterThan(2500);
  });

  it('accepts nothing the general path would not read the same way (mutated lines)', () => {
    const { recorder } = sampleRecorder(400, {}, 9);
    const lines = [...recorder.events()].filter((e) => e.text === undefined).map((e) => [JSON.stringify(eventToJson(e)), e.seq] as const);
    const seed = 0xfa57;
    const random = prng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const pieces = ['0', '1', '9', '-', '.', 'e', 'E', '+', ' ', '"', ',', '}', '{', 'x', 'X', 'f', 'F', '\\', '00', '.5', 'e3', '1e400', '0x', ':'];
    let accepted = 0;
    for (let round = 0; round < 20_000; round++) {
      const [original, seq] = lines[int(lines.length)]!;
      let line = original;
      for (let m = 1 + int(3); m > 0; m--) {
        const at = int(line.length + 1);
        const r = int(3);
        if (r === 0) line = line.slice(0, at) + pieces[int(pieces.length)] + line.slice(at);
        else if (r === 1) line = line.slice(0, at) + line.slice(at + 1 + int(3));
        else line = line.slice(0, at) + pieces[int(pieces.length)] + line.slice(at + 1);
      }
      const cursor = { seq: int(4) === 0 ? seq + 1 : seq, vns: int(4) === 0 ? 1e6 : 0, first: false };
      const f = fast(line, cursor);
      if (f) {
        accepted++;
        expect(f, `seed ${seed} round ${round}: ${line}`).toEqual(general(line, cursor));
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('reads numbers the way JSON.parse does, and leaves what it cannot check to the general path', () => {
    const base = { seq: 0, vns: 0, hns: 0, kind: 'MmioRead', source: 'guest', size: 4, flags: 0, addr: 0, value: '0x0' };
    const at = { seq: 0, vns: 0, first: true };
    const line = (field: string, raw: string) => JSON.stringify(base).replace(new RegExp(`"${field}":[^,}]+`), `"${field}":${raw}`);
    for (const raw of ['1.5', '1e3', '1E+3', '12345678901234567', '123456789012345678901', '0.1', '2.5e-3', '0']) {
      const l = line('vns', raw);
      expect(fast(l, at), l).toEqual(general(l, at));
      expect(fast(l, at)!.vns).toBe(JSON.parse(raw));
    }
    for (const raw of ['01', '-1', '1.', '.5', '1e', '+1', '1e400', 'NaN', '"1"']) {
      expect(fast(line('vns', raw), at), raw).toBeUndefined();
    }
    expect(fast(line('value', '"0xFFFFFFFFFFFFFFFF"'), at)).toMatchObject({ lo: 0xffffffff, hi: 0xffffffff });
    expect(fast(line('value', '"0x1ffffffffffffffff"'), at)).toBeUndefined();
    expect(fast(line('flags', '128'), at)).toBeUndefined(); // text: general path
    expect(fast(JSON.stringify(base) + ' ', at)).toBeUndefined();
    expect(fast(JSON.stringify(base) + '\r', at)).toEqual(general(JSON.stringify(base), at));
    expect(fast(JSON.stringify({ ...base, extra: 1 }), at)).toBeUndefined();
  });
});
