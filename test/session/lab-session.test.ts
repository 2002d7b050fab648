/**
 * The session layer on a real Lab (machine, guest booting, shell): what the exporter writes, the
 * importer reads back and the exporter writes again byte for byte; a journal attached to the Lab's
 * recorder holds the same events as the export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EduReg } from '../../src/common/edu/datasheet';
import { Source } from '../../src/common/trace/schema';
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { writeJsonl } from '../../src/main/session/export/jsonl';
import { importJsonl } from '../../src/main/session/import';
import { convertJournalToJsonl, SessionJournal } from '../../src/main/session/journal';
import { testWorkers } from '../support/workers';
import { tempDir } from './support';

const dir = tempDir('edu-lab-lab-session-');
const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.destroy();
});

async function busyLab(): Promise<Lab> {
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, interactive: false, deterministic: true });
  labs.push(lab);
  const bar0 = lab.machine.edu.barAddress(0)!;
  for (let i = 0; i < 500; i++) {
    lab.machine.memory.write(bar0 + EduReg.IrqRaise, 4, 1 << (i % 8), Source.Test);
    lab.machine.memory.write(bar0 + EduReg.IrqAck, 4, 1 << (i % 8), Source.Test);
  }
  lab.machine.memory.write(bar0 + EduReg.Factorial, 4, 10, Source.Test);
  return lab;
}

describe('sessions of a real Lab', () => {
  it('export, import, export again: byte-identical', async () => {
    const lab = await busyLab();
    const first = join(dir, 'lab-1.jsonl');
    const second = join(dir, 'lab-2.jsonl');
    const written = await lab.exportJsonl(first);
    const s = await importJsonl(first);
    expect(s.log.count).toBe(written);
    expect(s.log.firstSeq).toBe(lab.recorder.firstSeq);
    await writeJsonl(second, s.header, s.log.events());
    expect(readFileSync(second).equals(readFileSync(first))).toBe(true);
  });

  it('a journal on the Lab recorder converts to the same events as the export', async () => {
    const lab = await busyLab();
    const journal = await SessionJournal.open(join(dir, 'journals'), lab.recorder, lab.sessionHeader(), { durable: false });
    const bar0 = lab.machine.edu.barAddress(0)!;
    for (let i = 0; i < 1000; i++) lab.machine.memory.write(bar0 + EduReg.IrqRaise, 4, 1, Source.Test);
    const exported = join(dir, 'lab-export.jsonl');
    const converted = join(dir, 'lab-journal.jsonl');
    await journal.flush();
    const count = await lab.exportJsonl(exported);
    await journal.close({ keep: true });
    const result = await convertJournalToJsonl(journal.path, converted);
    expect(result).toMatchObject({ closed: true });
    // The Lab may record more after the export (its clock and guest run on): compare what both hold.
    const a = readFileSync(exported, 'utf8').split('\n').slice(1, count + 1);
    const b = readFileSync(converted, 'utf8').split('\n').slice(1, count + 1);
    expect(b).toEqual(a);
  });
});
