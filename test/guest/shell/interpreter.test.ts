import { describe, expect, it } from 'vitest';
import { scriptShell } from './support';

/** [script, stdout, stderr, status] */
type Case = readonly [string, string, string?, number?];

async function check(cases: readonly Case[]): Promise<void> {
  const sh = await scriptShell();
  for (const [script, stdout, stderr = '', status = 0] of cases) {
    const r = await sh.run(script);
    expect({ script, ...r }).toEqual({ script, stdout, stderr, status });
  }
}

describe('lists and status', () => {
  it('; && || newlines and comments', () =>
    check([
      ['echo a; echo b', 'a\nb\n'],
      ['echo a\necho b\n', 'a\nb\n'],
      ['true && echo yes', 'yes\n'],
      ['false && echo yes', '', '', 1],
      ['false || echo no', 'no\n'],
      ['true || echo no', ''],
      ['false && echo 1 || echo 2', '2\n'],
      ['true && false || echo 3', '3\n'],
      ['echo a &&\n echo b', 'a\nb\n'],
      ['echo a # a comment\n# another\necho b#c', 'a\nb#c\n'],
      ['', ''],
      ['\n\n  \n', ''],
      ['false', '', '', 1],
      ['false; true', ''],
      ['status 3', '', '', 3],
      ['status 300', '', '', 44],
      ['status -1', '', '', 255],
    ]));

  it('$? follows each command, and ! negates', () =>
    check([
      ['false; echo $?; echo $?', '1\n0\n'],
      ['status 7; echo "$?"', '7\n'],
      ['! false; echo $?', '0\n'],
      ['! true; echo $?', '1\n'],
      ['! ! true; echo $?', '0\n'],
      ['nope; echo $?', '127\n', 'sh: nope: not found\n'],
      ['if false; then :; fi; echo $?', '0\n'],
    ]));
});

describe('quoting and expansion', () => {
  it('quotes and backslashes', () =>
    check([
      [`echo 'a  b' "c  d" e\\ \\ f`, 'a  b c  d e  f\n'],
      [`echo '$HOME' "$HOME" \\$HOME`, '$HOME /root $HOME\n'],
      [`echo "a\\"b" 'it'\\''s' "\\$x \\\\ \\q"`, 'a"b it\'s $x \\ \\q\n'],
      [`argv '' "" x""y`, '[]\n[]\n[xy]\n'],
      ['echo a\\\nb', 'ab\n'],
      [`echo "multi\nline"`, 'multi\nline\n'],
      [`echo "$"  '$'  $ a$`, '$ $ $ a$\n'],
    ]));

  it('variables: NAME=value, $NAME, ${NAME}, ${#NAME}, unset ones', () =>
    check([
      ['x=hello; echo $x ${x}world ${#x}', 'hello helloworld 5\n'],
      ['x=1 y=2; echo $x$y', '12\n'],
      ['echo "[$undefined]" [${undefined}]', '[] []\n'],
      ['x="a b"; y=$x; echo "$y"', 'a b\n'],
      ['x=~/dir; echo $x ~ ~/a "~"', '/root/dir /root /root/a ~\n'],
      ['echo $HOME $USER $PWD', '/root root /root\n'],
      ['x=1; x=$((x + 1)); echo $x', '2\n'],
      ['echo $$ | true', '', 'sh: syntax error: pipes are not supported\n', 2],
      ['echo $# $0', '0 sh\n'],
      ['x=ä中; echo ${#x}', '2\n'],
    ]));

  it('prefix assignments hold for that command only', () =>
    check([
      ['FOO=bar env | true', '', 'sh: syntax error: pipes are not supported\n', 2],
      ['FOO=bar argv $FOO; echo "[$FOO]"', '[]\n', ''],
    ]).then(async () => {
      const sh = await scriptShell();
      const r = await sh.run('FOO=bar env; echo "after:[$FOO]"');
      expect(r.stdout).toContain('FOO=bar\n');
      expect(r.stdout).toContain('after:[]\n');
      const b = await sh.run('x=1; x=2 echo $x; x=3 true; echo $x');
      expect(b.stdout).toBe('1\n1\n');
    }));

  it('word splitting of unquoted expansions only', () =>
    check([
      ['x="a   b  c"; argv $x', '[a]\n[b]\n[c]\n'],
      ['x="a   b"; argv "$x"', '[a   b]\n'],
      ['x="  "; argv $x; argv "$x"', '[  ]\n'],
      ['x=""; argv $x a "$x"', '[a]\n[]\n'],
      ['x="1 2"; argv a${x}b', '[a1]\n[2b]\n'],
      ['IFS=:; x=a:b::c; argv $x', '[a]\n[b]\n[]\n[c]\n'],
      ['x="a b"; for w in $x "$x"; do argv "$w"; done', '[a]\n[b]\n[a b]\n'],
      ['argv "$@" $@ "$*"', '[]\n'],
    ]));

  it('command substitution captures stdout and strips trailing newlines', () =>
    check([
      ['x=$(echo hi); echo "[$x]"', '[hi]\n'],
      ['echo "[$(echo a; echo; echo b; echo; echo)]"', '[a\n\nb]\n'],
      ['argv $(echo a b) "$(echo c d)"', '[a]\n[b]\n[c d]\n'],
      ['echo $(echo $(echo nested))', 'nested\n'],
      ['echo `echo back` "`echo quoted`"', 'back quoted\n'],
      ['x=$(false); echo $?', '1\n'],
      ['x=$(status 5) ; echo $?', '5\n'],
      ['echo "$(exit 3)" $?', ' 3\n'],
      ['x=1; y=$(x=2; echo $x); echo $x $y', '1 2\n'],
      ['echo $(cd /sys; pwd) $(pwd)', '/sys /root\n'],
      ['echo $(nope) x', 'x\n', 'sh: nope: not found\n'],
      ['echo "$(echo "inner "quotes"")"', 'inner quotes\n'],
      ['echo $()x', 'x\n'],
      ['echo $(echo a)$(echo b)', 'ab\n'],
      ['echo $(echo ")")', ')\n'],
      ['echo $(for i in 1 2; do echo $i; done)', '1 2\n'],
    ]));

  it('arithmetic', () =>
    check([
      ['echo $((1 + 2 * 3)) $(( (1+2)*3 )) $((7/2)) $((-7/2)) $((7%3)) $((2**10))', '7 9 3 -3 1 1024\n'],
      ['x=5; echo $((x*2)) $(($x+1)) $((x > 3 && x < 10)) $((x == 5 ? 10 : 20))', '10 6 1 10\n'],
      ['echo $((0x10 + 010)) $((1 << 4)) $((~0)) $((!0))', '24 16 -1 1\n'],
      ['i=0; : $((i += 5)) $((i++)); echo $i', '6\n'],
      ['echo $((9223372036854775807 + 1))', '-9223372036854775808\n'],
      ['echo $((1/0)); echo after', 'after\n', 'sh: 1/0: division by 0\n'],
      ['echo $((1 +)); echo $?', '1\n', 'sh: 1 +: syntax error: operand expected\n'],
      ['x="2+3"; echo $((x*2))', '10\n'],
      ['echo "$((1+1))"', '2\n'],
    ]));

  it('pathname expansion over the VFS', () =>
    check([
      ['cd /sys/bus/pci; echo d*', 'devices drivers\n'],
      ['echo /proc/io*', '/proc/iomem /proc/ioports\n'],
      ['echo /nothing/* "/proc/*"', '/nothing/* /proc/*\n'],
      ['echo /proc/[i]omem /proc/iomem?', '/proc/iomem /proc/iomem?\n'],
    ]));
});

describe('compound commands', () => {
  it('if / elif / else', () =>
    check([
      ['if true; then echo yes; fi', 'yes\n'],
      ['if false; then echo yes; else echo no; fi', 'no\n'],
      ['if false; then echo 1; elif true; then echo 2; else echo 3; fi', '2\n'],
      ['if false; then echo 1; elif false; then echo 2; fi; echo $?', '0\n'],
      ['if status 4; then :; else echo $?; fi', '4\n'],
      ['if\ntrue\nthen\necho multi\nfi', 'multi\n'],
      ['x=3; if [ $x -gt 2 ]; then echo big; fi', 'big\n'],
      ['if true; then if false; then echo a; else echo b; fi; fi', 'b\n'],
    ]));

  it('for loops', () =>
    check([
      ['for i in 1 2 3; do echo $i; done', '1\n2\n3\n'],
      ['for i in; do echo never; done; echo $?', '0\n'],
      ['for i in a b\ndo\n  echo $i\ndone', 'a\nb\n'],
      ['for i in $(seq 3); do echo -n $i; done; echo', '123\n'],
      ['for i in 1 2 3; do if [ $i = 2 ]; then continue; fi; echo $i; done', '1\n3\n'],
      ['for i in 1 2 3; do if [ $i = 2 ]; then break; fi; echo $i; done', '1\n'],
      ['for i in 1 2; do for j in a b; do if [ $j = b ]; then continue 2; fi; echo $i$j; done; done', '1a\n2a\n'],
      ['for i in 1 2; do for j in a b; do break 2; done; echo never; done; echo out $i', 'out 1\n'],
      ['for i in x; do :; done; echo $i', 'x\n'],
    ]));

  it('while and until loops', () =>
    check([
      ['i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done', '0\n1\n2\n'],
      ['i=0; until [ $i -ge 2 ]; do echo $i; i=$((i+1)); done', '0\n1\n'],
      ['while false; do echo never; done; echo $?', '0\n'],
      ['i=0; while true; do i=$((i+1)); if [ $i -gt 4 ]; then break; fi; done; echo $i', '5\n'],
      ['i=0; while i=$((i+1)); [ $i -le 2 ]; do echo $i; done', '1\n2\n'],
    ]));

  it('groups', () =>
    check([
      ['{ echo a; echo b; }', 'a\nb\n'],
      ['{ false; } || echo failed', 'failed\n'],
      ['{ echo a\n}', 'a\n'],
    ]));

  it('break and continue outside loops', () =>
    check([['break; echo still', 'still\n', "sh: break: only meaningful in a `for', `while', or `until' loop\n"]]));
});

describe('commands', () => {
  it('unknown commands: not found, 127', () =>
    check([
      ['nope', '', 'sh: nope: not found\n', 127],
      ['nope a b; echo $?', '127\n', 'sh: nope: not found\n'],
      ['./script.sh', '', 'sh: ./script.sh: No such file or directory\n', 127],
      ['/proc', '', 'sh: /proc: Is a directory\n', 126],
      ['/proc/iomem', '', 'sh: /proc/iomem: Permission denied\n', 126],
    ]));

  it('tools get argv, env, cwd; paths in bin directories find them', () =>
    check([
      ['argv a "b c"', '[a]\n[b c]\n'],
      ['/usr/bin/argv x', '[x]\n'],
      ['cd /sys; cwd', '/sys\n'],
      ['lspci -v', '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)\n\tverbose\n'],
    ]));

  it('a tool that throws does not kill the shell', () =>
    check([
      ['boom; echo $?', '1\n', 'sh: boom: kaboom\n'],
      ['eintr; echo $?', '130\n'],
    ]));
});

describe('syntax errors', () => {
  it('print sh: syntax error: ... with status 2', () =>
    check([
      ['echo a | wc', '', 'sh: syntax error: pipes are not supported\n', 2],
      ['echo a > f', '', 'sh: syntax error: redirections are not supported\n', 2],
      ['cat < f', '', 'sh: syntax error: redirections are not supported\n', 2],
      ['echo 2>&1', '', 'sh: syntax error: redirections are not supported\n', 2],
      ['sleep 1 &', '', 'sh: syntax error: background jobs (&) are not supported\n', 2],
      ['(echo a)', '', 'sh: syntax error: subshells are not supported\n', 2],
      ['f() { echo; }', '', 'sh: syntax error: function definitions are not supported\n', 2],
      ['echo "abc', '', 'sh: syntax error: unterminated quoted string\n', 2],
      ["echo 'abc", '', 'sh: syntax error: unterminated quoted string\n', 2],
      ['if true; then echo a', '', 'sh: syntax error: unexpected end of file (expecting "fi")\n', 2],
      ['if true; fi', '', 'sh: syntax error: unexpected "fi" (expecting "then")\n', 2],
      ['fi', '', 'sh: syntax error: unexpected "fi"\n', 2],
      ['done', '', 'sh: syntax error: unexpected "done"\n', 2],
      ['; echo', '', 'sh: syntax error: unexpected ";"\n', 2],
      ['echo a;; echo b', '', 'sh: syntax error: unexpected ";;"\n', 2],
      ['&& echo', '', 'sh: syntax error: unexpected "&&"\n', 2],
      ['echo a &&', '', 'sh: syntax error: unexpected end of file\n', 2],
      ['for 1 in a; do :; done', '', 'sh: syntax error: bad for loop variable: 1\n', 2],
      ['while true; do; done', '', 'sh: syntax error: unexpected ";"\n', 2],
      ['if true; then fi', '', 'sh: syntax error: unexpected "fi"\n', 2],
      ['echo $(echo', '', 'sh: syntax error: unexpected end of file (expecting ")")\n', 2],
      ['echo ${x:-y}', '', 'sh: syntax error: bad substitution: ${x:-y}\n', 2],
      ['case x in esac', '', 'sh: syntax error: "case" is not supported\n', 2],
      ['echo )', '', 'sh: syntax error: unexpected ")"\n', 2],
    ]));

  it('commands before the error run, as sh reads a script line by line', () =>
    check([['echo first\necho a |\necho never', 'first\n', 'sh: syntax error: pipes are not supported\n', 2]]));

  it('absurd nesting is an error, not a crash', async () => {
    const sh = await scriptShell();
    const deep = 'echo $('.repeat(500) + ')'.repeat(500);
    expect(await sh.run(deep)).toEqual({ status: 2, stdout: '', stderr: 'sh: syntax error: too deeply nested\n' });
    const ifs = 'if true; then '.repeat(300) + 'echo' + '; fi'.repeat(300);
    expect((await sh.run(ifs)).stderr).toBe('sh: syntax error: too deeply nested\n');
    expect((await sh.run(`echo $((${'('.repeat(300)}1${')'.repeat(300)}))`)).stderr).toBe(`sh: ${'('.repeat(37)}...: expression too deeply nested\n`);
    expect((await sh.run(`echo $((${'1+'.repeat(3000)}1))`)).stderr).toBe('sh: 1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1...: expression too long\n');
  });
});

describe('runScript', () => {
  it('xtrace prints + and the expanded words before each simple command', async () => {
    const sh = await scriptShell();
    const r = await sh.run('x="a b"; echo $x "$x" \'\'; for i in 1; do true; done; y=$(echo 2)', { xtrace: true });
    expect(r.stdout).toBe('a b a b \n');
    expect(r.stderr).toBe("+ x='a b'\n+ echo a b 'a b' ''\n+ true\n++ echo 2\n+ y=2\n");
  });

  it('set -x and set -e', () =>
    check([
      ['set -x; echo a; set +x; echo b', 'a\nb\n', '+ echo a\n+ set +x\n'],
      ['set -e; echo a; false; echo never', 'a\n', '', 1],
      ['set -e; false || true; if false; then :; fi; ! true; false && true; echo survived', 'survived\n'],
      ['set -e; while false; do :; done; echo ok', 'ok\n'],
    ]));

  it('exit stops the script with its status', () =>
    check([
      ['echo a; exit 3; echo b', 'a\n', '', 3],
      ['false; exit', '', '', 1],
      ['exit 256', '', '', 0],
      ['exit abc', '', 'sh: exit: abc: numeric argument required\n', 2],
      ['exit 1 2; echo still', 'still\n', 'sh: exit: too many arguments\n'],
      ['for i in 1 2; do exit 4; done', '', '', 4],
    ]));

  it('each script starts a fresh session', async () => {
    const sh = await scriptShell();
    await sh.run('x=1; cd /sys');
    expect((await sh.run('echo "[$x]"; pwd')).stdout).toBe('[]\n/root\n');
  });

  it('an aborted signal stops the script with 130', async () => {
    const sh = await scriptShell();
    const controller = new AbortController();
    const running = sh.run('echo start; while true; do true; done; echo never', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await running).toEqual({ status: 130, stdout: 'start\n', stderr: '' });
    expect(await sh.run('echo x', { signal: AbortSignal.abort() })).toEqual({ status: 130, stdout: '', stderr: '' });
  });

  it('a busy loop does not starve the host event loop', async () => {
    const sh = await scriptShell();
    const controller = new AbortController();
    let timerRan = 0;
    const timer = setInterval(() => timerRan++, 1);
    const running = sh.run('while true; do :; done', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    clearInterval(timer);
    expect(await running).toMatchObject({ status: 130 });
    expect(timerRan).toBeGreaterThan(10);
  });

  it('a paused machine holds the script between commands', async () => {
    const sh = await scriptShell();
    const machine = sh.booted.machine;
    let out = '';
    machine.pause();
    const running = sh.shell.runScript('echo one; echo two', { stdout: { write: (t) => (out += t) }, stderr: { write: () => undefined } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(out).toBe('');
    machine.resume();
    expect(await running).toBe(0);
    expect(out).toBe('one\ntwo\n');
  });

  it('stop() interrupts a running script', async () => {
    const sh = await scriptShell();
    const running = sh.run('sleep 100; echo never');
    await new Promise((resolve) => setTimeout(resolve, 20));
    sh.shell.stop();
    expect(await running).toMatchObject({ status: 130, stdout: '' });
  });

  it('a tool that ignores Ctrl-C still gives control back', async () => {
    const sh = await scriptShell();
    const controller = new AbortController();
    const running = sh.run('stubborn; echo never', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    expect(await running).toMatchObject({ status: 130, stdout: '' });
  });

  it('a writer that throws does not break the shell', async () => {
    const sh = await scriptShell();
    const status = await sh.shell.runScript('echo a; echo b; status 4', {
      stdout: {
        write: () => {
          throw new Error('broken pipe');
        },
      },
      stderr: { write: () => undefined },
    });
    expect(status).toBe(4);
  });

  it('output after a tool returned goes nowhere', async () => {
    let late: ((s: string) => void) | undefined;
    const { fakeTool } = await import('./support');
    const sh = await scriptShell([
      fakeTool('leaky', ({ stdout }) => {
        late = (s) => stdout.write(s);
        return 0;
      }),
    ]);
    let out = '';
    await sh.shell.runScript('leaky; echo done', { stdout: { write: (t) => (out += t) }, stderr: { write: () => undefined } });
    late?.('too late\n');
    expect(out).toBe('done\n');
  });
});
