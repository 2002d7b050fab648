import { describe, expect, it } from 'vitest';
import { scriptShell } from './support';

type Case = readonly [string, string, string?, number?];

async function check(cases: readonly Case[], machine = {}): Promise<void> {
  const sh = await scriptShell(undefined, machine);
  for (const [script, stdout, stderr = '', status = 0] of cases) {
    const r = await sh.run(script);
    expect({ script, ...r }).toEqual({ script, stdout, stderr, status });
  }
}

describe('echo', () => {
  it('prints its arguments; -n, -e, -E', () =>
    check([
      ['echo', '\n'],
      ['echo a   b', 'a b\n'],
      ['echo -n a; echo b', 'ab\n'],
      ['echo -e "a\\tb\\nc"', 'a\tb\nc\n'],
      ['echo "a\\tb"', 'a\\tb\n'],
      ['echo -ne "x\\x41\\0101\\u00e9"', 'xAAé'],
      ['echo -e "stop\\chere"; echo', 'stop\n'],
      ['echo -e "\\e[1m" | true', '', 'sh: syntax error: pipes are not supported\n', 2],
      ['echo -eE "a\\nb"', 'a\\nb\n'],
      ['echo -x -n', '-x -n\n'],
      ['echo -- a', '-- a\n'],
      ['echo -e "back\\\\slash \\q"', 'back\\slash \\q\n'],
    ]));
});

describe('test and [', () => {
  const yes = (expr: string): Case => [`if ${expr}; then echo yes; else echo no; fi`, 'yes\n'];
  const no = (expr: string): Case => [`if ${expr}; then echo yes; else echo no; fi`, 'no\n'];
  it('strings', () =>
    check([
      yes('[ a = a ]'),
      no('[ a = b ]'),
      yes('[ a != b ]'),
      yes('[ a == a ]'),
      yes('[ -z "" ]'),
      no('[ -z x ]'),
      yes('[ -n x ]'),
      no('[ -n "" ]'),
      yes('[ x ]'),
      no('[ "" ]'),
      no('[ ]'),
      yes('[ -n ]'),
      yes('test abc'),
      yes('[ a \\< b ]'),
      no('[ ! a ]'),
      yes('[ ! "" ]'),
      yes('[ "$undefined" = "" ]'),
    ]));

  it('integers, with 0x hex', () =>
    check([
      yes('[ 1 -eq 1 ]'),
      yes('[ 1 -ne 2 ]'),
      yes('[ 1 -lt 2 ]'),
      yes('[ 2 -le 2 ]'),
      yes('[ 3 -gt 2 ]'),
      yes('[ 3 -ge 3 ]'),
      no('[ 3 -lt 2 ]'),
      yes('[ 0x10 -eq 16 ]'),
      yes('[ 0xFF -gt 254 ]'),
      yes('[ -5 -lt 0 ]'),
      yes('[ " 7 " -eq 7 ]'),
      yes('[ 18446744073709551616 -gt 18446744073709551615 ]'),
      ['[ abc -eq 1 ]', '', 'sh: [: abc: integer expression expected\n', 2],
      ['test 1 -lt x; echo $?', '2\n', 'sh: test: x: integer expression expected\n'],
    ]));

  it('files on the VFS', () =>
    check([
      yes('[ -e /proc/iomem ]'),
      yes('[ -f /proc/iomem ]'),
      no('[ -d /proc/iomem ]'),
      yes('[ -d /sys/bus/pci ]'),
      yes('[ -d /root ]'),
      no('[ -e /nope ]'),
      no('[ -f /nope ]'),
      yes('[ -s /proc/iomem ]'),
      yes('cd /proc; [ -f iomem ]'),
      yes('[ -L /sys/bus/pci/devices/0000:00:04.0 ]'),
      yes('[ -d /sys/bus/pci/devices/0000:00:04.0 ]'),
    ]));

  it('! -a -o and parentheses', () =>
    check([
      yes('[ a = a -a b = b ]'),
      no('[ a = a -a b = c ]'),
      yes('[ a = b -o b = b ]'),
      yes('[ ! a = b ]'),
      yes('[ \\( a = b \\) -o \\( 1 -eq 1 \\) ]'),
      yes('[ ! -e /nope -a -d /proc ]'),
    ]));

  it('usage errors have status 2', () =>
    check([
      ['[ a = a', '', "sh: [: missing ']'\n", 2],
      ['[ a b ]', '', 'sh: [: a: unary operator expected\n', 2],
      ['test a b c d e', '', 'sh: test: b: unexpected argument\n', 2],
    ]));
});

describe('seq', () => {
  it('LAST, FIRST LAST, FIRST INCR LAST', () =>
    check([
      ['seq 3', '1\n2\n3\n'],
      ['seq 2 4', '2\n3\n4\n'],
      ['seq 1 2 7', '1\n3\n5\n7\n'],
      ['seq 5 -2 0', '5\n3\n1\n'],
      ['seq 5 1', ''],
      ['seq 0', ''],
      ['seq -2 0', '-2\n-1\n0\n'],
      ['seq 1 0.5 3', '1.0\n1.5\n2.0\n2.5\n3.0\n'],
      ['seq 0.1 0.1 0.3', '0.1\n0.2\n0.3\n'],
      ['seq 0x10 0x12', '16\n17\n18\n'],
      ['seq 1e2 1e2', '100\n'],
      ['seq -w 8 10', '08\n09\n10\n'],
      ['seq -w -1 1', '-1\n00\n01\n'],
      ['seq -s , 3', '1,2,3\n'],
      ['seq -s: 1 3', '1:2:3\n'],
    ]));

  it('errors as coreutils words them', () =>
    check([
      ['seq', '', "seq: missing operand\nTry 'seq --help' for more information.\n", 1],
      ['seq x', '', "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n", 1],
      ['seq 1 0 5', '', "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n", 1],
      ['seq 1 2 3 4', '', "seq: extra operand '4'\nTry 'seq --help' for more information.\n", 1],
      ['seq -q 3', '', "seq: invalid option -- 'q'\nTry 'seq --help' for more information.\n", 1],
    ]));

  it('a long sequence is interruptible', async () => {
    const sh = await scriptShell();
    const controller = new AbortController();
    let lines = 0;
    const running = sh.shell.runScript('seq 1000000000', {
      stdout: { write: (t) => (lines += t.split('\n').length - 1) },
      stderr: { write: () => undefined },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    expect(await running).toBe(130);
    expect(lines).toBeGreaterThan(0);
  });
});

describe('sleep', () => {
  it('waits on the virtual clock (deterministic machines warp through it)', async () => {
    const sh = await scriptShell(undefined, { deterministic: true });
    const kernel = sh.booted.guest.kernel;
    const t0 = kernel.timers.now();
    const host0 = performance.now();
    expect(await sh.run('sleep 2.5; sleep 0.5s 1m')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(kernel.timers.now() - t0).toBeGreaterThanOrEqual(63e9);
    expect(performance.now() - host0).toBeLessThan(5000);
  });

  it('takes fractions and units; rejects nonsense', () =>
    check([
      ['sleep 0.001; echo ok', 'ok\n'],
      ['sleep .001; echo ok', 'ok\n'],
      ['sleep', '', "sleep: missing operand\nTry 'sleep --help' for more information.\n", 1],
      ['sleep abc', '', "sleep: invalid time interval 'abc'\nTry 'sleep --help' for more information.\n", 1],
      ['sleep -1', '', "sleep: invalid time interval '-1'\nTry 'sleep --help' for more information.\n", 1],
    ]));

  it('is interrupted by the signal', async () => {
    const sh = await scriptShell();
    const controller = new AbortController();
    const running = sh.run('sleep infinity; echo never', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await running).toEqual({ status: 130, stdout: '', stderr: '' });
  });
});

describe('cd and pwd', () => {
  it('moves around the VFS', () =>
    check([
      ['pwd', '/root\n'],
      ['cd /sys/bus; pwd; cd pci; pwd; cd ..; pwd; cd; pwd', '/sys/bus\n/sys/bus/pci\n/sys/bus\n/root\n'],
      ['cd /proc; cd /sys; cd -; pwd', '/proc\n/proc\n'],
      ['cd /proc; echo $PWD $OLDPWD', '/proc /root\n'],
      ['cd /nope', '', 'sh: cd: /nope: No such file or directory\n', 1],
      ['cd /proc/iomem', '', 'sh: cd: /proc/iomem: Not a directory\n', 1],
      ['cd a b', '', 'sh: cd: too many arguments\n', 1],
      ['cd /sys/bus/pci/devices/0000:00:04.0; pwd; pwd -P', '/sys/bus/pci/devices/0000:00:04.0\n/sys/devices/pci0000:00/0000:00:04.0\n'],
    ]));
});

describe('variables', () => {
  it('export, unset, set', async () => {
    const sh = await scriptShell();
    const exported = await sh.run('export A=\'say "hi"\' B; export');
    expect(exported.stdout).toContain('export A="say \\"hi\\""\nexport B\nexport HOME="/root"\n');
    expect((await sh.run('x="a b"; set')).stdout).toContain("x='a b'\n");
    await check([
      ['x=1; unset x; echo "[$x]"', '[]\n'],
      ['unset 1x', '', "sh: unset: `1x': not a valid identifier\n", 1],
      ['export 1x=2', '', "sh: export: `1x=2': not a valid identifier\n", 1],
      ['set -o xtrace; echo a', 'a\n', '+ echo a\n'],
      ['set -u', '', 'sh: set: -u: option not supported (only -x and -e)\n', 2],
    ]);
  });
});

describe('help, type, history, clear, true, false, :', () => {
  it('help lists the builtins and the tools with their summaries', async () => {
    const sh = await scriptShell();
    const r = await sh.run('help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Shell builtins:\n');
    expect(r.stdout).toMatch(/\n {2}echo \[-neE\] \[ARG\.\.\.\] +print ARGs/);
    expect(r.stdout).toMatch(/\n {2}sleep SECONDS\.\.\. +wait on the virtual clock/);
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(r.stdout).toContain('\nCommands:\n');
    expect(r.stdout).toMatch(/\n {2}lspci +list PCI devices\n/);
    expect(await sh.run('help cd')).toMatchObject({ stdout: 'cd [DIR]\n    change directory (no DIR: ~, -: the previous one)\n' });
    expect(await sh.run('help lspci')).toMatchObject({ stdout: 'lspci: list PCI devices\nusage: lspci [ARGS]\n' });
    expect(await sh.run('help nothing')).toMatchObject({ status: 1, stdout: "help: no help topics match 'nothing'\n" });
  });

  it('type tells keywords, builtins and commands apart', () =>
    check([
      ['type if echo lspci', 'if is a shell keyword\necho is a shell builtin\nlspci is /usr/bin/lspci\n'],
      ['type nope', '', 'sh: type: nope: not found\n', 1],
    ]));

  it('clear writes ESC [ H ESC [ 2J', () => check([['clear', '\x1b[H\x1b[2J']]));
  it('true, false, :', () => check([['true; echo $?; false; echo $?; : a b; echo $?', '0\n1\n0\n']]));
  it('history outside the console is empty', () => check([['history', '']]));
});
