import { describe, expect, it } from 'vitest';
import { compare, usePair, type Script } from './harness';

/** Config space of 00:04.0 as both machines show it through mechanism #1 (ports 0xcf8/0xcfc). */
describe('differential: PCI configuration space of 00:04.0', () => {
  const pair = usePair();

  it('firmware left BAR0, command and interrupt line as expected on the pc machine', () => {
    const { firmware } = pair();
    // Not a comparison: a record of what SeaBIOS did, which the other tests start from.
    expect(firmware.command).toBe(0x0103);
    expect(firmware.interruptLine).toBe(11);
    expect(firmware.bar0).not.toBe(0);
    expect((firmware.bar0 & 0xfff00000) >>> 0).toBe(firmware.bar0); // 1 MiB aligned
  });

  it('every dword 0x00-0xfc', async () => {
    await compare(pair(), async (s) => {
      for (let offset = 0; offset < 0x100; offset += 4) await s.cfgRead(offset);
    });
  });

  it('byte and word reads at every offset of the header and the MSI capability', async () => {
    await compare(pair(), async (s) => {
      for (let offset = 0; offset < 0x50; offset++) await s.cfgRead(offset, 1);
      for (let offset = 0; offset < 0x50; offset += 2) await s.cfgRead(offset, 2);
    });
  });

  it('BAR0 sizing: all ones read back as the size mask, decoding stops, restore maps it again', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.readl(0x00);
      await s.cfgWrite(0x10, 4, 0xffffffff);
      await s.cfgRead(0x10);
      await s.readl(0x00); // the old address decodes nothing now
      await s.cfgWrite(0x10, 4, 0);
      await s.cfgRead(0x10);
      await s.readl(0x00);
      await s.cfgWrite(0x10, 4, firmware.bar0);
      await s.cfgRead(0x10);
      await s.readl(0x00);
      s.note('BARs 1-5 and the expansion ROM are not implemented');
      for (const offset of [0x14, 0x18, 0x1c, 0x20, 0x24, 0x30]) {
        await s.cfgWrite(offset, 4, 0xffffffff);
        await s.cfgRead(offset);
        await s.cfgWrite(offset, 4, 0);
      }
    });
  });

  it('writable bits: all ones then zero into each header dword and the MSI capability', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      for (let offset = 0; offset < 0x50; offset += 4) {
        const original = firmware.config[offset / 4]!;
        s.note(`dword ${offset.toString(16)}`);
        await s.cfgWrite(offset, 4, 0xffffffff);
        await s.cfgRead(offset);
        await s.cfgWrite(offset, 4, 0);
        await s.cfgRead(offset);
        await restore(s, offset, original);
      }
      await s.readl(0x00); // decoding is back
    });
  });

  it('the device-specific area 0x50-0xfc', async () => {
    await compare(pair(), async (s) => {
      for (let offset = 0x50; offset < 0x100; offset += 4) {
        await s.cfgWrite(offset, 4, 0xffffffff);
        await s.cfgRead(offset);
        await s.cfgWrite(offset, 4, 0x5a00a500 | offset);
        await s.cfgRead(offset);
        await s.cfgWrite(offset, 4, 0);
      }
    });
  });

  it('byte and word writes: cache line, latency timer, pin, status, command bytes', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.cfgWrite(0x0c, 1, 0x10);
      await s.cfgWrite(0x0d, 1, 0x40);
      await s.cfgWrite(0x0e, 1, 0x80); // header type (read-only)
      await s.cfgWrite(0x0f, 1, 0xff); // BIST (not implemented)
      await s.cfgRead(0x0c);
      await s.cfgWrite(0x0c, 2, 0);
      await s.cfgRead(0x0c);
      await s.cfgWrite(0x3d, 1, 0x04); // interrupt pin (read-only)
      await s.cfgWrite(0x3e, 2, 0xffff); // min_gnt / max_lat
      await s.cfgRead(0x3c);
      await s.cfgWrite(0x06, 2, 0xffff); // status: write-1-to-clear bits only
      await s.cfgRead(0x04);
      await s.cfgWrite(0x05, 1, 0x04); // command high byte: INTX_DISABLE
      await s.cfgRead(0x04);
      await s.cfgWrite(0x04, 1, 0x07); // command low byte: IO, MEM, MASTER
      await s.cfgRead(0x04);
      await s.cfgWrite(0x04, 2, firmware.command);
      await s.cfgWrite(0x0c, 4, firmware.config[0x0c / 4]!);
      await s.cfgRead(0x04);
      await s.cfgRead(0x0c);
      await s.cfgRead(0x3c);
    });
  });

  it('MSI capability registers: 64-bit address, 16-bit data, control with enable clamping', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.cfgWrite(0x44, 4, 0xffffffff);
      await s.cfgWrite(0x48, 4, 0xffffffff);
      await s.cfgWrite(0x4c, 4, 0xffffffff);
      for (const offset of [0x40, 0x44, 0x48, 0x4c]) await s.cfgRead(offset);
      s.note('multiple-message enable above the capability while disabled, then enabled');
      await s.cfgWrite(0x42, 2, 0x0070);
      await s.cfgRead(0x40);
      await s.cfgWrite(0x42, 2, 0x0071);
      await s.cfgRead(0x40);
      await s.cfgWrite(0x42, 2, 0x0000);
      await s.cfgRead(0x40);
      await s.cfgWrite(0x42, 1, 0xff);
      await s.cfgRead(0x40);
      await s.cfgWrite(0x43, 1, 0xff);
      await s.cfgRead(0x40);
      for (const offset of [0x40, 0x44, 0x48, 0x4c]) await restore(s, offset, firmware.config[offset / 4]!);
    });
  });

  it('configuration mechanism #1: address latch, enable bit, absent functions, unaligned data ports', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.out(0xcf8, 4, 0x80002004);
      await s.in(0xcf8, 4);
      await s.in(0xcf8, 2);
      await s.in(0xcf8, 1);
      await s.in(0xcfa, 2);
      s.note('narrow writes do not latch an address');
      await s.out(0xcf8, 2, 0x1234);
      await s.out(0xcf8, 1, 0x55);
      await s.in(0xcf8, 4);
      s.note('unaligned data-port accesses (address 0x04 latched)');
      await s.in(0xcfc, 4);
      await s.in(0xcfd, 1);
      await s.in(0xcfd, 2);
      await s.in(0xcfe, 2);
      await s.in(0xcfd, 4);
      await s.out(0xcfd, 2, 0x0005);
      await s.cfgRead(0x04);
      await s.cfgWrite(0x04, 2, firmware.command);
      await s.cfgRead(0x04);
      s.note('address bits 1:0 set in the latched address');
      await s.out(0xcf8, 4, 0x80002002);
      await s.in(0xcf8, 4);
      await s.in(0xcfc, 2);
      await s.in(0xcfc, 4);
      await s.in(0xcfd, 1);
      await s.out(0xcf8, 4, 0x80002003);
      await s.in(0xcfc, 1);
      await s.in(0xcfc, 2);
      await s.out(0xcf8, 4, 0x800020fe);
      await s.in(0xcfc, 4);
      await s.in(0xcfc, 2);
      s.note('enable bit clear, absent slot, function and bus');
      await s.out(0xcf8, 4, 0x00002000);
      await s.in(0xcfc, 4);
      await s.out(0xcf8, 4, 0x80002800);
      await s.in(0xcfc, 4);
      await s.out(0xcf8, 4, 0x80002100);
      await s.in(0xcfc, 4);
      await s.out(0xcf8, 4, 0x80012000);
      await s.in(0xcfc, 4);
      await s.cfgRead(0x00, 4, 0); // the host bridge's identity
    });
  });
});

/** Put a dword back as the firmware left it (the status half is written as 0: its bits are W1C). */
async function restore(s: Script, offset: number, original: number): Promise<void> {
  if (offset === 0x04) await s.cfgWrite(0x04, 2, original & 0xffff);
  else await s.cfgWrite(offset, 4, original);
  await s.cfgRead(offset);
}
