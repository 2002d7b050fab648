import { describe, it } from 'vitest';
import { compare, usePair, type Script } from './harness';

/**
 * MSI: the message address is pointed at guest RAM instead of the APIC window, so every message the
 * device sends becomes a visible 4-byte write. Each raise gets its own slot (address) and data value,
 * which shows exactly which raises produced a message.
 */

const SLOTS = 0x00400000;
const SLOT_BYTES = 4 * 16;

function slot(k: number): number {
  return SLOTS + 4 * k;
}

async function aim(s: Script, k: number, addrHi = 0): Promise<void> {
  await s.cfgWrite(0x44, 4, slot(k));
  await s.cfgWrite(0x48, 4, addrHi);
  await s.cfgWrite(0x4c, 2, 0x4100 + k);
}

async function msiControl(s: Script, control: number): Promise<void> {
  await s.cfgWrite(0x42, 2, control);
}

async function state(s: Script): Promise<void> {
  await s.readl(0x24);
  await s.cfgRead(0x04);
  await s.cfgRead(0x40);
}

async function slots(s: Script): Promise<void> {
  await s.ramDump(SLOTS, SLOT_BYTES);
}

describe('differential: MSI', () => {
  const pair = usePair();

  async function restoreConfig(s: Script): Promise<void> {
    const { firmware } = pair();
    await msiControl(s, 0);
    await s.cfgWrite(0x44, 4, firmware.config[0x44 / 4]!);
    await s.cfgWrite(0x48, 4, firmware.config[0x48 / 4]!);
    await s.cfgWrite(0x4c, 2, firmware.config[0x4c / 4]! & 0xffff);
    await s.cfgWrite(0x04, 2, firmware.command);
    await s.writel(0x64, 0xffffffff);
    await state(s);
  }

  it('one message per raise (also a raise of 0 while bits are pending), none without bus master', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.ramFill(SLOTS, SLOT_BYTES, 0xee);
      await s.cfgWrite(0x04, 2, firmware.command | 0x4);
      await aim(s, 0);
      await msiControl(s, 0x0001);
      for (const offset of [0x40, 0x44, 0x48, 0x4c]) await s.cfgRead(offset);
      s.note('raise 1');
      await s.writel(0x60, 1);
      await state(s);
      await slots(s);
      s.note('raise 2');
      await aim(s, 1);
      await s.writel(0x60, 2);
      await state(s);
      s.note('raise 0 while 3 is pending');
      await aim(s, 2);
      await s.writel(0x60, 0);
      await state(s);
      s.note('ack: no message');
      await aim(s, 3);
      await s.writel(0x64, 3);
      await state(s);
      s.note('raise 0 with nothing pending: no message');
      await aim(s, 4);
      await s.writel(0x60, 0);
      await state(s);
      await slots(s);
      s.note('bus master off: the status changes, the message is dropped');
      await aim(s, 5);
      await s.cfgWrite(0x04, 2, firmware.command & ~0x4);
      await s.writel(0x60, 4);
      await state(s);
      await s.writel(0x64, 4);
      await s.cfgWrite(0x04, 2, firmware.command | 0x4);
      await state(s);
      s.note('raise again with bus master back on');
      await aim(s, 6);
      await s.writel(0x60, 0x10);
      await state(s);
      await s.writel(0x64, 0x10);
      s.note('a 64-bit message address above RAM lands nowhere visible');
      await aim(s, 7, 0x1);
      await s.writel(0x60, 0x20);
      await s.writel(0x64, 0x20);
      await slots(s);
      await restoreConfig(s);
    });
  });

  it('enabling MSI while INTx is asserted deasserts it; disabling MSI does not reassert it', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.ramFill(SLOTS, SLOT_BYTES, 0xee);
      await s.cfgWrite(0x04, 2, firmware.command | 0x4);
      s.note('INTx asserted, then MSI enabled');
      await s.writel(0x60, 1);
      await state(s);
      await aim(s, 8);
      await state(s);
      await msiControl(s, 0x0001);
      await state(s);
      await slots(s);
      await s.writel(0x60, 2);
      await state(s);
      await s.writel(0x64, 3);
      await state(s);
      await msiControl(s, 0x0000);
      await state(s);
      s.note('pending while MSI is disabled again: no INTx until the next raise');
      await aim(s, 9);
      await msiControl(s, 0x0001);
      await s.writel(0x60, 1);
      await state(s);
      await msiControl(s, 0x0000);
      await state(s);
      await s.writel(0x60, 2);
      await state(s);
      await s.writel(0x64, 3);
      await state(s);
      await slots(s);
      await restoreConfig(s);
    });
  });

  it('DMA completion with the IRQ bit sends a message', async () => {
    const { firmware } = pair();
    await compare(pair(), async (s) => {
      await s.ramFill(SLOTS, SLOT_BYTES, 0xee);
      await s.ramFill(0x00500000, 16, 0x3c);
      await s.cfgWrite(0x04, 2, firmware.command | 0x4);
      await aim(s, 10);
      await msiControl(s, 0x0001);
      await s.writeq(0x80, 0x00500000n);
      await s.writeq(0x88, 0x40000n);
      await s.writeq(0x90, 16n);
      await s.writeq(0x98, 5n);
      await s.poll(0x98, 'RUN clear', (v) => (v & 1) === 0);
      await state(s);
      await slots(s);
      await s.writel(0x64, 0x100);
      await state(s);
      await restoreConfig(s);
    });
  });
});
