import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { decodeBase64 } from '../../../common/api/base64';
import { toLabError, type ClockState, type DeviceLogEntry, type DriverStatus, type EduRegisters, type LabArgs, type LabMethod, type LabResults, type LabSnapshot, type MachineStatus } from '../../../common/api/lab-api';
import type { ExportJob, ReplayInfo } from '../../../common/api/session';
import type { StreamMessage } from '../../../common/api/stream';
import type { Lab } from '../api/lab';
import { t } from '../i18n';
import { useNotifications } from './notifications';

/** Who last touched a register through the BAR, and when (virtual ns). */
export interface RegisterAccess {
  readonly source: number;
  readonly write: boolean;
  readonly vns: number;
  readonly value: bigint;
}

export interface LogLine {
  readonly origin: 'device' | 'dmesg';
  readonly channel: string;
  readonly text: string;
  readonly vns: number;
}

const LOG_LIMIT = 5000;

/**
 * The lab as this window sees it: the state the stream keeps current (machine, clock, registers, config
 * space, driver, DMA buffer, logs), and `call()` for operations, which reports refusals to the user.
 */
export const useLab = defineStore('lab', () => {
  const api = shallowRef<Lab>();
  const connected = ref(false);
  const machine = shallowRef<MachineStatus | null>(null);
  const clock = shallowRef<ClockState | null>(null);
  const registers = shallowRef<EduRegisters | null>(null);
  const config = shallowRef<readonly number[]>([]);
  const configWritable = shallowRef<readonly number[]>([]);
  const dmaBuffer = shallowRef<Uint8Array>(new Uint8Array(4096));
  const driver = shallowRef<DriverStatus | null>(null);
  /** Register offset → performance.now() of its last change, for the table's flash. */
  const registerChangedAt = shallowRef<ReadonlyMap<number, number>>(new Map());
  const lastAccess = shallowRef<ReadonlyMap<number, RegisterAccess>>(new Map());
  const logs = shallowRef<readonly LogLine[]>([]);
  /** The recorded session shown instead of the live lab (read-only), or null. */
  const replay = shallowRef<ReplayInfo | null>(null);
  const exports = shallowRef<readonly ExportJob[]>([]);

  function attach(lab: Lab): void {
    api.value = lab;
  }

  /** Run a LabApi method; a refusal becomes a notice (and undefined), never an uncaught error. */
  async function call<M extends LabMethod>(method: M, ...args: LabArgs<M>): Promise<LabResults[M] | undefined> {
    const lab = api.value;
    if (!lab) return undefined;
    try {
      const fn = lab[method] as unknown as (...a: unknown[]) => Promise<LabResults[M]>;
      return await fn(...(args as unknown as unknown[]));
    } catch (error) {
      const e = toLabError(error);
      useNotifications().show('error', `${t('app.errorTitle')}: ${e.message}`);
      return undefined;
    }
  }

  function applySnapshot(s: LabSnapshot): void {
    connected.value = true;
    machine.value = s.machine;
    clock.value = s.clock;
    setRegisters(s.registers);
    config.value = s.config;
    configWritable.value = s.configWritable;
    dmaBuffer.value = decodeBase64(s.dmaBuffer);
    driver.value = s.driver;
    logs.value = s.deviceLog.map((l) => deviceLine(l));
    replay.value = s.replay;
    exports.value = s.exports;
  }

  /** A replay's device state at a moment (the tables and the console show it). */
  function applyReplayState(state: { registers: EduRegisters; config: readonly number[] | null }): void {
    setRegisters(state.registers);
    if (state.config) config.value = state.config;
  }

  function applyMessage(m: StreamMessage): void {
    if (m.machine) machine.value = m.machine;
    if (m.clock) clock.value = m.clock;
    if (m.registers) setRegisters(m.registers);
    if (m.config) config.value = m.config;
    if (m.driver) driver.value = m.driver;
    if (m.dmaBuffer) dmaBuffer.value = decodeBase64(m.dmaBuffer);
    if (m.deviceLog?.length) addLogs(m.deviceLog.map((l) => deviceLine(l)));
    if (m.exports) exports.value = m.exports;
  }

  function setRegisters(next: EduRegisters): void {
    const prev = registers.value;
    registers.value = next;
    if (!prev) return;
    const changed = new Map(registerChangedAt.value);
    const now = performance.now();
    for (const [offset, key] of REGISTER_FIELDS) if (prev[key] !== next[key]) changed.set(offset, now);
    registerChangedAt.value = changed;
  }

  function noteAccesses(accesses: ReadonlyMap<number, RegisterAccess>): void {
    if (accesses.size === 0) return;
    lastAccess.value = new Map([...lastAccess.value, ...accesses]);
  }

  function addLogs(lines: readonly LogLine[]): void {
    if (lines.length === 0) return;
    logs.value = [...logs.value, ...lines].slice(-LOG_LIMIT);
  }

  function disconnected(): void {
    connected.value = false;
  }

  return {
    api,
    connected,
    machine,
    clock,
    registers,
    config,
    configWritable,
    dmaBuffer,
    driver,
    registerChangedAt,
    lastAccess,
    logs,
    replay,
    exports,
    applyReplayState,
    attach,
    call,
    applySnapshot,
    applyMessage,
    noteAccesses,
    addLogs,
    disconnected,
  };
});

function deviceLine(l: DeviceLogEntry): LogLine {
  return { origin: 'device', channel: l.channel, text: l.text, vns: l.vns };
}

/** Register offsets and the snapshot fields that hold them. */
const REGISTER_FIELDS: readonly [number, keyof EduRegisters][] = [
  [0x04, 'liveness'],
  [0x08, 'factorial'],
  [0x20, 'status'],
  [0x24, 'irqStatus'],
  [0x80, 'dmaSrc'],
  [0x88, 'dmaDst'],
  [0x90, 'dmaCount'],
  [0x98, 'dmaCmd'],
];
