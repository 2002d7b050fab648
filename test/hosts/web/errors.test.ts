import { describe, expect, it } from 'vitest';
import { LabError, MAX_CONSOLE_INPUT, MAX_EVENTS_PER_CALL, type LabErrorCode } from '../../../src/common/api/lab-api';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../../src/common/api/wire';
import { serveLab, sleep, type TestClient } from './client';

/**
 * Every way a call can be wrong, over the real WebSocket: the exact LabError code, a message that says
 * what was wrong, and a lab that is exactly as it was before the call.
 */

interface BadCall {
  readonly method: unknown;
  readonly args: unknown;
  readonly code: LabErrorCode;
  readonly message: RegExp;
}

const bad = (method: unknown, args: unknown, code: LabErrorCode, message: RegExp): BadCall => ({ method, args, code, message });

const BAD_CALLS: readonly BadCall[] = [
  // wrong types, missing and extra arguments
  bad('consoleInput', [], 'bad-request', /^consoleInput\[0\]: expected a string of at most 65536 characters, got nothing$/),
  bad('consoleInput', [42], 'bad-request', /consoleInput\[0\]: expected a string .*, got number 42/),
  bad('consoleInput', ['ls\r', 'extra'], 'bad-request', /consoleInput: expected a list of at most 1 arguments, got an array/),
  bad('consoleInput', ['x'.repeat(MAX_CONSOLE_INPUT + 1)], 'bad-request', /consoleInput\[0\]: expected a string of at most 65536 characters/),
  bad('consoleInput', 'ls', 'bad-request', /consoleInput: expected a list of at most 1 arguments, got string "ls"/),
  bad('consoleInput', { 0: 'ls' }, 'bad-request', /consoleInput: expected a list of at most 1 arguments, got an object/),
  bad('consoleResize', [80], 'bad-request', /consoleResize\[1\]: expected an integer from 1 to 500, got nothing/),
  bad('consoleResize', [1, 24], 'bad-request', /consoleResize\[0\]: expected an integer from 2 to 1000, got number 1/),
  bad('consoleResize', [80, 501], 'bad-request', /consoleResize\[1\]: expected an integer from 1 to 500, got number 501/),
  bad('consoleResize', [80.5, 24], 'bad-request', /consoleResize\[0\]: expected an integer/),
  bad('consoleResize', ['80', '24'], 'bad-request', /consoleResize\[0\]: expected an integer from 2 to 1000, got string "80"/),
  bad('consoleResize', [null, 24], 'bad-request', /consoleResize\[0\]: .* got null/),
  // registers: offsets past BAR0, sizes, values that do not fit
  bad('readRegister', [0x100000, 4], 'bad-request', /^readRegister\[0\]: expected an integer from 0 to 1048575, got number 1048576$/),
  bad('readRegister', [-4, 4], 'bad-request', /readRegister\[0\]: expected an integer from 0 to 1048575, got number -4/),
  bad('readRegister', [0xffffd, 4], 'bad-request', /^4 bytes at 0xffffd run past the end of BAR0$/),
  bad('readRegister', [0xffff9, 8], 'bad-request', /8 bytes at 0xffff9 run past the end of BAR0/),
  bad('readRegister', [0, 3], 'bad-request', /readRegister\[1\]: expected one of 1, 2, 4, 8, got number 3/),
  bad('readRegister', [0, '4'], 'bad-request', /readRegister\[1\]: expected one of 1, 2, 4, 8, got string "4"/),
  bad('readRegister', ['0x04', 4], 'bad-request', /readRegister\[0\]: expected an integer/),
  bad('writeRegister', [0x04, 4], 'bad-request', /writeRegister\[2\]: expected a hex string like "0x1f" \(at most 64 bits\), got nothing/),
  bad('writeRegister', [0x04, 4, 5], 'bad-request', /writeRegister\[2\]: expected a hex string .*, got number 5/),
  bad('writeRegister', [0x04, 4, '12'], 'bad-request', /writeRegister\[2\]: expected a hex string/),
  bad('writeRegister', [0x04, 4, '0x'], 'bad-request', /writeRegister\[2\]: expected a hex string/),
  bad('writeRegister', [0x04, 4, '0x1g'], 'bad-request', /writeRegister\[2\]: expected a hex string/),
  bad('writeRegister', [0x80, 8, '0x1' + '0'.repeat(16)], 'bad-request', /writeRegister\[2\]: expected a hex string like "0x1f" \(at most 64 bits\)/),
  bad('writeRegister', [0x04, 4, '0x100000000'], 'bad-request', /^0x100000000 does not fit in 4 bytes$/),
  bad('writeRegister', [0x60, 1, '0x100'], 'bad-request', /^0x100 does not fit in 1 byte$/),
  bad('writeRegister', [0x60, 2, '0x10000'], 'bad-request', /0x10000 does not fit in 2 bytes/),
  bad('writeRegister', [0xffffc, 8, '0x1'], 'bad-request', /8 bytes at 0xffffc run past the end of BAR0/),
  bad('writeRegister', [0x100000, 4, '0x1'], 'bad-request', /writeRegister\[0\]: expected an integer from 0 to 1048575/),
  bad('writeRegister', [0x04, 4, '0x1', 'extra'], 'bad-request', /writeRegister: expected a list of at most 3 arguments/),
  // configuration space: past its end, misaligned, too wide
  bad('readConfig', [256, 1], 'bad-request', /readConfig\[0\]: expected an integer from 0 to 255, got number 256/),
  bad('readConfig', [0xfe, 4], 'bad-request', /^a 4-byte config access must be aligned \(0xfe is not\)$/),
  bad('readConfig', [0x02, 4], 'bad-request', /a 4-byte config access must be aligned \(0x2 is not\)/),
  bad('readConfig', [0x01, 2], 'bad-request', /a 2-byte config access must be aligned \(0x1 is not\)/),
  bad('readConfig', [0, 8], 'bad-request', /readConfig\[1\]: expected one of 1, 2, 4, got number 8/),
  bad('writeConfig', [0x04, 2], 'bad-request', /writeConfig\[2\]: expected an integer from 0 to 4294967295, got nothing/),
  bad('writeConfig', [0x3c, 1, 0x100], 'bad-request', /^0x100 does not fit in 1 byte$/),
  bad('writeConfig', [0x04, 2, 0x10000], 'bad-request', /0x10000 does not fit in 2 bytes/),
  bad('writeConfig', [0x04, 4, 2 ** 32], 'bad-request', /writeConfig\[2\]: expected an integer from 0 to 4294967295/),
  bad('writeConfig', [0x04, 2, -1], 'bad-request', /writeConfig\[2\]: expected an integer from 0 to 4294967295, got number -1/),
  bad('writeConfig', [0x03, 2, 0], 'bad-request', /a 2-byte config access must be aligned \(0x3 is not\)/),
  bad('writeConfig', [0x04, 2, '0x107'], 'bad-request', /writeConfig\[2\]: expected an integer/),
  // clock
  bad('clockRun', [true], 'bad-request', /clockRun: expected a list of at most 0 arguments/),
  bad('clockPause', [null], 'bad-request', /clockPause: expected a list of at most 0 arguments/),
  bad('clockStep', [1], 'bad-request', /clockStep: expected a list of at most 0 arguments/),
  bad('clockSetSpeed', [0.5], 'bad-request', /clockSetSpeed\[0\]: expected one of 1, 0\.1, 0\.01, got number 0\.5/),
  bad('clockSetSpeed', ['1'], 'bad-request', /clockSetSpeed\[0\]: expected one of 1, 0\.1, 0\.01, got string "1"/),
  bad('clockSetSpeed', [], 'bad-request', /clockSetSpeed\[0\]: expected one of .*, got nothing/),
  bad('clockSetDeterministic', ['yes'], 'bad-request', /clockSetDeterministic\[0\]: expected true or false, got string "yes"/),
  bad('clockSetDeterministic', [1], 'bad-request', /clockSetDeterministic\[0\]: expected true or false, got number 1/),
  bad('clockSetDeterministic', [], 'bad-request', /clockSetDeterministic\[0\]: expected true or false, got nothing/),
  // machine
  bad('machineReset', [{}], 'bad-request', /machineReset: expected a list of at most 0 arguments/),
  bad('machineSetProfile', ['qemu-9.9'], 'bad-request', /machineSetProfile\[0\]: expected one of "upstream", .*"qemu-7\.2".*, got string "qemu-9\.9"/),
  bad('machineSetProfile', [], 'bad-request', /machineSetProfile\[0\]: expected one of/),
  bad('machineSetDmaMask', ['ffffffff'], 'bad-request', /machineSetDmaMask\[0\]: expected a hex string/),
  bad('machineSetDmaMask', [0xfffffff], 'bad-request', /machineSetDmaMask\[0\]: expected a hex string .*, got number 268435455/),
  bad('machineSetDmaMask', ['0x' + 'f'.repeat(17)], 'bad-request', /machineSetDmaMask\[0\]: expected a hex string like "0x1f" \(at most 64 bits\)/),
  bad('machineSetFactDelay', [-1], 'bad-request', /machineSetFactDelay\[0\]: expected an integer from 0 to 10000, got number -1/),
  bad('machineSetFactDelay', [10_001], 'bad-request', /machineSetFactDelay\[0\]: expected an integer from 0 to 10000, got number 10001/),
  bad('machineSetFactDelay', [2.5], 'bad-request', /machineSetFactDelay\[0\]: expected an integer/),
  // driver
  bad('driverLoad', [], 'bad-request', /driverLoad\[0\]: expected an object, got nothing/),
  bad('driverLoad', [null], 'bad-request', /driverLoad\[0\]: expected an object, got null/),
  bad('driverLoad', [[]], 'bad-request', /driverLoad\[0\]: expected an object, got an array/),
  bad('driverLoad', [{ useMsi: 'yes' }], 'bad-request', /driverLoad\[0\]\.useMsi: expected true or false, got string "yes"/),
  bad('driverLoad', [{ use_msi: true }], 'bad-request', /driverLoad\[0\]\.use_msi: expected no such field/),
  bad('driverLoad', [{}, {}], 'bad-request', /driverLoad: expected a list of at most 1 arguments/),
  bad('driverUnload', ['edu'], 'bad-request', /driverUnload: expected a list of at most 0 arguments/),
  // state
  bad('getSnapshot', [1], 'bad-request', /getSnapshot: expected a list of at most 0 arguments/),
  bad('getEvents', [0], 'bad-request', /getEvents\[1\]: expected an integer from 0 to 9007199254740991, got nothing/),
  bad('getEvents', [-1, 5], 'bad-request', /getEvents\[0\]: expected an integer from 0 to 9007199254740991, got number -1/),
  bad('getEvents', ['0', 5], 'bad-request', /getEvents\[0\]: expected an integer/),
  bad('getEvents', [0, 1.5], 'bad-request', /getEvents\[1\]: expected an integer/),
  bad('getEvents', [10, 5], 'bad-request', /^the range ends \(5\) before it starts \(10\)$/),
  bad('getEvents', [0, MAX_EVENTS_PER_CALL + 1], 'too-large', /^at most 1048576 events per call$/),
  bad('getEvents', [5, 5 + MAX_EVENTS_PER_CALL + 1], 'too-large', /at most 1048576 events per call/),
  // unknown methods, including names every object has
  bad('fooBar', [], 'unknown-method', /^no such method: "fooBar"$/),
  bad('constructor', [], 'unknown-method', /no such method: "constructor"/),
  bad('__proto__', [], 'unknown-method', /no such method: "__proto__"/),
  bad('toString', [], 'unknown-method', /no such method: "toString"/),
  bad('hasOwnProperty', ['x'], 'unknown-method', /no such method: "hasOwnProperty"/),
  bad('call', ['getSnapshot', []], 'unknown-method', /no such method: "call"/),
  bad('readregister', [0, 4], 'unknown-method', /no such method: "readregister"/),
  bad(42, [], 'unknown-method', /^no such method: 42$/),
  bad(null, [], 'unknown-method', /no such method: null/),
  bad(['getSnapshot'], [], 'unknown-method', /no such method: \["getSnapshot"\]/),
  bad('x'.repeat(500), [], 'unknown-method', /^no such method: "x{59}$/),
];

async function setup() {
  const served = await serveLab();
  const client = await served.connect();
  return { ...served, client };
}

/** What a window can see of the lab (the clock paused, so it stands still). */
async function state(client: TestClient) {
  const { eventsRecorded: _reads, ...snap } = await client.call('getSnapshot');
  const regs = [];
  // The UI's reads are recorded: the caller compares the recorder's count before them.
  for (const offset of [0x04, 0x08, 0x20, 0x24, 0x80, 0x88, 0x90, 0x98]) regs.push(await client.call('readRegister', offset, offset >= 0x80 ? 8 : 4));
  const config = [];
  for (let offset = 0; offset < 256; offset += 4) config.push(await client.call('readConfig', offset, 4));
  return { snap, regs, config };
}

function expectLabError(error: unknown, code: LabErrorCode, message: RegExp): void {
  expect(error).toBeInstanceOf(LabError);
  expect((error as LabError).code).toBe(code);
  expect((error as LabError).message).toMatch(message);
}

describe('bad calls over the web host: the exact error, and nothing changes', () => {
  it('every wrong argument, range, size and method name', async () => {
    const { client, lab } = await setup();
    await client.call('driverLoad', {});
    await client.call('clockPause');
    const before = await state(client);
    const recorded = lab.recorder.recorded;
    for (const c of BAD_CALLS) {
      const error = await client.callRaw(c.method, c.args).then(
        (result) => new Error(`${JSON.stringify(c.method)?.slice(0, 40)}(${JSON.stringify(c.args).slice(0, 60)}) succeeded with ${JSON.stringify(result)}`),
        (e: unknown) => e,
      );
      try {
        expectLabError(error, c.code, c.message);
      } catch (e) {
        throw new Error(`${JSON.stringify(c.method)?.slice(0, 40)}(${JSON.stringify(c.args).slice(0, 60)}): ${(e as Error).message}`);
      }
    }
    // Nothing was recorded by the bad calls themselves (the reads of state() are traced: compare before them).
    expect(lab.recorder.recorded).toBe(recorded);
    expect(await state(client)).toEqual(before);
    expect(client.unaddressed).toEqual([]);
    expect(client.stray).toEqual([]);
  });

  it('a call without args is a call with none; args that are not a list are refused', async () => {
    const { client } = await setup();
    const id = 77;
    const snapshot = (await client.sendCall({ type: 'call', id, method: 'getSnapshot' }, id)) as { machine: unknown };
    expect(snapshot.machine).toBeDefined();
    await expect(client.sendCall({ type: 'call', id: 78, method: 'readConfig', args: null }, 78)).rejects.toMatchObject({
      code: 'bad-request',
      message: 'readConfig[0]: expected an integer from 0 to 255, got nothing',
    });
  });

  it('non-JSON, binary frames and wrong message shapes', async () => {
    const { client, lab } = await setup();
    await client.call('clockPause');
    const recorded = lab.recorder.recorded;
    expect(await client.sendUnaddressed('this is not json')).toEqual({ code: 'bad-request', message: 'not JSON' });
    expect(await client.sendUnaddressed('{"type":"call","id":')).toEqual({ code: 'bad-request', message: 'not JSON' });
    expect(await client.sendUnaddressed('')).toEqual({ code: 'bad-request', message: 'not JSON' });
    expect(await client.sendUnaddressed(Buffer.from([1, 2, 3]), true)).toEqual({
      code: 'bad-request',
      message: 'binary messages are not part of the protocol',
    });
    expect(await client.sendUnaddressed(Buffer.from('{"type":"call","id":1,"method":"getSnapshot","args":[]}'), true)).toMatchObject({
      message: 'binary messages are not part of the protocol',
    });
    const shape = /^expected \{"type":"call","id":N,"method":…,"args":\[…\]\}, \{"type":"resync"\} or \{"type":"ack","seq":N\}$/;
    for (const text of ['null', '42', '"call"', '[]', '{}', '{"type":"call"}', '{"type":"call","id":"1","method":"getSnapshot","args":[]}',
      '{"type":"call","id":1.5,"method":"getSnapshot","args":[]}', '{"type":"call","id":1e300,"method":"getSnapshot","args":[]}',
      '{"type":"call","id":null,"method":"getSnapshot","args":[]}', '{"type":"Resync"}', '{"method":"getSnapshot","args":[]}']) {
      const error = await client.sendUnaddressed(text);
      expect({ text, ...error }).toMatchObject({ text, code: 'bad-request', message: expect.stringMatching(shape) });
    }
    for (const text of ['{"type":"ack"}', '{"type":"ack","seq":"3"}', '{"type":"ack","seq":1.5}', '{"type":"ack","seq":-1e400}']) {
      expect({ text, ...(await client.sendUnaddressed(text)) }).toEqual({ text, code: 'bad-request', message: 'expected {"type":"ack","seq":N} with an integer N' });
    }
    // A broken message whose id can still be read gets its error addressed to that call.
    await expect(client.sendTextFor(5, '{"type":"call","id":5,"method":"getSnapshot","args":[')).rejects.toMatchObject({ code: 'bad-request', message: 'not JSON' });
    await expect(client.sendTextFor(6, '{"type":"cal","id":6,"method":"getSnapshot","args":[]}')).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(shape) });
    // The connection survives all of it.
    expect((await client.call('getSnapshot')).eventsRecorded).toBe(recorded);
    expect(client.closed).toBeUndefined();
    expect(client.stray).toEqual([]);
  });

  it('oversized payloads: too-large with the caller id, nothing reaches the guest', async () => {
    const { client, lab } = await setup();
    await client.call('clockPause');
    const before = await client.call('getSnapshot');
    const id = 4242;
    const padding = 'x'.repeat(MAX_CLIENT_MESSAGE_BYTES);
    await expect(client.sendCall({ type: 'call', id, method: 'consoleInput', args: [padding] }, id)).rejects.toMatchObject({
      code: 'too-large',
      message: `messages are limited to ${MAX_CLIENT_MESSAGE_BYTES} bytes`,
    });
    // Bytes, not characters: 600k two-byte characters are over the limit.
    await expect(client.sendCall({ type: 'call', id: id + 1, method: 'consoleInput', args: ['é'.repeat(600_000)] }, id + 1)).rejects.toMatchObject({
      code: 'too-large',
    });
    // Several megabytes: still answered, to the same caller.
    await expect(client.sendCall({ type: 'call', id: id + 2, method: 'getEvents', args: [0, 1], pad: 'y'.repeat(8 << 20) }, id + 2)).rejects.toMatchObject({
      code: 'too-large',
    });
    // Just under the limit is a normal call (refused by the contract's own limit on console input).
    const near = { type: 'call', id: id + 3, method: 'consoleInput', args: ['z'.repeat(MAX_CLIENT_MESSAGE_BYTES - 100)] };
    expect(JSON.stringify(near).length).toBeLessThanOrEqual(MAX_CLIENT_MESSAGE_BYTES);
    await expect(client.sendCall(near, id + 3)).rejects.toMatchObject({ code: 'bad-request', message: /at most 65536 characters/ });
    const after = await client.call('getSnapshot');
    expect(after).toEqual(before);
    expect(lab.recorder.recorded).toBe(before.eventsRecorded);
    expect(client.closed).toBeUndefined();
  });

  it('a frame beyond what the socket accepts at all closes that socket only (1009), the lab carries on', async () => {
    const { client, connect } = await setup();
    const other = await connect();
    client.ws.send('{"type":"call","id":1,"args":["' + 'x'.repeat(17 * MAX_CLIENT_MESSAGE_BYTES) + '"]}');
    await client.until(() => client.closed !== undefined, 'the socket to close');
    expect(client.closed!.code).toBe(1009);
    expect((await other.call('getSnapshot')).machine.state).toBe('running');
    const again = await connect();
    expect((await again.call('readConfig', 0, 4))).toBe(0x11e81234);
  });

  it('calls during a reset: a driver call sent with the reset is busy, one sent after its answer succeeds', async () => {
    const { client } = await setup();
    await client.call('driverLoad', { useMsi: true });
    // Both frames leave in the same tick, so the server reads them together.
    const reset = client.call('machineReset');
    const during = client.call('driverLoad', { noAck: true }).then(
      (status) => ({ ok: true as const, status }),
      (error: LabError) => ({ ok: false as const, error }),
    );
    const unloadDuring = client.call('driverUnload').catch((e: LabError) => e);
    const status = await reset;
    expect(status.state).toBe('running');
    const outcome = await during;
    expect(outcome).toMatchObject({ ok: false, error: { code: 'busy', message: 'the guest is rebooting' } });
    expect(await unloadDuring).toMatchObject({ code: 'busy' });
    // Nothing of the refused load happened: the rebooted guest has no driver.
    expect((await client.call('getSnapshot')).driver.loaded).toBe(false);
    // Once the reset has answered, the guest is up: a load works.
    expect(await client.call('driverLoad', { noAck: true })).toMatchObject({ loaded: true, params: { noAck: true }, mode: 'intx', irq: 11 });
    // And in that order, every time.
    for (let i = 0; i < 3; i++) {
      await client.call('machineReset');
      expect((await client.call('driverLoad', {})).loaded).toBe(true);
    }
  });

  it('calls while the machine is stopped on a hardware error get machine-stopped; machineReset recovers', async () => {
    const { client } = await setup();
    await client.call('clockPause');
    await client.call('machineSetProfile', 'qemu-7.2');
    // A transfer whose device side lies past the buffer: QEMU 7.2 aborts on it.
    await client.call('writeRegister', 0x80, 8, '0x1000');
    await client.call('writeRegister', 0x88, 8, '0x50000');
    await client.call('writeRegister', 0x90, 8, '0x10');
    await client.call('writeRegister', 0x98, 8, '0x1');
    const stopped = await client.call('clockStep');
    expect(stopped.state).toBe('aborted');
    const snap = await client.call('getSnapshot');
    expect(snap.machine.state).toBe('aborted');
    expect(snap.machine.abortMessage).toBe(
      'qemu: hardware error: EDU: DMA range 0x0000000000050000-0x000000000005000f out of bounds (0x0000000000040000-0x0000000000040fff)!',
    );
    await client.until(() => client.follower.state.machine?.state === 'aborted', 'the stream to show the abort');
    const stoppedMessage = /^the machine stopped on a hardware error: reset it first$/;
    for (const [method, args] of [['clockRun', []], ['clockStep', []], ['driverLoad', [{}]], ['driverUnload', []]] as const) {
      await expect(client.callRaw(method, args)).rejects.toMatchObject({ code: 'machine-stopped', message: expect.stringMatching(stoppedMessage) });
    }
    // Looking is still allowed, and the refused calls changed nothing.
    expect(await client.call('getSnapshot')).toEqual(snap);
    expect(await client.call('readConfig', 0, 4)).toBe(0x11e81234);

    const recovered = await client.call('machineReset');
    expect(recovered).toMatchObject({ state: 'running', profile: 'qemu-7.2', abortMessage: null });
    expect(await client.call('readRegister', 0x98, 8)).toBe('0x0'); // restarted: fresh registers
    expect((await client.call('clockRun')).state).toBe('running');
    expect((await client.call('driverLoad', {})).loaded).toBe(true);
    await sleep(10);
    expect(client.follower.problems).toEqual([]);
  });
});
