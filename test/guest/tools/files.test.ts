import { describe, expect, it } from 'vitest';
import { Directory, link, textFile } from '../../../src/main/guest/kernel/vfs';
import { bootGuest } from '../../support/guest';
import { fakeEduDriver } from './fakes';
import { lines, runTool } from './run-tool';

const EDU = '/sys/bus/pci/devices/0000:00:04.0';

describe('cat', () => {
  it('prints files in order; reports what it cannot read and goes on', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, `cat ${EDU}/vendor ${EDU}/device ${EDU}/class ${EDU}/irq ${EDU}/revision`)).toEqual({
      status: 0,
      stdout: lines('0x1234', '0x11e8', '0x00ff00', '11', '0x10'),
      stderr: '',
    });
    expect(await runTool(k, `cat /nope ${EDU}/vendor /proc`)).toEqual({
      status: 1,
      stdout: lines('0x1234'),
      stderr: 'cat: /nope: No such file or directory\ncat: /proc: Is a directory\n',
    });
    expect((await runTool(k, 'cat vendor', { cwd: EDU })).stdout).toBe('0x1234\n');
    expect((await runTool(k, 'cat ../0000:00:04.0/device', { cwd: EDU })).stdout).toBe('0x11e8\n');
    expect((await runTool(k, 'cat /proc/version')).stdout).toBe('Linux version 6.1.0-edu-lab (root@edu-lab) (gcc 12.2.0) #1 SMP PREEMPT_DYNAMIC\n');
    expect((await runTool(k, 'cat /proc/iomem')).stdout).toContain('\nfee00000-fee00fff : Local APIC\n');
    expect(await runTool(k, 'cat -z /proc/version')).toEqual({
      status: 1,
      stdout: '',
      stderr: "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n",
    });
  });
});

describe('ls', () => {
  it('lists in columns that fit the terminal, or one per line', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'ls /')).toEqual({ status: 0, stdout: 'dev  etc  proc  root  sys\n', stderr: '' });
    expect((await runTool(k, `ls ${EDU}`)).stdout).toBe(
      lines('class   device  irq       resource0  subsystem_device  vendor', 'config  enable  resource  revision   subsystem_vendor'),
    );
    expect((await runTool(k, `ls ${EDU}`, { cols: 40 })).stdout).toBe(
      lines('class   irq        subsystem_device', 'config  resource   subsystem_vendor', 'device  resource0  vendor', 'enable  revision'),
    );
    expect((await runTool(k, `ls -1 ${EDU}`)).stdout).toBe(
      lines('class', 'config', 'device', 'enable', 'irq', 'resource', 'resource0', 'revision', 'subsystem_device', 'subsystem_vendor', 'vendor'),
    );
    expect((await runTool(k, 'ls', { cwd: '/sys/bus/pci' })).stdout).toBe('devices  drivers\n');
    expect((await runTool(k, 'ls -a /sys/bus')).stdout).toBe('.  ..  pci\n');
  });

  it('-l: sysfs attributes are 4096 bytes, config 256, resource0 the BAR size; links show their targets', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    await k.pci.registerDriver(fakeEduDriver(k, { msi: true }));
    expect((await runTool(k, `ls -l ${EDU}/`)).stdout).toBe(
      lines(
        'total 0',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 class',
        '-rw-r--r-- 1 root root     256 Jan  1 00:00 config',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 device',
        'lrwxrwxrwx 1 root root       0 Jan  1 00:00 driver -> ../../../bus/pci/drivers/edu',
        '-rw-r--r-- 1 root root    4096 Jan  1 00:00 enable',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 irq',
        'drwxr-xr-x 2 root root       0 Jan  1 00:00 msi_irqs',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 resource',
        '-rw------- 1 root root 1048576 Jan  1 00:00 resource0',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 revision',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 subsystem_device',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 subsystem_vendor',
        '-r--r--r-- 1 root root    4096 Jan  1 00:00 vendor',
      ),
    );
    // A link named on the command line is listed as the link with -l, followed without it.
    expect((await runTool(k, `ls -l ${EDU}`)).stdout).toBe(
      lines(`lrwxrwxrwx 1 root root 0 Jan  1 00:00 ${EDU} -> ../../../devices/pci0000:00/0000:00:04.0`),
    );
    expect((await runTool(k, `ls -l ${EDU}/driver`)).stdout).toBe(lines(`lrwxrwxrwx 1 root root 0 Jan  1 00:00 ${EDU}/driver -> ../../../bus/pci/drivers/edu`));
    expect((await runTool(k, `ls ${EDU}/driver`)).stdout).toBe('0000:00:04.0\n');
    expect((await runTool(k, `ls ${EDU}/msi_irqs`)).stdout).toBe('24\n');
    expect((await runTool(k, 'ls -l /sys/bus/pci/devices')).stdout).toBe(
      lines(
        'total 0',
        'lrwxrwxrwx 1 root root 0 Jan  1 00:00 0000:00:00.0 -> ../../../devices/pci0000:00/0000:00:00.0',
        'lrwxrwxrwx 1 root root 0 Jan  1 00:00 0000:00:04.0 -> ../../../devices/pci0000:00/0000:00:04.0',
      ),
    );
    expect((await runTool(k, 'ls -ld /sys /proc/version')).stdout).toBe(
      lines('-r--r--r-- 1 root root 0 Jan  1 00:00 /proc/version', 'drwxr-xr-x 4 root root 0 Jan  1 00:00 /sys'),
    );
  });

  it('-la /proc, several operands with headers, /dev nodes', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    k.dev.add('edu0', { kind: 'chardev' });
    const proc = (await runTool(k, 'ls -la /proc')).stdout.split('\n');
    expect(proc.slice(0, 4)).toEqual([
      'total 0',
      'drwxr-xr-x 2 root root    0 Jan  1 00:00 .',
      'drwxr-xr-x 7 root root 4096 Jan  1 00:00 ..',
      '-r--r--r-- 1 root root    0 Jan  1 00:00 cmdline',
    ]);
    expect(proc).toContain('-r-------- 1 root root    0 Jan  1 00:00 kmsg');
    expect((await runTool(k, 'ls -l /dev')).stdout).toBe(
      lines(
        'total 0',
        'crw-rw-rw- 1 root root 240, 0 Jan  1 00:00 edu0',
        'crw-r----- 1 root kmem   1, 1 Jan  1 00:00 mem',
        'crw-rw-rw- 1 root root   1, 3 Jan  1 00:00 null',
        'crw-rw-rw- 1 root root   1, 5 Jan  1 00:00 zero',
      ),
    );
    expect((await runTool(k, 'ls /proc/version /sys/bus /dev')).stdout).toBe(lines('/proc/version', '', '/dev:', 'edu0  mem  null  zero', '', '/sys/bus:', 'pci'));
  });

  it('reports missing files and bad options as coreutils does', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    k.dev.add('loop', link('loop'));
    k.dev.add('sub', new Directory().add('f', textFile(() => 'x')));
    expect(await runTool(k, 'ls /nope /proc/version')).toEqual({
      status: 2,
      stdout: '/proc/version\n',
      stderr: "ls: cannot access '/nope': No such file or directory\n",
    });
    expect(await runTool(k, 'ls /nope')).toEqual({ status: 2, stdout: '', stderr: "ls: cannot access '/nope': No such file or directory\n" });
    expect((await runTool(k, 'ls /dev/sub /nope')).stdout).toBe(lines('/dev/sub:', 'f'));
    expect(await runTool(k, 'ls -q /')).toEqual({
      status: 2,
      stdout: '',
      stderr: "ls: invalid option -- 'q'\nTry 'ls --help' for more information.\n",
    });
  });
});
