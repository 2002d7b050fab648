import { EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE } from '../../../../common/edu/datasheet';
import type { DeviceLogChannel } from '../../device-log';
import type { AccessRules } from '../../memory/region';

import type { EduProfileName } from '../../../../common/edu/profiles';

export { EDU_PROFILE_NAMES, isEduProfileName, type EduProfileName } from '../../../../common/edu/profiles';

/**
 * How one QEMU release's edu device differs from another. Everything else about the device is the
 * same across releases, so a profile is a handful of rules rather than a copy of the device.
 */
export interface EduProfile {
  readonly name: EduProfileName;
  readonly summary: string;
  /** What the memory core lets through to the registers. */
  readonly mmioRules: AccessRules;
  /** Whether a transfer of `count` bytes at device address `start` lies inside the DMA buffer. */
  dmaRangeOk(start: bigint, count: bigint): boolean;
  /** What an out-of-range transfer does: log it and skip the copy, or abort the machine. */
  readonly dmaRangeError: 'log' | 'abort';
  /** Where the clamp message goes, and its text. */
  readonly clampChannel: DeviceLogChannel;
  clampMessage(addr: bigint, clamped: bigint): string;
}

const U64 = (1n << 64n) - 1n;
const BUF_START = BigInt(EDU_DMA_BUF_ADDR);
const BUF_END = BigInt(EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE);

/** `0x` and 16 hex digits: C's "0x%016" PRIx64. */
export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** C's "%#.16" PRIx64: like hex64, except that zero prints without the 0x prefix. */
function altHex64(v: bigint): string {
  return v === 0n ? '0'.repeat(16) : hex64(v);
}

/** The guest-error line every release prints for a transfer outside the buffer. */
export function dmaRangeMessage(start: bigint, count: bigint): string {
  const last = (start + count - 1n) & U64;
  return `EDU: DMA range ${hex64(start)}-${hex64(last)} out of bounds (${hex64(BUF_START)}-${hex64(BUF_END - 1n)})!`;
}

/** Today's check: inside the buffer with no 64-bit wrap-around; an empty transfer is fine. */
function rangeOkUpstream(start: bigint, count: bigint): boolean {
  const end = (start + count) & U64;
  return end >= start && start >= BUF_START && end <= BUF_END;
}

/**
 * The check up to QEMU 9.0: both the first byte and one past the last must lie strictly inside the
 * buffer, so an empty transfer and a full 4096-byte one both fail.
 */
function rangeOkStrict(start: bigint, count: bigint): boolean {
  const end = (start + count) & U64;
  const inside = (a: bigint) => a >= BUF_START && a < BUF_END;
  return inside(start) && end > start && inside(end);
}

const MODERN_RULES: AccessRules = { validMin: 4, validMax: 8, unaligned: false };

export const EDU_PROFILES: Readonly<Record<EduProfileName, EduProfile>> = {
  upstream: {
    name: 'upstream',
    summary: 'QEMU today: out-of-range DMA is logged and skipped; RUN still clears and the IRQ is still raised.',
    mmioRules: MODERN_RULES,
    dmaRangeOk: rangeOkUpstream,
    dmaRangeError: 'log',
    clampChannel: 'guest-error',
    clampMessage: (addr, clamped) => `EDU: clamping DMA ${hex64(addr)} to ${hex64(clamped)}!`,
  },
  'qemu-7.2': {
    name: 'qemu-7.2',
    summary: "Debian 12's QEMU 7.2: out-of-range, empty and full-buffer DMA abort the machine with a hardware error.",
    mmioRules: MODERN_RULES,
    dmaRangeOk: rangeOkStrict,
    dmaRangeError: 'abort',
    clampChannel: 'stdout',
    clampMessage: (addr, clamped) => `EDU: clamping DMA ${altHex64(addr)} to ${altHex64(clamped)}!`,
  },
  'qemu-4.0': {
    name: 'qemu-4.0',
    summary:
      "The seed article's QEMU: 8-byte accesses split in two 4-byte ones, 1- and 2-byte reads return all ones, " +
      'DMA registers take 32 bits per access, range errors abort.',
    // No .valid in the ops of that era: QEMU's default let 1- to 4-byte pieces through, so an 8-byte
    // access arrived as two dword accesses and narrow reads reached the handler.
    mmioRules: { validMin: 1, validMax: 4, unaligned: false },
    dmaRangeOk: rangeOkStrict,
    dmaRangeError: 'abort',
    clampChannel: 'stdout',
    clampMessage: (addr, clamped) => `EDU: clamping DMA ${altHex64(addr)} to ${altHex64(clamped)}!`,
  },
};
