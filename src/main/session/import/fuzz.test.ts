/**
 * Hostile files: whatever the bytes, importJsonl resolves with a session or rejects with a
 * SessionImportError naming a line, never anything else, and never hangs. Seeded, so a failure
 * reproduces: the seed and the case are in the assertion message.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prng, sampleHeader, sampleRecorder, tempDir } from '../../../../test/session/support';
import { writeJsonl } from '../export/jsonl';
import { SessionImportError } from './errors';
import { importJsonl, type ImportedSession, type ImportOptions } from './jsonl';

const dir = tempDir('edu-lab-fuzz-');
const path = join(dir, 'fuzz.jsonl');
let base: Buffer;
let baseLines: string[];
/** A smaller file, for the truncation at every byte. */
let small: Buffer;

async function sampleFile(events: number, name: string): Promise<Buffer> {
  const { recorder } = sampleRecorder(events);
  const p = join(dir, name);
  await writeJsonl(p, sampleHeader(), recorder.events());
  return readFileSync(p);
}

beforeAll(async () => {
  base = await sampleFile(40, 'base.jsonl');
  baseLines = base.toString('utf8').split('\n').slice(0, -1);
  small = await sampleFile(12, 'small.jsonl');
});

type Outcome = { session: ImportedSession } | { error: SessionImportError };

/** Import `bytes`; fail the test on any other exception or after 5 s. */
async function attempt(bytes: Buffer | string, what: string, options: ImportOptions = {}): Promise<Outcome> {
  writeFileSync(path, bytes);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`import hung: ${what}`)), 5000);
  });
  try {
    const session = await Promise.race([importJsonl(path, options), hang]);
    return { session };
  } catch (error) {
    if (!(error instanceof SessionImportError)) throw new Error(`${what}: expected a SessionImportError, got ${String(error)}`, { cause: error });
    const lines = typeof bytes === 'string' ? bytes.split('\n').length : bytes.toString('latin1').split('\n').length;
    if (!(Number.isInteger(error.line) && error.line >= 1 && error.line <= lines)) throw new Error(`${what}: bad line ${error.line} in "${error.message}"`);
    if (!error.message.startsWith(`line ${error.line}`)) throw new Error(`${what}: message does not start with its line: ${error.message}`);
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

describe('importJsonl fuzz', () => {
  it('truncated at every byte: a valid prefix, "cut short" at the right line, or the prefix when lenient', async () => {
    // Line i (1-based) spans [starts[i-1], ends[i-1]) and its newline is at ends[i-1].
    const ends: number[] = [];
    for (let i = small.indexOf(10); i >= 0; i = small.indexOf(10, i + 1)) ends.push(i);
    for (let p = 0; p <= small.length; p++) {
      const cut = small.subarray(0, p);
      const what = `cut at ${p}`;
      const strict = await attempt(cut, what);
      const complete = ends.filter((e) => e < p).length; // lines with their newline
      const lineEndsHere = ends.includes(p); // the last line is whole but has no newline
      const inLine = complete + 1;
      if (p === 0) {
        expect('error' in strict && strict.error.message, what).toMatch(/^line 1: the file is empty/);
      } else if (p === ends[complete - 1]! + 1 || lineEndsHere) {
        const lines = complete + (lineEndsHere ? 1 : 0);
        expect('session' in strict && strict.session.log.count, what).toBe(lines - 1);
      } else if (inLine === 1) {
        expect('error' in strict && strict.error.message, what).toBe('line 1 is cut short: the file ends mid-header');
      } else {
        expect('error' in strict && strict.error.message, what).toBe(`line ${inLine} is cut short: the file ends mid-event`);
        const lenient = await attempt(cut, what, { allowTruncatedTail: true });
        expect('session' in lenient && [lenient.session.log.count, lenient.session.droppedLine], what).toEqual([complete - 1, inLine]);
      }
    }
  }, 120_000);

  it('survives random byte mutations', async () => {
    const seed = 0x5eed;
    const random = prng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const interesting = Buffer.from('{}[]",:0123456789-.eE\\\n x\u00ff\u0000', 'latin1');
    let sessions = 0;
    let errors = 0;
    for (let round = 0; round < 1500; round++) {
      let b = Buffer.from(base);
      const mutations = 1 + int(4);
      for (let m = 0; m < mutations; m++) {
        const at = int(b.length);
        switch (int(6)) {
          case 0:
            b[at] = int(256);
            break;
          case 1:
            b[at] = interesting[int(interesting.length)]!;
            break;
          case 2:
            b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(200)))]);
            break;
          case 3: {
            const from = int(b.length);
            b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + int(300)), b.subarray(at)]);
            break;
          }
          case 4:
            b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256))), b.subarray(at)]);
            break;
          default:
            b[at] ^= 1 << int(8);
        }
      }
      const outcome = await attempt(b, `seed ${seed} round ${round}`, { allowTruncatedTail: round % 2 === 0 });
      if ('session' in outcome) sessions++;
      else errors++;
    }
    // Both outcomes happen (a flip inside a text or an ignored field can leave the file valid).
    expect(sessions).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
  }, 120_000);

  it('wrong types and ranges in every field of the header and of an event', async () => {
    const badValues: unknown[] = [null, true, false, 'x', '', '0x', '0xzz', 1.5, -1, 0, 2 ** 53 + 2, 1e308, [], [1], {}, { a: 1 }, '\u0000'];
    const header = JSON.parse(baseLines[0]!) as Record<string, unknown>;
    const eventLine = 6;
    const event = JSON.parse(baseLines[eventLine - 1]!) as Record<string, unknown>;
    const withLine = (n: number, text: string) => [...baseLines.slice(0, n - 1), text, ...baseLines.slice(n)].join('\n') + '\n';
    for (const field of [...Object.keys(header), 'machine.ramSize', 'machine.dmaMask', 'machine.deterministic', 'machine.speed']) {
      for (const value of [...badValues, undefined]) {
        const h = structuredClone(header);
        if (field.startsWith('machine.')) (h.machine as Record<string, unknown>)[field.slice(8)] = value;
        else h[field] = value;
        const outcome = await attempt(withLine(1, JSON.stringify(h)), `header ${field} = ${JSON.stringify(value)}`);
        if ('error' in outcome) expect(outcome.error.line).toBe(1);
      }
    }
    for (const field of ['seq', 'vns', 'hns', 'kind', 'source', 'size', 'flags', 'addr', 'value', 'text']) {
      for (const value of [...badValues, undefined]) {
        const e = { ...event, [field]: value };
        const outcome = await attempt(withLine(eventLine, JSON.stringify(e)), `event ${field} = ${JSON.stringify(value)}`);
        // A time or number that is valid here can make the next line the one out of order.
        if ('error' in outcome) expect(outcome.error.line).toBe(outcome.error.line === eventLine + 1 && (field === 'vns' || field === 'seq') ? eventLine + 1 : eventLine);
        else expect(outcome.session.log.count).toBe(baseLines.length - 1);
      }
    }
  }, 60_000);

  it('refuses future versions, huge lines and deep nesting at their line', async () => {
    for (const version of [2, 3, 99, 2 ** 31]) {
      const outcome = await attempt(base.toString('utf8').replace('"version":1', `"version":${version}`), `version ${version}`);
      expect('error' in outcome && outcome.error.message).toBe(`line 1: this session was made by a newer edu-lab (version ${version}); this one reads version 1`);
    }
    const huge = baseLines.slice();
    huge[3] = huge[3]!.slice(0, -1) + `,"pad":"${'y'.repeat(1_100_000)}"}`;
    const h = await attempt(huge.join('\n') + '\n', 'huge line');
    expect('error' in h && h.error.message).toBe('line 4 is longer than the limit of 1,048,576 bytes');
    const deep = baseLines.slice();
    deep[2] = '['.repeat(500_000) + ']'.repeat(500_000);
    const d = await attempt(deep.join('\n') + '\n', 'deep nesting');
    expect('error' in d && d.error.line).toBe(3);
  });

  it('refuses random bytes and random JSON-ish text at some line', async () => {
    const seed = 0xbadf00d;
    const random = prng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const alphabet = '{}[]":,0123456789abcdefx\n -.eE\\';
    for (let round = 0; round < 300; round++) {
      const length = int(round < 150 ? 5000 : 400);
      const bytes =
        round % 2 === 0
          ? Buffer.from(Array.from({ length }, () => int(256)))
          : Buffer.from(baseLines[0] + '\n' + Array.from({ length }, () => alphabet[int(alphabet.length)]).join(''), 'utf8');
      const outcome = await attempt(bytes, `seed ${seed} round ${round}`, { allowTruncatedTail: round % 3 === 0 });
      if (round % 2 === 0) expect('error' in outcome, `round ${round}`).toBe(true);
    }
  });
});
