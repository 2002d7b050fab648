import { PciReg } from '../../src/common/pci';
import { EventKind, Source } from '../../src/common/trace/schema';
import type { DeviceLogChannel } from '../../src/main/machine/device-log';
import type { MsiMessage } from '../../src/main/machine/interrupts/msi-window';
import type { Machine } from '../../src/main/machine/machine';
import type { TraceSink } from '../../src/main/machine/trace';
import { createMachine } from './machine';
import { mmio, programLikeSeaBios, setEduConfig } from './pci';

/** The edu device's interrupt line on QEMU's pc machine (slot 4, INTA#, after SeaBIOS). */
export const EDU_GSI = 11;
/** Where a Linux guest points the MSI capability (APIC id 0) and a vector in the data word. */
export const MSI_ADDRESS = 0xfee00000;
export const MSI_DATA = 0x4023;
export const MSI_CAP = 0x40;

export type Mmio = ReturnType<typeof mmio>;

/** A booted machine as firmware leaves it, with BAR0 at 0xfea00000 and, by default, bus mastering on. */
export async function bootedEdu(options: Parameters<typeof createMachine>[0] & { master?: boolean } = {}) {
  const { master = true, ...machineOptions } = options;
  const machine = await createMachine(machineOptions);
  programLikeSeaBios(machine);
  if (master) setEduConfig(machine, PciReg.Command, 2, 0x0107);
  return { machine, r: mmio(machine) };
}

/** What a driver does to use MSI: program address and data, then set the enable bit. */
export function enableMsi(machine: Machine, address = MSI_ADDRESS, data = MSI_DATA): void {
  setEduConfig(machine, MSI_CAP + 4, 4, address);
  setEduConfig(machine, MSI_CAP + 8, 4, 0);
  setEduConfig(machine, MSI_CAP + 0x0c, 2, data);
  setEduConfig(machine, MSI_CAP + 2, 2, 0x0001);
}

/** Every change of an interrupt line, as the IO-APIC reports it. */
export function recordLines(machine: Machine): { gsi: number; level: boolean }[] {
  const changes: { gsi: number; level: boolean }[] = [];
  machine.ioapic.onChange((gsi, level) => changes.push({ gsi, level }));
  return changes;
}

/** Every MSI message that reaches the APIC window. */
export function recordMsi(machine: Machine): MsiMessage[] {
  const messages: MsiMessage[] = [];
  machine.onMsi((m) => messages.push(m));
  return messages;
}

export interface RecordedEvent {
  readonly kind: EventKind;
  readonly source: Source;
  readonly addr: number;
  readonly flags: number;
  readonly value: bigint;
  readonly text?: string;
}

const traceListeners = new WeakMap<Machine, Set<(e: RecordedEvent) => void>>();

/** Hear every trace event of `machine` (one fan-out sink is attached: tests own their machine). */
export function onTrace(machine: Machine, listener: (e: RecordedEvent) => void): () => void {
  let listeners = traceListeners.get(machine);
  if (!listeners) {
    const set = new Set<(e: RecordedEvent) => void>();
    const emit = (e: RecordedEvent) => set.forEach((l) => l(e));
    const sink: TraceSink = {
      record: (kind, source, addr, _size, flags, lo, hi) =>
        emit({ kind, source, addr, flags, value: BigInt(lo >>> 0) | (BigInt(hi >>> 0) << 32n) }),
      recordText: (kind, source, addr, flags, text) => emit({ kind, source, addr, flags, value: 0n, text }),
    };
    machine.trace.attach(sink);
    traceListeners.set(machine, set);
    listeners = set;
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Every trace event from now on. */
export function recordTrace(machine: Machine): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  onTrace(machine, (e) => events.push(e));
  return events;
}

/** Resolves when the main thread has handled the factorial thread's next completion report. */
export function nextFactFinish(machine: Machine, what = 'a factorial to finish', timeoutMs = 20_000): Promise<RecordedEvent> {
  let resolveEvent!: (e: RecordedEvent) => void;
  const done = new Promise<RecordedEvent>((resolve) => (resolveEvent = resolve));
  const off = onTrace(machine, (e) => {
    if (e.kind !== EventKind.FactFinish) return;
    off();
    resolveEvent(e);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}

/** Poll `condition` on the event loop until it holds; fail with `what` after a generous timeout. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Start a factorial through register 0x08 and wait until the main thread has handled the thread's
 * completion report (so an interrupt it asks for has been raised). Returns register 0x08.
 */
export async function factorialViaDevice(machine: Machine, r: Mmio, n: number): Promise<number> {
  const finished = nextFactFinish(machine, `the factorial of ${n} to finish`);
  r.writel(0x08, n);
  await finished;
  return r.readl(0x08);
}

export interface DmaProgram {
  readonly src: bigint;
  readonly dst: bigint;
  readonly cnt: bigint;
  readonly cmd: bigint;
}

/** Program the DMA engine with 8-byte writes, command last (as a driver does). */
export function startDma(r: Mmio, { src, dst, cnt, cmd }: DmaProgram): void {
  r.writeq(0x80, src);
  r.writeq(0x88, dst);
  r.writeq(0x90, cnt);
  r.writeq(0x98, cmd);
}

/** Log lines on one channel, as text. */
export function logLines(machine: Machine, channel: DeviceLogChannel): string[] {
  return machine.log
    .lines()
    .filter((l) => l.channel === channel)
    .map((l) => l.text);
}

/** `count` bytes of a recognisable pattern starting at `seed`. */
export function pattern(count: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (seed + i * 7) & 0xff);
}

export const hex = (v: number | bigint): string => '0x' + v.toString(16);
