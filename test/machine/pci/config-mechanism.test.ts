import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import type { Machine } from '../../../src/main/machine/machine';
import { hex } from '../../support/edu';
import { createMachine } from '../../support/machine';
import { eduConfig } from '../../support/pci';

/** Configuration mechanism #1 as a guest's `in`/`out` instructions use it. */
function conf1(m: Machine) {
  const io = m.io;
  const t = Source.Test;
  const address = (slot: number, offset: number, fn = 0, bus = 0, enable = true) =>
    ((enable ? 0x80000000 : 0) | (bus << 16) | (slot << 11) | (fn << 8) | (offset & 0xfc)) >>> 0;
  return {
    address,
    outl: (port: number, v: number) => io.write(port, 4, v, t),
    outw: (port: number, v: number) => io.write(port, 2, v, t),
    outb: (port: number, v: number) => io.write(port, 1, v, t),
    inl: (port: number) => io.read(port, 4, t),
    inw: (port: number) => io.read(port, 2, t),
    inb: (port: number) => io.read(port, 1, t),
    /** Select a register, then read `size` bytes from the data port at its byte offset. */
    read(slot: number, offset: number, size: 1 | 2 | 4 = 4, fn = 0, bus = 0): number {
      io.write(0xcf8, 4, address(slot, offset, fn, bus), t);
      return io.read(0xcfc + (offset & 3), size, t);
    },
    write(slot: number, offset: number, size: 1 | 2 | 4, value: number): void {
      io.write(0xcf8, 4, address(slot, offset), t);
      io.write(0xcfc + (offset & 3), size, value, t);
    },
  };
}

describe('PCI configuration mechanism #1 (ports 0xcf8 / 0xcfc)', () => {
  it('reads the edu identity at 00:04.0 with dword accesses', async () => {
    const m = await createMachine();
    const c = conf1(m);
    expect(hex(c.read(4, 0x00))).toBe('0x11e81234');
    expect(hex(c.read(4, 0x08))).toBe('0xff0010');
    expect(hex(c.read(4, 0x2c))).toBe('0x11001af4');
  });

  it('reads the dword latched in 0xcf8 back', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x3c));
    expect(hex(c.inl(0xcf8))).toBe(hex(c.address(4, 0x3c)));
  });

  it('latches the address only on dword writes to 0xcf8', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x00));
    c.outb(0xcf8, 0x08);
    c.outw(0xcfa, 0x0000);
    expect(hex(c.inl(0xcf8))).toBe(hex(c.address(4, 0x00)));
    expect(hex(c.inl(0xcfc))).toBe('0x11e81234');
  });

  it('reads bytes at 0xcfc-0xcff and words at 0xcfc/0xcfe from the selected dword', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x08)); // 0x00ff0010
    expect(hex(c.inb(0xcfc))).toBe('0x10');
    expect(hex(c.inb(0xcfd))).toBe('0x0');
    expect(hex(c.inb(0xcfe))).toBe('0xff');
    expect(hex(c.inb(0xcff))).toBe('0x0');
    c.outl(0xcf8, c.address(4, 0x00)); // 0x11e81234
    expect(hex(c.inw(0xcfc))).toBe('0x1234');
    expect(hex(c.inw(0xcfe))).toBe('0x11e8');
    expect(hex(c.inb(0xcfd))).toBe('0x12');
    expect(hex(c.inb(0xcff))).toBe('0x11');
  });

  it("returns the latched address's low bytes for narrow reads of 0xcf8-0xcfb, whatever the port (QEMU 7.2)", async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, 0x80002004);
    expect(hex(c.inw(0xcf8))).toBe('0x2004');
    expect(hex(c.inw(0xcfa))).toBe('0x2004');
    expect(hex(c.inb(0xcf8))).toBe('0x4');
    expect(hex(c.inb(0xcfb))).toBe('0x4');
  });

  it('splits accesses that run past 0xcff or start before 0xcf8 at the port boundary (QEMU 7.2)', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x00)); // 0x11e81234
    expect(hex(c.inl(0xcfd)), 'bytes 1-3, then unclaimed 0xd00').toBe('0xff11e812');
    expect(hex(c.inw(0xcff))).toBe('0xff11');
    expect(hex(c.inl(0xcfe))).toBe('0xffff11e8');
    expect(hex(c.inl(0xcf6)), 'two unclaimed ports, then the address register').toBe('0x2000ffff');
    c.outl(0xcf8, c.address(4, 0x50));
    c.outl(0xcfd, 0xaabbccdd);
    expect(hex(eduConfig(m, 0x50)), 'the byte for 0xd00 goes nowhere').toBe('0xbbccdd00');
    c.outw(0xcff, 0x1122);
    expect(hex(eduConfig(m, 0x50))).toBe('0x22ccdd00');
  });

  it('ORs address bits 1:0 into the register number, as QEMU does', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x00) | 0x3);
    expect(hex(c.inb(0xcfe)), 'register 3 | 2').toBe('0x11');
    expect(hex(c.inw(0xcfc)), 'bytes 3 and 4').toBe('0x11');
    c.outl(0xcf8, c.address(4, 0x00) | 0x1);
    expect(hex(c.inl(0xcfc)), 'bytes 1-4').toBe('0x11e812');
  });

  it('reads and writes only what is left of config space at 0xff', async () => {
    const m = await createMachine();
    const c = conf1(m);
    m.edu.config.set8(0xff, 0x5a);
    c.outl(0xcf8, c.address(4, 0xfc) | 0x3);
    expect(hex(c.inl(0xcfc))).toBe('0x5a');
    c.outl(0xcfc, 0x12345678);
    expect(hex(eduConfig(m, 0xfc)), 'only byte 0xff is written').toBe('0x78000000');
  });

  it('reads and writes the selected bytes with a misaligned word at 0xcfd (byte enables 1-2)', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x00)); // 0x11e81234
    expect(hex(c.inw(0xcfd))).toBe('0xe812');
    c.outl(0xcf8, c.address(4, 0x50));
    c.outw(0xcfd, 0xbeef);
    expect(hex(eduConfig(m, 0x50))).toBe('0xbeef00');
  });

  it('writes single bytes and words through 0xcfd-0xcff', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x3c));
    c.outb(0xcfc, 0x0b); // interrupt line
    c.outl(0xcf8, c.address(4, 0x04));
    c.outb(0xcfd, 0x04); // command high byte: INTX_DISABLE
    c.outl(0xcf8, c.address(4, 0x44));
    c.outw(0xcfe, 0xfee0); // MSI address lo, high half
    c.outb(0xcfd, 0x12);
    expect(hex(eduConfig(m, 0x3c, 1))).toBe('0xb');
    expect(hex(eduConfig(m, 0x04, 2))).toBe('0x400');
    expect(hex(eduConfig(m, 0x44))).toBe('0xfee01200');
  });

  it('reads all ones and drops writes while the enable bit (31) is clear', async () => {
    const m = await createMachine();
    const c = conf1(m);
    c.outl(0xcf8, c.address(4, 0x00, 0, 0, false));
    expect(hex(c.inl(0xcfc))).toBe('0xffffffff');
    expect(hex(c.inw(0xcfe))).toBe('0xffff');
    expect(hex(c.inb(0xcfd))).toBe('0xff');
    c.outl(0xcf8, c.address(4, 0x3c, 0, 0, false));
    c.outb(0xcfc, 0x0b);
    expect(hex(eduConfig(m, 0x3c, 1))).toBe('0x0');
  });

  it('reads all ones from empty slots, other functions and other buses, and ignores writes there', async () => {
    const m = await createMachine();
    const c = conf1(m);
    expect(hex(c.read(5, 0x00))).toBe('0xffffffff');
    expect(hex(c.read(31, 0x00))).toBe('0xffffffff');
    expect(hex(c.read(4, 0x00, 4, 1)), '00:04.1').toBe('0xffffffff');
    expect(hex(c.read(4, 0x00, 4, 0, 1)), '01:04.0').toBe('0xffffffff');
    expect(hex(c.read(5, 0x02, 2))).toBe('0xffff');
    expect(hex(c.read(5, 0x03, 1))).toBe('0xff');
    c.write(5, 0x04, 2, 0x0007);
    expect(hex(c.read(5, 0x04, 2))).toBe('0xffff');
  });

  it('finds exactly two functions on bus 0: the host bridge at 00:00.0 and edu at 00:04.0', async () => {
    const m = await createMachine();
    const c = conf1(m);
    const found: string[] = [];
    for (let slot = 0; slot < 32; slot++) {
      const id = c.read(slot, 0x00);
      if (id !== 0xffffffff) found.push(`${slot}:${hex(id)}`);
    }
    expect(found).toEqual(['0:0x12378086', '4:0x11e81234']);
  });

  it('has an i440FX host bridge at 00:00.0: 8086:1237 rev 02, class 0x0600 (host bridge), no interrupt pin', async () => {
    const m = await createMachine();
    const c = conf1(m);
    expect(hex(c.read(0, 0x00))).toBe('0x12378086');
    expect(hex(c.read(0, 0x08))).toBe('0x6000002');
    expect(hex(c.read(0, 0x0e, 1)), 'header type').toBe('0x0');
    expect(hex(c.read(0, 0x2c))).toBe('0x11001af4');
    expect(hex(c.read(0, 0x3d, 1)), 'interrupt pin').toBe('0x0');
    expect(hex(c.read(0, 0x34, 1)), 'no capabilities').toBe('0x0');
    expect(m.pci.device(0)).toBe(m.hostBridge);
  });

  it('claims 0xcf8-0xcff only: neighbouring ports are unclaimed and read all ones', async () => {
    const m = await createMachine();
    const ranges = m.io.ranges().map((r) => [hex(r.base), r.length]);
    expect(ranges).toContainEqual(['0xcf8', 4]);
    expect(ranges).toContainEqual(['0xcfc', 4]);
    expect(hex(m.io.read(0xcf7, 1, Source.Test))).toBe('0xff');
    expect(hex(m.io.read(0xd00, 4, Source.Test))).toBe('0xffffffff');
  });
});
