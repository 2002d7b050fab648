import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import { allOnes, type AccessRules, isAccessSize, MmioRegion, type NarrowSize } from '../../../src/main/machine/memory/region';
import { hex } from '../../support/edu';

const T = Source.Test;

/** A region whose handlers record what reaches them. */
function region(rules: AccessRules, with64 = true) {
  const seen: string[] = [];
  const r = new MmioRegion('r', 0x100, {
    read: (offset: number, size: NarrowSize) => {
      seen.push(`r${size}@${hex(offset)}`);
      return 0x11111111 * ((offset >> 2) + 1);
    },
    write: (offset: number, size: NarrowSize, value: number) => {
      seen.push(`w${size}@${hex(offset)}=${hex(value)}`);
    },
    ...(with64
      ? {
          read64: (offset: number) => {
            seen.push(`r8@${hex(offset)}`);
            return 0x0102030405060708n;
          },
          write64: (offset: number, value: bigint) => {
            seen.push(`w8@${hex(offset)}=${hex(value)}`);
          },
        }
      : {}),
  }, rules);
  return { r, seen };
}

describe('MmioRegion access rules', () => {
  const modern: AccessRules = { validMin: 4, validMax: 8, unaligned: false };

  it('rejects sizes below validMin: reads 0, writes dropped, the handler never runs', () => {
    const { r, seen } = region(modern);
    expect(r.read(0, 1, T)).toBe(0);
    expect(r.read(0, 2, T)).toBe(0);
    r.write(0, 1, 0xff, T);
    r.write(0, 2, 0xffff, T);
    expect(seen).toEqual([]);
  });

  it('cuts accesses wider than validMax into validMax pieces, as the address space does', () => {
    const { r, seen } = region({ validMin: 1, validMax: 4, unaligned: false }, false);
    expect(hex(r.read64(0, T))).toBe('0x2222222211111111');
    r.write64(8, 0xaaaaaaaabbbbbbbbn, T);
    expect(seen).toEqual(['r4@0x0', 'r4@0x4', 'w4@0x8=0xbbbbbbbb', 'w4@0xc=0xaaaaaaaa']);
  });

  it('cuts misaligned accesses into pieces no wider than their alignment; pieces below validMin are rejected', () => {
    const { r, seen } = region(modern);
    expect(r.read(2, 4, T), '2 bytes at 2 and 2 bytes at 4: both too narrow').toBe(0);
    r.write(6, 4, 1, T);
    expect(seen).toEqual([]);
    expect(hex(r.read64(4, T)), '4 bytes at 4 and 4 bytes at 8').toBe('0x3333333322222222');
    r.write64(0x0c, 0x0000000500000006n, T);
    expect(seen).toEqual(['r4@0x4', 'r4@0x8', 'w4@0xc=0x6', 'w4@0x10=0x5']);
  });

  it('reaches the bytes a misaligned access covers when narrow pieces are valid', () => {
    const { r, seen } = region({ validMin: 1, validMax: 4, unaligned: false }, false);
    r.read(1, 4, T);
    expect(seen).toEqual(['r1@0x1', 'r2@0x2', 'r1@0x4']);
  });

  it('rejects accesses past the end of the region', () => {
    const { r, seen } = region(modern);
    expect(r.read(0x100, 4, T)).toBe(0);
    r.write64(0x100, 1n, T);
    expect(seen).toEqual([]);
    expect(r.isValid(0xfc, 4)).toBe(true);
    expect(r.isValid(0xfc, 8)).toBe(false);
  });

  it('passes valid accesses to the handlers, aligned 8-byte ones to the 64-bit handlers', () => {
    const { r, seen } = region(modern);
    expect(hex(r.read(4, 4, T))).toBe('0x22222222');
    expect(hex(r.read64(8, T))).toBe('0x102030405060708');
    r.write64(8, 0xffffffffffffffffn, T);
    expect(seen).toEqual(['r4@0x4', 'r8@0x8', 'w8@0x8=0xffffffffffffffff']);
  });

  it('accepts misaligned accesses when the rules allow them', () => {
    const { r, seen } = region({ validMin: 1, validMax: 4, unaligned: true });
    r.read(3, 4, T);
    expect(seen).toEqual(['r4@0x3']);
  });

  it('can change rules at run time', () => {
    const { r } = region(modern);
    expect(r.read(0, 1, T)).toBe(0);
    r.rules = { validMin: 1, validMax: 8, unaligned: false };
    expect(r.read(0, 1, T), "the byte of the handler's value").toBe(0x11);
  });
});

describe('access size helpers', () => {
  it('knows the access sizes and their all-ones values', () => {
    expect([1, 2, 4, 8].every(isAccessSize)).toBe(true);
    expect([0, 3, 16, '4'].some(isAccessSize)).toBe(false);
    expect(allOnes(1)).toBe(0xff);
    expect(allOnes(2)).toBe(0xffff);
    expect(allOnes(4)).toBe(0xffffffff);
  });
});
