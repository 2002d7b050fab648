import { EDU_BAR0_SIZE } from '../edu/datasheet';
import { EDU_PROFILE_NAMES, type EduProfileName } from '../edu/profiles';
import type { EventBatch } from './event-batch';
import { EXPORT_FORMATS, IMPORT_CHUNK_BYTES, MAX_IMPORT_BYTES, type ExportJob, type ReplayInfo, type ReplayState } from './session';
import { v, type Infer, type Validator } from './validate';

/**
 * The contract between the lab and every window: one method per operation, each with its arguments'
 * validator (checked at the boundary, before anything happens) and its result type. The same contract
 * runs over Electron IPC and over the web host's WebSocket; the renderer never knows which.
 */

/** 64-bit values travel as `0x…` strings: JSON has no bigint. */
export type Hex = string;

export const MAX_CONSOLE_INPUT = 64 * 1024;
/** Most bytes one readMemory call returns (the DMA buffer's size). */
export const MAX_MEMORY_READ = 4096;
/** Most events one getEvents call returns. */
export const MAX_EVENTS_PER_CALL = 1 << 20;

export type RunState = 'running' | 'paused' | 'aborted';

export interface ClockState {
  readonly state: RunState;
  readonly vns: number;
  readonly speed: number;
  readonly deterministic: boolean;
  /** Virtual time of the next timer deadline, if any (for "step"). */
  readonly nextDeadlineNs: number | null;
}

export interface MachineStatus {
  readonly state: RunState;
  readonly profile: EduProfileName;
  readonly ramSize: number;
  readonly dmaMask: Hex;
  readonly factDelayMs: number;
  /** Where BAR0 decodes now, or null. */
  readonly bar0: number | null;
  /** The hardware error that stopped the machine, while aborted. */
  readonly abortMessage: string | null;
}

/** The edu device's registers as the device holds them (not through the BAR). */
export interface EduRegisters {
  readonly id: number;
  readonly liveness: number;
  readonly factorial: number;
  readonly status: number;
  readonly irqStatus: number;
  readonly dmaSrc: Hex;
  readonly dmaDst: Hex;
  readonly dmaCount: Hex;
  readonly dmaCmd: Hex;
  /** Virtual time at which the pending transfer runs. */
  readonly dmaDeadlineNs: number | null;
}

export interface DriverParams {
  readonly useMsi?: boolean;
  readonly noMaster?: boolean;
  readonly noAck?: boolean;
  readonly noMask?: boolean;
}

export interface DriverStatus {
  readonly loaded: boolean;
  readonly params: Required<DriverParams> | null;
  /** The irq the driver requested and how it arrives, while loaded and bound. */
  readonly irq: number | null;
  readonly mode: 'intx' | 'msi' | null;
}

/** One line of the device's own log (QEMU's guest errors, or what older releases printed). */
export interface DeviceLogEntry {
  readonly channel: 'guest-error' | 'stdout' | 'stderr';
  readonly text: string;
  readonly vns: number;
}

/** Everything a window needs to draw the lab from scratch. */
export interface LabSnapshot {
  readonly machine: MachineStatus;
  readonly clock: ClockState;
  readonly registers: EduRegisters;
  /** The 256 bytes of 00:04.0's configuration space. */
  readonly config: readonly number[];
  /** Which bits of each config byte software can write (the device's write mask); the rest are read-only. */
  readonly configWritable: readonly number[];
  /** The 4096-byte DMA buffer, base64. */
  readonly dmaBuffer: string;
  readonly driver: DriverStatus;
  /** The console's recent output (the terminal replays it). */
  readonly console: string;
  readonly deviceLog: readonly DeviceLogEntry[];
  /** A recorded session shown instead of the live lab (read-only), or null. */
  readonly replay: ReplayInfo | null;
  /** Recent exports and the one running. */
  readonly exports: readonly ExportJob[];
  /** One past the newest recorded event's sequence number. */
  readonly eventsRecorded: number;
  /** The oldest sequence number still available from getEvents. */
  readonly eventsFirstSeq: number;
}

const accessSize = v.oneOf([1, 2, 4, 8] as const);
const configSize = v.oneOf([1, 2, 4] as const);
const seq = v.int(0, Number.MAX_SAFE_INTEGER);
const vns = v.number(0, Number.MAX_SAFE_INTEGER);

/** Each method's argument list. */
export const LAB_METHODS = {
  consoleInput: v.args(v.string(MAX_CONSOLE_INPUT)),
  consoleResize: v.args(v.int(2, 1000), v.int(1, 500)),
  readRegister: v.args(v.int(0, EDU_BAR0_SIZE - 1), accessSize),
  writeRegister: v.args(v.int(0, EDU_BAR0_SIZE - 1), accessSize, v.hex64()),
  readConfig: v.args(v.int(0, 255), configSize),
  writeConfig: v.args(v.int(0, 255), configSize, v.int(0, 0xffffffff)),
  clockRun: v.args(),
  clockPause: v.args(),
  clockStep: v.args(),
  clockSetSpeed: v.args(v.oneOf([1, 0.1, 0.01] as const)),
  clockSetDeterministic: v.args(v.boolean()),
  /** System reset; answers once the guest has booted again (driver calls get 'busy' until then). */
  machineReset: v.args(),
  machineSetProfile: v.args(v.oneOf(EDU_PROFILE_NAMES)),
  machineSetDmaMask: v.args(v.hex64()),
  machineSetFactDelay: v.args(v.int(0, 10_000)),
  driverLoad: v.args(
    v.object({
      useMsi: v.optional(v.boolean()),
      noMaster: v.optional(v.boolean()),
      noAck: v.optional(v.boolean()),
      noMask: v.optional(v.boolean()),
    }),
  ),
  driverUnload: v.args(),
  getSnapshot: v.args(),
  getEvents: v.args(seq, seq),
  /** Guest physical memory (RAM, or what decodes there) as the UI's probe reads it; base64. */
  readMemory: v.args(v.hex64(), v.int(1, MAX_MEMORY_READ)),
  /** Save the session (or the time range between `from` and `to`, virtual ns) where the host says. */
  sessionExport: v.args(v.object({ format: v.oneOf(EXPORT_FORMATS), from: v.optional(vns), to: v.optional(vns) })),
  sessionExportCancel: v.args(seq),
  /** Send a session file (a dropped file, a file picker) in chunks, then replay it. */
  sessionImportBegin: v.args(v.string(255), v.int(1, MAX_IMPORT_BYTES)),
  sessionImportChunk: v.args(seq, v.string(Math.ceil(IMPORT_CHUNK_BYTES / 3) * 4)),
  /** Import what arrived and show it instead of the live lab (errors name the line of the file). */
  sessionImportEnd: v.args(seq),
  sessionImportAbort: v.args(seq),
  /** The replayed device's registers, config space and console at a moment. */
  replayStateAt: v.args(vns),
  /** Back to the live lab. */
  replayClose: v.args(),
} as const satisfies Record<string, Validator<readonly unknown[]>>;

export type LabMethod = keyof typeof LAB_METHODS;
export const LAB_METHOD_NAMES = Object.keys(LAB_METHODS) as readonly LabMethod[];

export function isLabMethod(name: unknown): name is LabMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(LAB_METHODS, name);
}

export type LabArgs<M extends LabMethod> = Infer<(typeof LAB_METHODS)[M]>;

/** Each method's result. */
export interface LabResults {
  consoleInput: void;
  consoleResize: void;
  readRegister: Hex;
  writeRegister: void;
  readConfig: number;
  writeConfig: void;
  clockRun: ClockState;
  clockPause: ClockState;
  clockStep: ClockState;
  clockSetSpeed: ClockState;
  clockSetDeterministic: ClockState;
  machineReset: MachineStatus;
  machineSetProfile: MachineStatus;
  machineSetDmaMask: MachineStatus;
  machineSetFactDelay: MachineStatus;
  driverLoad: DriverStatus;
  driverUnload: DriverStatus;
  getSnapshot: LabSnapshot;
  getEvents: EventBatch;
  readMemory: string;
  sessionExport: ExportJob;
  sessionExportCancel: ExportJob;
  sessionImportBegin: number;
  sessionImportChunk: number;
  sessionImportEnd: ReplayInfo;
  sessionImportAbort: void;
  replayStateAt: ReplayState;
  replayClose: void;
}

/** The lab as a window sees it. */
export type LabApi = { [M in LabMethod]: (...args: LabArgs<M>) => Promise<LabResults[M]> };

// ---- errors ---------------------------------------------------------------------------------------

export type LabErrorCode =
  /** An argument is missing, of the wrong type or out of range. */
  | 'bad-request'
  /** No such method. */
  | 'unknown-method'
  /** The call's payload is larger than the contract allows. */
  | 'too-large'
  /** The lab cannot do this now (the guest is rebooting, a request is already running). */
  | 'busy'
  /** The machine stopped on a hardware error: reset it first. */
  | 'machine-stopped'
  /** The operation ran and failed (a driver that refused to load, say). */
  | 'failed'
  /** The caller is not allowed (wrong token, foreign sender). */
  | 'forbidden'
  /** The connection to the lab is down (the window retries by itself). */
  | 'disconnected'
  /** A recorded session is shown (replay): the live lab cannot be changed until it is closed. */
  | 'read-only'
  /** A bug on the lab's side. */
  | 'internal';

/** A typed error every transport carries as `{ code, message }`. */
export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LabError';
  }

  toJSON(): { code: LabErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

const ERROR_CODES: readonly LabErrorCode[] = [
  'bad-request',
  'unknown-method',
  'too-large',
  'busy',
  'machine-stopped',
  'failed',
  'forbidden',
  'disconnected',
  'read-only',
  'internal',
];

/** Rebuild a LabError from what a transport delivered (anything else becomes an internal error). */
export function toLabError(value: unknown): LabError {
  if (value instanceof LabError) return value;
  const o = value as { code?: unknown; message?: unknown } | null;
  if (o && typeof o.message === 'string' && ERROR_CODES.includes(o.code as LabErrorCode)) return new LabError(o.code as LabErrorCode, o.message);
  return new LabError('internal', o && typeof o.message === 'string' ? o.message : String(value));
}

/** Check a call's method and arguments against the contract; throws LabError('bad-request'|'unknown-method'). */
export function validateCall<M extends LabMethod>(method: unknown, args: unknown): { method: M; args: LabArgs<M> } {
  if (!isLabMethod(method)) throw new LabError('unknown-method', `no such method: ${JSON.stringify(method)?.slice(0, 60)}`);
  try {
    return { method: method as M, args: LAB_METHODS[method](args ?? [], method) as LabArgs<M> };
  } catch (error) {
    throw new LabError('bad-request', (error as Error).message);
  }
}
