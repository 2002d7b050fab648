import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Source } from '../../src/common/trace/schema';
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { testWorkers } from '../support/workers';

const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.destroy();
});

describe('JSON Lines export', () => {
  it('writes a header and one event per line with every field', async () => {
    const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, interactive: false, deterministic: true });
    labs.push(lab);
    lab.machine.memory.write(0xfea00004, 4, 0x12345678, Source.Test);
    const path = join(mkdtempSync(join(tmpdir(), 'edu-lab-jsonl-')), 's.jsonl');
    const progress: number[] = [];
    const written = await lab.exportJsonl(path, { onProgress: (n) => progress.push(n) });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(written + 1);
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ format: 'edu-lab-session', version: 1, app: 'edu-lab 0.1.0', profile: 'upstream', machine: { ramSize: 268435456, dmaMask: '0xfffffff', deterministic: true, speed: 1 }, firstSeq: 0 });
    const events = lines.slice(1).map((l) => JSON.parse(l));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const write = events.find((e) => e.kind === 'MmioWrite' && e.source === 'test');
    expect(write).toMatchObject({ kind: 'MmioWrite', source: 'test', size: 4, flags: 0, addr: 4, value: '0x12345678' });
    expect(events.some((e) => e.kind === 'Dmesg' && typeof e.text === 'string' && e.text.startsWith('Linux version'))).toBe(true);
    expect(progress.at(-1)).toBe(written);
  });

  it('reports a path it cannot write', async () => {
    const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, interactive: false });
    labs.push(lab);
    await expect(lab.exportJsonl('/nonexistent-dir/x.jsonl')).rejects.toThrow(/ENOENT/);
  });
});
