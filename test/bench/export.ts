/**
 * Session export speed: seconds to export 1,000,000 recorded events in each format, to a file in the
 * temporary directory. The events are real recordings: IRQ_RAISE / IRQ_ACK writes through edu's BAR on
 * a running machine (each write records MmioWrite, IrqRaise or IrqAck, RegisterChange and IntxLevel),
 * read back from the recorder as the app exports them (`recorder.events()`), so the figure includes
 * decoding the columns. Goal: each <= 2 s.
 *
 *   npx tsx test/bench/export.ts        prints the figures as JSON
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EduReg } from '../../src/common/edu/datasheet';
import { Source } from '../../src/common/trace/schema';
import { Machine } from '../../src/main/machine/machine';
import { EXPORT_EXTENSIONS, EXPORT_FORMATS, exportSession, type ExportFormat } from '../../src/main/session/export/index';
import { SESSION_FORMAT, SESSION_FORMAT_VERSION, type SessionHeader } from '../../src/main/session/export/jsonl';
import { clockTimeSource, Recorder } from '../../src/main/session/recorder';
import { EDU_BAR0, programLikeSeaBios } from '../support/pci';
import { testWorkers } from '../support/workers';
import { round } from './stats';

export type ExportFigures = Record<`export_1m_s_${string}`, number>;

const EVENTS = 1_000_000;
const WARMUP_EVENTS = 50_000;

const key = (format: ExportFormat) => `export_1m_s_${format.replace('-', '_')}` as const;

export async function measureExport(events = EVENTS, options: { log?: (line: string) => void } = {}): Promise<ExportFigures> {
  const machine = await Machine.create({ workers: testWorkers });
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-bench-export-'));
  try {
    programLikeSeaBios(machine);
    const recorder = new Recorder(clockTimeSource(machine.clock), { maxEvents: Math.max(2 * events, 1 << 21) });
    machine.trace.attach(recorder);
    const mem = machine.memory;
    while (recorder.recorded < events) {
      mem.write(EDU_BAR0 + EduReg.IrqRaise, 4, 1, Source.Guest);
      mem.write(EDU_BAR0 + EduReg.IrqAck, 4, 1, Source.Guest);
    }
    const first = recorder.recorded - events;
    const header: SessionHeader = {
      format: SESSION_FORMAT,
      version: SESSION_FORMAT_VERSION,
      app: 'edu-lab bench',
      createdAt: new Date().toISOString(),
      profile: machine.edu.snapshot().profile,
      machine: { ramSize: machine.ram.size, dmaMask: '0xfffffff', deterministic: false, speed: 1 },
      firstSeq: first,
    };
    const figures: Record<string, number> = {};
    for (const format of EXPORT_FORMATS) {
      const path = join(dir, `bench.${EXPORT_EXTENSIONS[format]}`);
      // Warm the encoder up on a small slice, then export the million.
      await exportSession(path, format, header, recorder.events(recorder.recorded - WARMUP_EVENTS));
      const start = performance.now();
      const n = await exportSession(path, format, header, recorder.events(first));
      const seconds = (performance.now() - start) / 1000;
      if (n !== events) throw new Error(`export ${format}: wrote ${n} events, expected ${events}`);
      options.log?.(`${format}: ${round(seconds, 3)} s, ${round(statSync(path).size / 1e6, 1)} MB`);
      figures[key(format)] = round(seconds, 3);
      rmSync(path, { force: true });
    }
    return figures as ExportFigures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await machine.destroy();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await measureExport(EVENTS, { log: (l) => process.stderr.write(l + '\n') });
  process.stdout.write(JSON.stringify(figures) + '\n');
}
