import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import { bootGuest } from '../../support/guest';
import { lines, runTool } from './run-tool';

const USAGE = lines(
  'Usage: devmem ADDRESS [WIDTH [VALUE]]',
  '',
  'Read/write from physical address',
  '',
  '\tADDRESS\tAddress to act upon',
  '\tWIDTH\tWidth (8/16/...)',
  '\tVALUE\tData to be written',
);

describe('devmem', () => {
  it('matches the doc: identification, liveness, a byte read, a 64-bit DMA register', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'devmem 0xfea00000')).toEqual({ status: 0, stdout: '0x010000ED\n', stderr: '' });
    expect(await runTool(k, 'devmem 0xfea00004 32 0x12345678')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await runTool(k, 'devmem 0xfea00004')).toEqual({ status: 0, stdout: '0xEDCBA987\n', stderr: '' });
    expect(await runTool(k, 'devmem 0xfea00000 8')).toEqual({ status: 0, stdout: '0x00\n', stderr: '' });
    expect(await runTool(k, 'devmem 0xfea00080 64')).toEqual({ status: 0, stdout: '0x0000000000000000\n', stderr: '' });
  });

  it('pads to the width, takes b/h/w/l, decimal and octal numbers, and writes 8/16/64 bits', async () => {
    const { machine, guest } = await bootGuest();
    const k = guest.kernel;
    const ram = 0x100000;
    expect((await runTool(k, `devmem ${ram} 64 0x1122334455667788`)).stdout).toBe('');
    expect((await runTool(k, `devmem ${ram} 64`)).stdout).toBe('0x1122334455667788\n');
    expect((await runTool(k, `devmem ${ram} 16`)).stdout).toBe('0x7788\n');
    expect((await runTool(k, `devmem ${ram} h`)).stdout).toBe('0x7788\n');
    expect((await runTool(k, `devmem ${ram} b`)).stdout).toBe('0x88\n');
    expect((await runTool(k, `devmem ${ram} l`)).stdout).toBe('0x1122334455667788\n');
    expect((await runTool(k, `devmem 04000000 w`)).stdout).toBe('0x55667788\n'); // octal 0x100000
    await runTool(k, `devmem ${ram + 1} 8 0x1ff`); // truncated to the width
    await runTool(k, `devmem ${ram + 2} 16 0xbeef`);
    expect(machine.memory.read(ram, 4, Source.Test).toString(16)).toBe('beefff88');
    expect((await runTool(k, 'devmem 0xfea00080 64 0x123456789')).stdout).toBe('');
    expect((await runTool(k, 'devmem 0xfea00080 64')).stdout).toBe('0x0000000123456789\n');
    expect((await runTool(k, 'devmem 0xfea00080')).stdout).toBe('0x23456789\n');
    // An 8-byte access below 0x80 reads all ones on today's edu.
    expect((await runTool(k, 'devmem 0xfea00000 64')).stdout).toBe('0xFFFFFFFFFFFFFFFF\n');
  });

  it('errors as busybox reports them', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'devmem')).toEqual({ status: 1, stdout: '', stderr: USAGE });
    expect(await runTool(k, 'devmem zzz')).toEqual({ status: 1, stdout: '', stderr: USAGE });
    expect(await runTool(k, 'devmem 0xfea0000g')).toEqual({ status: 1, stdout: '', stderr: USAGE });
    expect(await runTool(k, 'devmem 0xfea00000 32 nope')).toEqual({ status: 1, stdout: '', stderr: USAGE });
    expect(await runTool(k, 'devmem 0xfea00000 12')).toEqual({ status: 1, stdout: '', stderr: 'devmem: bad width\n' });
    expect(await runTool(k, 'devmem 0xfea00000 q')).toEqual({ status: 1, stdout: '', stderr: 'devmem: bad width\n' });
    expect(await runTool(k, 'devmem 0xfea00000 wide')).toEqual({ status: 1, stdout: '', stderr: "devmem: invalid number 'wide'\n" });
    expect(await runTool(k, 'devmem 0xffffffffffffffff')).toEqual({ status: 1, stdout: '', stderr: 'devmem: mmap: Invalid argument\n' });
  });
});
