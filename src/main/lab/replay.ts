import type { EduRegisters } from '../../common/api/lab-api';
import type { ReplayInfo, ReplayState } from '../../common/api/session';
import { EDU_ID, EduReg } from '../../common/edu/datasheet';
import { EventFlag, EventKind, type TraceEvent } from '../../common/trace/schema';
import type { ImportedSession } from '../session/import';
import { hex } from './state';

/** The console output a replay state carries (its last part, like the live transcript). */
const CONSOLE_TAIL = 256 * 1024;
/** Config space accesses of the edu device (slot 4, function 0) in trace addresses. */
const EDU_CONFIG = 4 << 11;

/** Config space as the session header records it: at power-on, and which bits software may write. */
export interface RecordedConfig {
  readonly initial: readonly number[];
  readonly writable: readonly number[];
}

/**
 * A recorded session shown instead of the live lab: read-only. The device's registers, config space
 * and console at any moment are rebuilt from the recorded events up to it.
 */
export class Replay {
  readonly info: ReplayInfo;

  constructor(
    readonly session: ImportedSession,
    name: string,
  ) {
    const log = session.log;
    this.info = {
      name,
      app: session.header.app,
      createdAt: session.header.createdAt,
      profile: session.header.profile,
      events: log.count,
      from: log.startVns ?? 0,
      to: log.endVns ?? 0,
      droppedLine: session.droppedLine ?? null,
    };
  }

  get log() {
    return this.session.log;
  }

  /** The device as the session had it at `vns` (every event up to and including that time). */
  stateAt(vns: number): ReplayState {
    const regs = { liveness: 0, factorial: 0, status: 0, irqStatus: 0, dmaSrc: 0n, dmaDst: 0n, dmaCount: 0n, dmaCmd: 0n };
    let dmaDeadlineNs: number | null = null;
    const recorded = (this.session.header as { config?: RecordedConfig }).config;
    const initial = recorded && validConfig(recorded) ? recorded : undefined;
    const config = initial ? [...initial.initial] : null;
    let consoleText = '';
    const end = this.log.seqAtTime(vns + 1);
    for (const e of this.log.events(this.log.firstSeq, end)) {
      switch (e.kind) {
        case EventKind.RegisterChange:
          applyRegister(regs, e);
          break;
        case EventKind.DmaStart:
          dmaDeadlineNs = e.addr * 1e6;
          break;
        case EventKind.DmaComplete:
        case EventKind.DmaError:
          dmaDeadlineNs = null;
          break;
        case EventKind.MachineReset:
          Object.assign(regs, { liveness: 0, irqStatus: 0, dmaSrc: 0n, dmaDst: 0n, dmaCount: 0n, dmaCmd: 0n });
          dmaDeadlineNs = null;
          if (config && initial) config.splice(0, 256, ...initial.initial);
          break;
        case EventKind.ConfigWrite:
          if (config && initial && (e.addr & ~0xff) === EDU_CONFIG) writeConfig(config, initial.writable, e.addr & 0xff, e.size, Number(e.value));
          break;
        case EventKind.ConsoleOutput:
          if (e.flags & EventFlag.Text) {
            consoleText += e.text ?? '';
            if (consoleText.length > 2 * CONSOLE_TAIL) consoleText = consoleText.slice(-CONSOLE_TAIL);
          }
          break;
      }
    }
    const registers: EduRegisters = {
      id: EDU_ID,
      liveness: regs.liveness,
      factorial: regs.factorial,
      status: regs.status,
      irqStatus: regs.irqStatus,
      dmaSrc: hex(regs.dmaSrc),
      dmaDst: hex(regs.dmaDst),
      dmaCount: hex(regs.dmaCount),
      dmaCmd: hex(regs.dmaCmd),
      dmaDeadlineNs,
    };
    return { vns, registers, config, console: consoleText.slice(-CONSOLE_TAIL) };
  }
}

function applyRegister(regs: { liveness: number; factorial: number; status: number; irqStatus: number; dmaSrc: bigint; dmaDst: bigint; dmaCount: bigint; dmaCmd: bigint }, e: TraceEvent): void {
  const v32 = Number(e.value & 0xffffffffn);
  switch (e.addr) {
    case EduReg.Liveness:
      regs.liveness = v32;
      break;
    case EduReg.Factorial:
      regs.factorial = v32;
      break;
    case EduReg.Status:
      regs.status = v32;
      break;
    case EduReg.IrqStatus:
      regs.irqStatus = v32;
      break;
    case EduReg.DmaSrc:
      regs.dmaSrc = e.value;
      break;
    case EduReg.DmaDst:
      regs.dmaDst = e.value;
      break;
    case EduReg.DmaCount:
      regs.dmaCount = e.value;
      break;
    case EduReg.DmaCmd:
      regs.dmaCmd = e.value;
      break;
  }
}

/** A config write as the device applies it: only the writable bits of each byte change. */
function writeConfig(config: number[], writable: readonly number[], offset: number, size: number, value: number): void {
  for (let i = 0; i < size && offset + i < 256; i++) {
    const mask = writable[offset + i]!;
    const byte = (value >>> (8 * i)) & 0xff;
    config[offset + i] = (config[offset + i]! & ~mask) | (byte & mask);
  }
}

function validConfig(c: RecordedConfig): boolean {
  const bytes = (a: unknown) => Array.isArray(a) && a.length === 256 && a.every((b) => Number.isInteger(b) && b >= 0 && b <= 255);
  return bytes(c.initial) && bytes(c.writable);
}
