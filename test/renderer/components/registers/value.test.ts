import { describe, expect, it } from 'vitest';
import {
  formatValue,
  formatVirtualTime,
  formatVirtualTimeExact,
  hexDigits,
  maxValue,
  parseValue,
  toBigInt,
  toHexArg,
} from '../../../../src/renderer/src/components/registers/value';

describe('formatValue', () => {
  it('shows hex upper-case, zero-padded to the width', () => {
    expect(formatValue(0x010000edn, 32, 'hex')).toBe('0x010000ED');
    expect(formatValue(0n, 32, 'hex')).toBe('0x00000000');
    expect(hexDigits(0xabn, 16)).toBe('00AB');
  });

  it('splits 64-bit hex in halves', () => {
    expect(formatValue(0x40000n, 64, 'hex')).toBe('0x00000000_00040000');
    expect(formatValue(0xffffffffffffffffn, 64, 'hex')).toBe('0xFFFFFFFF_FFFFFFFF');
  });

  it('shows unsigned decimal', () => {
    expect(formatValue(0xffffffffn, 32, 'dec')).toBe('4294967295');
    expect(formatValue(3628800n, 32, 'dec')).toBe('3628800');
    expect(formatValue(0xffffffffffffffffn, 64, 'dec')).toBe('18446744073709551615');
  });

  it('shows every binary digit in groups of 8', () => {
    expect(formatValue(0x010000edn, 32, 'bin')).toBe('00000001 00000000 00000000 11101101');
    expect(formatValue(0x81n, 8, 'bin')).toBe('10000001');
    expect(formatValue(1n, 64, 'bin').split(' ')).toHaveLength(8);
    expect(formatValue(1n, 64, 'bin').endsWith('00000001')).toBe(true);
  });

  it('cuts a value to the width', () => {
    expect(formatValue(0x1_0000_0001n, 32, 'hex')).toBe('0x00000001');
  });
});

describe('parseValue', () => {
  it('takes 0x hex, either case, and decimal', () => {
    expect(parseValue('0x12345678', 32)).toEqual({ ok: true, value: 0x12345678n });
    expect(parseValue('0XdeadBEEF', 32)).toEqual({ ok: true, value: 0xdeadbeefn });
    expect(parseValue('  42 ', 32)).toEqual({ ok: true, value: 42n });
    expect(parseValue('0', 8)).toEqual({ ok: true, value: 0n });
  });

  it('takes the underscore the hex column shows', () => {
    expect(parseValue('0x00000000_00040000', 64)).toEqual({ ok: true, value: 0x40000n });
    expect(parseValue('1_000', 32)).toEqual({ ok: true, value: 1000n });
  });

  it('checks the width', () => {
    expect(parseValue('0xffffffff', 32)).toEqual({ ok: true, value: 0xffffffffn });
    expect(parseValue('0x100000000', 32)).toEqual({ ok: false, error: 'range', max: 0xffffffffn });
    expect(parseValue('4294967296', 32)).toMatchObject({ ok: false, error: 'range' });
    expect(parseValue('0xffffffffffffffff', 64)).toEqual({ ok: true, value: 0xffffffffffffffffn });
    expect(parseValue('0x10000000000000000', 64)).toMatchObject({ ok: false, error: 'range' });
    expect(parseValue('256', 8)).toMatchObject({ ok: false, error: 'range', max: 255n });
  });

  it('says why it refuses', () => {
    expect(parseValue('', 32)).toMatchObject({ ok: false, error: 'empty' });
    expect(parseValue('   ', 32)).toMatchObject({ ok: false, error: 'empty' });
    expect(parseValue('-1', 32)).toMatchObject({ ok: false, error: 'negative' });
    expect(parseValue('-0x10', 32)).toMatchObject({ ok: false, error: 'negative' });
    for (const bad of ['0x', 'abc', '12ab', '0xfg', '1.5', '0b101', 'ff', '1e3', '0x 1']) {
      expect(parseValue(bad, 32), bad).toMatchObject({ ok: false, error: 'syntax' });
    }
  });
});

describe('helpers', () => {
  it('converts what the store holds to bigint', () => {
    expect(toBigInt(0x010000ed)).toBe(0x010000edn);
    expect(toBigInt(-1)).toBe(0xffffffffn);
    expect(toBigInt('0x40000')).toBe(0x40000n);
    expect(toBigInt(5n)).toBe(5n);
  });

  it('writes LabApi hex arguments', () => {
    expect(toHexArg(0x12345678n)).toBe('0x12345678');
    expect(toHexArg(0n)).toBe('0x0');
  });

  it('knows the largest value of a width', () => {
    expect(maxValue(8)).toBe(255n);
    expect(maxValue(64)).toBe(0xffffffffffffffffn);
  });

  it('shows virtual time in seconds', () => {
    expect(formatVirtualTime(12_345_678_901)).toBe('12.345 s');
    expect(formatVirtualTime(0)).toBe('0.000 s');
    expect(formatVirtualTimeExact(12_345_678_901)).toBe('12.345678901 s');
  });
});
