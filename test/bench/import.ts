/**
 * Session import and journal figures.
 *
 *   import_1m_s              seconds to import a 1,000,000-event JSON Lines session (in a child process)
 *   import_peak_rss_mb       peak RSS of that child (Node and tsx included), goal <= 2 x import_file_mb
 *   import_base_rss_mb       RSS of that child before the import (what Node and tsx cost alone)
 *   import_file_mb           size of the file
 *   journal_events_per_s     events/s an interrupt storm records with the session journal attached
 *   recorder_events_per_s    the same storm without the journal (for the overhead)
 *   jsonl_encode_events_per_s  events/s decoding + JSON.stringify(eventToJson(e)) manage: why the journal is binary
 *
 * Run alone: npx tsx test/bench/import.ts   (the child: npx tsx test/bench/import.ts --child FILE)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { EduReg } from '../../src/common/edu/datasheet';
import { Source, type TraceEvent } from '../../src/common/trace/schema';
import { Machine } from '../../src/main/machine/machine';
import { eventToJson, SESSION_FORMAT, SESSION_FORMAT_VERSION, writeJsonl, type SessionHeader } from '../../src/main/session/export/jsonl';
import { importJsonl } from '../../src/main/session/import';
import { SessionJournal } from '../../src/main/session/journal';
import { clockTimeSource, Recorder } from '../../src/main/session/recorder';
import { EDU_BAR0, programLikeSeaBios } from '../support/pci';
import { testWorkers } from '../support/workers';
import { round } from './stats';

const EVENTS = 1_000_000;
const MiB = 1024 * 1024;

export function benchHeader(machine: Machine, firstSeq = 0): SessionHeader {
  return {
    format: SESSION_FORMAT,
    version: SESSION_FORMAT_VERSION,
    app: 'edu-lab bench',
    createdAt: new Date().toISOString(),
    profile: machine.edu.snapshot().profile,
    machine: { ramSize: machine.ram.size, dmaMask: '0x' + machine.edu.snapshot().dmaMask.toString(16), deterministic: machine.clock.deterministic, speed: machine.clock.speed },
    firstSeq,
  };
}

/** Interrupt storm through the BAR: IRQ_RAISE then IRQ_ACK writes, `pairs` of them. */
function storm(machine: Machine, pairs: number): void {
  const mem = machine.memory;
  for (let i = 0; i < pairs; i++) {
    mem.write(EDU_BAR0 + EduReg.IrqRaise, 4, 1, Source.Guest);
    mem.write(EDU_BAR0 + EduReg.IrqAck, 4, 1, Source.Guest);
  }
}

function* firstN(events: Iterable<TraceEvent>, n: number): Generator<TraceEvent> {
  if (n <= 0) return;
  for (const e of events) {
    yield e;
    if (--n === 0) return;
  }
}

/** A JSON Lines session of exactly `events` events recorded from an interrupt storm. */
export async function generateSession(path: string, events = EVENTS): Promise<void> {
  const machine = await Machine.create({ workers: testWorkers });
  try {
    programLikeSeaBios(machine);
    const recorder = new Recorder(clockTimeSource(machine.clock), { maxEvents: Math.max(2 * 65_536, 2 * events) });
    machine.trace.attach(recorder);
    while (recorder.recorded < events) storm(machine, 1000);
    recorder.seal();
    await writeJsonl(path, benchHeader(machine), firstN(recorder.events(), events));
  } finally {
    await machine.destroy();
  }
}

/** In the child: import the file, report time and peak RSS as one JSON line. */
async function child(file: string): Promise<void> {
  const baseMb = process.memoryUsage().rss / MiB;
  const start = performance.now();
  const session = await importJsonl(file);
  const seconds = (performance.now() - start) / 1000;
  const peakKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ seconds, peakMb: peakKb / 1024, baseMb, events: session.log.count }) + '\n');
}

/**
 * An interrupt storm recorded with and without the journal (durable: fdatasync every flush), in turns
 * so both see the same JIT and machine state; the best of two runs each. The storm runs in slices
 * that give the event loop a turn, as guest code does, so the journal's timer and write callbacks run.
 */
async function measureJournal(): Promise<{ journal_events_per_s: number; recorder_events_per_s: number }> {
  const machine = await Machine.create({ workers: testWorkers });
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-journal-bench-'));
  try {
    programLikeSeaBios(machine);
    const run = async (recorder: Recorder, ms: number): Promise<number> => {
      const first = recorder.recorded;
      const start = performance.now();
      while (performance.now() - start < ms) {
        storm(machine, 2000);
        await new Promise((r) => setImmediate(r));
      }
      return (recorder.recorded - first) / ((performance.now() - start) / 1000);
    };
    let plain = 0;
    let journaled = 0;
    for (let round = 0; round < 2; round++) {
      for (const withJournal of [false, true]) {
        const recorder = new Recorder(clockTimeSource(machine.clock));
        machine.trace.attach(recorder);
        const journal = withJournal ? await SessionJournal.open(dir, recorder, benchHeader(machine, recorder.firstSeq)) : undefined;
        await run(recorder, 300);
        const rate = await run(recorder, 2000);
        await journal?.close();
        if (journal?.error) throw journal.error;
        if (withJournal) journaled = Math.max(journaled, rate);
        else plain = Math.max(plain, rate);
      }
    }
    return { journal_events_per_s: Math.round(journaled), recorder_events_per_s: Math.round(plain) };
  } finally {
    machine.trace.attach(undefined);
    await machine.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How fast the JSON Lines encoding of recorded events goes on one thread (what a JSON journal would cost). */
async function measureJsonlEncode(): Promise<number> {
  const machine = await Machine.create({ workers: testWorkers });
  try {
    programLikeSeaBios(machine);
    const recorder = new Recorder(clockTimeSource(machine.clock));
    machine.trace.attach(recorder);
    while (recorder.recorded < 500_000) storm(machine, 1000);
    let best = 0;
    for (let round = 0; round < 3; round++) {
      let bytes = 0;
      const start = performance.now();
      for (const e of recorder.events()) bytes += JSON.stringify(eventToJson(e)).length + 1;
      if (bytes === 0) throw new Error('nothing encoded');
      best = Math.max(best, recorder.recorded / ((performance.now() - start) / 1000));
    }
    return Math.round(best);
  } finally {
    machine.trace.attach(undefined);
    await machine.destroy();
  }
}

export async function measureImport(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-import-bench-'));
  try {
    const file = join(dir, 'session.jsonl');
    await generateSession(file);
    const fileMb = statSync(file).size / MiB;
    const self = fileURLToPath(import.meta.url);
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', self, '--child', file], { cwd: root, maxBuffer: 1 << 20, timeout: 300_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number; peakMb: number; baseMb: number; events: number };
    if (result.events !== EVENTS) throw new Error(`imported ${result.events} events, expected ${EVENTS}`);
    return {
      import_1m_s: round(result.seconds),
      import_peak_rss_mb: round(result.peakMb, 1),
      import_base_rss_mb: round(result.baseMb, 1),
      import_file_mb: round(fileMb, 1),
      ...(await measureJournal()),
      jsonl_encode_events_per_s: await measureJsonlEncode(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') await child(process.argv[3]!);
  else console.log(await measureImport());
}
