/**
 * The process the crash test kills: a machine recording an interrupt storm (IRQ_RAISE / IRQ_ACK
 * writes through the BAR, plus a text event per turn) into a recorder with a session journal, until it
 * is killed. Every ~50 ms it prints one JSON line: how many events are recorded so far, the virtual
 * time of the last one, and a digest of the events since the previous line, so the test can check
 * what recovery gives back.
 *
 *   node --import tsx test/session/journal-child.ts DIR [chunkSize]
 */
import { EduReg } from '../../src/common/edu/datasheet';
import { EventKind, Source } from '../../src/common/trace/schema';
import { Machine } from '../../src/main/machine/machine';
import { SESSION_FORMAT, SESSION_FORMAT_VERSION } from '../../src/main/session/export/jsonl';
import { SessionJournal } from '../../src/main/session/journal';
import { clockTimeSource, Recorder } from '../../src/main/session/recorder';
import { EDU_BAR0, programLikeSeaBios } from '../support/pci';
import { testWorkers } from '../support/workers';
import { EventDigest } from './digest';

const dir = process.argv[2]!;
const chunkSize = Number(process.argv[3] ?? 65_536);

const machine = await Machine.create({ workers: testWorkers });
programLikeSeaBios(machine);
const recorder = new Recorder(clockTimeSource(machine.clock), { chunkSize });
machine.trace.attach(recorder);
const journal = await SessionJournal.open(dir, recorder, {
  format: SESSION_FORMAT,
  version: SESSION_FORMAT_VERSION,
  app: 'edu-lab crash test',
  createdAt: new Date().toISOString(),
  profile: 'upstream',
  machine: { ramSize: machine.ram.size, dmaMask: '0xfffffff', deterministic: false, speed: 1 },
  firstSeq: 0,
});
process.stdout.write(JSON.stringify({ journal: journal.path }) + '\n');

const digest = new EventDigest();
let reported = recorder.firstSeq;
let lastReport = performance.now();
for (let turn = 0; ; turn++) {
  for (let i = 0; i < 300; i++) {
    machine.memory.write(EDU_BAR0 + EduReg.IrqRaise, 4, 1 << (i % 8), Source.Guest);
    machine.memory.write(EDU_BAR0 + EduReg.IrqAck, 4, 1 << (i % 8), Source.Guest);
  }
  recorder.recordText(EventKind.Dmesg, Source.Guest, 0, 0, `turn ${turn} ✓`);
  const now = performance.now();
  if (now - lastReport >= 50) {
    const recorded = recorder.recorded;
    const hash = digest.of(recorder.events(reported), recorded);
    const { pendingBytes, stalls } = journal.stats();
    const written = journal.writtenSeq;
    process.stdout.write(JSON.stringify({ from: reported, recorded, vns: recorder.get(recorded - 1)!.vns, digest: hash, written, pendingBytes, stalls }) + '\n');
    reported = recorded;
    lastReport = now;
  }
  await new Promise((r) => setImmediate(r));
}
