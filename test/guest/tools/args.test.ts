import { describe, expect, it } from 'vitest';
import { getopt, parseCUnsigned, parseSize } from '../../../src/main/guest/tools/args';

describe('getopt', () => {
  it('groups flags, glues or separates arguments, permutes operands, stops at --', () => {
    expect(getopt('t', ['-nnvv', '-s00:04.0', 'x', '-d', '1234:', '--', '-v'], 'nvs:d:')).toEqual({
      ok: true,
      options: [{ key: 'n' }, { key: 'n' }, { key: 'v' }, { key: 'v' }, { key: 's', value: '00:04.0' }, { key: 'd', value: '1234:' }],
      operands: ['x', '-v'],
    });
    expect(getopt('t', ['a', '-v'], '+v')).toEqual({ ok: true, options: [], operands: ['a', '-v'] });
    expect(getopt('t', ['-'], 'v')).toEqual({ ok: true, options: [], operands: ['-'] });
  });

  it('long options: exact, abbreviated, =value or next word', () => {
    const long = [
      { name: 'length', key: 'n', arg: 'required' as const },
      { name: 'canonical', key: 'C' },
    ];
    expect(getopt('t', ['--len=4', '--canon', '--length', '8'], 'Cn:', long)).toEqual({
      ok: true,
      options: [{ key: 'n', value: '4' }, { key: 'C' }, { key: 'n', value: '8' }],
      operands: [],
    });
  });

  it('reports errors with glibc\'s words', () => {
    expect(getopt('lspci', ['-z'], 'v')).toEqual({ ok: false, message: "lspci: invalid option -- 'z'" });
    expect(getopt('lspci', ['-s'], 's:')).toEqual({ ok: false, message: "lspci: option requires an argument -- 's'" });
    expect(getopt('t', ['--nope'], 'v')).toEqual({ ok: false, message: "t: unrecognized option '--nope'" });
    expect(getopt('t', ['--skip'], 's:', [{ name: 'skip', key: 's', arg: 'required' }])).toEqual({
      ok: false,
      message: "t: option '--skip' requires an argument",
    });
    expect(getopt('t', ['--all=1'], 'a', [{ name: 'all', key: 'a' }])).toEqual({ ok: false, message: "t: option '--all' doesn't allow an argument" });
  });
});

describe('numbers', () => {
  it('reads C numbers (hex, octal, decimal) whole, and sizes with suffixes', () => {
    expect(parseCUnsigned('0xfea00000')).toBe(0xfea00000n);
    expect(parseCUnsigned('010')).toBe(8n);
    expect(parseCUnsigned('0')).toBe(0n);
    expect(parseCUnsigned('42')).toBe(42n);
    expect(parseCUnsigned('09')).toBeUndefined();
    expect(parseCUnsigned('0x')).toBeUndefined();
    expect(parseCUnsigned('12abc')).toBeUndefined();
    expect(parseCUnsigned('-1')).toBeUndefined();
    expect(parseSize('4K')).toBe(4096n);
    expect(parseSize('1MiB')).toBe(1048576n);
    expect(parseSize('2KB')).toBe(2000n);
    expect(parseSize('0x10')).toBe(16n);
    expect(parseSize('1x')).toBeUndefined();
  });
});
