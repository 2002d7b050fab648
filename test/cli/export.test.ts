import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultUserland } from '../../src/main/guest/userland';
import { parseArgs, parseVirtualTime, UsageError } from '../../src/main/hosts/cli/args';
import { convertSession } from '../../src/main/hosts/cli/export';
import { runScript } from '../../src/main/hosts/cli/run';
import { testWorkers } from '../support/workers';

const dir = mkdtempSync(join(tmpdir(), 'edu-lab-cli-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flags = { profile: 'upstream', deterministic: true, ramSize: 256 * 1024 * 1024, deviceLog: false } as const;

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

describe('edu-lab export and run --export', () => {
  it('parses export with a format, a range and an output', () => {
    expect(parseArgs(['export', 's.jsonl', '--format', 'vcd', '--from', '1.5s', '--to=2500ms', '-o', 'out.vcd'])).toEqual({
      kind: 'export',
      input: 's.jsonl',
      format: 'vcd',
      output: 'out.vcd',
      from: 1_500_000_000,
      to: 2_500_000_000,
    });
    expect(parseArgs(['run', '--export', 'a.jsonl', 'x.sh'])).toMatchObject({ kind: 'run', export: 'a.jsonl', script: 'x.sh' });
    expect([parseVirtualTime('40us'), parseVirtualTime('100ns'), parseVirtualTime('2'), parseVirtualTime('.5ms')]).toEqual([40_000, 100, 2e9, 500_000]);
  });

  it.each([
    [['export', 's.jsonl', '-o', 'x'], 'export needs --format'],
    [['export', 's.jsonl', '--format', 'pdf', '-o', 'x'], "unknown format 'pdf'"],
    [['export', '--format', 'csv', '-o', 'x'], 'export needs exactly one SESSION'],
    [['export', 's.jsonl', '--format', 'csv'], 'export needs -o FILE'],
    [['export', 's.jsonl', '--format', 'csv', '-o', 'x', '--from', 'soon'], "invalid time 'soon'"],
    [['export', 's.jsonl', '--format', 'csv', '-o', 'x', '--from', '2s', '--to', '1s'], '--from must not be later than --to'],
    [['run', '--export'], '--export needs a value'],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('saves a run as JSON Lines and converts it to every format, and a range of it', async () => {
    const session = join(dir, 'run.jsonl');
    const r = io();
    const status = await runScript('modprobe edu\nedu fact 10 --irq\nedu dma to-dev --data hi\n', { flags, xtrace: false, export: session }, { workers: testWorkers, guest: defaultUserland }, r.io);
    expect(status).toBe(0);
    const lines = readFileSync(session, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'edu-lab-session', version: 1, profile: 'upstream' });
    expect(lines.some((l) => l.includes('"kind":"FactFinish"'))).toBe(true);

    const starts: Record<string, RegExp> = {
      jsonl: /^\{"format":"edu-lab-session"/,
      vcd: /\$timescale\s+1 us/,
      'vcd-pulseview': /\$timescale\s+1 us/,
      perfetto: /"traceEvents"/,
      csv: /^seq,vns,hns,kind,source,size,flags,addr,value,text\r\n/,
    };
    for (const [format, start] of Object.entries(starts)) {
      const output = join(dir, `run.${format}`);
      const c = io();
      expect(await convertSession({ input: session, format: format as never, output }, c.io)).toBe(0);
      expect(readFileSync(output, 'utf8')).toMatch(start);
      expect(c.out.stderr).toMatch(new RegExp(`^edu-lab: wrote \\d+ events to .*run\\.${format} \\(${format}\\)\\n$`));
    }
    // A range: only the events in it, in the same format.
    const all = lines.slice(1).map((l) => JSON.parse(l) as { vns: number });
    const mid = all[Math.floor(all.length / 2)]!.vns;
    const output = join(dir, 'range.jsonl');
    expect(await convertSession({ input: session, format: 'jsonl', output, from: mid }, io().io)).toBe(0);
    const ranged = readFileSync(output, 'utf8').trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as { vns: number });
    expect(ranged.length).toBe(all.filter((e) => e.vns >= mid).length);
    expect(ranged.every((e) => e.vns >= mid)).toBe(true);
  });

  it('names the line of a broken session and writes nothing', async () => {
    const broken = join(dir, 'broken.jsonl');
    const good = join(dir, 'run.jsonl');
    const lines = readFileSync(good, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/"vns":\d+/, '"vns":"soon"');
    writeFileSync(broken, lines.join('\n'));
    const c = io();
    const output = join(dir, 'never.csv');
    expect(await convertSession({ input: broken, format: 'csv', output }, c.io)).toBe(1);
    expect(c.out.stderr).toMatch(/^edu-lab: .*broken\.jsonl: line 4: .*vns/);
    expect(() => readFileSync(output)).toThrow();
    const missing = io();
    expect(await convertSession({ input: join(dir, 'nope.jsonl'), format: 'csv', output }, missing.io)).toBe(1);
    expect(missing.out.stderr).toMatch(/nope\.jsonl: .*ENOENT|no such file/i);
  });
});
