import { describe, expect, it } from 'vitest';
import { LogLevel } from '../../../src/main/guest/kernel/printk';
import { bootGuest } from '../../support/guest';
import { lines, runTool } from './run-tool';

const BOOT_LOG = [
  'Linux version 6.1.0-edu-lab (root@edu-lab) (gcc 12.2.0) #1 SMP PREEMPT_DYNAMIC',
  'Command line: console=ttyS0 quiet',
  'Memory: 262144K/262144K available',
  'PCI: Using configuration type 1 for base access',
  'PCI host bridge to bus 0000:00',
  'pci 0000:00:00.0: [8086:1237] type 00 class 0x060000',
  'pci 0000:00:04.0: [1234:11e8] type 00 class 0x00ff00',
  'pci 0000:00:04.0: reg 0x10: [mem 0xfea00000-0xfeafffff]',
  'Serial: 8250/16550 driver, 1 ports, IRQ sharing enabled',
  'serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A',
  'Run /sbin/init as init process',
];

describe('dmesg', () => {
  it('prints the ring with [seconds.micros] stamps; -c prints and clears, -C clears', async () => {
    // Deterministic time: the boot log is stamped 0 and time moves only as the test says.
    const { guest } = await bootGuest({}, { deterministic: true });
    const k = guest.kernel;
    expect(await runTool(k, 'dmesg')).toEqual({ status: 0, stdout: lines(...BOOT_LOG.map((l) => `[    0.000000] ${l}`)), stderr: '' });
    expect((await runTool(k, 'dmesg -t')).stdout).toBe(lines(...BOOT_LOG));
    await k.wait.sleep(1_234_567_000);
    k.log.warn('edu 0000:00:04.0: hello');
    expect((await runTool(k, 'dmesg')).stdout.endsWith('[    1.234567] edu 0000:00:04.0: hello\n')).toBe(true);
    expect((await runTool(k, 'dmesg -l warn')).stdout).toBe('[    1.234567] edu 0000:00:04.0: hello\n');
    expect((await runTool(k, 'dmesg -r -l warn,err')).stdout).toBe('<4>[    1.234567] edu 0000:00:04.0: hello\n');
    expect((await runTool(k, 'dmesg -x -l warn')).stdout).toBe('kern  :warn  : [    1.234567] edu 0000:00:04.0: hello\n');
    const c = await runTool(k, 'dmesg -c');
    expect(c.stdout.split('\n')).toHaveLength(BOOT_LOG.length + 2);
    expect(await runTool(k, 'dmesg')).toEqual({ status: 0, stdout: '', stderr: '' });
    k.log.log(LogLevel.Err, 'one more');
    expect(await runTool(k, 'dmesg -C')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await runTool(k, 'dmesg')).stdout).toBe('');
  });

  it('rejects bad options as util-linux does', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'dmesg -z')).toEqual({
      status: 1,
      stdout: '',
      stderr: "dmesg: invalid option -- 'z'\nTry 'dmesg --help' for more information.\n",
    });
    expect(await runTool(k, 'dmesg -l loud')).toEqual({ status: 1, stdout: '', stderr: "dmesg: unknown level 'loud'\n" });
    expect((await runTool(k, 'dmesg --help')).stdout).toContain('\nUsage:\n dmesg [options]\n');
  });
});
