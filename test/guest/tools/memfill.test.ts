import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import { bootGuest } from '../../support/guest';
import { lines, runTool } from './run-tool';

describe('memfill', () => {
  it('fills RAM with a byte, a counter or a string, then hexdump and devmem see it', async () => {
    const { machine, guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'memfill 0x1000000 4096 0xaa')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await runTool(k, 'hexdump -C -s 0x1000000 -n 4096 /dev/mem')).stdout).toBe(
      lines('01000000  aa aa aa aa aa aa aa aa  aa aa aa aa aa aa aa aa  |................|', '*', '01001000'),
    );
    expect((await runTool(k, 'memfill 0x1000000 20 inc')).status).toBe(0);
    expect((await runTool(k, 'hexdump -C -s 0x1000000 -n 32 /dev/mem')).stdout).toBe(
      lines(
        '01000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|',
        '01000010  10 11 12 13 aa aa aa aa  aa aa aa aa aa aa aa aa  |................|',
        '01000020',
      ),
    );
    expect((await runTool(k, ['memfill', '0x1000000', '16', 'edu '])).status).toBe(0);
    expect((await runTool(k, 'devmem 0x1000000')).stdout).toBe('0x20756465\n');
    expect((await runTool(k, 'memfill 16777216 1K 7')).status).toBe(0);
    expect(machine.memory.read(0x10003ff, 1, Source.Test)).toBe(7);
    expect(machine.memory.read(0x1000400, 1, Source.Test)).toBe(0xaa);
    // A 256-byte counter wraps.
    await runTool(k, 'memfill 0x1000000 0x102 inc');
    expect(machine.memory.read(0x1000100, 2, Source.Test)).toBe(0x0100);
  });

  it('writes MMIO as the CPU would: a dword at edu\'s liveness register', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    await runTool(k, 'memfill 0xfea00004 4 0x0f');
    expect((await runTool(k, 'devmem 0xfea00004')).stdout).toBe('0xF0F0F0F0\n');
  });

  it('reports bad arguments with its usage', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const usage = await runTool(k, 'memfill 0x1000');
    expect(usage.status).toBe(1);
    expect(usage.stderr.startsWith('Usage: memfill ADDRESS LENGTH PATTERN\n')).toBe(true);
    expect(usage.stderr).toContain('inc');
    expect(await runTool(k, 'memfill zz 4 0xaa')).toEqual({ status: 1, stdout: '', stderr: "memfill: invalid address 'zz'\n" });
    expect(await runTool(k, 'memfill 0x1000 4q 0xaa')).toEqual({ status: 1, stdout: '', stderr: "memfill: invalid length '4q'\n" });
    expect(await runTool(k, ['memfill', '0x1000', '4', ''])).toEqual({ status: 1, stdout: '', stderr: 'memfill: empty pattern\n' });
    expect((await runTool(k, 'memfill --help')).stdout.startsWith('Usage: memfill')).toBe(true);
  });
});
