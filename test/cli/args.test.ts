import { describe, expect, it } from 'vitest';
import { parseArgs, parseRamSize, UsageError } from '../../src/main/hosts/cli/args';

describe('edu-lab command line', () => {
  it('parses run with every option', () => {
    expect(parseArgs(['run', '--profile', 'qemu-7.2', '--deterministic', '--ram', '512M', '--device-log', '-x', 'lab.sh'])).toEqual({
      kind: 'run',
      script: 'lab.sh',
      xtrace: true,
      flags: { profile: 'qemu-7.2', deterministic: true, ramSize: 512 * 1024 * 1024, deviceLog: true },
    });
    expect(parseArgs(['run', '--profile=qemu-4.0', '-'])).toMatchObject({ kind: 'run', script: '-', flags: { profile: 'qemu-4.0' } });
  });

  it('defaults to upstream, real time, 256 MiB, quiet', () => {
    expect(parseArgs(['shell'])).toEqual({
      kind: 'shell',
      flags: { profile: 'upstream', deterministic: false, ramSize: 256 * 1024 * 1024, deviceLog: false },
    });
  });

  it('answers help and version', () => {
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['run'], 'run needs exactly one SCRIPT'],
    [['run', 'a', 'b'], 'run needs exactly one SCRIPT'],
    [['run', '--profile', 'qemu-9', 'a'], "unknown profile 'qemu-9'"],
    [['run', '--profile'], '--profile needs a value'],
    [['run', '--bogus', 'a'], "unknown option '--bogus'"],
    [['shell', '-x'], "unknown option '-x'"],
    [['shell', 'extra'], 'shell takes no operands'],
    [['run', '--ram', 'lots', 'a'], "invalid RAM size 'lots'"],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('reads RAM sizes', () => {
    expect(parseRamSize('256M')).toBe(256 * 1024 * 1024);
    expect(parseRamSize('1G')).toBe(1024 * 1024 * 1024);
    expect(parseRamSize('524288k')).toBe(512 * 1024 * 1024);
    expect(() => parseRamSize('8M')).toThrow('between 16M and 4G');
    expect(() => parseRamSize('100000')).toThrow('whole 64K pages');
  });
});
