import { describe, expect, it } from 'vitest';
import { GuestRam } from '../../../src/main/machine/memory/guest-ram';
import { hex } from '../../support/edu';

const PAGE = GuestRam.PAGE_SIZE;
const MiB = 1024 * 1024;

describe('GuestRam', () => {
  it('allocates nothing up front: a 256 MiB guest costs nothing until written', () => {
    const ram = new GuestRam(256 * MiB);
    expect(ram.touchedBytes).toBe(0);
    expect(ram.read(0x0ffffffc, 4)).toBe(0);
    expect(ram.read64(0x1000)).toBe(0n);
    expect([...ram.readBytes(0x5000, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ram.touchedBytes, 'reads do not allocate').toBe(0);
  });

  it('allocates only the pages that are written', () => {
    const ram = new GuestRam(256 * MiB);
    ram.write(0x10, 4, 1);
    ram.write(0x20, 1, 1);
    expect(ram.touchedBytes).toBe(PAGE);
    ram.write(200 * MiB, 2, 1);
    ram.writeBytes(100 * MiB, new Uint8Array(16));
    expect(ram.touchedBytes).toBe(3 * PAGE);
  });

  it('keeps zero fills of untouched pages unallocated', () => {
    const ram = new GuestRam(16 * PAGE);
    ram.fill(0, 4 * PAGE, 0);
    expect(ram.touchedBytes).toBe(0);
    ram.fill(PAGE - 2, 4, 0xab);
    expect(ram.touchedBytes).toBe(2 * PAGE);
    expect(hex(ram.read(PAGE - 2, 4))).toBe('0xabababab');
    ram.fill(PAGE - 2, 4, 0);
    expect(ram.read(PAGE - 2, 4)).toBe(0);
  });

  it('is little-endian for 1, 2, 4 and 8 bytes', () => {
    const ram = new GuestRam(PAGE);
    ram.write(0x100, 4, 0x11223344);
    expect([...ram.readBytes(0x100, 4)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(hex(ram.read(0x100, 2))).toBe('0x3344');
    expect(hex(ram.read(0x102, 2))).toBe('0x1122');
    expect(hex(ram.read(0x103, 1))).toBe('0x11');
    ram.write64(0x200, 0x0102030405060708n);
    expect([...ram.readBytes(0x200, 8)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(hex(ram.read64(0x200))).toBe('0x102030405060708');
  });

  it('reads 4 bytes unsigned and truncates written values to the access size', () => {
    const ram = new GuestRam(PAGE);
    ram.write(0, 4, 0xfffffffe);
    expect(ram.read(0, 4)).toBe(0xfffffffe);
    ram.write(8, 1, 0x1ff);
    ram.write(12, 2, 0x12345);
    expect(hex(ram.read(8, 4))).toBe('0xff');
    expect(hex(ram.read(12, 4))).toBe('0x2345');
  });

  it('handles accesses that cross a page boundary, including into an untouched page', () => {
    const ram = new GuestRam(4 * PAGE);
    ram.write(PAGE - 2, 4, 0xa1b2c3d4);
    expect(hex(ram.read(PAGE - 2, 4))).toBe('0xa1b2c3d4');
    expect(hex(ram.read(PAGE, 2))).toBe('0xa1b2');
    expect(ram.touchedBytes).toBe(2 * PAGE);
    ram.write64(2 * PAGE - 4, 0xdeadbeefcafef00dn);
    expect(hex(ram.read64(2 * PAGE - 4))).toBe('0xdeadbeefcafef00d');
    ram.write(3 * PAGE - 1, 1, 0x7f);
    expect(hex(ram.read(3 * PAGE - 1, 4)), 'the rest is an untouched page').toBe('0x7f');
    expect(hex(ram.read(3 * PAGE - 4, 4))).toBe('0x7f000000');
    expect(hex(ram.read(3 * PAGE - 3, 4))).toBe('0x7f0000');
  });

  it('moves byte blocks across several pages', () => {
    const ram = new GuestRam(8 * PAGE);
    const data = Uint8Array.from({ length: 3 * PAGE }, (_, i) => (i * 13) & 0xff);
    ram.writeBytes(PAGE / 2, data);
    expect(ram.readBytes(PAGE / 2, data.length)).toEqual(data);
    expect(ram.touchedBytes).toBe(4 * PAGE);
  });

  it('knows what it contains', () => {
    const ram = new GuestRam(4 * PAGE);
    expect(ram.contains(0, 4 * PAGE)).toBe(true);
    expect(ram.contains(4 * PAGE - 4, 4)).toBe(true);
    expect(ram.contains(4 * PAGE - 2, 4)).toBe(false);
    expect(ram.contains(-1, 1)).toBe(false);
  });

  it('refuses sizes that are not whole pages', () => {
    expect(() => new GuestRam(0)).toThrow(RangeError);
    expect(() => new GuestRam(PAGE + 1)).toThrow(RangeError);
  });
});
