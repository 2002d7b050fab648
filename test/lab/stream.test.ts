import { afterEach, describe, expect, it } from 'vitest';
import { decodeEventBatch } from '../../src/common/api/event-batch';
import type { StreamMessage } from '../../src/common/api/stream';
import { EventKind, Source } from '../../src/common/trace/schema';
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { LabService } from '../../src/main/lab/service';
import { LabStream } from '../../src/main/lab/stream';
import { testWorkers } from '../support/workers';

/** LabStream and LabService in process: the paths a WebSocket test cannot steer (a window too slow for the recorder, a reset racing a call). */

const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.destroy();
});

async function createLab(): Promise<Lab> {
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland });
  labs.push(lab);
  return lab;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LabStream', () => {
  it('tells a window that fell behind the recorder which events it lost (gap), then goes on from the oldest kept', async () => {
    const lab = await createLab();
    const { machine, recorder } = lab;
    const bar0 = machine.edu.barAddress(0)!;
    let congested = true;
    const messages: StreamMessage[] = [];
    const stream = new LabStream(lab, (m) => messages.push(m), { congested: () => congested });
    stream.start();
    const start = messages[0]!.snapshot!.eventsRecorded;
    // More than the recorder keeps, while the window takes no events.
    const raises = Math.ceil(recorder.maxEvents / 3) + 100_000;
    for (let i = 0; i < raises; i++) {
      machine.memory.write(bar0 + 0x60, 4, 1, Source.Test);
      if (i % 50_000 === 0) await turn();
    }
    await sleep(40);
    expect(recorder.firstSeq).toBeGreaterThan(start);
    // Small changes still went out while congested, events did not.
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.some((m) => m.events || m.gap)).toBe(false);
    expect(messages.filter((m) => m.registers).at(-1)!.registers!.irqStatus).toBe(1);

    congested = false;
    const delivered = () => {
      const last = messages.filter((m) => m.events).at(-1)?.events;
      return last ? last.fromSeq + last.count : 0;
    };
    while (delivered() < recorder.recorded) await sleep(5);
    stream.close();
    const withGap = messages.filter((m) => m.gap);
    expect(withGap).toHaveLength(1);
    expect(withGap[0]!.gap).toEqual({ from: start, to: withGap[0]!.events!.fromSeq });
    expect(withGap[0]!.gap!.to).toBeGreaterThanOrEqual(recorder.firstSeq - 65_536 * 2);
    // From there on, batches continue exactly; numbers have no holes.
    let next = withGap[0]!.gap!.to;
    for (const m of messages.filter((x) => x.events)) {
      expect(m.events!.fromSeq).toBe(next);
      next += m.events!.count;
    }
    expect(next).toBe(recorder.recorded);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i));
  });

  it('batches up to 65,536 events a message; 8,192 while the console is in use and the window acknowledges (less for an echo to wait behind)', async () => {
    const lab = await createLab();
    const bar0 = lab.machine.edu.barAddress(0)!;
    const messages: StreamMessage[] = [];
    const stream = new LabStream(lab, (m) => messages.push(m), { intervalMs: 60_000 });
    stream.start();
    const batches = () => messages.filter((m) => m.events).map((m) => m.events!);
    // 60,000 raises record 180,000 events (write, raise, register change).
    for (let i = 0; i < 60_000; i++) lab.machine.memory.write(bar0 + 0x60, 4, 1, Source.Test);
    stream.tick();
    expect(batches().map((b) => b.count)).toEqual([65_536]);
    // A window that acknowledges, nobody typing: full batches (a backlog to catch up with).
    stream.acknowledge(messages.at(-1)!.seq);
    stream.tick();
    expect(batches().map((b) => b.count)).toEqual([65_536, 65_536]);
    // The guest writes to the console (an echo): smaller batches from now on.
    const echoed = new Promise<void>((resolve) => {
      const off = lab.guest.console.onOutput(() => {
        off();
        resolve();
      });
    });
    lab.guest.console.input(new TextEncoder().encode('x'));
    await echoed;
    stream.acknowledge(messages.at(-1)!.seq);
    stream.tick();
    const sent = batches();
    expect(sent.map((b) => b.count)).toEqual([65_536, 65_536, 8_192]);
    expect(sent[2]!.fromSeq).toBe(sent[1]!.fromSeq + 65_536);
    expect(messages.at(-1)!.console).toContain('x');
    // Two ahead of the acknowledgements at most, whatever their size.
    stream.tick();
    stream.tick();
    expect(batches()).toHaveLength(4);
    stream.close();
  });

  it('close() stops the messages and the listeners', async () => {
    const lab = await createLab();
    const messages: StreamMessage[] = [];
    const stream = new LabStream(lab, (m) => messages.push(m), { intervalMs: 5 });
    stream.start();
    lab.guest.console.input(new TextEncoder().encode('echo before\r'));
    while (!messages.some((m) => m.console?.includes('before'))) await sleep(5);
    stream.close();
    const count = messages.length;
    lab.guest.console.input(new TextEncoder().encode('echo after\r'));
    lab.machine.memory.write(lab.machine.edu.barAddress(0)! + 4, 4, 1, Source.Test);
    await sleep(50);
    expect(messages.length).toBe(count);
    stream.tick();
    // A tick after close has no console text queued (the listener is gone) — only what changed in state.
    expect(messages.slice(count).some((m) => m.console)).toBe(false);
  });

  it('a window that throws while sending does not stop the stream for the lab', async () => {
    const lab = await createLab();
    let calls = 0;
    const stream = new LabStream(lab, () => {
      calls++;
      throw new Error('gone');
    }, { intervalMs: 5 });
    stream.start();
    lab.machine.memory.write(lab.machine.edu.barAddress(0)! + 4, 4, 7, Source.Test);
    await sleep(30);
    stream.close();
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});

describe('LabService', () => {
  it('a driver call issued right after a reset, before its answer, is busy; after the answer it succeeds', async () => {
    const lab = await createLab();
    const service = new LabService(lab);
    await service.call('driverLoad', [{ useMsi: true }]);
    const kernel = lab.guest.kernel;
    const reset = service.call('machineReset', []);
    // Same turn of the event loop: the guest has not rebooted yet.
    const during = service.call('driverLoad', [{}]).catch((e: unknown) => e);
    const unload = service.call('driverUnload', []).catch((e: unknown) => e);
    expect(await during).toMatchObject({ code: 'busy', message: 'the guest is rebooting' });
    expect(await unload).toMatchObject({ code: 'busy' });
    const status = await reset;
    expect(status).toMatchObject({ state: 'running', bar0: 0xfea00000 });
    // The answer means: rebooted (a new kernel, the firmware's configuration back), and no driver.
    expect(lab.guest.kernel).not.toBe(kernel);
    expect(lab.guest.running).toBe(true);
    expect((await service.call('getSnapshot', [])) as { driver: unknown }).toMatchObject({ driver: { loaded: false } });
    expect(await service.call('driverLoad', [{}])).toMatchObject({ loaded: true, mode: 'intx' });
  });

  it('a reset requested by the guest itself (reboot) ends with a running guest and the stream shows it', async () => {
    const lab = await createLab();
    const service = new LabService(lab);
    const messages: StreamMessage[] = [];
    const stream = new LabStream(lab, (m) => messages.push(m), { intervalMs: 5 });
    stream.start();
    const kernel = lab.guest.kernel;
    await service.call('consoleInput', ['reboot\r']);
    while (!(lab.guest.running && lab.guest.kernel !== kernel)) await sleep(5);
    await sleep(30);
    stream.close();
    const kinds = new Map<number, number>();
    for (const m of messages.filter((x) => x.events)) {
      const b = decodeEventBatch(m.events!);
      for (let i = 0; i < b.count; i++) kinds.set(b.kind[i]!, (kinds.get(b.kind[i]!) ?? 0) + 1);
    }
    expect(kinds.get(EventKind.MachineReset)).toBe(1);
    expect(kinds.get(EventKind.GuestBoot)).toBe(1);
    expect(await service.call('driverLoad', [{}])).toMatchObject({ loaded: true });
  });

  it('rejects what the contract rejects, before doing anything', async () => {
    const lab = await createLab();
    const service = new LabService(lab);
    const recorded = lab.recorder.recorded;
    await expect(service.call('nope', [])).rejects.toMatchObject({ code: 'unknown-method' });
    await expect(service.call('writeRegister', [4, 4, '0x1ffffffff'])).rejects.toMatchObject({ code: 'bad-request' });
    await expect(service.call('getEvents', [0, 2 ** 21])).rejects.toMatchObject({ code: 'too-large' });
    expect(lab.recorder.recorded).toBe(recorded);
  });
});
