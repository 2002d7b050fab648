import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleHeader, sampleRecorder, tempDir } from '../../../../test/session/support';
import { EventFlag, EventKind, Source, type TraceEvent } from '../../../common/trace/schema';
import { eventToJson, writeJsonl } from '../export/jsonl';
import { decodeSlice } from '../recorder/query';
import { SessionImportError } from './errors';
import { importJsonl } from './jsonl';

const dir = tempDir('edu-lab-import-');

/** Events as a store-independent shape: a text event's value is a string id, which each store assigns. */
const same = (events: Iterable<TraceEvent | undefined>) => [...events].map((e) => (e?.text !== undefined ? { ...e, value: 'text' } : e));
let fileNo = 0;

function file(content: string | Buffer): string {
  const path = join(dir, `f${fileNo++}.jsonl`);
  writeFileSync(path, content);
  return path;
}

const headerLine = (over: Record<string, unknown> = {}) => JSON.stringify({ ...sampleHeader(), ...over });
const ev = (seq: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({ seq, vns: 100 * seq, hns: 7 * seq, kind: 'MmioWrite', source: 'guest', size: 4, flags: 0, addr: 4, value: '0x' + seq.toString(16), ...over });
/** A session file: the header, events 0..n-1 as given, one per line. */
const session = (...lines: string[]) => [headerLine(), ...lines].join('\n') + '\n';

async function refusal(path: string, options = {}): Promise<SessionImportError> {
  const error = await importJsonl(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SessionImportError);
  return error as SessionImportError;
}

async function refuses(content: string | Buffer, line: number, message: RegExp, options = {}): Promise<void> {
  const e = await refusal(file(content), options);
  expect(e.message).toMatch(message);
  expect(e.line).toBe(line);
}

describe('importJsonl: round trip', () => {
  it('reads back every field of what writeJsonl wrote, and writes it again byte for byte', async () => {
    const { recorder } = sampleRecorder(5000, { chunkSize: 256 });
    const first = join(dir, 'rt1.jsonl');
    const second = join(dir, 'rt2.jsonl');
    await writeJsonl(first, sampleHeader(recorder.firstSeq), recorder.events());
    const progress: [number, number][] = [];
    const s = await importJsonl(first, { chunkSize: 1000, onProgress: (b, t) => progress.push([b, t]) });
    expect(s.header).toEqual(sampleHeader());
    expect(s.log.count).toBe(recorder.recorded);
    expect(s.droppedLine).toBeUndefined();
    expect(same(s.log.events())).toEqual(same(recorder.events()));
    await writeJsonl(second, s.header, s.log.events());
    expect(readFileSync(second).equals(readFileSync(first))).toBe(true);
    const size = readFileSync(first).length;
    expect(s.bytes).toBe(size);
    expect(progress.at(-1)).toEqual([size, size]);
  });

  it('keeps the header firstSeq: sequence numbers, queries and slices match the recorder', async () => {
    // A recorder that evicted its oldest events: the file starts at firstSeq > 0.
    const { recorder } = sampleRecorder(3000, { chunkSize: 128, maxEvents: 1024 });
    expect(recorder.firstSeq).toBeGreaterThan(0);
    const path = join(dir, 'evicted.jsonl');
    await writeJsonl(path, sampleHeader(recorder.firstSeq), recorder.events());
    const { log } = await importJsonl(path, { chunkSize: 100 });
    expect(log.firstSeq).toBe(recorder.firstSeq);
    expect(log.recorded).toBe(recorder.recorded);
    expect(log.count).toBe(recorder.inMemory);
    expect(log.startVns).toBe(recorder.get(recorder.firstSeq)!.vns);
    expect(log.endVns).toBe(recorder.get(recorder.recorded - 1)!.vns);
    const mid = recorder.firstSeq + 333;
    expect(same([log.get(mid)])).toEqual(same([recorder.get(mid)]));
    expect(log.get(recorder.firstSeq - 1)).toBeUndefined();
    expect(same(log.bySeq(mid, mid + 250))).toEqual(same(recorder.bySeq(mid, mid + 250)));
    expect(same(log.events(mid, mid + 250))).toEqual(same(recorder.bySeq(mid, mid + 250)));
    expect(same(log.latest(10))).toEqual(same(recorder.latest(10)));
    const t0 = recorder.get(mid)!.vns;
    const t1 = recorder.get(mid + 400)!.vns;
    expect(log.timeRange(t0, t1)).toEqual(recorder.timeRange(t0, t1));
    expect(same(log.byTime(t0, t1))).toEqual(same(recorder.byTime(t0, t1)));
    expect(log.seqAtTime(t1)).toBe(recorder.seqAtTime(t1));
    const a = log.slice(mid, mid + 300);
    const b = recorder.slice(mid, mid + 300);
    expect(a.fromSeq).toBe(b.fromSeq);
    expect(a.length).toBe(300);
    expect(same(Array.from({ length: a.length }, (_, i) => decodeSlice(a, i)))).toEqual(same(Array.from({ length: b.length }, (_, i) => decodeSlice(b, i))));
    expect(log.sliceByTime(t0, t1).length).toBe(recorder.sliceByTime(t0, t1).length);
    expect(log.memory().columnBytes).toBe(32 * log.count);
  });

  it('keeps the optional power-on config space of the header, checked', async () => {
    const config = { initial: Array.from({ length: 256 }, (_, i) => i), writable: Array.from({ length: 256 }, (_, i) => (i < 64 ? 0xff : 0)) };
    const content = [headerLine({ config }), ev(0)].join('\n') + '\n';
    const s = await importJsonl(file(content));
    expect(s.header.config).toEqual(config);
    const again = join(dir, 'config-again.jsonl');
    await writeJsonl(again, s.header, s.log.events());
    expect(readFileSync(again, 'utf8')).toBe(content);
    await refuses(headerLine({ config: 'x' }) + '\n', 1, /^line 1: "config" must be an object/);
    await refuses(headerLine({ config: { ...config, initial: [1, 2] } }) + '\n', 1, /^line 1: "config.initial" must be a list of 256 bytes/);
    await refuses(headerLine({ config: { ...config, writable: [...config.writable.slice(1), 256] } }) + '\n', 1, /^line 1: "config.writable\[255\]" must be a byte \(0 to 255\) \(got 256\)/);
  });

  it('accepts an empty session (a header and no events)', async () => {
    const s = await importJsonl(file(session()));
    expect(s.log.count).toBe(0);
    expect(s.log.startVns).toBeUndefined();
    expect([...s.log.events()]).toEqual([]);
    expect(s.log.slice(0, 10).length).toBe(0);
  });

  it('ignores unknown fields, blank lines, CRLF line ends, a byte-order mark and a missing final newline', async () => {
    const content = '\ufeff' + [headerLine({ extra: { nested: [1] } }), ev(0, { comment: 'hi', __proto__: 1 }), '', '   ', ev(1)].join('\r\n');
    const s = await importJsonl(file(content));
    expect(s.log.count).toBe(2);
    expect(s.log.get(1)).toMatchObject({ seq: 1, vns: 100, value: 1n });
    expect(Object.keys(s.header)).toEqual(['format', 'version', 'app', 'createdAt', 'profile', 'machine', 'firstSeq']);
  });

  it('reads 64-bit values, text events and every kind and source by name', async () => {
    const s = await importJsonl(
      file(
        session(
          ev(0, { value: '0xFFFFFFFFFFFFFFFF' }),
          ev(1, { value: '0x123456789' }),
          ev(2, { kind: 'Dmesg', source: 'firmware', flags: EventFlag.Text | EventFlag.Dropped, text: 'hello "world"\n', value: undefined }),
          ev(3, { kind: 'GuestBoot', source: 'device', size: 0, value: '0x0' }),
        ),
      ),
    );
    const [a, b, c, d] = s.log.bySeq(0, 4);
    expect(a!.value).toBe(0xffffffffffffffffn);
    expect(b!.value).toBe(0x123456789n);
    expect(c).toMatchObject({ kind: EventKind.Dmesg, source: Source.Firmware, flags: EventFlag.Text | EventFlag.Dropped, text: 'hello "world"\n' });
    expect(d).toMatchObject({ kind: EventKind.GuestBoot, source: Source.Device, value: 0n });
    expect(eventToJson(c!)).toMatchObject({ text: 'hello "world"\n' });
  });
});

describe('importJsonl: what is not a session', () => {
  it('refuses an empty file at line 1', async () => {
    await refuses('', 1, /^line 1: the file is empty/);
  });

  it('refuses a PNG, random binary and plain text at line 1 without reading to a newline', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3 << 20, 0xab)]);
    await refuses(png, 1, /^line 1: not an edu-lab session file \(it looks like a binary file\)/);
    await refuses(Buffer.from([0, 1, 2, 3, 0x7b]), 1, /binary/);
    await refuses('hello world\n', 1, /^line 1: not an edu-lab session file \(the first line is not a JSON object\)/);
    await refuses('{"a": tru\n', 1, /^line 1: not an edu-lab session file \(the first line is not JSON\)/);
    await refuses('\n' + headerLine() + '\n', 1, /^line 1: the first line is empty/);
  });

  it('refuses JSON that is not an edu-lab session, naming the format', async () => {
    await refuses('{"hello":1}\n', 1, /^line 1: not an edu-lab session file \("format" is missing, expected "edu-lab-session"\)/);
    await refuses(headerLine({ format: 'other' }) + '\n', 1, /"format" is "other"/);
    await refuses('{"format":"edu-lab-session","version":1}x\n', 1, /not JSON/);
  });

  it('tells a session from a newer edu-lab by its version', async () => {
    await refuses(headerLine({ version: 2 }) + '\n' + ev(0) + '\n', 1, /^line 1: this session was made by a newer edu-lab \(version 2\); this one reads version 1$/);
    await refuses(headerLine({ version: 0 }) + '\n', 1, /^line 1: "version" must be a positive integer \(got 0\)/);
    await refuses(headerLine({ version: '1' }) + '\n', 1, /^line 1: "version" must be a number \(got "1"\)/);
  });

  it('names each missing or invalid header field', async () => {
    const machine = sampleHeader().machine;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ app: undefined }, /"app" is missing/],
      [{ app: 5 }, /"app" must be a string/],
      [{ createdAt: null }, /"createdAt" must be a string \(got null\)/],
      [{ profile: ['x'] }, /"profile" must be a string \(got an array\)/],
      [{ machine: undefined }, /"machine" is missing/],
      [{ machine: 'big' }, /"machine" must be an object/],
      [{ machine: { ...machine, ramSize: -1 } }, /"machine.ramSize" must be a non-negative integer/],
      [{ machine: { ...machine, dmaMask: 'ffff' } }, /"machine.dmaMask" must be a hex string/],
      [{ machine: { ...machine, deterministic: 1 } }, /"machine.deterministic" must be true or false/],
      [{ machine: { ...machine, speed: 0 } }, /"machine.speed" must be a positive finite number/],
      [{ firstSeq: 1.5 }, /"firstSeq" must be a non-negative integer/],
      [{ firstSeq: undefined }, /"firstSeq" is missing/],
    ];
    for (const [over, message] of cases) await refuses(headerLine(over) + '\n', 1, message);
  });
});

describe('importJsonl: events', () => {
  it('names the line and the field of a bad event', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ vns: 'soon' }, /^line 4: "vns" must be a number \(got "soon"\)$/],
      [{ vns: undefined }, /^line 4: "vns" is missing$/],
      [{ vns: -1 }, /^line 4: "vns" must be a finite number of at least 0/],
      [{ vns: 50 }, /^line 4: "vns" must not be less than the previous event's \(100\)/],
      [{ hns: null }, /^line 4: "hns" must be a number \(got null\)/],
      [{ kind: 'Teleport' }, /^line 4: "kind" must be the name of an event kind, such as "MmioWrite" \(got "Teleport"\)/],
      [{ kind: 4 }, /^line 4: "kind" must be a string/],
      [{ kind: 'toString' }, /"kind" must be the name of an event kind/],
      [{ source: 'Guest' }, /^line 4: "source" must be one of machine, guest, ui, test, device, firmware/],
      [{ size: 9 }, /^line 4: "size" must be an integer from 0 to 8/],
      [{ size: 2.5 }, /"size" must be an integer from 0 to 8/],
      [{ flags: 256 }, /^line 4: "flags" must be an integer from 0 to 255/],
      [{ flags: true }, /^line 4: "flags" must be a number \(got true\)/],
      [{ addr: 2 ** 32 }, /^line 4: "addr" must be an integer from 0 to 0xffffffff/],
      [{ addr: -4 }, /"addr" must be an integer/],
      [{ value: 12 }, /^line 4: "value" must be a hex string of at most 64 bits/],
      [{ value: '0x' }, /"value" must be a hex string/],
      [{ value: '0x1ffffffffffffffff' }, /"value" must be a hex string of at most 64 bits/],
      [{ value: '12' }, /"value" must be a hex string/],
      [{ flags: EventFlag.Text }, /^line 4: "text" is missing$/],
      [{ flags: EventFlag.Text, text: 5 }, /^line 4: "text" must be a string/],
      [{ seq: 'two' }, /^line 4: "seq" must be a number/],
      [{ seq: 1 }, /^line 4: "seq" must be greater than the previous event's \(1\)/],
      [{ seq: 5 }, /^line 4: "seq" must be 2: events are numbered without gaps \(got 5\)/],
      [{ seq: -2 }, /"seq" must be a non-negative integer/],
    ];
    for (const [over, message] of cases) await refuses(session(ev(0), ev(1), ev(2, over), ev(3)), 4, message);
    // Numbers JSON.stringify cannot write: 1e400 parses as Infinity.
    await refuses(session(ev(0), ev(1), ev(2).replace('"hns":14', '"hns":1e400')), 4, /^line 4: "hns" must be a finite number of at least 0 \(got Infinity\)/);
    await refuses(session(ev(0), ev(1), ev(2).replace('"vns":200', '"vns":-0.0e0')), 4, /"vns" must not be less than the previous event's/);
  });

  it('refuses an event line that is not an object or not JSON, with its line', async () => {
    await refuses(session(ev(0), '[1,2]'), 3, /^line 3: an event must be a JSON object \(got an array\)/);
    await refuses(session(ev(0), '42'), 3, /an event must be a JSON object \(got 42\)/);
    await refuses(session(ev(0), '{"seq":1,'), 3, /^line 3: not valid JSON/);
  });

  it('wants the first event to carry the header firstSeq', async () => {
    await refuses([headerLine({ firstSeq: 10 }), ev(0)].join('\n') + '\n', 2, /^line 2: "seq" must be 10, the header's "firstSeq" \(got 0\)/);
    const s = await importJsonl(file([headerLine({ firstSeq: 10 }), ev(10), ev(11)].join('\n') + '\n'));
    expect(s.log.firstSeq).toBe(10);
    expect(s.log.get(11)!.value).toBe(0xbn);
  });

  it('reports a file cut mid-event, or drops that line when asked to', async () => {
    const full = session(ev(0), ev(1), ev(2));
    const cut = full.slice(0, full.length - 20);
    const e = await refusal(file(cut));
    expect(e.message).toBe('line 4 is cut short: the file ends mid-event');
    expect(e.line).toBe(4);
    const s = await importJsonl(file(cut), { allowTruncatedTail: true });
    expect(s.log.count).toBe(2);
    expect(s.droppedLine).toBe(4);
    // Cut mid-header: nothing to keep, lenient or not.
    const h = await refusal(file(headerLine().slice(0, 30)), { allowTruncatedTail: true });
    expect(h.message).toBe('line 1 is cut short: the file ends mid-header');
  });

  it('refuses a line over the limit without holding it, naming its number', async () => {
    const huge = ev(1, { comment: 'x'.repeat(3 << 20) });
    const e = await refusal(file(session(ev(0), huge, ev(2))));
    expect(e.line).toBe(3);
    expect(e.message).toBe('line 3 is longer than the limit of 1,048,576 bytes');
    await refuses(headerLine() + '\n' + ev(0) + ' '.repeat(400) + '\n', 2, /^line 2 is longer than the limit of 300 bytes/, { maxLineBytes: 300 });
    // A single line with no newline at all (the first one).
    await refuses('{' + ' '.repeat(2 << 20), 1, /^line 1 is longer than the limit/);
  });

  it('refuses more events than maxEvents', async () => {
    await refuses(session(ev(0), ev(1), ev(2)), 4, /^line 4: the session has more than 2 events/, { maxEvents: 2 });
  });

  it('stops when aborted, and refuses what is not a regular file', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(importJsonl(file(session(ev(0))), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(importJsonl(dir)).rejects.toThrow(/not a regular file/);
    await expect(importJsonl(join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
