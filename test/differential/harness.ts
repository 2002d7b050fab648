import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { Source } from '../../src/common/trace/schema';
import { EDU_SLOT, Machine } from '../../src/main/machine/machine';
import { testWorkers } from '../support/workers';
import { QEMU_BINARY, QtestClient, QtestError, type IrqEvent } from './qtest-client';

/**
 * The differential harness: one QEMU 7.2 process and one of our machines per test file, both brought
 * to the same post-firmware state, and scripts that run the same accesses on both and record every
 * value (and every interrupt-line edge) in a transcript. A test passes when the transcripts match.
 */

/** QEMU exactly as the differential suite runs it. */
export const QEMU_ARGS = [
  '-M', 'pc', '-nodefaults', '-display', 'none', '-accel', 'tcg', '-m', '128M',
  '-device', 'edu,addr=04.0', '-qtest', 'stdio', '-qtest-log', '/dev/null',
] as const;

export const RAM_SIZE = 128 * 1024 * 1024;
const CONFIG_ADDRESS = 0xcf8;
const CONFIG_DATA = 0xcfc;

/**
 * Intercepted IO-APIC inputs the firmware keeps busy on its own: the PIT's IRQ 0 (the system tick,
 * edges many times a second) and the RTC's IRQ 8. They say nothing about edu and are left out.
 */
const QEMU_NOISE_LINES = new Set([0, 8]);

export type PortSize = 1 | 2 | 4;
export type MmioSize = 1 | 2 | 4 | 8;

export interface LineEdge {
  readonly line: number;
  readonly level: boolean;
}

/** What a script can do to a machine: the CPU's view (ports, memory) plus the interrupt lines. */
export interface EduTarget {
  readonly name: string;
  /** Where the firmware put BAR0 (MMIO offsets in scripts are relative to it). */
  readonly bar0: number;
  portRead(port: number, size: PortSize): Promise<number>;
  portWrite(port: number, size: PortSize, value: number): Promise<void>;
  /** A memory access at `bar0 + offset`. */
  mmioRead(offset: number, size: MmioSize): Promise<bigint>;
  mmioWrite(offset: number, size: MmioSize, value: bigint): Promise<void>;
  ramRead(addr: number, length: number): Promise<Uint8Array>;
  ramWrite(addr: number, data: Uint8Array): Promise<void>;
  /** Interrupt-line edges since the last call, oldest first. */
  takeIrqEvents(): LineEdge[];
}

// ---- QEMU ----------------------------------------------------------------------------------------

export class QemuTarget implements EduTarget {
  readonly name = 'QEMU';
  private readonly held: IrqEvent[] = [];

  constructor(
    readonly client: QtestClient,
    readonly bar0: number,
  ) {}

  async portRead(port: number, size: PortSize): Promise<number> {
    const c = this.client;
    return size === 1 ? c.inb(port) : size === 2 ? c.inw(port) : c.inl(port);
  }

  async portWrite(port: number, size: PortSize, value: number): Promise<void> {
    const c = this.client;
    await (size === 1 ? c.outb(port, value) : size === 2 ? c.outw(port, value) : c.outl(port, value));
  }

  async mmioRead(offset: number, size: MmioSize): Promise<bigint> {
    const c = this.client;
    const addr = this.bar0 + offset;
    if (size === 8) return c.readq(addr);
    return BigInt(await (size === 1 ? c.readb(addr) : size === 2 ? c.readw(addr) : c.readl(addr)));
  }

  async mmioWrite(offset: number, size: MmioSize, value: bigint): Promise<void> {
    const c = this.client;
    const addr = this.bar0 + offset;
    if (size === 8) return c.writeq(addr, value);
    const v = Number(BigInt.asUintN(8 * size, value));
    await (size === 1 ? c.writeb(addr, v) : size === 2 ? c.writew(addr, v) : c.writel(addr, v));
  }

  ramRead(addr: number, length: number): Promise<Uint8Array> {
    return this.client.read(addr, length);
  }

  ramWrite(addr: number, data: Uint8Array): Promise<void> {
    return this.client.write(addr, data);
  }

  /**
   * Edges that arrived before the latest reply. An edge read in the same chunk of output but after
   * that reply (a DMA completing just then) is kept for the next access, as it happened after it.
   */
  takeIrqEvents(): LineEdge[] {
    this.held.push(...this.client.takeIrqEvents().filter((e) => !QEMU_NOISE_LINES.has(e.line)));
    const replies = this.client.replyCount;
    const cut = this.held.findIndex((e) => e.afterReplies >= replies);
    const taken = cut < 0 ? this.held.splice(0) : this.held.splice(0, cut);
    return taken.map(({ line, level }) => ({ line, level }));
  }
}

// ---- our machine ---------------------------------------------------------------------------------

export class OursTarget implements EduTarget {
  readonly name = 'ours';
  private readonly events: LineEdge[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    readonly machine: Machine,
    readonly bar0: number,
  ) {
    this.unsubscribe = machine.ioapic.onChange((line, level) => this.events.push({ line, level }));
  }

  async portRead(port: number, size: PortSize): Promise<number> {
    return this.machine.io.read(port, size, Source.Test);
  }

  async portWrite(port: number, size: PortSize, value: number): Promise<void> {
    this.machine.io.write(port, size, value, Source.Test);
  }

  async mmioRead(offset: number, size: MmioSize): Promise<bigint> {
    const addr = this.bar0 + offset;
    if (size === 8) return this.machine.memory.read64(addr, Source.Test);
    return BigInt(this.machine.memory.read(addr, size, Source.Test));
  }

  async mmioWrite(offset: number, size: MmioSize, value: bigint): Promise<void> {
    const addr = this.bar0 + offset;
    if (size === 8) this.machine.memory.write64(addr, value, Source.Test);
    else this.machine.memory.write(addr, size, Number(BigInt.asUintN(8 * size, value)), Source.Test);
  }

  async ramRead(addr: number, length: number): Promise<Uint8Array> {
    return this.machine.memory.readBytes(BigInt(addr), length, Source.Test).slice();
  }

  async ramWrite(addr: number, data: Uint8Array): Promise<void> {
    this.machine.memory.writeBytes(BigInt(addr), data, Source.Test);
  }

  takeIrqEvents(): LineEdge[] {
    return this.events.splice(0);
  }

  dispose(): void {
    this.unsubscribe();
  }
}

// ---- transcripts ---------------------------------------------------------------------------------

function hx(v: number | bigint, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

export function configAddress(offset: number, slot = EDU_SLOT, fn = 0, bus = 0): number {
  return (0x80000000 | (bus << 16) | (slot << 11) | (fn << 8) | (offset & 0xfc)) >>> 0;
}

function cfgName(slot: number): string {
  return slot === EDU_SLOT ? 'cfg' : `cfg(00:${slot.toString(16).padStart(2, '0')}.0)`;
}

export class PollTimeout extends Error {
  override readonly name = 'PollTimeout';
}

/**
 * A script run on one target. Every access appends one transcript line with its result; interrupt
 * edges are appended after the access whose reply followed them. Comments and polls keep the
 * transcript readable and independent of how many iterations a poll took.
 */
export class Script {
  readonly lines: string[] = [];

  constructor(readonly target: EduTarget) {}

  note(text: string): void {
    this.lines.push(`# ${text}`);
  }

  private record(line: string): void {
    this.lines.push(line);
    for (const e of this.target.takeIrqEvents()) this.lines.push(`    IRQ ${e.level ? 'raise' : 'lower'} ${e.line}`);
  }

  // ---- ports and configuration cycles (mechanism #1) --------------------------------------------

  async in(port: number, size: PortSize): Promise<number> {
    const v = await this.target.portRead(port, size);
    this.record(`in${size}  ${hx(port, 4)} = ${hx(v, 2 * size)}`);
    return v;
  }

  async out(port: number, size: PortSize, value: number): Promise<void> {
    await this.target.portWrite(port, size, value);
    this.record(`out${size} ${hx(port, 4)} <- ${hx(value >>> 0, 2 * size)}`);
  }

  private async latch(offset: number, slot: number): Promise<void> {
    await this.target.portWrite(CONFIG_ADDRESS, 4, configAddress(offset, slot));
  }

  /** Config read of `size` bytes at `offset` of 00:slot.0 through 0xcf8/0xcfc (slot 4 is edu). */
  async cfgRead(offset: number, size: PortSize = 4, slot = EDU_SLOT): Promise<number> {
    await this.latch(offset, slot);
    const v = await this.target.portRead(CONFIG_DATA + (offset & 3), size);
    this.record(`${cfgName(slot)} r${size} [${hx(offset, 2)}] = ${hx(v, 2 * size)}`);
    return v;
  }

  async cfgWrite(offset: number, size: PortSize, value: number, slot = EDU_SLOT): Promise<void> {
    await this.latch(offset, slot);
    await this.target.portWrite(CONFIG_DATA + (offset & 3), size, value);
    this.record(`${cfgName(slot)} w${size} [${hx(offset, 2)}] <- ${hx(value >>> 0, 2 * size)}`);
  }

  // ---- BAR0 ---------------------------------------------------------------------------------------

  async read(offset: number, size: MmioSize): Promise<bigint> {
    const v = await this.target.mmioRead(offset, size);
    this.record(`mmio r${size} [${hx(offset, 3)}] = ${hx(v, 2 * size)}`);
    return v;
  }

  async write(offset: number, size: MmioSize, value: number | bigint): Promise<void> {
    const v = BigInt.asUintN(8 * size, BigInt(value));
    await this.target.mmioWrite(offset, size, v);
    this.record(`mmio w${size} [${hx(offset, 3)}] <- ${hx(v, 2 * size)}`);
  }

  async readl(offset: number): Promise<number> {
    return Number(await this.read(offset, 4));
  }
  async writel(offset: number, value: number): Promise<void> {
    await this.write(offset, 4, value >>> 0);
  }
  async readq(offset: number): Promise<bigint> {
    return this.read(offset, 8);
  }
  async writeq(offset: number, value: bigint): Promise<void> {
    await this.write(offset, 8, value);
  }

  /**
   * Read a 4-byte register until `done(value)`; records only the final value, so the transcript does
   * not depend on how long either machine took.
   */
  async poll(offset: number, what: string, done: (v: number) => boolean, timeoutMs = 3000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = Number(await this.target.mmioRead(offset, 4));
      if (done(v)) {
        this.record(`poll [${hx(offset, 3)}] until ${what}: ${hx(v, 8)}`);
        return v;
      }
      if (Date.now() > deadline) {
        throw new PollTimeout(`${this.target.name}: BAR0+${hx(offset, 3)} did not reach '${what}' within ${timeoutMs} ms (last ${hx(v, 8)})`);
      }
      await sleep(1);
    }
  }

  async sleep(ms: number): Promise<void> {
    await sleep(ms);
    this.lines.push(`sleep ${ms} ms`);
  }

  // ---- guest RAM ----------------------------------------------------------------------------------

  async ramWrite(addr: number, data: Uint8Array): Promise<void> {
    await this.target.ramWrite(addr, data);
    this.record(`ram  w [${hx(addr, 8)}] ${data.length} bytes`);
  }

  async ramFill(addr: number, length: number, byte: number): Promise<void> {
    await this.target.ramWrite(addr, new Uint8Array(length).fill(byte));
    this.record(`ram  w [${hx(addr, 8)}] ${length} bytes of ${hx(byte, 2)}`);
  }

  /** Read RAM and record it, 32 bytes per transcript line. */
  async ramDump(addr: number, length: number): Promise<Uint8Array> {
    const data = await this.target.ramRead(addr, length);
    for (let i = 0; i < length; i += 32) {
      this.lines.push(`ram  r [${hx(addr + i, 8)}] ${Buffer.from(data.subarray(i, i + 32)).toString('hex')}`);
    }
    this.record(`ram  r ${length} bytes done`);
    return data;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- one QEMU and one machine per test file ------------------------------------------------------

export interface FirmwareState {
  /** Config dwords 0x00-0xfc of 00:04.0 as QEMU's firmware left them. */
  readonly config: readonly number[];
  readonly bar0: number;
  readonly command: number;
  readonly interruptLine: number;
}

export interface Pair {
  readonly client: QtestClient;
  readonly machine: Machine;
  readonly qemu: QemuTarget;
  readonly ours: OursTarget;
  readonly firmware: FirmwareState;
}

async function qemuConfigRead(client: QtestClient, offset: number): Promise<number> {
  await client.outl(CONFIG_ADDRESS, configAddress(offset));
  return client.inl(CONFIG_DATA);
}

/**
 * SeaBIOS runs when QEMU starts and programs the PCI devices; while it does, its own 0xcf8 writes
 * race with ours. Wait until BAR0, command and interrupt line are set and unchanged for a while.
 */
export async function waitForFirmware(client: QtestClient, timeoutMs = 20000, stableMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let since = Date.now();
  for (;;) {
    const snapshot = [];
    for (const offset of [0x04, 0x0c, 0x10, 0x3c]) snapshot.push(await qemuConfigRead(client, offset));
    const [command, , bar0, line] = snapshot as [number, number, number, number];
    const ready = (bar0 & 0xfffffff0) !== 0 && (command & 0x2) !== 0 && (line & 0xff) !== 0;
    const key = snapshot.join(',');
    if (key !== last) {
      last = key;
      since = Date.now();
    } else if (ready && Date.now() - since >= stableMs) {
      return;
    }
    if (Date.now() > deadline) {
      throw new QtestError(
        `QEMU's firmware did not finish programming 00:04.0 within ${timeoutMs} ms ` +
          `(command/status, 0x0c, BAR0, 0x3c: ${snapshot.map((v) => hx(v, 8)).join(' ')})`,
      );
    }
    await sleep(20);
  }
}

/** Bring our machine to the configuration QEMU's firmware left, through configuration cycles. */
function copyFirmwareConfig(machine: Machine, config: readonly number[]): void {
  const write = (offset: number, size: PortSize, value: number) => {
    machine.io.write(CONFIG_ADDRESS, 4, configAddress(offset), Source.Firmware);
    machine.io.write(CONFIG_DATA + (offset & 3), size, value, Source.Firmware);
  };
  const dword = (offset: number) => config[offset / 4]!;
  write(0x0c, 1, dword(0x0c) & 0xff); // cache line size
  write(0x0d, 1, (dword(0x0c) >>> 8) & 0xff); // latency timer
  for (let offset = 0x10; offset <= 0x24; offset += 4) write(offset, 4, dword(offset)); // BARs
  write(0x30, 4, dword(0x30)); // expansion ROM
  write(0x3c, 1, dword(0x3c) & 0xff); // interrupt line
  write(0x44, 4, dword(0x44)); // MSI address
  write(0x48, 4, dword(0x48));
  write(0x4c, 2, dword(0x4c) & 0xffff); // MSI data
  write(0x42, 2, dword(0x40) >>> 16); // MSI control
  for (let offset = 0x50; offset < 0x100; offset += 4) write(offset, 4, dword(offset));
  write(0x04, 2, dword(0x04) & 0xffff); // command last: decoding starts with everything in place
}

/** The suite compares against the qemu-7.2 profile: another QEMU release would differ on purpose. */
function checkQemuVersion(): void {
  let version: string;
  try {
    version = execFileSync(QEMU_BINARY, ['--version'], { encoding: 'utf8', timeout: 10_000 }).split('\n')[0]!;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new QtestError(
      missing
        ? `${QEMU_BINARY} was not found. The differential tests compare our machine with a real QEMU 7.2 and ` +
            "cannot run without it: install Debian 12's qemu-system-x86 package (or point QEMU_SYSTEM_X86_64 at the binary)."
        : `${QEMU_BINARY} --version failed: ${errorText(error)}`,
    );
  }
  if (!/version 7\.2\./.test(version)) {
    throw new QtestError(`the differential tests target QEMU 7.2 (our profile 'qemu-7.2'), but ${QEMU_BINARY} is: ${version}`);
  }
}

export async function startPair(): Promise<Pair> {
  checkQemuVersion();
  const client = await QtestClient.start({ args: QEMU_ARGS });
  let machine: Machine | undefined;
  try {
    await waitForFirmware(client);
    const config: number[] = [];
    for (let offset = 0; offset < 0x100; offset += 4) config.push(await qemuConfigRead(client, offset));
    const firmware: FirmwareState = {
      config,
      bar0: (config[0x10 / 4]! & 0xfffffff0) >>> 0,
      command: config[0x04 / 4]! & 0xffff,
      interruptLine: config[0x3c / 4]! & 0xff,
    };
    await client.irqInterceptIn('ioapic');
    client.takeIrqEvents();

    machine = await Machine.create({ workers: testWorkers, profile: 'qemu-7.2', ramSize: RAM_SIZE });
    copyFirmwareConfig(machine, config);

    const qemu = new QemuTarget(client, firmware.bar0);
    const ours = new OursTarget(machine, firmware.bar0);
    const id = [await qemu.mmioRead(0, 4), await ours.mmioRead(0, 4)];
    if (id[0] !== 0x010000edn) throw new Error(`QEMU: no edu ID at BAR0 ${hx(firmware.bar0, 8)} (read ${hx(id[0]!, 8)})`);
    if (id[1] !== 0x010000edn) throw new Error(`ours: no edu ID at BAR0 ${hx(firmware.bar0, 8)} after copying the firmware's configuration (read ${hx(id[1]!, 8)})`);
    return { client, machine, qemu, ours, firmware };
  } catch (error) {
    await client.close();
    await machine?.destroy();
    throw error;
  }
}

export async function stopPair(pair: Pair | undefined): Promise<void> {
  if (!pair) return;
  pair.ours.dispose();
  await Promise.all([pair.client.close(), pair.machine.destroy()]);
}

/**
 * Register beforeAll/afterAll for one QEMU and one machine shared by the tests of a file (tests run
 * in order and both sides see the same history). Returns an accessor for the pair.
 */
export function usePair(): () => Pair {
  let pair: Pair | undefined;
  let setupError: unknown;
  beforeAll(async () => {
    // A failed start is reported by every test (vitest would otherwise mark them skipped).
    try {
      pair = await startPair();
    } catch (error) {
      setupError = error;
    }
  }, 60_000);
  afterAll(async () => {
    await stopPair(pair);
    pair = undefined;
  }, 30_000);
  return () => {
    if (!pair) throw new Error(`QEMU and our machine could not be started: ${errorText(setupError)}`);
    return pair;
  };
}

/**
 * Run `scenario` on QEMU and on our machine (concurrently; they share nothing) and require identical
 * transcripts. On a mismatch the assertion shows QEMU's lines as expected (-) and ours as received (+).
 */
export async function compare(pair: Pair, scenario: (s: Script) => Promise<void>): Promise<{ qemu: string[]; ours: string[] }> {
  const q = new Script(pair.qemu);
  const o = new Script(pair.ours);
  for (const s of [q, o]) {
    const stale = s.target.takeIrqEvents();
    for (const e of stale) s.lines.push(`(before) IRQ ${e.level ? 'raise' : 'lower'} ${e.line}`);
  }
  const [qr, or] = await Promise.allSettled([scenario(q), scenario(o)]);
  dumpTranscripts(q.lines, o.lines);
  const failures: string[] = [];
  if (qr.status === 'rejected') failures.push(`QEMU side failed: ${errorText(qr.reason)}\n--- QEMU transcript so far:\n${q.lines.join('\n')}`);
  if (or.status === 'rejected') failures.push(`our side failed: ${errorText(or.reason)}\n--- our transcript so far:\n${o.lines.join('\n')}`);
  if (failures.length) throw new Error(failures.join('\n\n'));
  expect(o.lines.join('\n'), 'transcript of our machine (+) against QEMU 7.2 (-)').toBe(q.lines.join('\n'));
  return { qemu: q.lines, ours: o.lines };
}

/** With EDU_DIFF_DUMP=<dir>, every comparison writes both transcripts there (for reading or diffing). */
function dumpTranscripts(qemu: string[], ours: string[]): void {
  const dir = process.env['EDU_DIFF_DUMP'];
  if (!dir) return;
  const name = (expect.getState().currentTestName ?? 'unnamed').replace(/[^\w.-]+/g, '_').slice(0, 150);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.qemu.txt`), qemu.join('\n') + '\n');
  writeFileSync(join(dir, `${name}.ours.txt`), ours.join('\n') + '\n');
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Deterministic test data: a xorshift byte stream. */
export function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
