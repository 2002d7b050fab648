import { describe, expect, it } from 'vitest';
import { bootGuest } from '../../support/guest';
import { lines, runTool } from './run-tool';

describe('uname', () => {
  it('prints the fields asked for, always in the order s n r v m p i o', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'uname -a')).toEqual({ status: 0, stdout: 'Linux edu-lab 6.1.0-edu-lab #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n', stderr: '' });
    expect((await runTool(k, 'uname')).stdout).toBe('Linux\n');
    expect((await runTool(k, 'uname -s')).stdout).toBe('Linux\n');
    expect((await runTool(k, 'uname -n')).stdout).toBe('edu-lab\n');
    expect((await runTool(k, 'uname -r')).stdout).toBe('6.1.0-edu-lab\n');
    expect((await runTool(k, 'uname -v')).stdout).toBe('#1 SMP PREEMPT_DYNAMIC\n');
    expect((await runTool(k, 'uname -m')).stdout).toBe('x86_64\n');
    expect((await runTool(k, 'uname -mr')).stdout).toBe('6.1.0-edu-lab x86_64\n');
    expect((await runTool(k, 'uname -m -s -p -o')).stdout).toBe('Linux x86_64 unknown GNU/Linux\n');
    expect((await runTool(k, 'uname --kernel-release')).stdout).toBe('6.1.0-edu-lab\n');
    expect(await runTool(k, 'uname -x')).toEqual({ status: 1, stdout: '', stderr: "uname: invalid option -- 'x'\nTry 'uname --help' for more information.\n" });
    expect(await runTool(k, 'uname foo')).toEqual({ status: 1, stdout: '', stderr: "uname: extra operand 'foo'\nTry 'uname --help' for more information.\n" });
  });
});

describe('free', () => {
  it('reads /proc/meminfo and prints procps columns in KiB, MiB, bytes or human units', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const header = '               total        used        free      shared  buff/cache   available';
    expect(await runTool(k, 'free')).toEqual({
      status: 0,
      stdout: lines(
        header,
        'Mem:          262144       16384      245760           0           0      245760',
        'Swap:              0           0           0',
      ),
      stderr: '',
    });
    expect((await runTool(k, 'free -m')).stdout).toBe(
      lines(header, 'Mem:             256          16         240           0           0         240', 'Swap:              0           0           0'),
    );
    expect((await runTool(k, 'free -h')).stdout).toBe(
      lines(header, 'Mem:           256Mi        16Mi       240Mi          0B          0B       240Mi', 'Swap:             0B          0B          0B'),
    );
    expect((await runTool(k, 'free -b -t')).stdout).toBe(
      lines(
        header,
        'Mem:       268435456    16777216   251658240           0           0   251658240',
        'Swap:              0           0           0',
        'Total:     268435456    16777216   251658240',
      ),
    );
    // Memory a driver allocates shows as used.
    k.pages.alloc(1536 * 1024);
    expect((await runTool(k, 'free -h')).stdout.split('\n')[1]).toBe('Mem:           256Mi        17Mi       238Mi          0B          0B       238Mi');
    expect(await runTool(k, 'free -z')).toMatchObject({ status: 1, stdout: '' });
    expect((await runTool(k, 'free -z')).stderr.startsWith("free: invalid option -- 'z'\n\nUsage:\n free [options]\n")).toBe(true);
  });
});

describe('reboot', () => {
  it('prints what Linux prints and resets the machine; the guest boots again', async () => {
    const { machine, guest, output } = await bootGuest();
    const before = guest.kernel;
    const resets = new Promise<void>((resolve) => machine.onChange((event) => event === 'reset' && resolve()));
    expect(await runTool(before, 'reboot')).toEqual({ status: 0, stdout: '', stderr: '' });
    await resets;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output()).toMatch(/\[ *\d+\.\d{6}\] reboot: Restarting system\r\n/);
    expect(guest.kernel).not.toBe(before);
    expect((await runTool(guest.kernel, 'lspci -n')).stdout).toBe(lines('00:00.0 0600: 8086:1237 (rev 02)', '00:04.0 00ff: 1234:11e8 (rev 10)'));
  });

  it('rejects what it does not know', async () => {
    const { guest } = await bootGuest();
    const r = await runTool(guest.kernel, 'reboot now');
    expect(r.status).toBe(1);
    expect(r.stderr.startsWith('Usage: reboot [-d DELAY] [-nf]\n')).toBe(true);
  });
});
