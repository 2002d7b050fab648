import { encodeEventBatch, rawEventBatch, type EventBatch } from '../../common/api/event-batch';
import type { ClockState, DeviceLogEntry, DriverStatus, EduRegisters, Hex, LabSnapshot, MachineStatus, RunState } from '../../common/api/lab-api';
import { EDU_ID } from '../../common/edu/datasheet';
import { EDU_SLOT } from '../machine/machine';
import { isEduProfileName } from '../machine/devices/edu/edu-profiles';
import type { Lab } from './lab';
import type { Replay } from './replay';

/** How many recent device log lines a snapshot carries. */
const SNAPSHOT_LOG_LINES = 200;

export const hex = (v: bigint | number): Hex => '0x' + v.toString(16);

/**
 * Base64 by Node's Buffer: the same text as the shared encoder, about ten times faster, which matters
 * for a stream moving millions of events a second during an interrupt storm.
 */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Recorded events [from, to) still in memory, raw (for the stream; fromSeq says where they really start). */
export function rawEvents(lab: Lab, from: number, to: number): EventBatch {
  const slice = lab.events().slice(from, to);
  return rawEventBatch(slice.fromSeq, slice.length, slice.buffer, slice.strings);
}

/** The same, base64 inside JSON (for call results). */
export function eventBatch(lab: Lab, from: number, to: number): EventBatch {
  const slice = lab.events().slice(from, to);
  return encodeEventBatch(slice.fromSeq, slice.length, slice.buffer, slice.strings, encodeBase64);
}

/** The machine's state as the contract names it ('destroyed' never reaches a window). */
function runState(lab: Lab): RunState {
  const s = lab.machine.state;
  return s === 'destroyed' ? 'paused' : s;
}

export function clockState(lab: Lab): ClockState {
  const m = lab.machine;
  return {
    state: runState(lab),
    vns: m.clock.now(),
    speed: m.clock.speed,
    deterministic: m.clock.deterministic,
    nextDeadlineNs: m.timers.nextDeadline() ?? null,
  };
}

export function machineStatus(lab: Lab): MachineStatus {
  const m = lab.machine;
  const edu = m.edu.snapshot();
  const abort = m.state === 'aborted' ? [...m.log.lines()].reverse().find((l) => l.channel === 'stderr') : undefined;
  return {
    state: runState(lab),
    profile: edu.profile,
    ramSize: m.ram.size,
    dmaMask: hex(edu.dmaMask),
    factDelayMs: edu.factDelayMs,
    bar0: m.edu.barAddress(0) ?? null,
    abortMessage: abort?.text ?? null,
  };
}

export function eduRegisters(lab: Lab): EduRegisters {
  const e = lab.machine.edu.snapshot();
  return {
    id: EDU_ID,
    liveness: e.liveness,
    factorial: e.factorial,
    status: e.status,
    irqStatus: e.irqStatus,
    dmaSrc: hex(e.dma.src),
    dmaDst: hex(e.dma.dst),
    dmaCount: hex(e.dma.cnt),
    dmaCmd: hex(e.dma.cmd),
    dmaDeadlineNs: e.dmaDeadline ?? null,
  };
}

/** The device's configuration space, read without a configuration cycle (nothing is traced). */
export function configBytes(lab: Lab): number[] {
  return [...lab.machine.pci.device(EDU_SLOT)!.config.bytes];
}

export function driverStatus(lab: Lab): DriverStatus {
  if (!lab.guest.running) return { loaded: false, params: null, irq: null, mode: null };
  const kernel = lab.guest.kernel;
  const loaded = kernel.modules.list().find((m) => m.name === 'edu');
  if (!loaded) return { loaded: false, params: null, irq: null, mode: null };
  const p = loaded.params;
  const dev = kernel.pci.find(EDU_SLOT);
  const bound = dev?.driver !== undefined;
  return {
    loaded: true,
    params: { useMsi: p.use_msi === true, noMaster: p.no_master === true, noAck: p.no_ack === true, noMask: p.no_mask === true },
    irq: bound ? dev!.irq : null,
    mode: bound ? (dev!.msiIrq !== undefined ? 'msi' : 'intx') : null,
  };
}

export function deviceLog(lab: Lab, limit = SNAPSHOT_LOG_LINES): DeviceLogEntry[] {
  return lab.machine.log.lines().slice(-limit).map((l) => ({ channel: l.channel, text: l.text, vns: l.vns }));
}

export function snapshot(lab: Lab): LabSnapshot {
  const replay = lab.replay;
  if (replay) return replaySnapshot(lab, replay);
  return {
    machine: machineStatus(lab),
    clock: clockState(lab),
    registers: eduRegisters(lab),
    config: configBytes(lab),
    configWritable: [...lab.machine.pci.device(EDU_SLOT)!.config.wmask],
    dmaBuffer: encodeBase64(lab.machine.edu.dmaBufferContents()),
    driver: driverStatus(lab),
    console: lab.transcript.text(),
    deviceLog: deviceLog(lab),
    replay: null,
    exports: lab.exports.list(),
    eventsRecorded: lab.recorder.recorded,
    eventsFirstSeq: lab.recorder.firstSeq,
  };
}

/** A replay's snapshot: the recorded session as it ended; the machine parts say nothing runs. */
function replaySnapshot(lab: Lab, replay: Replay): LabSnapshot {
  const end = replay.stateAt(replay.info.to);
  const live = machineStatus(lab);
  const profile = isEduProfileName(replay.info.profile) ? replay.info.profile : live.profile;
  return {
    machine: { ...live, state: 'paused', profile, abortMessage: null },
    clock: { state: 'paused', vns: replay.info.to, speed: 1, deterministic: false, nextDeadlineNs: null },
    registers: end.registers,
    config: end.config ?? new Array<number>(256).fill(0),
    configWritable: new Array<number>(256).fill(0), // nothing is editable in a replay
    dmaBuffer: encodeBase64(new Uint8Array(4096)),
    driver: { loaded: false, params: null, irq: null, mode: null },
    console: end.console,
    deviceLog: [],
    replay: replay.info,
    exports: lab.exports.list(),
    eventsRecorded: replay.log.recorded,
    eventsFirstSeq: replay.log.firstSeq,
  };
}
