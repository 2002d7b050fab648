import { describe, expect, it } from 'vitest';
import { PciReg } from '../../../src/common/pci';
import { Source } from '../../../src/common/trace/schema';
import { EDU_DEVICE_PATH, eduIoctl } from '../../../src/main/guest/drivers/edu';
import type { Kernel } from '../../../src/main/guest/kernel/kernel';
import type { CharDevNode } from '../../../src/main/guest/kernel/vfs';
import { eduConfig } from '../../support/pci';
import { bootEduGuest, dmesg, edu, readText, until } from './edu-support';

const MiB = 1024 * 1024;

function node(k: Kernel): CharDevNode {
  return k.vfs.lookup(EDU_DEVICE_PATH) as CharDevNode;
}

function guestErrors(lines: readonly { channel: string; text: string }[]): string[] {
  return lines.filter((l) => l.channel === 'guest-error').map((l) => l.text);
}

describe('edu driver: teaching switches', () => {
  it('no_master=1 with INTx: DMA completes but moves nothing (a zero-filled round trip)', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    machine.memory.writeBytes(0x0ffff000n, new Uint8Array(16).fill(0x55), Source.Test); // stale bytes in the buffer page
    await k.modules.load('edu', ['no_master=1']);
    expect(dmesg(k)).toContain('edu 0000:00:04.0: no_master=1: bus mastering left off (DMA moves no data, MSI messages are dropped)');
    expect(eduConfig(machine, PciReg.Command, 2) & 0x4).toBe(0);

    expect((await edu(k, 'dma', 'to-dev', '--data', 'lost in transit')).status).toBe(0);
    expect(machine.edu.dmaBufferContents().slice(0, 15)).toEqual(new Uint8Array(15)); // the device read zeros
    const back = await eduIoctl(node(k), 'DMA_FROM_DEV', { count: 15 });
    expect(back.data).toEqual(new Uint8Array(15));
    const out = await edu(k, 'dma', 'from-dev', '--count', '16');
    expect(out.stdout.split('\n')[1]).toBe('00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|');
    // INTx is a wire, not a DMA write: interrupts still arrive.
    expect((await eduIoctl(node(k), 'RAISE', 0x40)).statusSeenInHandler).toBe(0x40);
    expect((await edu(k, 'info')).stdout).toContain('bus master:  off\n');
  });

  it('no_master=1 with MSI: messages are DMA writes, so interrupts are lost (polling still works)', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    await k.modules.load('edu', ['no_master=1', 'use_msi=1']);
    const raise = await edu(k, 'raise', '0x40');
    expect(raise.status).toBe(1);
    expect(raise.stderr).toBe(
      'edu: raise: Connection timed out (no interrupt for raise 0x00000040 within 10 s (interrupt status 0x00000040; bus mastering is off, so MSI messages are dropped))\n',
    );
    expect(k.irq.desc(24)!.count).toBe(0);
    expect(machine.edu.snapshot().irqStatus).toBe(0x40);
    expect(dmesg(k).some((l) => l.includes('no interrupt for raise 0x00000040 within 10 s'))).toBe(true);

    const fact = await edu(k, 'fact', '5', '--irq');
    expect(fact.status).toBe(1);
    expect(fact.stderr).toContain('edu: fact: Connection timed out (no interrupt for 5! within 10 s');
    expect((await edu(k, 'fact', '5', '--poll')).stdout).toMatch(/^5! = 120 \(0x00000078\) in .* \(polling\)\n$/);
    expect((await edu(k, 'dma', 'to-dev', '--data', 'x', '--irq')).status).toBe(1);
    expect((await edu(k, 'dma', 'to-dev', '--data', 'x', '--poll')).status).toBe(0);
  });

  for (const deterministic of [true, false]) {
    it(`no_ack=1 with INTx: the line stays up, an interrupt storm, then "nobody cared" disables IRQ 11 (${deterministic ? 'deterministic' : 'real'} time)`, async () => {
      const { guest, machine } = await bootEduGuest({ deterministic });
      const k = guest.kernel;
      await k.modules.load('edu', ['no_ack=1']);
      expect(dmesg(k)).toContain('edu 0000:00:04.0: no_ack=1: the interrupt handler will not acknowledge interrupts');

      const r = await edu(k, 'raise', '0x10');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^raise 0x00000010: handler saw 0x00000010 after .* \(irq 11, INTx\)\ninterrupt status is still 0x00000010: not acknowledged\n$/);
      await until(() => dmesg(k).includes('Disabling IRQ #11'), 'the spurious-interrupt detector to disable IRQ 11');
      const log = dmesg(k);
      expect(log).toContain('irq 11: nobody cared (try booting with the "irqpoll" option)');
      expect(log).toContain('[<00000000deadbeef>] edu_irq [edu]');
      const desc = k.irq.desc(11)!;
      expect(desc.disabled).toBe(true);
      expect(desc.count).toBeGreaterThanOrEqual(100_000);
      expect(machine.ioapic.level(11)).toBe(true); // still asserted: nobody acknowledged
      const info = await eduIoctl(node(k), 'INFO', undefined);
      expect(info).toMatchObject({ irqDisabled: true, irqStatus: 0x10, interrupts: { other: 1 } });
      expect(info.interrupts.none).toBeGreaterThanOrEqual(99_900);
      expect((await edu(k, 'info')).stdout).toContain('irq:         11 (INTx, shared), disabled by the kernel (see dmesg)\n');

      if (deterministic) {
        // The line is off now: nothing more comes through (in real time this would wait 10 s).
        const late = await edu(k, 'raise', '0x20');
        expect(late.status).toBe(1);
        expect(late.stderr).toContain('irq 11 was disabled by the kernel (see dmesg)');
      }

      // rmmod quiesces the device (the line drops); a normal load works again.
      await k.modules.unload('edu');
      expect(machine.ioapic.level(11)).toBe(false);
      await k.modules.load('edu', []);
      expect((await eduIoctl(node(k), 'RAISE', 0x20)).statusAfter).toBe(0);
      expect(k.irq.desc(11)!.disabled).toBe(false);
    });
  }

  it('no_ack=1 with MSI: one message per raise, and the status stays set', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    await k.modules.load('edu', ['no_ack=1', 'use_msi=1']);
    const first = await eduIoctl(node(k), 'RAISE', 0x10);
    expect(first).toMatchObject({ statusSeenInHandler: 0x10, statusAfter: 0x10 });
    const second = await eduIoctl(node(k), 'RAISE', 0x20);
    expect(second).toMatchObject({ statusSeenInHandler: 0x30, statusAfter: 0x30 });
    const again = await eduIoctl(node(k), 'RAISE', 0x20); // nothing new: the handler says IRQ_NONE
    expect(again).toMatchObject({ statusSeenInHandler: 0x30, statusAfter: 0x30 });
    expect(k.irq.desc(24)!.count).toBe(3);
    expect(k.irq.desc(24)!.disabled).toBe(false);
    expect(machine.edu.snapshot().irqStatus).toBe(0x30);
    expect(readText(k, '/proc/interrupts')).toMatch(/^ +24: +3 +PCI-MSI +65536-edge +edu$/m);
    const info = await eduIoctl(node(k), 'INFO', undefined);
    expect(info.interrupts).toMatchObject({ calls: 3, other: 2, none: 1 });
  });

  it('no_mask=1 on a 512 MiB machine: the buffer is above 256 MiB and the device clamps the address', async () => {
    const { guest, machine } = await bootEduGuest({ ramSize: 512 * MiB });
    const k = guest.kernel;
    // What lives where the clamped address points.
    machine.memory.writeBytes(0x0ffff000n, new TextEncoder().encode('not yours'), Source.Test);
    await k.modules.load('edu', ['no_mask=1']);
    expect(dmesg(k)).toContain('edu 0000:00:04.0: no_mask=1: DMA mask left at 0xffffffff (the device reaches 28 bits)');
    expect(dmesg(k)).toContain(
      "edu 0000:00:04.0: no_mask=1: DMA buffer at 0x1ffff000 is beyond the device's 28-bit reach: transfers will land at 0x0ffff000",
    );
    const to = await edu(k, 'dma', 'to-dev', '--data', 'hello, dma');
    expect(to.stdout).toBe('dma to-dev: 10 bytes from RAM 0x1ffff000 to device 0x00040000 in 100.000 ms (interrupt)\n');
    expect(guestErrors(machine.log.lines())).toContain('EDU: clamping DMA 0x000000001ffff000 to 0x000000000ffff000!');
    // The device read from the clamped address, not from our buffer.
    expect(new TextDecoder().decode(machine.edu.dmaBufferContents().slice(0, 9))).toBe('not yours');

    const back = await eduIoctl(node(k), 'DMA_FROM_DEV', { count: 10 });
    expect(back.data).toEqual(new Uint8Array(10)); // nothing reached our buffer
    expect(guestErrors(machine.log.lines()).filter((l) => l.startsWith('EDU: clamping DMA 0x000000001ffff000'))).toHaveLength(2);

    // With a caller-given address above 256 MiB, the bytes land 256 MiB lower.
    await edu(k, 'dma', 'from-dev', '--count', '9', '--to-ram', '0x10100000');
    expect(guestErrors(machine.log.lines())).toContain('EDU: clamping DMA 0x0000000010100000 to 0x0000000000100000!');
    expect(new TextDecoder().decode(machine.memory.readBytes(0x00100000n, 9, Source.Test))).toBe('not yours');
  });

  it('no_mask=1 with 256 MiB: the buffer is within reach, nothing shows (and the driver says so)', async () => {
    const { guest, machine } = await bootEduGuest();
    const k = guest.kernel;
    await k.modules.load('edu', ['no_mask=1']);
    expect(dmesg(k)).toContain(
      "edu 0000:00:04.0: no_mask=1: DMA buffer at 0x0ffff000 is within the device's 28-bit reach, so nothing will show (try a machine with more than 256 MiB of RAM)",
    );
    await edu(k, 'dma', 'to-dev', '--data', 'fine');
    const back = await eduIoctl(node(k), 'DMA_FROM_DEV', { count: 4 });
    expect(new TextDecoder().decode(back.data)).toBe('fine');
    expect(machine.log.lines()).toHaveLength(0);
  });

  it('with the mask set, a 512 MiB machine still gets a buffer the device can reach', async () => {
    const { guest, machine } = await bootEduGuest({ ramSize: 512 * MiB });
    const k = guest.kernel;
    await k.modules.load('edu', []);
    const info = await eduIoctl(node(k), 'INFO', undefined);
    expect(info.dmaBuffer.bus).toBe(0x0ffff000n);
    await edu(k, 'dma', 'to-dev', '--data', 'reachable');
    const back = await eduIoctl(node(k), 'DMA_FROM_DEV', { count: 9 });
    expect(new TextDecoder().decode(back.data)).toBe('reachable');
    expect(machine.log.lines()).toHaveLength(0);
  });
});
