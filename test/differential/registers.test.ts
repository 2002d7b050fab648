import { describe, it } from 'vitest';
import { compare, usePair, type Script } from './harness';

/**
 * BAR0 registers and the memory core's access-size rules, through qtest's readX/writeX (the CPU's
 * address space). Nothing here starts a DMA transfer: writes to the command register never set RUN.
 */

const REGISTERS = [0x00, 0x04, 0x08, 0x20, 0x24] as const;

async function readRegisters(s: Script): Promise<void> {
  for (const offset of REGISTERS) await s.readl(offset);
}

async function factorialIdle(s: Script): Promise<void> {
  await s.poll(0x20, 'COMPUTING clear', (v) => (v & 1) === 0);
}

/**
 * Writes (no reads) that give every register a known value, so that a test's transcript does not
 * depend on what an earlier test left behind, on either side.
 */
async function baseline(s: Script): Promise<void> {
  s.note('baseline: liveness 0xffffffff, factorial 1, status 0, no interrupt, DMA registers 0');
  await s.writel(0x04, 0);
  await s.writel(0x20, 0);
  await s.writel(0x08, 1);
  await factorialIdle(s);
  await s.writel(0x64, 0xffffffff);
  for (const offset of [0x80, 0x88, 0x90]) await s.writeq(offset, 0n);
}

describe('differential: BAR0 registers and access sizes', () => {
  const pair = usePair();

  it('identification and the liveness check', async () => {
    await compare(pair(), async (s) => {
      await baseline(s);
      await s.readl(0x00);
      await s.readl(0x04);
      for (const v of [0, 1, 0x12345678, 0xffffffff, 0x80000000, 0xdeadbeef, 0x0000ffff, 0x13579bdf]) {
        await s.writel(0x04, v);
        await s.readl(0x04);
      }
      await s.writel(0x00, 0x12345678); // the ID is read-only
      await s.readl(0x00);
    });
  });

  it('1-, 2-, 4- and 8-byte reads at every offset 0x00-0x27 with every register holding a value', async () => {
    await compare(pair(), async (s) => {
      await baseline(s);
      s.note('liveness 0x13579bdf, factorial 10!, IRQFACT, interrupt status 0x8100');
      await s.writel(0x04, ~0x13579bdf >>> 0);
      await s.writel(0x08, 10);
      await factorialIdle(s);
      await s.writel(0x20, 0x80);
      await s.writel(0x60, 0x8100);
      await readRegisters(s);
      for (let offset = 0; offset < 0x28; offset++) await s.read(offset, 1);
      for (let offset = 0; offset < 0x28; offset += 2) await s.read(offset, 2);
      for (let offset = 0; offset < 0x28; offset += 4) await s.read(offset, 4);
      for (let offset = 0; offset < 0x28; offset += 8) await s.read(offset, 8);
      await s.writel(0x64, 0x8100);
      await s.writel(0x20, 0);
      await readRegisters(s);
    });
  });

  it('1-, 2- and 8-byte writes below 0x80 are dropped', async () => {
    await compare(pair(), async (s) => {
      await baseline(s);
      await s.writel(0x04, 0);
      await readRegisters(s);
      for (const offset of [0x04, 0x08, 0x20, 0x24, 0x60, 0x64]) {
        s.note(`narrow writes in the dword at ${offset.toString(16)}`);
        for (let b = 0; b < 4; b++) await s.write(offset + b, 1, 0x81);
        for (let w = 0; w < 4; w += 2) await s.write(offset + w, 2, 0x8181);
        await readRegisters(s);
      }
      for (const offset of [0x00, 0x08, 0x20, 0x60]) {
        s.note(`8-byte write at ${offset.toString(16)}`);
        await s.write(offset, 8, 0x0000008100000081n);
        await readRegisters(s);
      }
      await factorialIdle(s);
      await readRegisters(s);
    });
  });

  /** Unaligned setup: distinctive values in liveness, factorial and the DMA address registers. */
  async function unalignedSetup(s: Script): Promise<void> {
    await baseline(s);
    await s.writel(0x04, ~0x11223344 >>> 0);
    await s.writel(0x08, 5);
    await factorialIdle(s);
    await s.writeq(0x80, 0x8877665544332211n);
    await s.writeq(0x88, 0x1122334455667788n);
    await s.writeq(0x90, 0x0000000000000fffn);
  }

  async function unalignedReadBack(s: Script): Promise<void> {
    await readRegisters(s);
    for (const offset of [0x80, 0x88, 0x90]) await s.readq(offset);
  }

  it('unaligned 2- and 4-byte accesses', async () => {
    await compare(pair(), async (s) => {
      await unalignedSetup(s);
      for (const offset of [0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x82, 0x86, 0x8a]) await s.read(offset, 4);
      for (const offset of [0x01, 0x03, 0x05, 0x83]) await s.read(offset, 2);
      await s.write(0x06, 4, 0xaaaaaaaa);
      await s.write(0x0a, 4, 0x00000007);
      await s.write(0x86, 4, 0x00000003);
      await s.write(0x05, 2, 0xbbbb);
      await factorialIdle(s);
      await unalignedReadBack(s);
    });
  });

  // qtest's readq/writeq go through the memory core's address_space_read/write, which cut an unaligned
  // access into pieces bounded by the alignment of their address: 8 bytes at 0x04 become two dwords
  // (0x04 and 0x08), 8 bytes at 0x01 become 1+2+4+1 bytes. Each piece then meets the device's rules.
  it('unaligned 8-byte reads', async () => {
    await compare(pair(), async (s) => {
      await unalignedSetup(s);
      for (const offset of [0x01, 0x02, 0x04, 0x0c, 0x84, 0x8c]) await s.read(offset, 8);
    });
  });

  it('unaligned 8-byte writes', async () => {
    await compare(pair(), async (s) => {
      await unalignedSetup(s);
      s.note('8 bytes at 0x84 and 0x8c');
      await s.write(0x84, 8, 0x0000000600000000n);
      await s.write(0x8c, 8, 0x0000001000000000n);
      await unalignedReadBack(s);
      s.note('8 bytes at 0x04: high half lands on 0x08 if the access is split');
      await s.write(0x04, 8, 0x0000000c00000000n);
      await factorialIdle(s);
      await unalignedReadBack(s);
    });
  });

  it('unknown offsets read all ones and ignore writes', async () => {
    const unknown = [
      0x0c, 0x10, 0x14, 0x18, 0x1c, 0x28, 0x2c, 0x30, 0x40, 0x5c, 0x60, 0x64, 0x68, 0x7c, 0x84, 0x8c, 0x94, 0x9c,
      0xa0, 0x100, 0x1000, 0x40000, 0x40ffc, 0x41000, 0x80000, 0xffffc,
    ];
    await compare(pair(), async (s) => {
      await baseline(s);
      for (const offset of unknown) await s.readl(offset);
      for (const offset of [0xa0, 0x1000, 0x40000, 0x40ff8, 0xffff8]) await s.readq(offset);
      for (const offset of [0x0c, 0x28, 0x40, 0xa0, 0x1000, 0x40000, 0xffffc]) await s.writel(offset, 0x55aa55aa);
      for (const offset of [0xa0, 0x40000, 0xffff8]) await s.writeq(offset, 0x55aa55aa55aa55aan);
      for (const offset of [0x0c, 0x28, 0x40, 0xa0, 0x1000, 0x40000, 0xffffc]) await s.readl(offset);
      await readRegisters(s);
    });
  });

  it('DMA registers: 8-byte values, 4-byte halves, zero-extending dword writes, ignored high-half writes', async () => {
    await compare(pair(), async (s) => {
      await baseline(s);
      for (const [offset, value] of [
        [0x80, 0x1122334455667788n],
        [0x88, 0x99aabbccddeeff00n],
        [0x90, 0x0123456789abcdefn],
      ] as const) {
        s.note(`register ${offset.toString(16)}`);
        await s.writeq(offset, value);
        await s.readq(offset);
        await s.readl(offset);
        await s.readl(offset + 4);
        await s.writel(offset, 0xa5a5a5a5);
        await s.readq(offset);
        await s.writeq(offset, value);
        await s.writel(offset + 4, 0x12345678);
        await s.readq(offset);
        await s.write(offset, 2, 0xffff);
        await s.write(offset + 4, 1, 0xff);
        await s.readq(offset);
        await s.read(offset, 1);
        await s.read(offset, 2);
      }
      s.note('command: writes without RUN are ignored');
      await s.readq(0x98);
      await s.writeq(0x98, 0xfffffffffffffff6n);
      await s.readq(0x98);
      await s.writel(0x98, 0x6);
      await s.readq(0x98);
      await s.writel(0x9c, 0x7);
      await s.readq(0x98);
      await s.readl(0x9c);
      await s.writeq(0x80, 0n);
      await s.writeq(0x88, 0n);
      await s.writeq(0x90, 0n);
      for (const offset of [0x80, 0x88, 0x90, 0x98]) await s.readq(offset);
    });
  });

  it('status register: only IRQFACT (0x80) is writable', async () => {
    await compare(pair(), async (s) => {
      await baseline(s);
      await s.readl(0x08);
      for (const v of [0xffffffff, 0x01, 0x81, 0x7f, 0x80, 0x100, 0x0, 0xffffff7f]) {
        await s.writel(0x20, v);
        await s.readl(0x20);
      }
      await s.readl(0x08); // writing COMPUTING starts nothing
      await s.readl(0x24);
    });
  });

  it('interrupt status: raise ORs in, acknowledge clears, 0x24 ignores writes', async () => {
    await compare(pair(), async (s) => {
      await baseline(s);
      await s.readl(0x24);
      await s.writel(0x60, 0x12340000);
      await s.readl(0x24);
      await s.writel(0x60, 0x00005678);
      await s.readl(0x24);
      await s.writel(0x24, 0);
      await s.readl(0x24);
      await s.writel(0x64, 0x10305070);
      await s.readl(0x24);
      await s.writel(0x64, 0xffffffff);
      await s.readl(0x24);
    });
  });
});
