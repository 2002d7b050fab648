import { describe, expect, it } from 'vitest';
import { decodeEventBatch } from '../../../src/common/api/event-batch';
import { STREAM_EVENTS_IN_FLIGHT, STREAM_MAX_RATE } from '../../../src/common/api/stream';
import { EventKind, Source } from '../../../src/common/trace/schema';
import type { Lab } from '../../../src/main/lab/lab';
import { mostInWindow, serveLab, sleep, type TestClient } from './client';

/**
 * The stream as windows see it over the web host: a snapshot numbered 0 first, then numbers without
 * holes, at most a frame's worth of messages a second, every recorded event exactly once; several
 * windows on one lab, reconnects and resyncs without losing anything of the session.
 */

const BAR0 = 0xfea00000;

/**
 * Keep the device busy from inside (the test initiator) for `ms`: `perTurn` register writes, then a
 * turn of the event loop (or `pauseMs` of real time), again and again.
 */
async function busy(lab: Lab, ms: number, perTurn = 200, pauseMs = 0): Promise<number> {
  const end = performance.now() + ms;
  let writes = 0;
  while (performance.now() < end) {
    for (let i = 0; i < perTurn; i++) lab.machine.memory.write(BAR0 + 0x04, 4, writes++, Source.Test);
    await new Promise((resolve) => (pauseMs ? setTimeout(resolve, pauseMs) : setImmediate(resolve)));
  }
  return writes;
}

/** Wait until the client has every event recorded so far. */
async function caughtUp(client: TestClient, lab: Lab): Promise<void> {
  const target = lab.recorder.recorded;
  await client.until(() => (client.follower.nextEvent ?? 0) >= target, `the stream to deliver events up to ${target}`);
}

describe('the stream over the web host', () => {
  it('starts with a snapshot numbered 0 and numbers every message after it without holes', async () => {
    const { lab, connect } = await serveLab();
    const client = await connect();
    await client.until(() => client.follower.messages.length > 0, 'the first message');
    const first = client.follower.messages[0]!;
    expect(first.seq).toBe(0);
    expect(first.snapshot).toBeDefined();
    expect(first.snapshot!.eventsRecorded).toBeLessThanOrEqual(lab.recorder.recorded);
    await busy(lab, 300);
    await caughtUp(client, lab);
    const seqs = client.follower.messages.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(client.follower.messages.slice(1).every((m) => m.snapshot === undefined)).toBe(true);
    expect(client.follower.problems).toEqual([]);
  });

  it('never sends more than a frame rate of messages, however busy the lab is, and loses no event', async () => {
    const { lab, connect } = await serveLab();
    const client = await connect();
    await client.until(() => client.follower.streams === 1, 'the snapshot');
    const from = client.follower.snapshot!.eventsRecorded;
    // Registers, console output and events change all the time.
    await client.call('consoleInput', 'seq 1 2000\r');
    const writes = await busy(lab, 1500, 20, 1);
    await caughtUp(client, lab);
    const f = client.follower;
    const perSecond = mostInWindow(f.arrivals);
    const span = (f.arrivals.at(-1)! - f.arrivals[0]!) / 1000;
    console.log(`stream over WebSocket: ${f.messages.length} messages in ${span.toFixed(2)} s, at most ${perSecond} in any second; ${f.eventsReceived} events`);
    expect(perSecond).toBeLessThanOrEqual(STREAM_MAX_RATE + 2);
    expect(f.messages.length).toBeGreaterThan(20); // it did stream while busy, not once at the end
    expect(f.problems).toEqual([]);
    expect(f.gaps).toEqual([]);
    expect(f.eventsReceived).toBe(lab.recorder.recorded - from);
    expect(f.kinds.get(EventKind.MmioWrite)).toBeGreaterThanOrEqual(writes);
    // Never one message per device event.
    expect(f.messages.length).toBeLessThan(writes / 20);
    await client.console('\r\n2000\r\n', 'the end of seq');
  });

  it('a window that acknowledges gets a couple of event messages ahead of its acknowledgements, and still everything', async () => {
    const { lab, connect } = await serveLab();
    const client = await connect();
    await client.until(() => client.follower.streams === 1, 'the snapshot');
    const from = client.follower.snapshot!.eventsRecorded;
    client.ws.send(JSON.stringify({ type: 'ack', seq: 0 }));
    await busy(lab, 500, 20, 1);
    const withEvents = () => client.follower.messages.filter((m) => m.events);
    expect(withEvents()).toHaveLength(STREAM_EVENTS_IN_FLIGHT);
    // Console output and registers are not held back.
    await client.call('consoleInput', 'echo still-here\r');
    await client.console('still-here\r\n', 'the echo');
    // Acknowledge as a window would, until everything recorded has arrived.
    while (client.follower.eventsReceived < lab.recorder.recorded - from) {
      client.ws.send(JSON.stringify({ type: 'ack', seq: withEvents().at(-1)!.seq }));
      await sleep(20);
    }
    expect(client.follower.gaps).toEqual([]);
    expect(client.follower.problems).toEqual([]);
  });

  it('carries what changed: registers, clock, machine, console, DMA progress, device log', async () => {
    const { connect } = await serveLab();
    const client = await connect();
    const f = client.follower;
    await client.until(() => f.streams === 1, 'the snapshot');
    await client.call('writeRegister', 0x04, 4, '0xf0');
    await client.until(() => f.state.registers?.liveness === 0xffffff0f, 'the registers');
    await client.call('clockSetSpeed', 0.1);
    await client.until(() => f.state.clock?.speed === 0.1, 'the clock');
    await client.call('clockSetSpeed', 1);
    await client.call('machineSetFactDelay', 5);
    await client.until(() => f.state.machine?.factDelayMs === 5, 'the machine status');
    // A transfer past the buffer (upstream only logs it): the DMA engine's progress, then its complaint.
    await client.call('writeRegister', 0x80, 8, '0x1000');
    await client.call('writeRegister', 0x88, 8, '0x50000');
    await client.call('writeRegister', 0x90, 8, '0x10');
    await client.call('writeRegister', 0x98, 8, '0x1');
    await client.until(() => f.state.registers?.dmaDeadlineNs !== null && f.state.registers?.dmaCmd === '0x1', 'the pending transfer');
    await client.until(() => f.state.registers?.dmaCmd === '0x0', 'the transfer to end');
    await client.until(() => f.messages.some((m) => m.deviceLog?.some((l) => l.channel === 'guest-error' && l.text.includes('out of bounds'))), 'the device log line');
    expect(f.kinds.get(EventKind.DmaStart)).toBe(1);
    expect(f.kinds.get(EventKind.GuestError)).toBe(1);
    await client.call('consoleInput', 'echo streamed\r');
    await client.console('streamed\r\n');
    expect(f.problems).toEqual([]);
  });

  it('gives each of several windows on one lab its own stream', async () => {
    const { lab, connect } = await serveLab();
    const a = await connect();
    await busy(lab, 100);
    const b = await connect();
    const c = await connect();
    for (const w of [a, b, c]) await w.until(() => w.follower.streams === 1, 'a snapshot');
    // b and c started later: their snapshots already include what a saw as events.
    expect(b.follower.snapshot!.eventsRecorded).toBeGreaterThan(a.follower.snapshot!.eventsRecorded);
    await a.call('writeRegister', 0x04, 4, '0x0');
    await b.call('consoleInput', 'echo from-b\r');
    for (const w of [a, b, c]) {
      await w.until(() => w.follower.state.registers?.liveness === 0xffffffff, 'the write of a');
      await w.console('from-b\r\n');
    }
    await caughtUp(a, lab);
    await caughtUp(b, lab);
    await caughtUp(c, lab);
    for (const w of [a, b, c]) {
      expect(w.follower.problems).toEqual([]);
      expect(w.follower.messages[0]!.seq).toBe(0);
      expect(w.follower.nextEvent).toBe(lab.recorder.recorded);
    }
    // Closing one window leaves the others streaming.
    await a.closeAndWait();
    await b.call('writeRegister', 0x04, 4, '0x1');
    await c.until(() => c.follower.state.registers?.liveness === 0xfffffffe, 'the write of b');
    expect(c.follower.problems).toEqual([]);
  });

  it('a window that reconnects gets a snapshot again and loses nothing the recorder holds', async () => {
    const { lab, connect } = await serveLab();
    const first = await connect();
    await first.call('writeRegister', 0x04, 4, '0x11');
    await caughtUp(first, lab);
    const seen = first.follower.nextEvent!;
    await first.closeAndWait();

    // While it is away: the lab goes on (another window acts, the guest prints).
    const other = await connect();
    await other.call('writeRegister', 0x04, 4, '0x22');
    await other.call('consoleInput', 'echo while-away\r');
    await other.console('while-away\r\n');
    other.close();

    const again = await connect();
    await again.until(() => again.follower.streams === 1, 'the snapshot');
    const snap = again.follower.snapshot!;
    expect(again.follower.messages[0]!.seq).toBe(0);
    expect(snap.eventsRecorded).toBeGreaterThan(seen);
    expect(snap.eventsFirstSeq).toBe(0);
    expect(snap.registers.liveness).toBe(0xffffffdd);
    expect(snap.console).toContain('while-away\r\n');
    // The events it missed are all still there.
    const missed = decodeEventBatch(await again.call('getEvents', seen, snap.eventsRecorded));
    expect(missed.fromSeq).toBe(seen);
    expect(missed.count).toBe(snap.eventsRecorded - seen);
    const uiWrites = [...missed.kind.keys()].filter((i) => missed.kind[i] === EventKind.MmioWrite && missed.source[i] === Source.Ui);
    expect(uiWrites.map((i) => missed.valueLo[i])).toEqual([0x22]);
    expect([...missed.strings.values()].join('')).toContain('while-away');
    // And it keeps growing.
    await again.call('writeRegister', 0x04, 4, '0x33');
    await caughtUp(again, lab);
    expect(again.follower.nextEvent).toBeGreaterThan(snap.eventsRecorded);
    expect(again.follower.problems).toEqual([]);
  });

  it('resync gives a new snapshot, numbered 0, that matches the lab, and the stream goes on from there', async () => {
    const { lab, connect } = await serveLab();
    const client = await connect();
    await client.until(() => client.follower.streams === 1, 'the snapshot');
    await busy(lab, 100);
    await client.call('clockPause');
    const snap = await client.resync();
    expect(client.follower.streams).toBe(2);
    expect(client.follower.messages.at(-1)!.seq).toBe(0);
    const { eventsRecorded, ...now } = await client.call('getSnapshot');
    const { eventsRecorded: resynced, ...rest } = snap;
    expect(rest).toEqual(now);
    expect(resynced).toBe(eventsRecorded);
    // Resync in the middle of activity: the old stream's messages may still arrive, the new one is whole.
    await client.call('clockRun');
    const activity = busy(lab, 300);
    await sleep(100);
    await client.resync();
    await client.resync();
    await activity;
    await caughtUp(client, lab);
    expect(client.follower.streams).toBe(4);
    expect(client.follower.problems).toEqual([]);
  });

  it('a window that asks for resync in a loop still gets about a frame rate of messages, and a snapshot after its last ask', async () => {
    const { lab, connect } = await serveLab();
    const client = await connect();
    const f = client.follower;
    await client.until(() => f.streams === 1, 'the snapshot');
    const activity = busy(lab, 1200, 20, 1);
    const end = performance.now() + 1000;
    let asked = 0;
    let lastAsk = 0;
    while (performance.now() < end) {
      lastAsk = performance.now();
      client.ws.send(JSON.stringify({ type: 'resync' }));
      asked++;
      await sleep(2);
    }
    await activity;
    await client.until(() => f.arrivals.at(-1)! > lastAsk && f.messages.some((m, i) => m.snapshot && f.arrivals[i]! > lastAsk), 'a snapshot after the last resync');
    await caughtUp(client, lab);
    const perSecond = mostInWindow(f.arrivals);
    console.log(`resync loop: ${asked} asks, ${f.streams} snapshots, ${f.messages.length} messages, at most ${perSecond} in any second`);
    expect(perSecond).toBeLessThanOrEqual(STREAM_MAX_RATE + 6);
    expect(f.streams).toBeGreaterThan(2);
    expect(f.problems).toEqual([]);
  });
});
