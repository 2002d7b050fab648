import { describe, expect, it } from 'vitest';
import { bootGuest } from '../../support/guest';
import { fakeEduModule } from './fakes';
import { lines, runTool } from './run-tool';

const LSMOD_HEADER = 'Module                  Size  Used by';

describe('modprobe, rmmod, lsmod', () => {
  it('loads a module that binds the device; lsmod and lspci -k show it; rmmod unloads it', async () => {
    const { guest } = await bootGuest({ modules: [fakeEduModule()] });
    const k = guest.kernel;
    expect(await runTool(k, 'lsmod')).toEqual({ status: 0, stdout: lines(LSMOD_HEADER), stderr: '' });
    expect(await runTool(k, 'modprobe edu')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await runTool(k, 'lsmod')).toEqual({ status: 0, stdout: lines(LSMOD_HEADER, 'edu                    16384  0'), stderr: '' });
    expect((await runTool(k, 'lspci -k -s 4')).stdout).toBe(
      lines(
        '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)',
        '\tSubsystem: Red Hat, Inc. Device 1100',
        '\tKernel driver in use: edu',
        '\tKernel modules: edu',
      ),
    );
    // Loading a loaded module again is not an error for modprobe...
    expect(await runTool(k, 'modprobe edu')).toEqual({ status: 0, stdout: '', stderr: '' });
    // ...unless asked to insist.
    expect(await runTool(k, 'modprobe --first-time edu')).toEqual({
      status: 1,
      stdout: '',
      stderr: "modprobe: ERROR: could not insert 'edu': Module already in kernel\n",
    });
    expect(await runTool(k, 'rmmod edu')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await runTool(k, 'lsmod')).stdout).toBe(lines(LSMOD_HEADER));
    expect((await runTool(k, 'lspci -k -s 4')).stdout).toBe(
      lines('00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)', '\tSubsystem: Red Hat, Inc. Device 1100'),
    );
    expect(await runTool(k, 'rmmod edu')).toEqual({ status: 1, stdout: '', stderr: 'rmmod: ERROR: Module edu is not currently loaded\n' });
  });

  it('passes parameters; -r removes; -v and -n show the insmod and rmmod steps', async () => {
    const { guest } = await bootGuest({ modules: [fakeEduModule()] });
    const k = guest.kernel;
    expect(await runTool(k, 'modprobe -n edu use_msi=1')).toEqual({
      status: 0,
      stdout: 'insmod /lib/modules/6.1.0-edu-lab/extra/edu.ko use_msi=1\n',
      stderr: '',
    });
    expect(k.modules.isLoaded('edu')).toBe(false);
    expect(await runTool(k, 'modprobe -v edu use_msi=1 dma_size=0x2000')).toEqual({
      status: 0,
      stdout: 'insmod /lib/modules/6.1.0-edu-lab/extra/edu.ko use_msi=1 dma_size=0x2000\n',
      stderr: '',
    });
    expect(k.modules.list()).toEqual([{ name: 'edu', params: { use_msi: true, dma_size: 0x2000 } }]);
    expect((await runTool(k, 'lspci -v -s 4')).stdout).toContain('\tFlags: bus master, fast devsel, latency 0, IRQ 24\n');
    expect((await runTool(k, 'dmesg')).stdout).toContain('] edu: loading (use_msi=1)\n');
    expect(await runTool(k, 'modprobe -rv edu')).toEqual({ status: 0, stdout: 'rmmod edu\n', stderr: '' });
    expect(k.modules.isLoaded('edu')).toBe(false);
    // Removing a module that is not loaded is quietly fine, unless --first-time.
    expect(await runTool(k, 'modprobe -r edu')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await runTool(k, 'modprobe -r --first-time edu')).toEqual({ status: 1, stdout: '', stderr: 'modprobe: FATAL: Module edu is not in kernel.\n' });
    // Unknown parameters are ignored by the kernel, with a warning in the log.
    expect(await runTool(k, 'modprobe edu colour=blue')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await runTool(k, 'dmesg')).stdout).toContain("] edu: unknown parameter 'colour' ignored\n");
  });

  it('reports unknown modules, bad parameter values and probe failures as kmod does', async () => {
    const { guest } = await bootGuest({ modules: [fakeEduModule(), fakeEduModule({ name: 'edu_broken', failProbe: 'ENODEV' })] });
    const k = guest.kernel;
    expect(await runTool(k, 'modprobe nope')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'modprobe: FATAL: Module nope not found in directory /lib/modules/6.1.0-edu-lab\n',
    });
    expect(await runTool(k, 'modprobe -q nope')).toEqual({ status: 1, stdout: '', stderr: '' });
    expect(await runTool(k, 'modprobe -r nope')).toEqual({ status: 1, stdout: '', stderr: 'modprobe: FATAL: Module nope not found.\n' });
    expect(await runTool(k, 'modprobe edu use_msi=maybe')).toEqual({
      status: 1,
      stdout: '',
      stderr: "modprobe: ERROR: could not insert 'edu': Invalid argument\n",
    });
    expect((await runTool(k, 'dmesg')).stdout).toContain("] edu: `maybe' invalid for parameter `use_msi'\n");
    expect(await runTool(k, 'modprobe edu-broken')).toEqual({
      status: 1,
      stdout: '',
      stderr: "modprobe: ERROR: could not insert 'edu_broken': No such device\n",
    });
    expect((await runTool(k, 'dmesg')).stdout).toContain('] edu_broken: probe of 0000:00:04.0 failed with error -19\n');
    expect((await runTool(k, 'lsmod')).stdout).toBe(lines(LSMOD_HEADER));
    expect(await runTool(k, 'modprobe')).toEqual({ status: 1, stdout: '', stderr: 'modprobe: ERROR: missing parameters. See -h.\n' });
    expect(await runTool(k, 'modprobe -z edu')).toEqual({ status: 1, stdout: '', stderr: "modprobe: invalid option -- 'z'\n" });
    expect(await runTool(k, 'rmmod')).toEqual({ status: 1, stdout: '', stderr: 'rmmod: ERROR: missing module name.\n' });
    expect(await runTool(k, 'rmmod nope')).toEqual({ status: 1, stdout: '', stderr: 'rmmod: ERROR: Module nope is not currently loaded\n' });
    expect(await runTool(k, 'lsmod -a')).toEqual({ status: 1, stdout: '', stderr: 'Usage: lsmod\n' });
    expect((await runTool(k, 'modprobe -h')).stdout.startsWith('Usage:\n\tmodprobe [options] [-i] [-b] modulename\n')).toBe(true);
  });
});
