import { describe, it } from 'vitest';
import { compare, pattern, RAM_SIZE, usePair, type Script } from './harness';

/**
 * The DMA engine against real time on both sides (QEMU runs with -accel tcg, whose virtual clock
 * follows the host; our machine's does too by default). Every transfer here is one QEMU 7.2 accepts:
 * inside the buffer, count at least 1 and offset + count at most 4095 (7.2 aborts the VM on count 0
 * and on a transfer that ends exactly at the end of the buffer), and RAM addresses below the 28-bit
 * DMA mask (a clamp would print on QEMU's stdout, in the middle of the qtest stream).
 */

const BUF = 0x40000;
const SRC = 0x00600000; // guest RAM the device reads
const DST = 0x00700000; // guest RAM the device writes
const GUARD = 16; // bytes around the destination that must stay untouched

/** Refuse (before QEMU sees it) a transfer that would abort QEMU 7.2 or print a clamp message. */
function checkTransfer(src: number, dst: number, count: number, cmd: number): void {
  const device = cmd & 0x2 ? src : dst;
  const ram = cmd & 0x2 ? dst : src;
  const ok = count >= 1 && device >= BUF && device + count <= BUF + 4095 && ram + count <= RAM_SIZE && ram <= 0x0fffffff;
  if (!ok) throw new Error(`test bug: transfer src 0x${src.toString(16)} dst 0x${dst.toString(16)} count ${count} is not safe for QEMU 7.2`);
}

/** Program and start a transfer, read the command right away, then wait for completion. */
async function dma(s: Script, src: number, dst: number, count: number, cmd: number): Promise<void> {
  checkTransfer(src, dst, count, cmd);
  await s.writeq(0x80, BigInt(src));
  await s.writeq(0x88, BigInt(dst));
  await s.writeq(0x90, BigInt(count));
  await s.writeq(0x98, BigInt(cmd));
  await s.readq(0x98);
  await done(s);
}

async function done(s: Script): Promise<void> {
  await s.poll(0x98, 'RUN clear', (v) => (v & 1) === 0);
  await s.readq(0x98);
}

describe('differential: DMA', () => {
  const pair = usePair();

  async function busMaster(s: Script, on: boolean): Promise<void> {
    const command = pair().firmware.command;
    await s.cfgWrite(0x04, 2, on ? command | 0x4 : command & ~0x4);
  }

  it('round trips RAM -> buffer -> RAM for counts 1..4095 at various buffer offsets', async () => {
    const cases: [count: number, offset: number][] = [
      [1, 0],
      [2, 1],
      [3, 4092],
      [4, 0x800],
      [7, 9],
      [64, 0x100],
      [255, 3],
      [256, 0xeff],
      [1000, 0x7d],
      [2048, 0x7ff],
      [4000, 95],
      [4095, 0],
    ];
    await compare(pair(), async (s) => {
      await busMaster(s, true);
      for (const [i, [count, offset]] of cases.entries()) {
        s.note(`count ${count} at buffer offset 0x${offset.toString(16)}`);
        await s.ramWrite(SRC, pattern(count, 0x9e3779b9 + i));
        await s.ramFill(DST - GUARD, count + 2 * GUARD, 0xee);
        await dma(s, SRC, BUF + offset, count, 0x1);
        await dma(s, BUF + offset, DST, count, 0x3);
        await s.ramDump(DST - GUARD, count + 2 * GUARD);
      }
      await s.readl(0x24);
      await busMaster(s, false);
    });
  });

  it('command read-back, completion interrupt 0x100 over INTx, extra command bits', async () => {
    await compare(pair(), async (s) => {
      await busMaster(s, true);
      await s.ramWrite(SRC, pattern(32, 7));
      s.note('cmd 5 (RUN | IRQ), RAM to device');
      await dma(s, SRC, BUF, 32, 0x5);
      await s.readl(0x24);
      await s.cfgRead(0x04);
      await s.writel(0x64, 0x100);
      await s.readl(0x24);
      s.note('cmd 7 (RUN | TO_RAM | IRQ) reads back 6 when done');
      await s.ramFill(DST, 32, 0);
      await dma(s, BUF, DST, 32, 0x7);
      await s.readl(0x24);
      await s.writel(0x64, 0x100);
      await s.ramDump(DST, 32);
      s.note('cmd written with a 4-byte access; and bits above 0x7 are kept');
      await s.writeq(0x80, BigInt(SRC));
      await s.writeq(0x88, BigInt(BUF + 0x40));
      await s.writeq(0x90, 16n);
      await s.writel(0x98, 0x1);
      await s.readq(0x98);
      await done(s);
      await s.writeq(0x98, 0xa5000000000000f5n);
      await s.readq(0x98);
      await s.readl(0x98);
      await done(s);
      await s.readl(0x24);
      await s.writel(0x64, 0x100);
      await s.readl(0x24);
      await busMaster(s, false);
    });
  });

  it('while RUN is set, writes to 0x80..0x98 are ignored; afterwards they are accepted again', async () => {
    await compare(pair(), async (s) => {
      await busMaster(s, true);
      await s.ramWrite(SRC, pattern(48, 11));
      await s.ramWrite(SRC + 0x1000, pattern(48, 12));
      await s.writeq(0x80, BigInt(SRC));
      await s.writeq(0x88, BigInt(BUF + 0x200));
      await s.writeq(0x90, 48n);
      await s.writeq(0x98, 0x1n);
      s.note('pending: try to reprogram everything (values that would still be valid transfers)');
      await s.writeq(0x80, BigInt(SRC + 0x1000));
      await s.writel(0x88, BUF + 0x300);
      await s.writeq(0x90, 8n);
      await s.writel(0x94, 0);
      await s.writeq(0x98, 0x3n);
      await s.writel(0x98, 0x5);
      for (const offset of [0x80, 0x88, 0x90, 0x98]) await s.readq(offset);
      for (const offset of [0x80, 0x84, 0x88, 0x90, 0x98]) await s.readl(offset);
      await done(s);
      for (const offset of [0x80, 0x88, 0x90, 0x98]) await s.readq(offset);
      s.note('read the buffer back: the first programming was used');
      await s.ramFill(DST, 64, 0xee);
      await dma(s, BUF + 0x200, DST, 64, 0x3);
      await s.ramDump(DST, 64);
      s.note('idle again: registers take writes');
      await s.writeq(0x80, 0x1234n);
      await s.writel(0x88, 0x5678);
      await s.writeq(0x90, 0x9an);
      for (const offset of [0x80, 0x88, 0x90, 0x98]) await s.readq(offset);
      await s.readl(0x24);
      await busMaster(s, false);
    });
  });

  it('bus master off: RAM to device fills the buffer with zeros, device to RAM writes nothing', async () => {
    await compare(pair(), async (s) => {
      await busMaster(s, true);
      s.note('fill buffer 0x000-0x0ff with a pattern (bus master on)');
      await s.ramWrite(SRC, pattern(256, 21));
      await dma(s, SRC, BUF, 256, 0x1);
      s.note('bus master off: RAM to device over 0x020-0x05f, with the completion interrupt');
      await busMaster(s, false);
      await s.ramWrite(SRC, pattern(64, 22));
      await dma(s, SRC, BUF + 0x20, 64, 0x5);
      await s.readl(0x24);
      await s.cfgRead(0x04);
      await s.writel(0x64, 0x100);
      s.note('bus master off: device to RAM leaves RAM as it was');
      await s.ramFill(DST - GUARD, 256 + 2 * GUARD, 0xee);
      await dma(s, BUF, DST, 256, 0x7);
      await s.readl(0x24);
      await s.writel(0x64, 0x100);
      await s.ramDump(DST - GUARD, 256 + 2 * GUARD);
      s.note('bus master on again: read the buffer back');
      await busMaster(s, true);
      await dma(s, BUF, DST, 256, 0x3);
      await s.ramDump(DST - GUARD, 256 + 2 * GUARD);
      await busMaster(s, false);
    });
  });

  it('the DMA buffer is not visible through BAR0', async () => {
    await compare(pair(), async (s) => {
      await busMaster(s, true);
      await s.ramWrite(SRC, pattern(16, 31));
      await dma(s, SRC, BUF, 16, 0x1);
      for (const offset of [BUF, BUF + 4, BUF + 8]) await s.readl(offset);
      await s.readq(BUF);
      await s.writel(BUF, 0x01020304);
      await s.ramFill(DST, 16, 0xee);
      await dma(s, BUF, DST, 16, 0x3);
      await s.ramDump(DST, 16);
      await busMaster(s, false);
    });
  });
});
