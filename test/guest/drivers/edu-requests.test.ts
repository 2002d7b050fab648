import { describe, expect, it, vi } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import { EDU_DEVICE_PATH, eduIoctl, type EduDmaResult } from '../../../src/main/guest/drivers/edu';
import type { Kernel } from '../../../src/main/guest/kernel/kernel';
import type { CharDevNode } from '../../../src/main/guest/kernel/vfs';
import { bootEduGuest, edu, readText, toolContext, until } from './edu-support';
import { eduTool } from '../../../src/main/guest/tools/edu';

const TIME = String.raw`\d+(\.\d{3})? (ns|us|ms|s)`;

function node(k: Kernel): CharDevNode {
  return k.vfs.lookup(EDU_DEVICE_PATH) as CharDevNode;
}

async function loaded(args: string[] = [], deterministic = true) {
  const booted = await bootEduGuest({ deterministic });
  await booted.guest.kernel.modules.load('edu', args);
  return { ...booted, k: booted.guest.kernel };
}

function irqCount(k: Kernel, irq: number): number {
  return k.irq.desc(irq)!.count;
}

describe('edu driver: requests on /dev/edu0', () => {
  for (const useMsi of [false, true]) {
    const mode = useMsi ? 'MSI' : 'INTx';
    it(`factorial by interrupt and by polling (${mode})`, async () => {
      const { k } = await loaded(useMsi ? ['use_msi=1'] : []);
      const cases: [number, number][] = [[0, 1], [1, 1], [5, 120], [10, 3628800], [13, 0x7328cc00], [20, 0x82b40000], [34, 0]];
      for (const [n, want] of cases) {
        for (const how of ['irq', 'poll'] as const) {
          const r = await eduIoctl(node(k), 'FACT', { n, mode: how });
          expect(r, `${n}! by ${how}`).toMatchObject({ n, result: want, mode: how });
          expect(r.ns).toBeGreaterThanOrEqual(0);
        }
      }
      const info = await eduIoctl(node(k), 'INFO', undefined);
      expect(info.interrupts.fact).toBe(cases.length); // one interrupt per 'irq' run, none for polling
      expect(info.irqStatus).toBe(0);

      const irq = await edu(k, 'fact', '10');
      expect(irq.status).toBe(0);
      expect(irq.stdout).toMatch(new RegExp(String.raw`^10! = 3628800 \(0x00375f00\) in ${TIME} \(interrupt\)\n$`));
      const poll = await edu(k, 'fact', '0xd', '--poll');
      expect(poll.stdout).toMatch(new RegExp(String.raw`^13! = 1932053504 \(0x7328cc00\) in ${TIME} \(polling\)\n$`));
    });

    it(`raise: the handler sees the value, acknowledges it, and the line or message is counted once (${mode})`, async () => {
      const { k, machine } = await loaded(useMsi ? ['use_msi=1'] : []);
      const irq = useMsi ? 24 : 11;
      const before = irqCount(k, irq);
      const r = await eduIoctl(node(k), 'RAISE', 0xdeadbeef);
      expect(r).toMatchObject({ value: 0xdeadbeef, statusSeenInHandler: 0xdeadbeef, statusAfter: 0, irq, mode });
      expect(irqCount(k, irq)).toBe(before + 1);
      expect(machine.edu.snapshot().irqStatus).toBe(0);
      expect(machine.ioapic.level(11)).toBe(false);

      const out = await edu(k, 'raise', '0x1000');
      expect(out.status).toBe(0);
      expect(out.stdout).toMatch(new RegExp(String.raw`^raise 0x00001000: handler saw 0x00001000 after ${TIME} \(irq ${irq}, ${mode}\)\n$`));
      const info = await eduIoctl(node(k), 'INFO', undefined);
      expect(info.interrupts).toMatchObject({ other: 2, fact: 1, dma: 0, lastStatus: 0x1000 }); // 0xdeadbeef has bit 0
      expect(readText(k, '/proc/interrupts')).toMatch(new RegExp(String.raw`^ +${irq}: +${before + 2} `, 'm'));
    });

    it(`DMA round trip through the coherent buffer, by interrupt and by polling (${mode})`, async () => {
      const { k, machine } = await loaded(useMsi ? ['use_msi=1'] : []);
      const to = await edu(k, 'dma', 'to-dev', '--data', 'Hello, edu!');
      expect(to.status).toBe(0);
      expect(to.stdout).toBe('dma to-dev: 11 bytes from RAM 0x0ffff000 to device 0x00040000 in 100.000 ms (interrupt)\n');
      expect(new TextDecoder().decode(machine.edu.dmaBufferContents().slice(0, 11))).toBe('Hello, edu!');

      const from = await edu(k, 'dma', 'from-dev', '--count', '24', '--poll');
      expect(from.status).toBe(0);
      expect(from.stdout).toMatch(/^dma from-dev: 24 bytes from device 0x00040000 to RAM 0x0ffff000 in 100\.\d{3} ms \(polling\)\n/);
      expect(from.stdout.slice(from.stdout.indexOf('\n') + 1)).toBe(
        '00000000  48 65 6c 6c 6f 2c 20 65  64 75 21 00 00 00 00 00  |Hello, edu!.....|\n' +
          '00000010  00 00 00 00 00 00 00 00                           |........|\n' +
          '00000018\n',
      );

      // At an offset, with a generated pattern; 2048 bytes compared byte for byte.
      await edu(k, 'dma', 'to-dev', '--pattern', 'inc', '--count', '2048', '--offset', '0x800', '--poll');
      const back = (await eduIoctl(node(k), 'DMA_FROM_DEV', { count: 2048, offset: 0x800 })) as EduDmaResult;
      expect(back.data).toEqual(Uint8Array.from({ length: 2048 }, (_, i) => i & 0xff));
      expect(back).toMatchObject({ direction: 'from-dev', coherent: true, offset: 0x800, ramAddr: 0x0ffff800n, mode: 'irq' });
      const dump = await edu(k, 'dma', 'from-dev', '--count', '48', '--offset', '0x800');
      expect(dump.stdout.split('\n').slice(1)).toEqual([
        '00000800  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|',
        '00000810  10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f  |................|',
        '00000820  20 21 22 23 24 25 26 27  28 29 2a 2b 2c 2d 2e 2f  | !"#$%&\'()*+,-./|',
        '00000830',
        '',
      ]);
      await edu(k, 'dma', 'to-dev', '--pattern', '0xaa', '--count', '64');
      const folded = await edu(k, 'dma', 'from-dev', '--count', '64');
      expect(folded.stdout.split('\n').slice(1)).toEqual([
        '00000000  aa aa aa aa aa aa aa aa  aa aa aa aa aa aa aa aa  |................|',
        '*',
        '00000040',
        '',
      ]);
    });
  }

  it('DMA with caller-given physical addresses (--from-ram, --to-ram)', async () => {
    const { k, machine } = await loaded();
    machine.memory.writeBytes(0x02000000n, new TextEncoder().encode('from RAM'), Source.Test);
    const to = await edu(k, 'dma', 'to-dev', '--from-ram', '0x2000000', '--count', '8', '--offset', '16');
    expect(to.stdout).toBe('dma to-dev: 8 bytes from RAM 0x02000000 (given) to device 0x00040010 in 100.000 ms (interrupt)\n');
    const from = await edu(k, 'dma', 'from-dev', '--count', '8', '--offset', '16', '--to-ram', '0x3000000');
    expect(from.stdout.split('\n').slice(0, 2)).toEqual([
      'dma from-dev: 8 bytes from device 0x00040010 to RAM 0x03000000 (given) in 100.000 ms (interrupt)',
      '00000010  66 72 6f 6d 20 52 41 4d                           |from RAM|',
    ]);
    expect(new TextDecoder().decode(machine.memory.readBytes(0x03000000n, 8, Source.Test))).toBe('from RAM');
    expect(machine.log.lines()).toHaveLength(0); // below 256 MiB: no clamping
  });

  it('refuses transfers outside the 4 KiB device buffer', async () => {
    const { k } = await loaded();
    const r = await edu(k, 'dma', 'to-dev', '--pattern', '1', '--count', '200', '--offset', '4000');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('edu: dma: Invalid argument (count must be 1..96 at offset 4000 (the device buffer holds 4096 bytes))\n');
    await expect(eduIoctl(node(k), 'DMA_FROM_DEV', { count: 0 })).rejects.toMatchObject({ errno: 'EINVAL' });
    await expect(eduIoctl(node(k), 'FACT', { n: -1, mode: 'irq' })).rejects.toMatchObject({ errno: 'EINVAL' });
    await expect(eduIoctl(node(k), 'RAISE', 0)).rejects.toMatchObject({ errno: 'EINVAL' });
    await expect(node(k).ioctl!('RESET', undefined)).rejects.toMatchObject({ errno: 'EINVAL' });
  });

  it('liveness and info', async () => {
    const { k } = await loaded();
    expect(await eduIoctl(node(k), 'LIVE', 0x12345678)).toBe(0xedcba987);
    const live = await edu(k, 'live', '0');
    expect(live).toEqual({ status: 0, stdout: 'liveness: wrote 0x00000000, read 0xffffffff: ok (inverted)\n', stderr: '' });
    await edu(k, 'dma', 'to-dev', '--data', 'x');
    const info = await edu(k, 'info');
    expect(info.status).toBe(0);
    expect(info.stdout).toBe(
      [
        'edu 0000:00:04.0: edu device 1.0 (id 0x010000ed) [1234:11e8] rev 0x10',
        'BAR0:        fea00000-feafffff (1 MiB)',
        'irq:         11 (INTx, shared)',
        'bus master:  on',
        'DMA mask:    0x0fffffff (28 bits)',
        'DMA buffer:  0x0ffff000, 4096 bytes',
        'params:      use_msi=0 no_master=0 no_ack=0 no_mask=0',
        'interrupts:  1 (factorial 0, DMA 1, raised 0, unhandled 0); last status 0x00000100 at [    0.100000]',
        'irq status:  0x00000000',
        '',
      ].join('\n'),
    );
  });

  it('polled and interrupt-driven factorials back to back (deterministic time) never time out', async () => {
    const { k } = await loaded(['use_msi=1']);
    for (let i = 0; i < 1000; i++) {
      const n = 5 + (i % 10);
      const r = await eduIoctl(node(k), 'FACT', { n, mode: i % 2 ? 'irq' : 'poll' });
      expect(r.n).toBe(n);
    }
  });

  it('concurrent requests are served one at a time, each with its own answer', async () => {
    const { k } = await loaded(['use_msi=1']);
    const n = node(k);
    const [a, b, c, d, e] = await Promise.all([
      eduIoctl(n, 'FACT', { n: 12, mode: 'irq' }),
      eduIoctl(n, 'RAISE', 0x40),
      eduIoctl(n, 'DMA_TO_DEV', { data: new TextEncoder().encode('serial') }),
      eduIoctl(n, 'FACT', { n: 6, mode: 'poll' }),
      eduIoctl(n, 'DMA_FROM_DEV', { count: 6 }),
    ]);
    expect(a.result).toBe(479001600);
    expect(b.statusSeenInHandler).toBe(0x40);
    expect(c.ns).toBe(100_000_000);
    expect(d.result).toBe(720);
    expect(new TextDecoder().decode(e.data)).toBe('serial'); // ran after the transfer to the device
  });

  it('Ctrl-C during a long factorial wait (0xffffffff --irq) returns 130 and leaves the driver usable', async () => {
    const { k, machine } = await loaded();
    const abort = new AbortController();
    const t = toolContext(k, ['edu', 'fact', '0xffffffff', '--irq'], abort.signal);
    const running = eduTool.run(t.ctx);
    await until(() => (machine.edu.snapshot().status & 0x01) !== 0, 'the device to start computing');
    abort.abort();
    expect(await running).toBe(130);
    expect(t.stdout()).toBe('');
    expect(machine.edu.snapshot().status & 0x80).toBe(0); // IRQFACT cleared: no interrupt when it ends
    // The device lock was released: other requests go through while the device still computes.
    expect((await edu(k, 'live', '0x1')).status).toBe(0);
    expect((await edu(k, 'raise', '0x2')).status).toBe(0);
    expect(machine.edu.snapshot().status & 0x01).toBe(1);
    await k.modules.unload('edu');
    expect(k.vfs.list('/dev').some(([name]) => name === 'edu0')).toBe(false);
  });

  it('rmmod while a transfer is in flight waits for it before freeing the buffer', async () => {
    const { k, machine } = await loaded();
    const abort = new AbortController();
    // Ctrl-C right after the command is written: the request returns, the device still runs the transfer.
    const write64 = k.io.write64.bind(k.io);
    vi.spyOn(k.io, 'write64').mockImplementation((addr, value) => {
      write64(addr, value);
      if (addr === 0xfea00098) abort.abort();
    });
    await expect(eduIoctl(node(k), 'DMA_FROM_DEV', { count: 16 }, abort.signal)).rejects.toMatchObject({ name: 'Interrupted' });
    expect(Number(machine.edu.snapshot().dma.cmd) & 1).toBe(1);
    await k.modules.unload('edu');
    expect(Number(machine.edu.snapshot().dma.cmd) & 1).toBe(0);
    expect(k.log.records().map((r) => r.text)).not.toContain('edu 0000:00:04.0: DMA transfer still running at remove');
  });

  it('Ctrl-C while waiting for the device lock', async () => {
    const { k, machine } = await loaded();
    const first = eduIoctl(node(k), 'FACT', { n: 0xffffffff, mode: 'poll' });
    void first.catch(() => undefined);
    await until(() => (machine.edu.snapshot().status & 0x01) !== 0, 'the device to start computing');
    const abort = new AbortController();
    const second = eduIoctl(node(k), 'LIVE', 5, abort.signal);
    abort.abort();
    await expect(second).rejects.toMatchObject({ name: 'Interrupted' });
    // rmmod makes the request in flight fail with -ENODEV instead of waiting for the device.
    await k.modules.unload('edu');
    await expect(first).rejects.toMatchObject({ errno: 'ENODEV' });
  });
});
