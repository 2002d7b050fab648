import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import { IoPortSpace } from '../../../src/main/machine/io/port-space';
import type { NarrowSize } from '../../../src/main/machine/memory/region';
import { hex } from '../../support/edu';

const T = Source.Test;

/** A port space with one 4-port device at 0x60 that answers 0xa0 + port offset per byte and logs accesses. */
function ports() {
  const io = new IoPortSpace();
  const seen: string[] = [];
  io.claim(0x60, 4, 'dev', {
    read: (port: number, size: NarrowSize) => {
      seen.push(`in${size} ${hex(port)}`);
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + 0xa0 + (port - 0x60 + i);
      return v;
    },
    write: (port: number, size: NarrowSize, value: number) => {
      seen.push(`out${size} ${hex(port)}=${hex(value)}`);
    },
  });
  return { io, seen };
}

describe('IoPortSpace', () => {
  it('reads all ones from unclaimed ports and drops writes there', () => {
    const { io, seen } = ports();
    expect(hex(io.read(0x80, 1, T))).toBe('0xff');
    expect(hex(io.read(0x80, 2, T))).toBe('0xffff');
    expect(hex(io.read(0x80, 4, T))).toBe('0xffffffff');
    io.write(0x80, 4, 1, T);
    expect(seen).toEqual([]);
  });

  it('hands an access inside a claim to its handler whole, aligned or not', () => {
    const { io, seen } = ports();
    expect(hex(io.read(0x60, 4, T))).toBe('0xa3a2a1a0');
    expect(hex(io.read(0x61, 2, T))).toBe('0xa2a1');
    io.write(0x61, 2, 0x1234, T);
    expect(seen).toEqual(['in4 0x60', 'in2 0x61', 'out2 0x61=0x1234']);
  });

  it('splits an access that crosses a claim boundary into naturally aligned pieces', () => {
    const { io, seen } = ports();
    expect(hex(io.read(0x63, 2, T))).toBe('0xffa3');
    expect(hex(io.read(0x61, 4, T))).toBe('0xffa3a2a1');
    expect(hex(io.read(0x5e, 4, T))).toBe('0xa1a0ffff');
    expect(seen).toEqual(['in1 0x63', 'in1 0x61', 'in2 0x62', 'in2 0x60']);
    seen.length = 0;
    io.write(0x5f, 4, 0x44332211, T);
    expect(seen).toEqual(['out2 0x60=0x3322', 'out1 0x62=0x44']);
  });

  it('refuses overlapping claims and ranges outside 64 KiB', () => {
    const { io } = ports();
    const h = { read: () => 0, write: () => {} };
    expect(() => io.claim(0x63, 2, 'x', h)).toThrow(/overlap/);
    expect(() => io.claim(0xffff, 2, 'x', h)).toThrow(RangeError);
    io.claim(0x64, 1, 'kbd', h);
    expect(io.ranges()).toEqual([
      { base: 0x60, length: 4, name: 'dev' },
      { base: 0x64, length: 1, name: 'kbd' },
    ]);
  });
});
