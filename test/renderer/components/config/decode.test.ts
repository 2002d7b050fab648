import { describe, expect, it } from 'vitest';
import {
  barSizeFromMask,
  capabilities,
  commandBits,
  decodeBar,
  decodeBars,
  decodeMsi,
  devselTiming,
  fieldMap,
  findMsi,
  formatSize,
  isByteWritable,
  parseByte,
  readLe,
  statusBits,
  toggleBit,
  writableMask,
} from '../../../../src/renderer/src/components/config/decode';
import { edu00040Config, edu00040Wmask } from '../registers/fixtures';

const config = edu00040Config();
const wmask = edu00040Wmask();

describe('fields', () => {
  it('reads little-endian fields', () => {
    expect(readLe(config, 0x00, 2)).toBe(0x1234);
    expect(readLe(config, 0x02, 2)).toBe(0x11e8);
    expect(readLe(config, 0x08, 4)).toBe(0x00ff0010);
    expect(readLe(config, 0x10, 4)).toBe(0xfea00000);
    expect(readLe([], 0, 4)).toBe(0);
  });

  it('knows which bytes software can write', () => {
    const writable = Array.from({ length: 256 }, (_, i) => i).filter((i) => isByteWritable(wmask, i));
    expect(writable.slice(0, 12)).toEqual([0x04, 0x05, 0x0c, 0x12, 0x13, 0x3c, 0x42, 0x44, 0x45, 0x46, 0x47, 0x48]);
    for (const ro of [0x00, 0x01, 0x02, 0x06, 0x07, 0x08, 0x0e, 0x10, 0x11, 0x2c, 0x34, 0x3d, 0x40, 0x41, 0x43]) expect(isByteWritable(wmask, ro), ro.toString(16)).toBe(false);
    expect(writableMask(wmask, 0x04, 2)).toBe(0x0507);
    expect(writableMask(wmask, 0x44, 4)).toBe(0xfffffffc);
  });
});

describe('command and status', () => {
  it('decodes the command bits and which of them are writable', () => {
    const bits = Object.fromEntries(commandBits(0x0107, 0x0507).map((b) => [b.name, [b.on, b.writable]]));
    expect(bits).toMatchObject({
      IO: [true, true],
      MEM: [true, true],
      MASTER: [true, true],
      SPECIAL: [false, false],
      SERR: [true, true],
      INTX_DISABLE: [false, true],
      FAST_B2B: [false, false],
    });
  });

  it('flips one bit of the word', () => {
    expect(toggleBit(0x0107, 0x4)).toBe(0x0103);
    expect(toggleBit(0x0103, 0x400)).toBe(0x0503);
    expect(toggleBit(0x0080, 0x1)).toBe(0x0081);
  });

  it('decodes the status bits and DEVSEL', () => {
    const on = (s: number) => statusBits(s).filter((b) => b.on).map((b) => b.id);
    expect(on(0x0010)).toEqual(['capList']);
    expect(on(0x0018)).toEqual(['interrupt', 'capList']);
    expect(on(0xf900)).toEqual(['parity', 'sigTargetAbort', 'recTargetAbort', 'recMasterAbort', 'sigSystemError', 'detectedParity']);
    expect(statusBits(0x0018).every((b) => !b.writable)).toBe(true);
    expect(devselTiming(0x0010)).toBe('fast');
    expect(devselTiming(0x0200)).toBe('medium');
    expect(devselTiming(0x0400)).toBe('slow');
  });
});

describe('BARs', () => {
  it('sizes a BAR from its write mask: ~mask + 1', () => {
    expect(barSizeFromMask(0xfff00000)).toBe(1n << 20n);
    expect(barSizeFromMask(0xfffff000)).toBe(4096n);
    expect(barSizeFromMask(0xfffffffc)).toBe(4n);
    expect(barSizeFromMask(0)).toBe(0n);
    expect(barSizeFromMask(0x00000000, 0xfffffffe, true)).toBe(1n << 33n);
  });

  it('decodes BAR0 of edu: 32-bit memory, non-prefetchable, 1 MiB, and nothing else', () => {
    expect(decodeBar(config, wmask, 0)).toEqual({ index: 0, offset: 0x10, io: false, is64: false, prefetchable: false, address: 0xfea00000n, size: 1n << 20n });
    expect(decodeBar(config, wmask, 1)).toBeNull();
    expect(decodeBars(config, wmask)).toHaveLength(1);
  });

  it('decodes a 64-bit prefetchable BAR over two slots, and an I/O BAR', () => {
    const c = new Array<number>(256).fill(0);
    const m = new Array<number>(256).fill(0);
    const put = (a: number[], offset: number, value: number) => {
      for (let i = 0; i < 4; i++) a[offset + i] = Math.floor(value / 256 ** i) & 0xff;
    };
    put(c, 0x10, 0xe000000c);
    put(c, 0x14, 0x1);
    put(m, 0x10, 0xffffc000);
    put(m, 0x14, 0xffffffff);
    put(c, 0x18, 0xc001);
    put(m, 0x18, 0xffffffe0);
    const bars = decodeBars(c, m);
    expect(bars).toHaveLength(2);
    expect(bars[0]).toMatchObject({ index: 0, is64: true, prefetchable: true, address: 0x1e0000000n, size: 0x4000n });
    expect(bars[1]).toMatchObject({ index: 2, io: true, address: 0xc000n, size: 32n });
  });

  it('formats sizes in binary units', () => {
    expect(formatSize(1n << 20n)).toBe('1 MiB');
    expect(formatSize(4096n)).toBe('4 KiB');
    expect(formatSize(256n)).toBe('256 B');
    expect(formatSize(3n << 30n)).toBe('3 GiB');
    expect(formatSize(1536n)).toBe('1536 B');
  });
});

describe('capabilities and MSI', () => {
  it('follows the list from 0x34', () => {
    expect(capabilities(config)).toEqual([{ offset: 0x40, id: 0x05, next: 0 }]);
  });

  it('finds nothing without the capability-list status bit', () => {
    const c = [...config];
    c[0x06] = 0;
    expect(capabilities(c)).toEqual([]);
  });

  it('stops on a loop', () => {
    const c = [...config];
    c[0x41] = 0x50;
    c[0x50] = 0x09;
    c[0x51] = 0x40;
    expect(capabilities(c).map((x) => x.offset)).toEqual([0x40, 0x50]);
  });

  it('decodes edu’s MSI: 64-bit, 1 vector, not maskable, disabled', () => {
    const msi = findMsi(config, wmask)!;
    expect(msi).toMatchObject({
      offset: 0x40,
      control: 0x0080,
      controlWritable: 0x0071,
      enabled: false,
      is64: true,
      maskable: false,
      vectorsCapable: 1,
      vectorsEnabled: 1,
      addressLoOffset: 0x44,
      addressHiOffset: 0x48,
      dataOffset: 0x4c,
      maskOffset: null,
    });
  });

  it('decodes an enabled MSI with its message', () => {
    const c = [...config];
    c[0x42] = 0x81;
    [0x00, 0x00, 0xe0, 0xfe].forEach((b, i) => (c[0x44 + i] = b));
    c[0x4c] = 0x23;
    c[0x4d] = 0x40;
    expect(decodeMsi(c, wmask, 0x40)).toMatchObject({ enabled: true, addressLo: 0xfee00000, addressHi: 0, data: 0x4023 });
  });

  it('places the data of a 32-bit maskable MSI', () => {
    const c = [...config];
    c[0x42] = 0x04; // 4 vectors capable (bits 3:1 = 2), 32-bit
    c[0x43] = 0x01; // maskable
    expect(decodeMsi(c, wmask, 0x40)).toMatchObject({ is64: false, maskable: true, vectorsCapable: 4, addressHiOffset: null, dataOffset: 0x48, maskOffset: 0x4c, pendingOffset: 0x50 });
  });
});

describe('what each byte is', () => {
  const map = fieldMap(config);
  it('names the header fields', () => {
    expect(map[0x00]!.id).toBe('vendorId');
    expect(map[0x05]!.id).toBe('command');
    expect(map[0x0b]).toMatchObject({ id: 'classCode', start: 0x09, size: 3 });
    expect(map[0x13]).toMatchObject({ id: 'bar', index: 0, start: 0x10 });
    expect(map[0x27]).toMatchObject({ id: 'bar', index: 5 });
    expect(map[0x3c]!.id).toBe('intLine');
    expect(map[0x3d]!.id).toBe('intPin');
    expect(map[0x36]!.id).toBe('reserved');
  });

  it('names the MSI capability’s bytes and leaves the rest device-specific', () => {
    expect(map[0x40]).toMatchObject({ id: 'capId', index: 0x40 });
    expect(map[0x41]!.id).toBe('capNext');
    expect(map[0x43]!.id).toBe('msiControl');
    expect(map[0x47]!.id).toBe('msiAddrLo');
    expect(map[0x48]!.id).toBe('msiAddrHi');
    expect(map[0x4d]!.id).toBe('msiData');
    expect(map[0x4e]!.id).toBe('deviceSpecific');
    expect(map[0xff]!.id).toBe('deviceSpecific');
    expect(map).toHaveLength(256);
  });
});

describe('parseByte', () => {
  it('takes one or two hex digits', () => {
    expect(parseByte('0c')).toBe(0x0c);
    expect(parseByte('FF')).toBe(0xff);
    expect(parseByte('a')).toBe(0x0a);
    expect(parseByte(' 0x3c ')).toBe(0x3c);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '100', 'g', '0x', '-1', '1 2', 'zz']) expect(parseByte(bad), bad).toBeNull();
  });
});
