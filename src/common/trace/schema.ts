/**
 * The trace event schema: what the recorder stores and every view and exporter reads.
 * An event is a fixed record (times, kind, source, size, flags, addr, 64-bit value); text events keep
 * their text in a string table and its index in `value`. The numbers are part of the session file
 * format: append new kinds, never renumber.
 */

export const EventKind = {
  ConfigRead: 1,
  ConfigWrite: 2,
  MmioRead: 3,
  MmioWrite: 4,
  /** A device register took a new value: addr = register offset, value = new value. */
  RegisterChange: 5,
  /** Interrupt status bits raised: addr = new status, value = bits. */
  IrqRaise: 6,
  /** Interrupt status bits acknowledged: addr = new status, value = bits. */
  IrqAck: 7,
  /** A device's INTx pin changed level: addr = interrupt line (GSI), value = level. */
  IntxLevel: 8,
  /** An MSI message: addr = low address, value = data; flag Dropped when bus mastering is off. */
  MsiMessage: 9,
  /** Factorial thread started: value = n. */
  FactStart: 10,
  /** Factorial thread finished: value = n!, flag IrqRequested when IRQFACT was set at completion. */
  FactFinish: 11,
  /** A DMA register was programmed: addr = register offset, value = 64-bit value. */
  DmaProgram: 12,
  /** A transfer was scheduled: value = command, addr = deadline in ms of virtual time. */
  DmaStart: 13,
  /** A transfer completed: value = byte count moved, flags say what happened. */
  DmaComplete: 14,
  /** A transfer was refused or aborted: value = string (the log line). */
  DmaError: 15,
  /** A device guest-error log line: value = string. */
  GuestError: 16,
  /** A timer was armed: addr = timer id, value = deadline (virtual ns). */
  TimerArm: 17,
  /** A timer fired: addr = timer id, value = lateness in virtual ns. */
  TimerFire: 18,
  ClockPause: 19,
  ClockResume: 20,
  /** The clock stepped (warped) to the next deadline: value = ns advanced. */
  ClockStep: 21,
  /** Slow motion: value = speed in millionths. */
  ClockSpeed: 22,
  /** Deterministic mode toggled: value = 1 on, 0 off. */
  ClockMode: 23,
  MachineReset: 24,
  /** The machine stopped on a hardware error: value = string. */
  MachineAbort: 25,
  /** Names a timer id (once per timer): addr = timer id, value = string. */
  TimerName: 26,
  /** Device property changed: value = string "name=value". */
  PropertyChange: 27,

  // ---- guest-side events (the guest kernel's own instrumentation) ----
  /** An interrupt handler was entered: addr = Linux irq number, value = hardware irq (GSI, or MSI hwirq). */
  HandlerEnter: 28,
  /** An interrupt handler returned: addr = irq, value = 1 if some handler handled it, 0 if nobody did. */
  HandlerExit: 29,
  /** The kernel disabled an interrupt line ("nobody cared"): addr = irq. */
  IrqDisabled: 30,
  /** A kernel log line: value = string (without the timestamp). */
  Dmesg: 31,
  /** Bytes the guest wrote to its serial console: value = string. */
  ConsoleOutput: 32,
  /** Bytes typed into the serial console: value = string. */
  ConsoleInput: 33,
  /** The shell started a command line: value = string. */
  ShellCommand: 34,
  /** A command line finished: value = exit status. */
  ShellExit: 35,
  /** The guest booted (firmware done, kernel starting). */
  GuestBoot: 36,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Who caused an event. MMIO and config accesses name their initiator; device-side events say Device. */
export const Source = {
  Machine: 0,
  Guest: 1,
  Ui: 2,
  Test: 3,
  Device: 4,
  Firmware: 5,
} as const;
export type Source = (typeof Source)[keyof typeof Source];

export const EventFlag = {
  /** The access broke the region's size or alignment rules: reads gave 0, writes were dropped. */
  Invalid: 0x01,
  /** The device ignored the write (read-only register, busy engine, unknown offset). */
  Ignored: 0x02,
  /** An MSI message was not delivered (bus mastering off). */
  Dropped: 0x04,
  /** A DMA address was clamped by dma_mask. */
  Clamped: 0x08,
  /** DMA moved zeros or nothing because bus mastering was off. */
  NoMaster: 0x10,
  /** DMA range was out of bounds: nothing was copied. */
  OutOfRange: 0x20,
  /** The factorial finished with IRQFACT set. */
  IrqRequested: 0x40,
  /** The event carries text in the string table (value = string id). */
  Text: 0x80,
} as const;

export const EVENT_KIND_NAMES: Readonly<Record<EventKind, string>> = Object.freeze(
  Object.fromEntries(Object.entries(EventKind).map(([name, id]) => [id, name])) as Record<EventKind, string>,
);
export const SOURCE_NAMES: Readonly<Record<Source, string>> = Object.freeze(
  Object.fromEntries(Object.entries(Source).map(([name, id]) => [id, name.toLowerCase()])) as Record<Source, string>,
);

/** One decoded event. `value` is exact (64 bits); `text` is present on text events. */
export interface TraceEvent {
  readonly seq: number;
  /** Virtual time in ns (QEMU_CLOCK_VIRTUAL). */
  readonly vns: number;
  /** Host monotonic time in ns since the recorder started. */
  readonly hns: number;
  readonly kind: EventKind;
  readonly source: Source;
  readonly size: number;
  readonly flags: number;
  readonly addr: number;
  readonly value: bigint;
  readonly text?: string;
}

export function isEventKind(n: number): n is EventKind {
  return n in EVENT_KIND_NAMES;
}
