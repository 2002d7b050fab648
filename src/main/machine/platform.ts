/**
 * The CPU's view of the machine: everything guest software (firmware, kernel, tools) may touch, and
 * nothing else. Port I/O, physical memory, the clock and its timers, interrupt inputs, and the board
 * facts firmware knows from its own tables. The guest imports only this file from the machine.
 */
import type { EventKind, Source } from '../../common/trace/schema';

export type NarrowSize = 1 | 2 | 4;

export interface GuestTimer {
  readonly pending: boolean;
  mod(deadlineNs: number): void;
  del(): void;
}

export interface MsiMessageIn {
  readonly address: number;
  readonly data: number;
}

export type RunState = 'running' | 'paused' | 'aborted' | 'destroyed';

export interface GuestPlatform {
  /** `in`/`out` instructions. */
  readonly io: {
    read(port: number, size: NarrowSize, source: Source): number;
    write(port: number, size: NarrowSize, value: number, source: Source): void;
  };
  /** Loads and stores to physical addresses (RAM and MMIO alike). */
  readonly memory: {
    read(addr: number, size: NarrowSize, source: Source): number;
    write(addr: number, size: NarrowSize, value: number, source: Source): void;
    read64(addr: number, source: Source): bigint;
    write64(addr: number, value: bigint, source: Source): void;
    readBytes(addr: bigint, length: number, source: Source): Uint8Array;
    writeBytes(addr: bigint, data: Uint8Array, source: Source): void;
  };
  readonly ramSize: number;

  /** Virtual time in ns. */
  now(): number;
  /** A timer on the virtual clock (the guest's clock events). */
  createTimer(name: string, callback: () => void): GuestTimer;
  /** The CPU halted (waiting for an interrupt, timer or input) or runs: deterministic warps wait for idle. */
  setCpuIdle(idle: boolean): void;

  /** Interrupt controller inputs: level changes of the shared lines, and MSI messages. */
  onLineChange(listener: (gsi: number, level: boolean) => void): () => void;
  lineLevel(gsi: number): boolean;
  onMsi(listener: (message: MsiMessageIn) => void): () => void;

  /** Whether the CPU may run, and changes of it (pause, hardware error, reset). */
  readonly runState: RunState;
  onRunStateChange(listener: (state: RunState) => void): () => void;
  onReset(listener: () => void): () => void;
  /** A reset request from software (the reset control register, `reboot`). */
  requestReset(): void;

  /** What firmware knows about the board from its own tables. */
  readonly board: BoardInfo;

  /** The guest kernel's own instrumentation (handler entry/exit, printk, console), recorded with the machine's. */
  readonly trace: GuestTrace;
}

export interface GuestTrace {
  event(kind: EventKind, addr: number, value: number): void;
  text(kind: EventKind, addr: number, text: string): void;
  /** Everything traced until end() shares one timestamp (always pair with end() in a finally). */
  begin(): void;
  end(): void;
}

export interface BoardInfo {
  /** The interrupt line a slot's INTx pin reaches after the PIRQ router is programmed. */
  intxRoute(slot: number, pin: number): number;
  /** The window where firmware places 32-bit memory BARs, allocated downward from its end. */
  readonly pciMmioWindow: { readonly start: number; readonly end: number };
  readonly msiAddressBase: number;
}
