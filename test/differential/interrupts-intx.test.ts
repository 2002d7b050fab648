import { describe, it } from 'vitest';
import { compare, usePair, type Script } from './harness';

/**
 * INTx: QEMU reports the IO-APIC's input levels (`irq_intercept_in ioapic`) as `IRQ raise/lower N`
 * lines; our machine reports its IO-APIC lines. Both appear in the transcripts after the access that
 * caused them, so the order of edges relative to register values is compared too.
 */

async function state(s: Script): Promise<void> {
  await s.readl(0x24);
  await s.cfgRead(0x04); // command and status (bit 3 of status: the INTx pin level)
}

describe('differential: interrupts over INTx', () => {
  const pair = usePair();

  it('raise and acknowledge: one edge per level change, status follows', async () => {
    await compare(pair(), async (s) => {
      await state(s);
      s.note('raise 1, raise 2, ack 1, ack 2');
      await s.writel(0x60, 1);
      await state(s);
      await s.writel(0x60, 2);
      await state(s);
      await s.writel(0x64, 1);
      await state(s);
      await s.writel(0x64, 2);
      await state(s);
      s.note('raise 0 with nothing pending; ack of bits that are not set');
      await s.writel(0x60, 0);
      await state(s);
      await s.writel(0x64, 0xffff0000);
      await state(s);
      s.note('raise the same bit twice, ack once');
      await s.writel(0x60, 0x80000000);
      await s.writel(0x60, 0x80000000);
      await state(s);
      await s.writel(0x64, 0x80000000);
      await state(s);
      s.note('raise 0 while bits are pending; ack with extra bits');
      await s.writel(0x60, 0xdeadbeef);
      await s.writel(0x60, 0);
      await state(s);
      await s.writel(0x64, 0xdead0000);
      await state(s);
      await s.writel(0x64, 0xffffffff);
      await state(s);
    });
  });

  it('factorial with IRQFACT: 6! raises the line and sets status 0x1; ack lowers it', async () => {
    await compare(pair(), async (s) => {
      await s.writel(0x20, 0x80);
      await s.writel(0x08, 6);
      await s.poll(0x24, 'FACT_IRQ set', (v) => (v & 1) !== 0);
      await s.readl(0x08);
      await s.readl(0x20);
      await state(s);
      await s.writel(0x64, 1);
      await state(s);
      s.note('IRQFACT set only after the computation finished: no interrupt');
      await s.writel(0x20, 0);
      await s.writel(0x08, 5);
      await s.poll(0x20, 'COMPUTING clear', (v) => (v & 1) === 0);
      await s.sleep(30);
      await s.writel(0x20, 0x80);
      await s.sleep(50);
      await state(s);
      await s.writel(0x20, 0);
    });
  });

  it('several sources pending at once: factorial 0x1, DMA 0x100 and a raised bit share the line', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.cfgWrite(0x04, 2, firmware.command | 0x4);
      await s.ramFill(0x00600000, 8, 0x5a);
      await s.writel(0x20, 0x80);
      await s.writel(0x08, 3);
      await s.poll(0x24, 'FACT_IRQ set', (v) => (v & 1) !== 0);
      await s.writeq(0x80, 0x00600000n);
      await s.writeq(0x88, 0x40000n);
      await s.writeq(0x90, 8n);
      await s.writeq(0x98, 5n);
      await s.poll(0x98, 'RUN clear', (v) => (v & 1) === 0);
      await state(s);
      await s.writel(0x60, 0x10000);
      await state(s);
      await s.writel(0x64, 0x1);
      await state(s);
      await s.writel(0x64, 0x100);
      await state(s);
      await s.writel(0x64, 0x10000);
      await state(s);
      await s.writel(0x20, 0);
      await s.cfgWrite(0x04, 2, firmware.command);
    });
  });

  it('command INTX_DISABLE masks delivery while status bit 3 keeps following the pin', async () => {
    const { firmware } = pair();
    const command = firmware.command;
    await compare(pair(), async (s) => {
      s.note('asserted, then disabled and enabled again');
      await s.writel(0x60, 1);
      await state(s);
      await s.cfgWrite(0x04, 2, command | 0x400);
      await state(s);
      await s.cfgWrite(0x04, 2, command);
      await state(s);
      s.note('acknowledged while disabled: no edge when enabled again');
      await s.cfgWrite(0x04, 2, command | 0x400);
      await s.writel(0x64, 1);
      await state(s);
      await s.cfgWrite(0x04, 2, command);
      await state(s);
      s.note('raised while disabled: the edge comes when delivery is enabled');
      await s.cfgWrite(0x04, 2, command | 0x400);
      await s.writel(0x60, 4);
      await state(s);
      await s.cfgWrite(0x04, 2, command);
      await state(s);
      await s.writel(0x64, 4);
      await state(s);
      s.note('other command bits do not touch the line');
      await s.writel(0x60, 8);
      await s.cfgWrite(0x04, 2, command | 0x4);
      await s.cfgWrite(0x04, 2, command & ~0x2);
      await s.cfgWrite(0x04, 2, command);
      await state(s);
      await s.writel(0x64, 8);
      await state(s);
    });
  });
});
