import { describe, expect, it } from 'vitest';
import { crc32, formatDuration, hexdumpC } from '../../../src/main/guest/tools/edu';
import { bootEduGuest, edu } from './edu-support';

describe('edu tool', () => {
  it('without the driver: a clear message and status 1', async () => {
    const { guest } = await bootEduGuest();
    for (const args of [['info'], ['live', '1'], ['fact', '5'], ['raise', '1'], ['dma', 'from-dev', '--count', '1']]) {
      const r = await edu(guest.kernel, ...args);
      expect(r).toEqual({
        status: 1,
        stdout: '',
        stderr: 'edu: /dev/edu0: No such file or directory (is the edu module loaded? try: modprobe edu)\n',
      });
    }
  });

  it('bad arguments: the problem, the usage, status 2; help prints the usage with status 0', async () => {
    const { guest } = await bootEduGuest();
    const k = guest.kernel;
    await k.modules.load('edu', []);
    const cases: [string[], string][] = [
      [[], 'edu: missing command'],
      [['frobnicate'], "edu: unknown command 'frobnicate'"],
      [['toString'], "edu: unknown command 'toString'"],
      [['live'], 'edu: missing VALUE'],
      [['live', 'ten'], "edu: VALUE 'ten' is not a number (decimal or 0x hex)"],
      [['live', '0x100000000'], "edu: VALUE '0x100000000' does not fit in 32 bits"],
      [['fact', '5', '--irq', '--poll'], 'edu: --irq and --poll exclude each other'],
      [['fact', '5', '--fast'], "edu: unknown option '--fast'"],
      [['raise', '0'], 'edu: VALUE must not be 0 (raising 0 sets no status bit: no interrupt)'],
      [['dma'], 'edu: dma needs to-dev or from-dev'],
      [['dma', 'sideways'], "edu: unknown dma direction 'sideways'"],
      [['dma', 'to-dev'], 'edu: dma to-dev needs exactly one of --data, --pattern, --from-ram'],
      [['dma', 'to-dev', '--data', 'a', '--pattern', '1'], 'edu: dma to-dev needs exactly one of --data, --pattern, --from-ram'],
      [['dma', 'to-dev', '--pattern', 'inc'], 'edu: --pattern needs --count N'],
      [['dma', 'to-dev', '--pattern', '0x100', '--count', '1'], "edu: BYTE '0x100' is larger than 0xff"],
      [['dma', 'to-dev', '--data'], 'edu: option --data needs a value'],
      [['dma', 'from-dev'], 'edu: dma from-dev needs --count N'],
      [['dma', 'from-dev', '--count', '4097'], 'edu: N 4097 is larger than 4096'],
      [['dma', 'from-dev', '--count', '1', '--offset', '4096'], 'edu: OFF 4096 is larger than 4095'],
      [['selftest', 'now'], "edu: unexpected argument 'now'"],
    ];
    for (const [args, message] of cases) {
      const r = await edu(k, ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0], args.join(' ')).toBe(message);
      expect(r.stderr).toContain('\nUsage: edu COMMAND [ARGS]\n');
    }
    for (const help of ['help', '-h', '--help']) {
      const r = await edu(k, help);
      expect(r.status).toBe(0);
      expect(r.stdout.startsWith('Usage: edu COMMAND [ARGS]\n')).toBe(true);
    }
  });

  it('accepts decimal and 0x hex, and --option=value', async () => {
    const { guest } = await bootEduGuest();
    const k = guest.kernel;
    await k.modules.load('edu', []);
    expect((await edu(k, 'fact', '0xA', '--poll')).stdout).toMatch(/^10! = 3628800 /);
    expect((await edu(k, 'dma', 'to-dev', '--pattern=0x41', '--count=3', '--offset=0x10')).status).toBe(0);
    const r = await edu(k, 'dma', 'from-dev', '--count=3', '--offset=16');
    expect(r.stdout.split('\n')[1]).toBe('00000010  41 41 41                                          |AAA|');
  });

  it('formats durations, hexdumps and checksums', () => {
    expect(formatDuration(0)).toBe('0 ns');
    expect(formatDuration(999)).toBe('999 ns');
    expect(formatDuration(12_345)).toBe('12.345 us');
    expect(formatDuration(100_000_000)).toBe('100.000 ms');
    expect(formatDuration(3_100_000_000)).toBe('3.100 s');
    expect(hexdumpC(new Uint8Array(0))).toEqual(['00000000']);
    expect(hexdumpC(new TextEncoder().encode('hello\n'))).toEqual(['00000000  68 65 6c 6c 6f 0a                                 |hello.|', '00000006']);
    expect(hexdumpC(new Uint8Array(48), 0x40)).toEqual([
      '00000040  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '*',
      '00000070',
    ]);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
