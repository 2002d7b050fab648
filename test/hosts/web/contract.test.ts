import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../src/common/api/base64';
import { decodeEventBatch } from '../../../src/common/api/event-batch';
import { LAB_METHOD_NAMES, MAX_EVENTS_PER_CALL, type LabMethod } from '../../../src/common/api/lab-api';
import { EventFlag, EventKind, Source } from '../../../src/common/trace/schema';
import { EDU_SLOT } from '../../../src/main/machine/machine';
import { eventToJson } from '../../../src/main/session/export/jsonl';
import { serveLab, sleep, type TestClient } from './client';

/**
 * The LabApi contract, method by method, against the web host over a real WebSocket: each call's
 * result and its effect on the lab (seen through other calls, the stream, and the guest).
 */

const BAR0 = 0xfea00000;
/** Methods that answered successfully somewhere in this file (the last test checks all did). */
const exercised = new Set<LabMethod>();

async function setup(options: Parameters<typeof serveLab>[0] = {}) {
  const served = await serveLab(options);
  const client = await served.connect();
  const call: TestClient['call'] = async (method, ...args) => {
    const result = await client.call(method, ...args);
    exercised.add(method);
    return result;
  };
  return { ...served, client, call };
}

/** The first 16 bytes of guest RAM at 0x1000, set by the test (as a program would have left them). */
const RAM_PATTERN = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

describe('LabApi over the web host: each method and its effect', () => {
  it('consoleInput reaches the guest shell, whose answer comes back on the stream', async () => {
    const { call, client } = await setup();
    expect(await call('consoleInput', 'uname -r\r')).toBeNull();
    const text = await client.console(/uname -r\r\n6\.1\.0-edu-lab\r\n/);
    expect(text).toMatch(/Linux version 6\.1\.0-edu-lab/); // the boot log, from the snapshot
    // Multi-byte input arrives whole (UTF-8 both ways).
    await call('consoleInput', 'echo "grüße ✓"\r');
    await client.console('grüße ✓\r\n');
    expect(client.follower.kinds.get(EventKind.ConsoleInput)).toBeGreaterThanOrEqual(2);
    expect(client.follower.problems).toEqual([]);
  });

  it('consoleResize changes the terminal size the guest sees', async () => {
    const { call, lab } = await setup();
    expect(await call('consoleResize', 132, 43)).toBeNull();
    expect([lab.guest.console.cols, lab.guest.console.rows]).toEqual([132, 43]);
    await call('consoleResize', 2, 1);
    expect([lab.guest.console.cols, lab.guest.console.rows]).toEqual([2, 1]);
  });

  it('readRegister and writeRegister act on the device as the UI initiator', async () => {
    const { call, client } = await setup();
    expect(await call('readRegister', 0x00, 4)).toBe('0x10000ed');
    expect(await call('writeRegister', 0x04, 4, '0x12345678')).toBeNull();
    expect(await call('readRegister', 0x04, 4)).toBe('0xedcba987');
    // Narrow and wide accesses: below 0x80 edu takes dwords only (others read 0), the DMA registers take 64 bits.
    expect(await call('readRegister', 0x04, 2)).toBe('0x0');
    await call('writeRegister', 0x80, 8, '0xFEDCBA9876543210');
    expect(await call('readRegister', 0x80, 8)).toBe('0xfedcba9876543210');
    // The last bytes of BAR0 (1 MiB) are still inside; edu answers all ones where it has no register.
    expect(await call('readRegister', 0xffffc, 4)).toBe('0xffffffff');
    expect(await call('readRegister', 0xffff8, 8)).toBe('0xffffffffffffffff');
    // The stream carries the new register values and the accesses, marked as the UI's.
    await client.until(() => client.follower.state.registers?.liveness === 0xedcba987, 'the stream to show the new liveness value');
    const snap = await call('getSnapshot');
    const events = decodeEventBatch(await call('getEvents', snap.eventsRecorded - 40, snap.eventsRecorded));
    const writes = [...events.kind.keys()].filter((i) => events.kind[i] === EventKind.MmioWrite);
    expect(writes.map((i) => [events.addr[i], events.source[i]])).toContainEqual([0x04, Source.Ui]);
  });

  it('readConfig and writeConfig reach 00:04.0 configuration space', async () => {
    const { call, lab, client } = await setup();
    expect(await call('readConfig', 0, 4)).toBe(0x11e81234);
    expect(await call('readConfig', 0, 2)).toBe(0x1234);
    expect(await call('readConfig', 0x08, 1)).toBe(0x10);
    expect(await call('readConfig', 0x10, 4)).toBe(BAR0); // firmware placed BAR0
    expect(await call('readConfig', 0xfc, 4)).toBe(0);
    // Command: turn memory decoding off; the CPU's view of BAR0 goes away, the UI's probe does not.
    expect(await call('readConfig', 0x04, 2)).toBe(0x0103);
    expect(await call('writeConfig', 0x04, 2, 0x0000)).toBeNull();
    expect(await call('readConfig', 0x04, 2)).toBe(0x0000);
    expect(lab.machine.memory.read(BAR0, 4, Source.Test)).not.toBe(0x010000ed);
    expect(await call('readRegister', 0x00, 4)).toBe('0x10000ed');
    expect((await call('getSnapshot')).machine.bar0).toBeNull();
    await call('writeConfig', 0x04, 2, 0x0107);
    expect(lab.machine.memory.read(BAR0, 4, Source.Test)).toBe(0x010000ed);
    expect((await call('getSnapshot')).machine.bar0).toBe(BAR0);
    // Read-only fields stay; a byte write lands in its byte.
    await call('writeConfig', 0x00, 4, 0xffffffff);
    expect(await call('readConfig', 0, 4)).toBe(0x11e81234);
    await call('writeConfig', 0x3c, 1, 0x05);
    expect(await call('readConfig', 0x3c, 2)).toBe(0x0105);
    await client.until(() => client.follower.state.config?.[0x3c] === 5 && client.follower.state.config?.[4] === 7, 'the stream to show config space');
    expect(lab.machine.pci.device(EDU_SLOT)!.config.bytes[0x3c]).toBe(5);
  });

  it('the clock: pause, speed, deterministic mode, run, step', async () => {
    const { call, lab, client } = await setup();
    const paused = await call('clockPause');
    expect(paused).toMatchObject({ state: 'paused', speed: 1, deterministic: false });
    await sleep(30);
    expect((await call('getSnapshot')).clock.vns).toBe(paused.vns);

    expect(await call('clockSetSpeed', 0.1)).toMatchObject({ state: 'paused', speed: 0.1 });
    expect(await call('clockSetDeterministic', true)).toMatchObject({ deterministic: true, speed: 0.1 });
    expect(await call('clockSetDeterministic', false)).toMatchObject({ deterministic: false });
    expect((await call('clockSetSpeed', 1)).speed).toBe(1);

    // Nothing pending: there is nothing to step to.
    await expect(call('clockStep')).rejects.toMatchObject({ code: 'failed', message: expect.stringMatching(/no timer is pending/) });

    // A transfer of 16 bytes from RAM to the device: its timer is the next deadline; a step runs it.
    lab.machine.memory.writeBytes(0x1000n, RAM_PATTERN, Source.Test);
    await call('writeConfig', 0x04, 2, 0x0107); // bus mastering on
    await call('writeRegister', 0x80, 8, '0x1000');
    await call('writeRegister', 0x88, 8, '0x40000');
    await call('writeRegister', 0x90, 8, '0x10');
    await call('writeRegister', 0x98, 8, '0x1');
    const pending = await call('getSnapshot');
    expect(pending.registers.dmaDeadlineNs).not.toBeNull();
    expect(pending.clock.nextDeadlineNs).toBe(pending.registers.dmaDeadlineNs);
    const stepped = await call('clockStep');
    expect(stepped).toMatchObject({ state: 'paused', vns: pending.registers.dmaDeadlineNs });
    const after = await call('getSnapshot');
    expect(after.registers.dmaCmd).toBe('0x0');
    expect(after.registers.dmaDeadlineNs).toBeNull();
    expect(decodeBase64(after.dmaBuffer).subarray(0, 16)).toEqual(RAM_PATTERN);
    // DMA progress on the stream: the buffer's new bytes and the transfer's events.
    await client.until(() => client.follower.state.dmaBuffer === after.dmaBuffer, 'the stream to show the DMA buffer');
    expect(client.follower.kinds.get(EventKind.DmaStart)).toBe(1);
    expect(client.follower.kinds.get(EventKind.DmaComplete)).toBe(1);

    const running = await call('clockRun');
    expect(running.state).toBe('running');
    // Stepping a free-running clock is refused (it would race the host); in deterministic mode it is not.
    await expect(call('clockStep')).rejects.toMatchObject({ code: 'busy' });
    await sleep(30);
    expect((await call('getSnapshot')).clock.vns).toBeGreaterThan(running.vns);
    await client.until(() => client.follower.state.clock?.state === 'running', 'the stream to show the clock running');
    expect(client.follower.problems).toEqual([]);
  });

  it('machineReset: configuration back to power-on, firmware and guest run again, registers kept', async () => {
    const { call, client } = await setup();
    await call('writeConfig', 0x3c, 1, 0x05);
    await call('writeConfig', 0x04, 2, 0x0107);
    expect((await call('driverLoad', {})).loaded).toBe(true);
    await call('writeRegister', 0x04, 4, '0x1');
    const banners = (client.follower.console.match(/Linux version/g) ?? []).length;

    const status = await call('machineReset');
    expect(status).toMatchObject({ state: 'running', profile: 'upstream', bar0: BAR0, abortMessage: null });
    // The firmware programmed the function again, as after power-on; the device's registers are QEMU's to keep.
    expect(await call('readConfig', 0x3c, 1)).toBe(11);
    expect(await call('readConfig', 0x04, 2)).toBe(0x0103);
    expect(await call('readRegister', 0x04, 4)).toBe('0xfffffffe');
    const snap = await call('getSnapshot');
    expect(snap.driver).toEqual({ loaded: false, params: null, irq: null, mode: null });
    await client.console(new RegExp(`(Linux version[\\s\\S]*){${banners + 1}}`), 'a second boot log');
    expect(client.follower.kinds.get(EventKind.MachineReset)).toBe(1);
    expect(client.follower.kinds.get(EventKind.GuestBoot)).toBe(1);
    // The rebooted guest answers.
    await call('consoleInput', 'lsmod\r');
    await client.console(/lsmod\r\nModule {2,}Size {2,}Used by\r\n/);
  });

  it('machineSetProfile, machineSetDmaMask and machineSetFactDelay show in MachineStatus', async () => {
    const { call, client } = await setup();
    const initial = (await call('getSnapshot')).machine;
    expect(initial).toMatchObject({ profile: 'upstream', dmaMask: '0xfffffff', factDelayMs: 0, ramSize: 256 * 1024 * 1024 });
    expect(await call('machineSetProfile', 'qemu-7.2')).toMatchObject({ profile: 'qemu-7.2' });
    expect(await call('machineSetDmaMask', '0xFFFFFFFFFF')).toMatchObject({ dmaMask: '0xffffffffff', profile: 'qemu-7.2' });
    expect(await call('machineSetFactDelay', 250)).toMatchObject({ factDelayMs: 250, dmaMask: '0xffffffffff' });
    expect(await call('machineSetProfile', 'upstream')).toMatchObject({ profile: 'upstream', factDelayMs: 250 });
    await client.until(() => client.follower.state.machine?.factDelayMs === 250 && client.follower.state.machine.profile === 'upstream', 'the stream to show the machine');
    expect(client.follower.kinds.get(EventKind.PropertyChange)).toBe(4);
  });

  it('driverLoad with parameters, reload with others, driverUnload', async () => {
    const { call, client } = await setup();
    const msi = await call('driverLoad', { useMsi: true });
    expect(msi).toMatchObject({ loaded: true, params: { useMsi: true, noMaster: false, noAck: false, noMask: false }, mode: 'msi' });
    expect(msi.irq).toBeGreaterThanOrEqual(24);
    expect((await call('readConfig', 0x42, 2)) & 1).toBe(1); // MSI enable, set by the driver

    const intx = await call('driverLoad', { noAck: true, noMask: false });
    expect(intx).toEqual({ loaded: true, params: { useMsi: false, noMaster: false, noAck: true, noMask: false }, irq: 11, mode: 'intx' });
    expect((await call('readConfig', 0x42, 2)) & 1).toBe(0);
    await call('consoleInput', 'lsmod\r');
    await client.console(/\r\nedu +\d+ +0\r\n/, 'lsmod listing edu');

    expect(await call('driverUnload')).toEqual({ loaded: false, params: null, irq: null, mode: null });
    // Unloading what is not loaded is not an error.
    expect((await call('driverUnload')).loaded).toBe(false);
    expect((await call('getSnapshot')).driver.loaded).toBe(false);
    await client.until(() => client.follower.state.driver?.loaded === false, 'the stream to show the driver gone');
    const dmesg = client.follower.kinds.get(EventKind.Dmesg) ?? 0;
    expect(dmesg).toBeGreaterThan(0);
  });

  it('getSnapshot has everything a window draws from', async () => {
    const { call } = await setup();
    const s = await call('getSnapshot');
    expect(Object.keys(s).sort()).toEqual(
      ['clock', 'config', 'configWritable', 'console', 'deviceLog', 'dmaBuffer', 'driver', 'eventsFirstSeq', 'eventsRecorded', 'exports', 'machine', 'registers', 'replay'].sort(),
    );
    expect(s.machine).toEqual({
      state: 'running',
      profile: 'upstream',
      ramSize: 256 * 1024 * 1024,
      dmaMask: '0xfffffff',
      factDelayMs: 0,
      bar0: BAR0,
      abortMessage: null,
    });
    expect(s.clock).toMatchObject({ state: 'running', speed: 1, deterministic: false });
    expect(s.registers).toMatchObject({ id: 0x010000ed, liveness: 0, irqStatus: 0, dmaCmd: '0x0', dmaDeadlineNs: null });
    expect(s.config).toHaveLength(256);
    expect(s.config.slice(0, 4)).toEqual([0x34, 0x12, 0xe8, 0x11]);
    expect(s.configWritable.slice(4, 6), 'command: IO, MEM, MASTER, SERR, INTX_DISABLE').toEqual([0x07, 0x05]);
    expect(s.configWritable.slice(0x10, 0x14), 'BAR0 sizes to 1 MiB').toEqual([0x00, 0x00, 0xf0, 0xff]);
    expect(s.configWritable[0]).toBe(0);
    expect(decodeBase64(s.dmaBuffer)).toHaveLength(4096);
    expect(s.driver.loaded).toBe(false);
    expect(s.console).toMatch(/Linux version 6\.1\.0-edu-lab/);
    expect(Array.isArray(s.deviceLog)).toBe(true);
    expect(s.eventsFirstSeq).toBe(0);
    expect(s.eventsRecorded).toBeGreaterThan(0);
    expect(s.replay).toBeNull();
    expect(s.exports).toEqual([]);
  });

  it('sessionExport, sessionExportCancel: a job with progress that can be cancelled', async () => {
    const { call, lab } = await setup();
    const job = await call('sessionExport', { format: 'csv' });
    expect(job).toMatchObject({ format: 'csv', state: 'running', error: null });
    const cancelled = await call('sessionExportCancel', job.id);
    expect(cancelled.id).toBe(job.id);
    while (lab.exports.list().find((j) => j.id === job.id)!.state === 'running') await sleep(5);
    expect(['cancelled', 'done']).toContain(lab.exports.list().find((j) => j.id === job.id)!.state);
  });

  it('sessionImportBegin/Chunk/End: a session file sent in chunks is replayed; replayStateAt, replayClose', async () => {
    const { call, lab } = await setup();
    await call('consoleInput', 'echo into-the-file\r');
    await sleep(200);
    const lines = [JSON.stringify(lab.sessionHeader()), ...[...lab.recorder.events()].map((e) => JSON.stringify(eventToJson(e)))];
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const id = await call('sessionImportBegin', 'mine.jsonl', bytes.length);
    expect(await call('sessionImportChunk', id, bytes.toString('base64'))).toBe(bytes.length);
    const info = await call('sessionImportEnd', id);
    expect(info).toMatchObject({ name: 'mine.jsonl', events: lines.length - 1 });
    await expect(call('writeRegister', 4, 4, '0x1')).rejects.toMatchObject({ code: 'read-only' });
    const state = await call('replayStateAt', info.to);
    expect(state.console).toContain('into-the-file');
    expect(await call('replayClose')).toBeNull();
    expect(lab.replay).toBeUndefined();
    // An upload given up half way leaves nothing behind.
    const abandoned = await call('sessionImportBegin', 'half.jsonl', 100);
    expect(await call('sessionImportAbort', abandoned)).toBeNull();
    await expect(call('sessionImportEnd', abandoned)).rejects.toMatchObject({ code: 'bad-request', message: `no session upload ${abandoned}` });
  });

  it('getEvents: ranges, clipping, empty and the largest allowed', async () => {
    const { call, client } = await setup();
    await call('clockPause');
    const { eventsRecorded: n } = await call('getSnapshot');
    const first = await call('getEvents', 0, 10);
    expect(first).toMatchObject({ fromSeq: 0, count: 10 });
    const decoded = decodeEventBatch(first);
    expect(decoded.kind).toHaveLength(10);
    // The very first event is the machine starting; text events bring their strings along.
    const all = decodeEventBatch(await call('getEvents', 0, n));
    expect(all.count).toBe(n);
    expect(all.kind.subarray(0, 10)).toEqual(decoded.kind);
    const textIds = [...all.flags.keys()].filter((i) => all.flags[i]! & EventFlag.Text).map((i) => all.valueLo[i]!);
    for (const id of textIds) expect(all.strings.has(id)).toBe(true);
    // Past the end: clipped to what was recorded; entirely past it: empty.
    expect(await call('getEvents', n - 3, n + 1000)).toMatchObject({ fromSeq: n - 3, count: 3 });
    expect(await call('getEvents', n + 10, n + 20)).toMatchObject({ count: 0 });
    expect(await call('getEvents', 5, 5)).toMatchObject({ fromSeq: 5, count: 0 });
    expect(await call('getEvents', 0, MAX_EVENTS_PER_CALL)).toMatchObject({ fromSeq: 0, count: n });
    // The same events the stream delivers.
    await call('writeRegister', 0x04, 4, '0x5');
    await client.until(() => (client.follower.nextEvent ?? 0) > n, 'events on the stream');
    const streamed = client.follower.messages.filter((m) => m.events).map((m) => m.events!);
    const batch = streamed.at(-1)!;
    // The stream carries raw bytes, call results base64: the same events either way.
    expect(batch.data).toBeInstanceOf(Uint8Array);
    expect(decodeEventBatch(await call('getEvents', batch.fromSeq, batch.fromSeq + batch.count))).toEqual(decodeEventBatch(batch));
  });

  it('readMemory: guest RAM as the probe sees it, and its limits', async () => {
    const { call, lab } = await setup();
    lab.machine.ram.writeBytes(0x2000, new TextEncoder().encode('edu-lab'));
    expect(new TextDecoder().decode(decodeBase64(await call('readMemory', '0x2000', 7)))).toBe('edu-lab');
    expect(decodeBase64(await call('readMemory', '0xfea00000', 4)), 'MMIO decodes there: the ID register').toEqual(new Uint8Array([0xed, 0, 0, 1]));
    await expect(call('readMemory', '0x2000', 4097)).rejects.toMatchObject({ code: 'bad-request' });
    await expect(call('readMemory', 8192 as never, 4)).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('every LabApi method was exercised above', () => {
    expect([...exercised].sort()).toEqual([...LAB_METHOD_NAMES].sort());
  });
});
