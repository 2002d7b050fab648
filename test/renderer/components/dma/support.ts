/**
 * Builders for the DMA animator's tests: event batches as the stream decodes them, a lab snapshot with
 * the DMA registers of a scenario, and a fake Lab whose guest memory holds known bytes.
 */
import { vi } from 'vitest';
import { encodeBase64 } from '../../../../src/common/api/base64';
import type { DecodedBatch } from '../../../../src/common/api/event-batch';
import type { ClockState, EduRegisters, LabSnapshot, MachineStatus } from '../../../../src/common/api/lab-api';
import { BYTES_PER_EVENT, columnsOf } from '../../../../src/common/trace/columns';
import { EventFlag, EventKind, Source } from '../../../../src/common/trace/schema';
import type { Lab } from '../../../../src/renderer/src/api/lab';
import { snapshot as baseSnapshot } from '../shell/support';

export interface Ev {
  readonly kind: EventKind;
  readonly vns?: number;
  readonly addr?: number;
  readonly value?: bigint | number;
  readonly flags?: number;
  readonly text?: string;
}

/** A decoded batch of `events`, numbered from `fromSeq`. */
export function eventBatch(fromSeq: number, events: readonly Ev[]): DecodedBatch {
  const n = events.length;
  const cols = columnsOf(new ArrayBuffer(n * BYTES_PER_EVENT), n);
  const strings = new Map<number, string>();
  events.forEach((e, i) => {
    cols.vns[i] = e.vns ?? 0;
    cols.hns[i] = e.vns ?? 0;
    cols.kind[i] = e.kind;
    cols.source[i] = Source.Device;
    cols.size[i] = 8;
    cols.addr[i] = e.addr ?? 0;
    let flags = e.flags ?? 0;
    if (e.text !== undefined) {
      const id = strings.size + 1;
      strings.set(id, e.text);
      cols.valueLo[i] = id;
      flags |= EventFlag.Text;
    } else {
      const v = BigInt(e.value ?? 0);
      cols.valueLo[i] = Number(v & 0xffffffffn);
      cols.valueHi[i] = Number(v >> 32n);
    }
    cols.flags[i] = flags;
  });
  return { ...cols, fromSeq, count: n, strings };
}

export const MiB = 1 << 20;

export function registers(over: Partial<EduRegisters> = {}): EduRegisters {
  return { ...baseSnapshot().registers, ...over };
}

export function machine(over: Partial<MachineStatus> = {}): MachineStatus {
  return { ...baseSnapshot().machine, ramSize: 128 * MiB, ...over };
}

export function clock(over: Partial<ClockState> = {}): ClockState {
  return { ...baseSnapshot().clock, vns: 1_000_000_000, ...over };
}

/** Config space with the command register at 0x0107 (bus master on) unless `command` says otherwise. */
export function configBytes(command = 0x0107): number[] {
  const c = new Array<number>(256).fill(0);
  c[0] = 0x34;
  c[1] = 0x12;
  c[2] = 0xe8;
  c[3] = 0x11;
  c[4] = command & 0xff;
  c[5] = command >> 8;
  return c;
}

export function snapshot(over: { machine?: Partial<MachineStatus>; clock?: Partial<ClockState>; registers?: Partial<EduRegisters>; buffer?: Uint8Array; command?: number } = {}): LabSnapshot {
  return baseSnapshot({
    machine: machine(over.machine),
    clock: clock(over.clock),
    registers: registers(over.registers),
    config: configBytes(over.command),
    dmaBuffer: encodeBase64(over.buffer ?? new Uint8Array(4096)),
    driver: { loaded: true, params: null, irq: 11, mode: 'intx' },
  });
}

/** Guest RAM of the fake lab: sparse bytes by address, zeros elsewhere. */
export class FakeRam {
  readonly bytes = new Map<number, number>();

  write(address: number, data: Uint8Array | string): void {
    const b = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    b.forEach((v, i) => this.bytes.set(address + i, v));
  }

  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.bytes.get(address + i) ?? 0;
    return out;
  }
}

/** A Lab whose only working method is readMemory (over `ram`); the rest reject. */
export function fakeLab(ram: FakeRam) {
  const readMemory = vi.fn(async (address: string, length: number) => encodeBase64(ram.read(Number(BigInt(address)), length)));
  const lab = new Proxy({ readMemory, host: 'web' } as Record<string | symbol, unknown>, {
    get(target, key) {
      if (key in target) return target[key];
      if (key === 'then') return undefined;
      return () => Promise.reject(new Error(`fake lab: ${String(key)} not implemented`));
    },
  }) as unknown as Lab;
  return { lab, readMemory };
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A 4096-byte buffer holding `data` at `offset`. */
export function bufferWith(data: Uint8Array | string, offset = 0): Uint8Array {
  const b = new Uint8Array(4096);
  b.set(typeof data === 'string' ? bytesOf(data) : data, offset);
  return b;
}
