/**
 * Numbers as the register and config views show them and take them from the user: hex, decimal and
 * binary formatting at a fixed width, and parsing of what the user types (0x… hex or decimal), with
 * the reason when it is not acceptable. Pure functions: no DOM, no Vue.
 */

export type ValueFormat = 'hex' | 'dec' | 'bin';
export const VALUE_FORMATS: readonly ValueFormat[] = ['hex', 'dec', 'bin'];

/** The largest value that fits in `bits` bits. */
export function maxValue(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** A number (taken as unsigned 32-bit) or a `0x…` string as a bigint. */
export function toBigInt(v: number | bigint | string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v < 0 ? Math.trunc(v) >>> 0 : Math.trunc(v));
  return BigInt(v);
}

/** Upper-case hex, zero-padded to the width, with `0x`: `0x010000ED`. */
export function hexDigits(value: bigint, bits: number): string {
  return (value & maxValue(bits)).toString(16).toUpperCase().padStart(Math.ceil(bits / 4), '0');
}

/**
 * `value` in a format, at a register width:
 * - hex: `0x010000ED`; 64-bit values split in halves for reading, `0x00000000_00040000`;
 * - dec: unsigned decimal;
 * - bin: all `bits` digits in groups of 8, separated by spaces (the view lets the groups wrap).
 */
export function formatValue(value: bigint, bits: number, format: ValueFormat): string {
  const v = value & maxValue(bits);
  if (format === 'dec') return v.toString(10);
  if (format === 'bin') {
    const digits = v.toString(2).padStart(bits, '0');
    return digits.replace(/(.{8})(?!$)/g, '$1 ');
  }
  const hex = hexDigits(v, bits);
  return bits > 32 ? `0x${hex.slice(0, hex.length - 8)}_${hex.slice(-8)}` : `0x${hex}`;
}

/** Why user input was refused. */
export type ParseError = 'empty' | 'syntax' | 'negative' | 'range';

export type ParseResult = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly error: ParseError; readonly max: bigint };

/**
 * What the user typed, as an unsigned value of at most `bits` bits: `0x…` hex (upper or lower case) or
 * decimal digits; `_` may separate digits (as the hex column shows 64-bit values).
 */
export function parseValue(text: string, bits: number): ParseResult {
  const max = maxValue(bits);
  const s = text.trim().replace(/_/g, '');
  if (s === '') return { ok: false, error: 'empty', max };
  if (/^-\s*(0x[0-9a-f]+|\d+)$/i.test(s)) return { ok: false, error: 'negative', max };
  let value: bigint;
  if (/^0x[0-9a-f]+$/i.test(s)) value = BigInt(s);
  else if (/^\d+$/.test(s)) value = BigInt(s);
  else return { ok: false, error: 'syntax', max };
  if (value > max) return { ok: false, error: 'range', max };
  return { ok: true, value };
}

/** A value for the LabApi's hex arguments: `0x1f`. */
export function toHexArg(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** Virtual nanoseconds as seconds with millisecond digits: `12.345 s`. */
export function formatVirtualTime(vns: number): string {
  const ms = Math.max(0, Math.floor(vns / 1e6));
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')} s`;
}

/** Virtual nanoseconds with every digit: `12.345678901 s`. */
export function formatVirtualTimeExact(vns: number): string {
  const ns = Math.max(0, Math.floor(vns));
  return `${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, '0')} s`;
}
