import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { IMPORT_CHUNK_BYTES } from '../../src/common/api/session';
import type { StreamMessage } from '../../src/common/api/stream';
import { Source } from '../../src/common/trace/schema';
import { defaultUserland } from '../../src/main/guest/userland';
import type { ExportTarget } from '../../src/main/lab/export-jobs';
import { Lab } from '../../src/main/lab/lab';
import { LabService } from '../../src/main/lab/service';
import { LabStream } from '../../src/main/lab/stream';
import { importJsonl } from '../../src/main/session/import';
import { testWorkers } from '../support/workers';

const dir = mkdtempSync(join(tmpdir(), 'edu-lab-session-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const folder: ExportTarget = { destination: async (_format, name, id) => ({ path: join(dir, `${id}-${name}`), file: name, download: null }) };

async function setup(deterministic = true) {
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, deterministic });
  labs.push(lab);
  lab.exports.setTarget(folder);
  const service = new LabService(lab);
  const call = (method: string, ...args: unknown[]) => service.call(method, args) as Promise<any>;
  return { lab, service, call };
}

async function finished(lab: Lab, id: number) {
  for (;;) {
    const job = lab.exports.list().find((j) => j.id === id)!;
    if (job.state !== 'running') return job;
    await sleep(10);
  }
}

async function upload(call: (m: string, ...a: unknown[]) => Promise<any>, name: string, bytes: Buffer) {
  const id = await call('sessionImportBegin', name, bytes.length);
  for (let at = 0; at < bytes.length; at += IMPORT_CHUNK_BYTES) await call('sessionImportChunk', id, bytes.subarray(at, at + IMPORT_CHUNK_BYTES).toString('base64'));
  return call('sessionImportEnd', id);
}

describe('sessions through the LabApi', () => {
  it('exports in the background with progress, to where the host says, in any format and range', async () => {
    const { lab, call } = await setup(false);
    await sleep(100);
    await call('consoleInput', 'modprobe edu && edu fact 10 --irq\r');
    await sleep(300);
    const job = await call('sessionExport', { format: 'jsonl' });
    expect(job).toMatchObject({ format: 'jsonl', state: 'running', written: 0, download: null, error: null });
    expect(job.total).toBe(lab.recorder.recorded - lab.recorder.firstSeq);
    const done = await finished(lab, job.id);
    expect(done).toMatchObject({ state: 'done', written: job.total });
    const session = await importJsonl(join(dir, `${job.id}-${job.file}`));
    expect(session.log.count).toBe(job.total);
    expect(session.header.config?.initial.slice(0, 4)).toEqual([0x34, 0x12, 0xe8, 0x11]);

    const last = lab.recorder.get(lab.recorder.recorded - 1)!.vns;
    const ranged = await call('sessionExport', { format: 'csv', from: last });
    expect(ranged.total).toBeGreaterThan(0);
    expect(ranged.total).toBeLessThan(job.total);
    expect(await finished(lab, ranged.id)).toMatchObject({ state: 'done', written: ranged.total });
    await expect(call('sessionExport', { format: 'csv', from: 5, to: 4 })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(call('sessionExport', { format: 'pdf' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(call('sessionExportCancel', 999)).rejects.toMatchObject({ code: 'bad-request', message: 'no export 999' });
  });

  it('cancels a running export and removes its file; refuses when the host has nowhere to save', async () => {
    const { lab, call } = await setup();
    const bar0 = lab.machine.edu.barAddress(0)!;
    for (let i = 0; i < 300_000; i++) lab.machine.memory.write(bar0 + 0x04, 4, i, Source.Test);
    const job = await call('sessionExport', { format: 'perfetto' });
    await call('sessionExportCancel', job.id);
    const end = await finished(lab, job.id);
    expect(end.state).toBe('cancelled');
    expect(end.written).toBeLessThan(end.total);
    expect(existsSync(join(dir, `${job.id}-${job.file}`))).toBe(false);
    lab.exports.setTarget(undefined);
    await expect(call('sessionExport', { format: 'jsonl' })).rejects.toMatchObject({ code: 'failed', message: 'this host cannot save files' });
  });

  it('replays an uploaded session read-only: its events, its state at any moment, and back to the live lab', async () => {
    const { lab, call } = await setup(false);
    await sleep(100);
    await call('consoleInput', 'echo recorded-line; devmem 0xfea00004 32 0x12345678\r');
    await sleep(300);
    const path = join(dir, 'replay-me.jsonl');
    await lab.exportJsonl(path);
    const written = lab.recorder.get(lab.recorder.recorded - 1)!.vns;
    const messages: StreamMessage[] = [];
    const stream = new LabStream(lab, (m) => messages.push(m));
    stream.start();

    const info = await upload(call, 'replay-me.jsonl', readFileSync(path));
    expect(info).toMatchObject({ name: 'replay-me.jsonl', profile: 'upstream', droppedLine: null });
    expect(info.events).toBe(lab.replay!.log.count);
    expect(lab.machine.state).toBe('paused');
    // Live-only calls are refused and change nothing.
    for (const [method, args] of [['consoleInput', ['ls\r']], ['writeRegister', [4, 4, '0x1']], ['clockRun', []], ['driverLoad', [{}]]] as const) {
      await expect(call(method, ...args)).rejects.toMatchObject({ code: 'read-only' });
    }
    const state = await call('replayStateAt', written);
    expect(state.registers.liveness).toBe(~0x12345678 >>> 0);
    expect(state.console).toContain('recorded-line');
    expect(state.config.slice(0, 4)).toEqual([0x34, 0x12, 0xe8, 0x11]);
    expect(state.config[4] & 0x02).toBe(0x02); // firmware enabled memory decoding
    const before = await call('replayStateAt', lab.replay!.info.from);
    expect(before.registers.liveness).toBe(0);
    expect(before.console).not.toContain('recorded-line');
    const batch = await call('getEvents', info.events - 10 + lab.replay!.log.firstSeq, info.events + lab.replay!.log.firstSeq);
    expect(batch.count).toBe(10);
    // The window hears of it: a fresh snapshot that says what it shows.
    await sleep(60);
    const snap = messages.filter((m) => m.snapshot).at(-1)!.snapshot!;
    expect(snap.replay).toMatchObject({ name: 'replay-me.jsonl' });
    expect(snap.eventsRecorded - snap.eventsFirstSeq).toBe(info.events);

    await call('replayClose');
    expect(lab.replay).toBeUndefined();
    expect(lab.machine.state).toBe('running');
    await sleep(60);
    expect(messages.filter((m) => m.snapshot).at(-1)!.snapshot!.replay).toBeNull();
    await expect(call('replayStateAt', 0)).rejects.toMatchObject({ code: 'failed' });
    stream.close();
  });

  it('refuses broken uploads with the line at fault, and uploads that do not match their size', async () => {
    const { lab, call } = await setup();
    const good = join(dir, 'good.jsonl');
    await lab.exportJsonl(good);
    const lines = readFileSync(good, 'utf8').split('\n');
    lines[2] = '{"seq": "two"}';
    await expect(upload(call, 'broken.jsonl', Buffer.from(lines.join('\n')))).rejects.toMatchObject({ code: 'failed', message: expect.stringMatching(/^broken\.jsonl: line 3: /) });
    await expect(upload(call, 'png.jsonl', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).rejects.toMatchObject({ message: expect.stringMatching(/^png\.jsonl: line 1/) });
    expect(lab.replay).toBeUndefined();
    const id = await call('sessionImportBegin', 'short.jsonl', 10);
    await expect(call('sessionImportChunk', id, Buffer.alloc(11).toString('base64'))).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/larger than the 10 bytes/) });
    const id2 = await call('sessionImportBegin', 'short.jsonl', 10);
    await call('sessionImportChunk', id2, Buffer.alloc(4).toString('base64'));
    await expect(call('sessionImportEnd', id2)).rejects.toMatchObject({ message: expect.stringMatching(/ended after 4 of 10 bytes/) });
    await expect(call('sessionImportChunk', id2, 'not base64!')).rejects.toMatchObject({ code: 'bad-request' });
    await expect(call('sessionImportBegin', 'x', 0)).rejects.toMatchObject({ code: 'bad-request' });
  });
});
