import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import { AddressSpace } from '../../../src/main/machine/memory/address-space';
import { GuestRam } from '../../../src/main/machine/memory/guest-ram';
import { type AccessRules, MmioRegion, type NarrowSize } from '../../../src/main/machine/memory/region';
import { hex } from '../../support/edu';

const T = Source.Test;
const RAM_SIZE = 16 * GuestRam.PAGE_SIZE;
const DWORDS: AccessRules = { validMin: 1, validMax: 4, unaligned: false };

/** A region that logs every access it receives and reads back `0xr0000000 | offset` style values. */
function recorder(name: string, size: number, rules: AccessRules = DWORDS) {
  const accesses: string[] = [];
  const region = new MmioRegion(
    name,
    size,
    {
      read: (offset: number, s: NarrowSize) => {
        accesses.push(`r${s}@${hex(offset)}`);
        return (0xa0b0c0d0 + offset) >>> 0;
      },
      write: (offset: number, s: NarrowSize, value: number) => {
        accesses.push(`w${s}@${hex(offset)}=${hex(value)}`);
      },
    },
    rules,
  );
  return { region, accesses };
}

function space() {
  const ram = new GuestRam(RAM_SIZE);
  return { ram, as: new AddressSpace('system', ram) };
}

describe('AddressSpace routing', () => {
  it('sends accesses below the end of RAM to RAM', () => {
    const { ram, as } = space();
    as.write(0x1000, 4, 0x11223344, T);
    as.write64(0x2000, 0x0102030405060708n, T);
    expect(hex(ram.read(0x1000, 4))).toBe('0x11223344');
    expect(hex(as.read(0x1002, 2, T))).toBe('0x1122');
    expect(hex(as.read64(0x2000, T))).toBe('0x102030405060708');
  });

  it('sends accesses inside a mapped region to it, at the offset from its base', () => {
    const { as } = space();
    const { region, accesses } = recorder('dev', 0x1000);
    as.map(0xfeb00000, region);
    expect(hex(as.read(0xfeb00010, 4, T))).toBe('0xa0b0c0e0');
    as.write(0xfeb00ffc, 4, 0x5, T);
    expect(accesses).toEqual(['r4@0x10', 'w4@0xffc=0x5']);
    expect(as.baseOf(region)).toBe(0xfeb00000);
  });

  it('reads 0 from unassigned addresses and drops writes there', () => {
    const { as } = space();
    expect(as.read(RAM_SIZE, 4, T)).toBe(0);
    expect(as.read(0xfeb00000, 1, T)).toBe(0);
    expect(as.read64(0xc0000000, T)).toBe(0n);
    as.write(0xc0000000, 4, 1, T);
    expect(as.read(0xc0000000, 4, T)).toBe(0);
  });

  it('decodes nothing for an access that straddles the end of RAM or of a region', () => {
    const { ram, as } = space();
    const { region, accesses } = recorder('dev', 0x100);
    as.map(RAM_SIZE, region); // right after RAM
    ram.write(RAM_SIZE - 2, 2, 0xffff);
    expect(as.read(RAM_SIZE - 2, 4, T)).toBe(0);
    expect(as.read(RAM_SIZE + 0xfe, 4, T)).toBe(0);
    expect(accesses).toEqual([]);
  });

  it('lets RAM win where a region is mapped over it', () => {
    const { ram, as } = space();
    const { region, accesses } = recorder('low', 0x1000);
    as.map(0x1000, region);
    ram.write(0x1000, 4, 0x12345678);
    expect(hex(as.read(0x1000, 4, T))).toBe('0x12345678');
    expect(accesses).toEqual([]);
  });

  it('lets the region mapped first win where two overlap', () => {
    const { as } = space();
    const first = recorder('first', 0x1000);
    const second = recorder('second', 0x2000);
    as.map(0xfe000000, first.region);
    as.map(0xfe000000, second.region);
    as.read(0xfe000000, 4, T);
    as.read(0xfe001000, 4, T); // only the second covers this
    as.read(0xfe000004, 4, T);
    expect(first.accesses).toEqual(['r4@0x0', 'r4@0x4']);
    expect(second.accesses).toEqual(['r4@0x1000']);
  });

  it('follows unmapping and remapping', () => {
    const { as } = space();
    const { region } = recorder('dev', 0x1000);
    as.map(0xfe000000, region);
    expect(() => as.map(0xfe100000, region)).toThrow(/already mapped/);
    as.unmap(region);
    expect(as.read(0xfe000000, 4, T)).toBe(0);
    as.map(0xfe100000, region);
    expect(hex(as.read(0xfe100000, 4, T))).toBe('0xa0b0c0d0');
    expect(as.regions()).toEqual([{ base: 0xfe100000, size: 0x1000, name: 'dev' }]);
  });

  it('lists regions in address order', () => {
    const { as } = space();
    as.map(0xfee00000, recorder('b', 0x100).region);
    as.map(0xfea00000, recorder('a', 0x100).region);
    expect(as.regions().map((r) => r.name)).toEqual(['a', 'b']);
  });
});

describe('AddressSpace bulk (DMA) accesses', () => {
  it('copies blocks in and out of RAM', () => {
    const { as } = space();
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    as.writeBytes(0x3000n, data, T);
    expect(as.readBytes(0x3000n, 300, T)).toEqual(data);
  });

  it('reaches a region with the widest naturally aligned accesses of up to 4 bytes', () => {
    const { as } = space();
    const { region, accesses } = recorder('dev', 0x100);
    as.map(0xfe000000, region);
    as.writeBytes(0xfe000000n, Uint8Array.of(0x78, 0x56, 0x34, 0x12), T);
    as.writeBytes(0xfe000001n, Uint8Array.of(1, 2, 3, 4, 5, 6, 7), T);
    expect(accesses).toEqual(['w4@0x0=0x12345678', 'w1@0x1=0x1', 'w2@0x2=0x302', 'w4@0x4=0x7060504']);
    accesses.length = 0;
    expect([...as.readBytes(0xfe000010n, 4, T)]).toEqual([0xe0, 0xc0, 0xb0, 0xa0]);
    expect(accesses).toEqual(['r4@0x10']);
  });

  it('reads zeros and drops writes for unassigned bytes, and beyond 2^53', () => {
    const { as } = space();
    expect([...as.readBytes(0xc0000000n, 4, T)]).toEqual([0, 0, 0, 0]);
    as.writeBytes(0xc0000000n, Uint8Array.of(1, 2), T);
    expect([...as.readBytes(0xffffffffffff0000n, 4, T)]).toEqual([0, 0, 0, 0]);
    as.writeBytes(0xffffffffffff0000n, Uint8Array.of(1), T);
  });

  it('runs a block that starts in RAM and ends past it into the unassigned space', () => {
    const { ram, as } = space();
    as.writeBytes(BigInt(RAM_SIZE - 2), Uint8Array.of(1, 2, 3, 4), T);
    expect(hex(ram.read(RAM_SIZE - 2, 2))).toBe('0x201');
    expect([...as.readBytes(BigInt(RAM_SIZE - 2), 4, T)]).toEqual([1, 2, 0, 0]);
  });
});
