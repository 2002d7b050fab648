/**
 * The DMA animator's transfer model, free of Vue and the DOM: what the registers program, which side is
 * RAM and which the device buffer, where the RAM side really lands after dma_mask, whether the device
 * side fits the buffer under the selected QEMU release's rule, the phase the engine is in, how far the
 * 100 ms wait has come, and what each byte grid should highlight.
 *
 * Every 64-bit quantity is a bigint: registers, dma_mask and addresses can use all 64 bits, and a
 * count near 2^64 must wrap exactly as the device's own arithmetic does.
 */
import type { EduRegisters, RunState } from '../../../../common/api/lab-api';
import { EDU_DEFAULT_DMA_MASK, EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE, EDU_DMA_DELAY_MS, EduDmaCmd, EduIrq } from '../../../../common/edu/datasheet';
import type { EduProfileName } from '../../../../common/edu/profiles';
import { EventFlag } from '../../../../common/trace/schema';

export const U64_MASK = (1n << 64n) - 1n;
export const BUF_START = BigInt(EDU_DMA_BUF_ADDR);
/** One past the buffer's last byte. */
export const BUF_END = BigInt(EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE);
export const DMA_DELAY_NS = EDU_DMA_DELAY_MS * 1e6;

/** What the four DMA registers hold. */
export interface DmaProgram {
  readonly src: bigint;
  readonly dst: bigint;
  readonly count: bigint;
  readonly cmd: bigint;
}

export const EMPTY_PROGRAM: DmaProgram = { src: 0n, dst: 0n, count: 0n, cmd: 0n };

/** A `0x…` register string as an unsigned 64-bit value (anything unreadable counts as 0). */
export function parseHex64(text: string | null | undefined): bigint {
  if (typeof text !== 'string' || !/^0x[0-9a-f]+$/i.test(text.trim())) return 0n;
  return BigInt(text.trim()) & U64_MASK;
}

export function programOf(registers: EduRegisters | null | undefined): DmaProgram {
  if (!registers) return EMPTY_PROGRAM;
  return {
    src: parseHex64(registers.dmaSrc),
    dst: parseHex64(registers.dmaDst),
    count: parseHex64(registers.dmaCount),
    cmd: parseHex64(registers.dmaCmd),
  };
}

// ---- the device-side range ------------------------------------------------------------------------

/** How a release checks the device-side range: today's rule, or the strict one of QEMU 9.0 and older. */
export type RangeRule = 'upstream' | 'strict';

export function rangeRuleOf(profile: EduProfileName | null | undefined): RangeRule {
  return profile === 'qemu-7.2' || profile === 'qemu-4.0' ? 'strict' : 'upstream';
}

/** What an out-of-range transfer does under a release: logged and skipped, or the machine aborts. */
export function rangeErrorOf(profile: EduProfileName | null | undefined): 'log' | 'abort' {
  return rangeRuleOf(profile) === 'strict' ? 'abort' : 'log';
}

/**
 * Why a range fails: it starts below the buffer, reaches past its end, wraps around 2^64, is empty
 * (strict rule only), or ends exactly at the buffer's end (strict rule only: a transfer that fills the
 * buffer up to its last byte, such as a full 4096-byte one).
 */
export type RangeProblem = 'below' | 'past-end' | 'wrap' | 'empty' | 'touches-end';

export interface RangeCheck {
  readonly ok: boolean;
  readonly problem: RangeProblem | null;
  /** First device address of the transfer. */
  readonly start: bigint;
  /** Its last byte, start + count - 1 modulo 2^64 (as the device's log line prints it). */
  readonly last: bigint;
}

export function isBufferAddress(a: bigint): boolean {
  return a >= BUF_START && a < BUF_END;
}

/** The device's range check for `count` bytes at device address `start`. */
export function checkDeviceRange(rule: RangeRule, start: bigint, count: bigint): RangeCheck {
  const s = start & U64_MASK;
  const c = count & U64_MASK;
  const end = (s + c) & U64_MASK;
  const last = (s + c - 1n) & U64_MASK;
  const wraps = end < s;
  let problem: RangeProblem | null;
  if (rule === 'upstream') {
    if (s < BUF_START) problem = 'below';
    else if (wraps) problem = 'wrap';
    else if (end > BUF_END) problem = 'past-end';
    else problem = null;
  } else {
    if (s < BUF_START) problem = 'below';
    else if (s >= BUF_END) problem = 'past-end';
    else if (c === 0n) problem = 'empty';
    else if (wraps) problem = 'wrap';
    else if (end > BUF_END) problem = 'past-end';
    else if (end === BUF_END) problem = 'touches-end';
    else problem = null;
  }
  return { ok: problem === null, problem, start: s, last };
}

// ---- the transfer ---------------------------------------------------------------------------------

export type DmaDirection = 'to-device' | 'to-ram';

/** What the registers describe, seen from both ends. */
export interface DmaTransfer {
  readonly program: DmaProgram;
  readonly run: boolean;
  /** Command bit 0x4: raise DMA_IRQ (0x100) on completion. */
  readonly irq: boolean;
  readonly direction: DmaDirection;
  /** 'command': bit 0x2 of a command that was started; 'addresses': a guess from where src and dst point. */
  readonly directionFrom: 'command' | 'addresses';
  readonly count: bigint;
  /** The device-side start: dst from RAM to the device, src from the device to RAM. */
  readonly deviceAddr: bigint;
  /** The RAM-side address as programmed. */
  readonly ramAddr: bigint;
  readonly mask: bigint;
  /** ramAddr & dma_mask: where the device really reads or writes guest memory. */
  readonly ramEffective: bigint;
  readonly clamped: boolean;
  readonly range: RangeCheck;
  readonly rule: RangeRule;
  /** The part of the device-side range inside the buffer, as buffer offsets [from, to), or null. */
  readonly bufferSpan: Span | null;
}

export interface Span {
  readonly from: number;
  readonly to: number;
}

export interface DescribeOptions {
  readonly mask?: bigint;
  readonly profile?: EduProfileName | null;
  /** Take the direction from the command register (a transfer was started) or guess it from the addresses. */
  readonly directionFrom?: 'command' | 'addresses';
}

/**
 * Before RUN is written the command register still holds the previous command, so its direction bit
 * says nothing about the transfer being programmed: the addresses tell more (the buffer side is the
 * one at 0x40000..0x40fff). When both or neither point into the buffer, the command bit decides.
 */
export function guessDirection(p: DmaProgram): DmaDirection {
  const srcInBuf = isBufferAddress(p.src);
  const dstInBuf = isBufferAddress(p.dst);
  if (srcInBuf && !dstInBuf) return 'to-ram';
  if (dstInBuf && !srcInBuf) return 'to-device';
  return commandDirection(p.cmd);
}

export function commandDirection(cmd: bigint): DmaDirection {
  return (cmd & BigInt(EduDmaCmd.ToRam)) !== 0n ? 'to-ram' : 'to-device';
}

export function describeTransfer(program: DmaProgram, options: DescribeOptions = {}): DmaTransfer {
  const mask = (options.mask ?? EDU_DEFAULT_DMA_MASK) & U64_MASK;
  const run = (program.cmd & BigInt(EduDmaCmd.Run)) !== 0n;
  const directionFrom = options.directionFrom ?? (run ? 'command' : 'addresses');
  const direction = directionFrom === 'command' ? commandDirection(program.cmd) : guessDirection(program);
  const toRam = direction === 'to-ram';
  const deviceAddr = toRam ? program.src : program.dst;
  const ramAddr = toRam ? program.dst : program.src;
  const ramEffective = ramAddr & mask;
  const rule = rangeRuleOf(options.profile);
  return {
    program,
    run,
    irq: (program.cmd & BigInt(EduDmaCmd.Irq)) !== 0n,
    direction,
    directionFrom,
    count: program.count,
    deviceAddr,
    ramAddr,
    mask,
    ramEffective,
    clamped: ramEffective !== ramAddr,
    range: checkDeviceRange(rule, deviceAddr, program.count),
    rule,
    bufferSpan: bufferSpanOf(deviceAddr, program.count),
  };
}

/** Where [start, start + count) meets the buffer, in buffer offsets (a wrapping range counts up to 2^64). */
export function bufferSpanOf(start: bigint, count: bigint): Span | null {
  const s = start & U64_MASK;
  const end = s + (count & U64_MASK); // unbounded: a wrapping range simply runs past the buffer
  const from = s > BUF_START ? s : BUF_START;
  const to = end < BUF_END ? end : BUF_END;
  if (to <= from) return null;
  return { from: Number(from - BUF_START), to: Number(to - BUF_START) };
}

// ---- the phase ------------------------------------------------------------------------------------

export type DmaPhase = 'idle' | 'programmed' | 'pending' | 'done' | 'error';
export type DmaErrorKind = 'out-of-range' | 'abort';

/** How the last transfer ended, as its events said (see activity.ts). */
export interface DmaOutcome {
  /** Sequence number of the event that ended it (DmaComplete, or DmaError when the machine aborted). */
  readonly seq: number;
  readonly vns: number;
  /** DmaComplete's flags (EventFlag.Clamped / NoMaster / OutOfRange); OutOfRange alone for an abort. */
  readonly flags: number;
  /** Bytes the device reported moving (0 when out of range). */
  readonly bytes: number;
  /** False while only the DmaError has been seen (the 7.2 abort never completes). */
  readonly completed: boolean;
  /** The device's log line for a range error. */
  readonly errorText: string | null;
}

export interface PhaseInput {
  readonly run: boolean;
  readonly program: DmaProgram;
  readonly machineState: RunState | null | undefined;
  /** The last transfer's end, unless the registers were programmed again since. */
  readonly outcome: DmaOutcome | null;
}

export interface PhaseResult {
  readonly phase: DmaPhase;
  readonly error: DmaErrorKind | null;
}

export function phaseOf(input: PhaseInput): PhaseResult {
  if (input.machineState === 'aborted') return { phase: 'error', error: 'abort' };
  if (input.run) return { phase: 'pending', error: null };
  if (input.outcome) {
    return input.outcome.flags & EventFlag.OutOfRange ? { phase: 'error', error: 'out-of-range' } : { phase: 'done', error: null };
  }
  const p = input.program;
  if (p.src === 0n && p.dst === 0n && p.count === 0n && p.cmd === 0n) return { phase: 'idle', error: null };
  return { phase: 'programmed', error: null };
}

// ---- the wait -------------------------------------------------------------------------------------

export interface PendingProgress {
  /** 0 at the command, 1 at the deadline. */
  readonly fraction: number;
  /** Virtual ns still to wait (0 once due). */
  readonly remainingNs: number;
}

/**
 * How far the 100 ms wait has come at virtual time `vns`. The wait starts when RUN is written
 * (`startNs`, from the DmaStart event); without it, 100 ms before the deadline (the deadline is the
 * command's whole millisecond plus 100, so that is at most 1 ms off).
 */
export function pendingProgress(vns: number, deadlineNs: number, startNs?: number | null): PendingProgress {
  const start = startNs !== undefined && startNs !== null && startNs <= deadlineNs ? startNs : deadlineNs - DMA_DELAY_NS;
  const total = deadlineNs - start;
  const fraction = total > 0 ? (vns - start) / total : vns >= deadlineNs ? 1 : 0;
  return { fraction: Math.min(1, Math.max(0, fraction)), remainingNs: Math.max(0, deadlineNs - vns) };
}

// ---- what the grids show --------------------------------------------------------------------------

/** A highlighted run of cells in a grid, in offsets from the grid's first byte. */
export type HighlightKind = 'source' | 'destination' | 'written' | 'zero-fill' | 'not-written' | 'out-of-range';

export interface Highlight extends Span {
  readonly kind: HighlightKind;
}

export interface HighlightPlan {
  readonly ram: HighlightKind | null;
  readonly buffer: HighlightKind | null;
}

/**
 * How each side's range is marked in a phase: while programmed or pending, source and destination;
 * once done, the destination as written (zero-filled, or not written at all, with bus mastering off);
 * after an out-of-range request, the buffer side as the offending range and RAM as untouched.
 */
export function highlightPlan(phase: DmaPhase, direction: DmaDirection, flags = 0, error: DmaErrorKind | null = null): HighlightPlan {
  const toRam = direction === 'to-ram';
  if (phase === 'idle') return { ram: null, buffer: null };
  if (phase === 'error') return { ram: toRam ? 'not-written' : 'source', buffer: error ? 'out-of-range' : null };
  if (phase === 'done') {
    const noMaster = (flags & EventFlag.NoMaster) !== 0;
    if (toRam) return { ram: noMaster ? 'not-written' : 'written', buffer: 'source' };
    return { ram: 'source', buffer: noMaster ? 'zero-fill' : 'written' };
  }
  return toRam ? { ram: 'destination', buffer: 'source' } : { ram: 'source', buffer: 'destination' };
}

export const ROW_BYTES = 16;
/** Bytes of context shown before and after the transferred range on the RAM side. */
export const RAM_CONTEXT = 32;
/** Most bytes of the range shown on the RAM side (the device buffer's size). */
export const RAM_SHOWN_MAX = EDU_DMA_BUF_SIZE;

/** The part of guest RAM the RAM grid shows, or why it shows none. */
export type RamWindow =
  | { readonly kind: 'window'; readonly base: number; readonly length: number; readonly span: Span | null; readonly truncated: boolean; readonly pastRam: boolean }
  | { readonly kind: 'outside'; readonly ramSize: number };

/**
 * The rows of RAM around [address, address + count): whole 16-byte rows, RAM_CONTEXT bytes either side,
 * at most RAM_SHOWN_MAX bytes of the range, never past the end of RAM (nothing else is read from the
 * guest's address space: it could be a device's registers).
 */
export function ramWindow(address: bigint, count: bigint, ramSize: number): RamWindow {
  const size = BigInt(Math.max(0, Math.floor(ramSize)));
  if (address >= size) return { kind: 'outside', ramSize };
  const a = Number(address);
  const shown = count > BigInt(RAM_SHOWN_MAX) ? RAM_SHOWN_MAX : Number(count);
  const rowStart = a - (a % ROW_BYTES);
  const base = Math.max(0, rowStart - RAM_CONTEXT);
  const rangeEnd = a + shown;
  const wanted = Math.ceil(Math.max(rangeEnd, a + 1) / ROW_BYTES) * ROW_BYTES + RAM_CONTEXT;
  const end = Math.min(Number(size), wanted);
  const spanEnd = Math.min(rangeEnd, end);
  return {
    kind: 'window',
    base,
    length: end - base,
    span: spanEnd > a ? { from: a - base, to: spanEnd - base } : null,
    truncated: count > BigInt(shown),
    pastRam: BigInt(a) + count > size,
  };
}

/** The reads that fetch a RAM window, each at most `max` bytes. */
export function readPlan(base: number, length: number, max = EDU_DMA_BUF_SIZE): { address: number; length: number }[] {
  const out: { address: number; length: number }[] = [];
  for (let at = 0; at < length; at += max) out.push({ address: base + at, length: Math.min(max, length - at) });
  return out;
}

// ---- the IRQ lamp ---------------------------------------------------------------------------------

export function dmaIrqPending(irqStatus: number | null | undefined): boolean {
  return ((irqStatus ?? 0) & EduIrq.Dma) !== 0;
}

// ---- formatting -----------------------------------------------------------------------------------

/** 0x and at least 8 hex digits; 16 when the value needs more than 32 bits. */
export function hexAddr(v: bigint | number): string {
  const b = typeof v === 'bigint' ? v & U64_MASK : BigInt(v);
  return '0x' + b.toString(16).padStart(b > 0xffffffffn ? 16 : 8, '0');
}

/** C's 0x%016x. */
export function hex64(v: bigint): string {
  return '0x' + (v & U64_MASK).toString(16).padStart(16, '0');
}

export function hexShort(v: bigint | number): string {
  return '0x' + v.toString(16);
}

export function hexByte(b: number): string {
  return (b & 0xff).toString(16).padStart(2, '0');
}

export function asciiOf(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

/** Virtual time as seconds with millisecond digits. */
export function formatSeconds(ns: number): string {
  return `${(Math.max(0, ns) / 1e9).toFixed(3)} s`;
}

export function formatMs(ns: number): string {
  const ms = Math.max(0, ns) / 1e6;
  return ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}
