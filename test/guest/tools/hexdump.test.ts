import { describe, expect, it } from 'vitest';
import { Directory, textFile } from '../../../src/main/guest/kernel/vfs';
import { bootGuest } from '../../support/guest';
import { lines, runTool } from './run-tool';

const CONFIG = '/sys/bus/pci/devices/0000:00:04.0/config';

describe('hexdump', () => {
  it('-C: the canonical dump of edu\'s config space, with * for repeated lines and the end offset', async () => {
    const { guest } = await bootGuest();
    expect(await runTool(guest.kernel, `hexdump -C ${CONFIG}`)).toEqual({
      status: 0,
      stdout: lines(
        '00000000  34 12 e8 11 03 01 10 00  10 00 ff 00 00 00 00 00  |4...............|',
        '00000010  00 00 a0 fe 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
        '00000020  00 00 00 00 00 00 00 00  00 00 00 00 f4 1a 00 11  |................|',
        '00000030  00 00 00 00 40 00 00 00  00 00 00 00 0b 01 00 00  |....@...........|',
        '00000040  05 00 80 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
        '00000050  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
        '*',
        '00000100',
      ),
      stderr: '',
    });
  });

  it('the default format: 16-bit words; -v shows every line', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect((await runTool(k, `hexdump -n 48 ${CONFIG}`)).stdout).toBe(
      lines(
        '0000000 1234 11e8 0103 0010 0010 00ff 0000 0000',
        '0000010 0000 fea0 0000 0000 0000 0000 0000 0000',
        '0000020 0000 0000 0000 0000 0000 0000 1af4 1100',
        '0000030',
      ),
    );
    const all = (await runTool(k, `hexdump -Cv ${CONFIG}`)).stdout.split('\n');
    expect(all).toHaveLength(16 + 2);
    expect(all[15]).toBe('000000f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|');
  });

  it('-s and -n: offsets stay absolute, a short last line is padded, suffixes and hex are accepted', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect((await runTool(k, `hexdump -C -s 0x10 -n 20 ${CONFIG}`)).stdout).toBe(
      lines(
        '00000010  00 00 a0 fe 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
        '00000020  00 00 00 00                                       |....|',
        '00000024',
      ),
    );
    expect((await runTool(k, `hexdump -C -s 52 -n 1 ${CONFIG}`)).stdout).toBe(
      lines('00000034  40                                                |@|', '00000035'),
    );
    expect((await runTool(k, `hexdump -s 0x2c -n 3 ${CONFIG}`)).stdout).toBe(lines('000002c 1af4 0000                              ', '000002f'));
    expect((await runTool(k, `hexdump -C -s 1K ${CONFIG}`)).stdout).toBe(lines('00000100'));
    expect((await runTool(k, `hexdump -C -n 0 ${CONFIG}`)).stdout).toBe('');
  });

  it('shows text files as text', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    k.dev.add('greeting', textFile(() => 'hello, edu\n'));
    expect((await runTool(k, 'hexdump -C /dev/greeting')).stdout).toBe(
      lines('00000000  68 65 6c 6c 6f 2c 20 65  64 75 0a                 |hello, edu.|', '0000000b'),
    );
    // Several files are one stream.
    expect((await runTool(k, 'hexdump -C /dev/greeting /dev/greeting')).stdout).toBe(
      lines(
        '00000000  68 65 6c 6c 6f 2c 20 65  64 75 0a 68 65 6c 6c 6f  |hello, edu.hello|',
        '00000010  2c 20 65 64 75 0a                                 |, edu.|',
        '00000016',
      ),
    );
  });

  it('/dev/mem: RAM and edu\'s registers through the CPU', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    k.io.writeBytes(0x2000000n, new TextEncoder().encode('edu-lab!'));
    expect((await runTool(k, 'hexdump -C -s 0x2000000 -n 32 /dev/mem')).stdout).toBe(
      lines(
        '02000000  65 64 75 2d 6c 61 62 21  00 00 00 00 00 00 00 00  |edu-lab!........|',
        '02000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
        '02000020',
      ),
    );
    expect((await runTool(k, 'hexdump -C -s 0xfea00000 -n 0x30 /dev/mem')).stdout).toBe(
      lines(
        'fea00000  ed 00 00 01 00 00 00 00  00 00 00 00 ff ff ff ff  |................|',
        'fea00010  ff ff ff ff ff ff ff ff  ff ff ff ff ff ff ff ff  |................|',
        'fea00020  00 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff  |................|',
        'fea00030',
      ),
    );
  });

  it('/dev/mem without -n stops at the end of RAM; Ctrl-C interrupts it', async () => {
    const { guest } = await bootGuest({}, { ramSize: 32 * 1024 * 1024 });
    const k = guest.kernel;
    expect((await runTool(k, 'hexdump -C -s 0x1ff0000 /dev/mem')).stdout).toBe(
      lines('01ff0000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|', '*', '02000000'),
    );
    const abort = new AbortController();
    abort.abort();
    const r = await runTool(k, 'hexdump -C /dev/mem', { signal: abort.signal });
    expect(r.status).toBe(130);
  });

  it('errors as util-linux reports them', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    k.dev.add('empty', new Directory());
    expect(await runTool(k, 'hexdump -C /nope')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'hexdump: /nope: No such file or directory\nhexdump: all input file arguments failed\n',
    });
    expect(await runTool(k, `hexdump -C /nope ${CONFIG} -n 16`)).toEqual({
      status: 1,
      stdout: lines('00000000  34 12 e8 11 03 01 10 00  10 00 ff 00 00 00 00 00  |4...............|', '00000010'),
      stderr: 'hexdump: /nope: No such file or directory\n',
    });
    expect((await runTool(k, 'hexdump -C /dev/empty')).stderr).toBe('hexdump: /dev/empty: Is a directory\nhexdump: all input file arguments failed\n');
    expect(await runTool(k, `hexdump -C -s x ${CONFIG}`)).toEqual({ status: 1, stdout: '', stderr: "hexdump: failed to parse offset: 'x'\n" });
    expect(await runTool(k, `hexdump -C -n 1x ${CONFIG}`)).toEqual({ status: 1, stdout: '', stderr: "hexdump: failed to parse length: '1x'\n" });
    expect(await runTool(k, `hexdump -z ${CONFIG}`)).toEqual({
      status: 1,
      stdout: '',
      stderr: "hexdump: invalid option -- 'z'\nTry 'hexdump --help' for more information.\n",
    });
    const usage = await runTool(k, 'hexdump -C');
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain('\nUsage:\n hexdump [options] <file>...\n');
  });
});
