import { describe, expect, it } from 'vitest';
import { Screen } from './support';

const P = 'root@edu-lab:~# ';
const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('prompt and echo', () => {
  it('shows root@edu-lab:~# and echoes what is typed', async () => {
    const s = await Screen.start();
    expect(s.lines()).toEqual([P]);
    expect(s.cursor).toEqual({ x: 16, y: 0 });
    await s.type('echo hello');
    expect(s.lines()).toEqual([P + 'echo hello']);
    expect(s.cursor).toEqual({ x: 26, y: 0 });
    await s.command('');
    expect(s.lines()).toEqual([P + 'echo hello', 'hello', P]);
    expect(s.cursor).toEqual({ x: 16, y: 2 });
    await s.command('');
    expect(s.lines()).toEqual([P + 'echo hello', 'hello', P, P]);
  });

  it('shows the working directory like \\w', async () => {
    const s = await Screen.start();
    await s.command('cd /sys/bus');
    await s.command('cd ~');
    await s.command('cd /');
    expect(s.lines()).toEqual([P + 'cd /sys/bus', 'root@edu-lab:/sys/bus# cd ~', P + 'cd /', 'root@edu-lab:/# ']);
  });

  it('translates the output of commands to CR LF and starts the prompt on a fresh line', async () => {
    const s = await Screen.start();
    await s.command('lspci -v');
    await s.command('echo -n partial');
    expect(s.lines()).toEqual([P + 'lspci -v', '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)', '        verbose', P + 'echo -n partial', 'partial', P]);
    expect(s.output).toContain('(rev 10)\r\n\tverbose\r\n');
  });

  it('reports unknown commands, syntax errors and failing tools, and goes on', async () => {
    const s = await Screen.start();
    await s.command('nope');
    await s.command('echo a | wc');
    await s.command('boom');
    await s.command('echo $?');
    expect(s.lines()).toEqual([
      P + 'nope',
      'sh: nope: not found',
      P + 'echo a | wc',
      'sh: syntax error: pipes are not supported',
      P + 'boom',
      'sh: boom: kaboom',
      P + 'echo $?',
      '1',
      P,
    ]);
  });
});

describe('cursor movement and editing keys', () => {
  it('left and right move over the line; typing inserts at the cursor', async () => {
    const s = await Screen.start();
    await s.type('echo hllo');
    await s.type(LEFT + LEFT + LEFT);
    expect(s.cursor).toEqual({ x: 22, y: 0 });
    await s.type('e');
    expect(s.lines()).toEqual([P + 'echo hello']);
    expect(s.cursor).toEqual({ x: 23, y: 0 });
    await s.type(RIGHT + RIGHT + RIGHT + RIGHT + RIGHT);
    expect(s.cursor).toEqual({ x: 26, y: 0 });
    await s.type('\x02\x02\x06'); // Ctrl-B Ctrl-B Ctrl-F
    expect(s.cursor).toEqual({ x: 25, y: 0 });
    await s.command('');
    expect(s.line(1)).toBe('hello');
  });

  const homes = ['\x1b[H', '\x1bOH', '\x1b[1~', '\x1b[7~', '\x01'];
  const ends = ['\x1b[F', '\x1bOF', '\x1b[4~', '\x1b[8~', '\x05'];
  for (let i = 0; i < homes.length; i++) {
    it(`home ${JSON.stringify(homes[i])} and end ${JSON.stringify(ends[i])}`, async () => {
      const s = await Screen.start();
      await s.type('cho b');
      await s.type(homes[i]!);
      expect(s.cursor).toEqual({ x: 16, y: 0 });
      await s.type('e');
      await s.type(ends[i]!);
      expect(s.cursor).toEqual({ x: 22, y: 0 });
      await s.type('c');
      await s.command('');
      expect(s.lines()).toEqual([P + 'echo bc', 'bc', P]);
    });
  }

  it('backspace (0x7f and 0x08) and delete (ESC [ 3~)', async () => {
    const s = await Screen.start();
    await s.type('echo abcdef');
    await s.type('\x7f\x08');
    expect(s.lines()).toEqual([P + 'echo abcd']);
    await s.type(LEFT + LEFT + '\x7f');
    expect(s.lines()).toEqual([P + 'echo acd']);
    expect(s.cursor).toEqual({ x: 22, y: 0 });
    await s.type('\x1b[3~');
    expect(s.lines()).toEqual([P + 'echo ad']);
    expect(s.cursor).toEqual({ x: 22, y: 0 });
    await s.type('\x1b[H\x7f\x1b[3~\x1b[F\x1b[3~'); // nothing before home, delete at home, nothing after end
    expect(s.lines()).toEqual([P + 'cho ad']);
  });

  it('Ctrl-U kills to the start, Ctrl-K to the end, Ctrl-W the previous word, Ctrl-Y yanks back', async () => {
    const s = await Screen.start();
    await s.type('echo one two three');
    await s.type('\x17');
    expect(s.lines()).toEqual([P + 'echo one two ']);
    await s.type('\x17\x17');
    expect(s.lines()).toEqual([P + 'echo ']);
    await s.type('\x19'); // kills in a row add up
    expect(s.lines()).toEqual([P + 'echo one two three']);
    await s.type('\x01' + RIGHT.repeat(9) + '\x0b');
    expect(s.lines()).toEqual([P + 'echo one ']);
    expect(s.cursor).toEqual({ x: 25, y: 0 });
    await s.type(LEFT.repeat(5) + '\x15');
    expect(s.lines()).toEqual([P + ' one ']);
    expect(s.cursor).toEqual({ x: 16, y: 0 });
    await s.type('\x05\x19');
    expect(s.lines()).toEqual([P + ' one echo']);
  });

  it('Alt-B/Alt-F and Ctrl-Left/Ctrl-Right move by words', async () => {
    const s = await Screen.start();
    await s.type('echo one two');
    await s.type('\x1bb');
    expect(s.cursor).toEqual({ x: 25, y: 0 });
    await s.type('\x1b[1;5D');
    expect(s.cursor).toEqual({ x: 21, y: 0 });
    await s.type('\x1b[1;5C');
    expect(s.cursor).toEqual({ x: 24, y: 0 });
    await s.type('\x1bf');
    expect(s.cursor).toEqual({ x: 28, y: 0 });
  });

  it('ignores control characters and unknown escape sequences', async () => {
    const s = await Screen.start();
    await s.type('a\x00\x07\x1b[2~\x1b[5~\x1b[Zb\x1b[200~c\x1b[201~\x1b[?1;2c\x1bxd');
    expect(s.lines()).toEqual([P + 'abcd']);
  });
});

describe('history', () => {
  it('up and down recall earlier lines; edits are kept while browsing', async () => {
    const s = await Screen.start();
    await s.command('echo one');
    await s.command('echo two');
    await s.type(UP);
    expect(s.line(4)).toBe(P + 'echo two');
    await s.type(UP);
    expect(s.line(4)).toBe(P + 'echo one');
    expect(s.cursor).toEqual({ x: 24, y: 4 });
    await s.type(UP); // nothing older
    expect(s.line(4)).toBe(P + 'echo one');
    await s.type('!');
    await s.type(DOWN);
    expect(s.line(4)).toBe(P + 'echo two');
    await s.type(DOWN);
    expect(s.line(4)).toBe(P);
    await s.type('\x10'); // Ctrl-P
    await s.type(UP);
    expect(s.line(4)).toBe(P + 'echo one!');
    await s.command('');
    expect(s.line(5)).toBe('one!');
  });

  it('the history builtin lists what was typed, without blanks and repeats', async () => {
    const s = await Screen.start();
    await s.command('echo a');
    await s.command('');
    await s.command('echo a');
    await s.command('true');
    await s.command('history');
    expect(s.lines().slice(-5)).toEqual([P + 'history', '    1  echo a', '    2  true', '    3  history', P]);
    await s.command('history -c');
    await s.command('history');
    expect(s.lines().slice(-3)).toEqual([P + 'history', '    5  history', P]);
  });
});

describe('Ctrl-C, Ctrl-D and Ctrl-L', () => {
  it('Ctrl-C at the prompt shows ^C and a fresh prompt; $? is 130', async () => {
    const s = await Screen.start();
    await s.type('echo abc' + LEFT + LEFT);
    await s.type('\x03');
    expect(s.lines()).toEqual([P + 'echo abc^C', P]);
    await s.command('echo $?');
    expect(s.lines()).toEqual([P + 'echo abc^C', P + 'echo $?', '130', P]);
  });

  it('Ctrl-C interrupts sleep 10 at once; status 130', async () => {
    const s = await Screen.start();
    const started = performance.now();
    await s.type('sleep 10\r');
    await sleep(30);
    expect(s.lines()).toEqual([P + 'sleep 10']);
    expect(s.cursor).toEqual({ x: 0, y: 1 });
    await s.type('\x03');
    await s.waitFor((x) => x.countPrompts() === 2);
    await s.command('echo $?');
    expect(s.lines()).toEqual([P + 'sleep 10', '^C', P + 'echo $?', '130', P]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('Ctrl-C stops a busy loop, and the rest of the line does not run', async () => {
    const s = await Screen.start();
    await s.type('while true; do true; done; echo never\r');
    await sleep(50);
    await s.type('\x03');
    await s.waitFor((x) => x.countPrompts() === 2);
    expect(s.lines()).toEqual([P + 'while true; do true; done; echo never', '^C', P]);
  });

  it('Ctrl-C stops a tool waiting in the kernel, and one that ignores it', async () => {
    const s = await Screen.start();
    await s.type('wait\r');
    await s.waitFor((x) => x.line(1) === 'waiting');
    await s.type('\x03');
    await s.waitFor((x) => x.countPrompts() === 2);
    await s.type('stubborn\r');
    await sleep(20);
    await s.type('\x03');
    await s.waitFor((x) => x.countPrompts() === 3);
    await s.command('echo $?');
    expect(s.lines()).toEqual([P + 'wait', 'waiting', '^C', P + 'stubborn', '^C', P + 'echo $?', '130', P]);
  });

  it('Ctrl-C typed ahead with the line interrupts it at once', async () => {
    const s = await Screen.start();
    await s.type('sleep 100\r\x03');
    await s.waitFor((x) => x.countPrompts() === 2, 2000);
    expect(s.lines()).toEqual([P + 'sleep 100', '^C', P]);
  });

  it('Ctrl-L clears the screen and redraws the prompt and the line', async () => {
    const s = await Screen.start();
    await s.command('echo one');
    await s.type('echo two' + LEFT);
    await s.type('\x0c');
    expect(s.lines()).toEqual([P + 'echo two']);
    expect(s.cursor).toEqual({ x: 23, y: 0 });
    await s.command('');
    expect(s.lines()).toEqual([P + 'echo two', 'two', P]);
  });

  it('clear clears the screen; the prompt comes back at the top', async () => {
    const s = await Screen.start();
    await s.command('echo one');
    await s.command('clear');
    expect(s.lines()).toEqual([P]);
    expect(s.cursor).toEqual({ x: 16, y: 0 });
  });

  it('Ctrl-D deletes under the cursor; on an empty line it logs out into a fresh session', async () => {
    const s = await Screen.start();
    await s.command('x=1; cd /sys');
    await s.type('abc\x01\x04');
    expect(s.line(1)).toBe('root@edu-lab:/sys# bc');
    await s.type('\x0b\x04');
    await s.waitFor((x) => x.countPrompts() === 3);
    await s.command('echo "[$x]"');
    expect(s.lines()).toEqual([P + 'x=1; cd /sys', 'root@edu-lab:/sys# logout', P + 'echo "[$x]"', '[]', P]);
  });

  it('exit prints logout and starts a fresh session (history stays)', async () => {
    const s = await Screen.start();
    await s.command('x=5');
    await s.command('exit 3');
    await s.command('echo "[$x] $?"');
    expect(s.lines()).toEqual([P + 'x=5', P + 'exit 3', 'logout', P + 'echo "[$x] $?"', '[] 0', P]);
    await s.type(UP + UP);
    expect(s.line(5)).toBe(P + 'exit 3');
  });
});

describe('input in chunks', () => {
  it('escape sequences split across chunks', async () => {
    const s = await Screen.start();
    await s.type('echo ac');
    await s.type('\x1b');
    await s.type('[');
    await s.type('D');
    await s.type('b\x1b[');
    await s.type('3');
    await s.type('~');
    await s.type('\x1bO');
    await s.type('H');
    expect(s.lines()).toEqual([P + 'echo ab']);
    expect(s.cursor).toEqual({ x: 16, y: 0 });
  });

  it('UTF-8 split across chunks', async () => {
    const s = await Screen.start();
    const bytes = new TextEncoder().encode('echo 中');
    await s.bytes(bytes.slice(0, 6));
    await s.bytes(bytes.slice(6));
    await s.command('');
    expect(s.lines()).toEqual([P + 'echo 中', '中', P]);
  });

  it('a paste of several lines runs each in turn', async () => {
    const s = await Screen.start();
    await s.type('echo one\recho two\r\necho three\n');
    await s.waitFor((x) => x.countPrompts() === 4);
    expect(s.lines()).toEqual([P + 'echo one', 'one', P + 'echo two', 'two', P + 'echo three', 'three', P]);
  });

  it('keys typed while a command runs wait for the next prompt', async () => {
    const s = await Screen.start({ machine: { deterministic: false } });
    await s.type('sleep 0.2\r');
    await s.type('echo after\r');
    await s.waitFor((x) => x.countPrompts() === 3);
    expect(s.lines()).toEqual([P + 'sleep 0.2', P + 'echo after', 'after', P]);
  });

  it('an unfinished command continues on the next line with "> "', async () => {
    const s = await Screen.start();
    await s.type('for i in 1 2\r');
    expect(s.lines()).toEqual([P + 'for i in 1 2', '> ']);
    await s.type('do echo "$i\r');
    await s.type('x"; done\r');
    await s.waitFor((x) => x.countPrompts() === 2);
    expect(s.lines()).toEqual([P + 'for i in 1 2', '> do echo "$i', '> x"; done', '1', 'x', '2', 'x', P]);
  });

  it('Ctrl-C abandons an unfinished command', async () => {
    const s = await Screen.start();
    await s.type('if true\r');
    await s.type('\x03');
    await s.command('echo ok');
    expect(s.lines()).toEqual([P + 'if true', '> ^C', P + 'echo ok', 'ok', P]);
  });

  it('a paused machine holds keystrokes until it runs again', async () => {
    const s = await Screen.start();
    s.booted.machine.pause();
    await s.type('echo paused\r');
    await sleep(20);
    expect(s.lines()).toEqual([P]);
    s.booted.machine.resume();
    await s.waitFor((x) => x.countPrompts() === 2);
    expect(s.lines()).toEqual([P + 'echo paused', 'paused', P]);
  });

  it('stop() ends run()', async () => {
    const s = await Screen.start();
    await s.type('echo half');
    await s.stop();
    await s.type('more\r');
    expect(s.lines()).toEqual([P + 'echo half']);
  });
});

describe('wide characters', () => {
  it('CJK and emoji take two columns; cursor keys and deletion step over them whole', async () => {
    const s = await Screen.start();
    await s.type('echo 中文😀x');
    expect(s.cursor).toEqual({ x: 28, y: 0 });
    await s.type(LEFT);
    expect(s.cursor).toEqual({ x: 27, y: 0 });
    await s.type(LEFT);
    expect(s.cursor).toEqual({ x: 25, y: 0 });
    await s.type(LEFT);
    expect(s.cursor).toEqual({ x: 23, y: 0 });
    await s.type('\x7f');
    expect(s.lines()).toEqual([P + 'echo 文😀x']);
    expect(s.cursor).toEqual({ x: 21, y: 0 });
    await s.type('ｆ'); // fullwidth f
    expect(s.lines()).toEqual([P + 'echo ｆ文😀x']);
    expect(s.cursor).toEqual({ x: 23, y: 0 });
    await s.type('\x1b[3~');
    expect(s.lines()).toEqual([P + 'echo ｆ😀x']);
    await s.command('');
    expect(s.line(1)).toBe('ｆ😀x');
  });

  it('combining marks join the character before them', async () => {
    const s = await Screen.start();
    await s.type('echo e\u0301a');
    expect(s.cursor).toEqual({ x: 23, y: 0 });
    await s.type(LEFT + LEFT);
    expect(s.cursor).toEqual({ x: 21, y: 0 });
    await s.type('\x1b[3~');
    expect(s.lines()).toEqual([P + 'echo a']);
  });
});

describe('lines longer than the terminal', () => {
  const COLS = 20;
  // The prompt takes 16 columns: the input wraps after 4 characters, then every 20.
  it('wrap, and edit correctly across rows', async () => {
    const s = await Screen.start({ cols: COLS });
    const text = 'echo ' + 'abcdefghijklmnopqrstuvwxyz0123456789'; // 41 characters
    await s.type(text);
    expect(s.lines()).toEqual(['root@edu-lab:~# echo', ' abcdefghijklmnopqrs', 'tuvwxyz0123456789']);
    expect(s.cursor).toEqual({ x: 17, y: 2 });
    await s.type('\x01');
    expect(s.cursor).toEqual({ x: 16, y: 0 });
    await s.type(RIGHT.repeat(5));
    expect(s.cursor).toEqual({ x: 1, y: 1 });
    await s.type(LEFT);
    expect(s.cursor).toEqual({ x: 0, y: 1 });
    await s.type(LEFT);
    expect(s.cursor).toEqual({ x: 19, y: 0 });
    await s.type('X');
    expect(s.lines()).toEqual(['root@edu-lab:~# echX', 'o abcdefghijklmnopqr', 'stuvwxyz0123456789']);
    expect(s.cursor).toEqual({ x: 0, y: 1 });
    await s.type('\x7f\x7f');
    expect(s.lines()).toEqual(['root@edu-lab:~# eco ', 'abcdefghijklmnopqrst', 'uvwxyz0123456789']);
    expect(s.cursor).toEqual({ x: 18, y: 0 });
    await s.type('h');
    expect(s.lines()).toEqual(['root@edu-lab:~# echo', ' abcdefghijklmnopqrs', 'tuvwxyz0123456789']);
    await s.type('\x05');
    expect(s.cursor).toEqual({ x: 17, y: 2 });
    await s.type('\x17'); // delete the long word: back to one row (and the space after echo)
    expect(s.lines()).toEqual(['root@edu-lab:~# echo', ' ']);
    expect(s.cursor).toEqual({ x: 1, y: 1 });
    await s.type('\x7f');
    expect(s.lines()).toEqual(['root@edu-lab:~# echo']);
    expect(s.cursor).toEqual({ x: 0, y: 1 });
    await s.type(' 123456789012345678901234');
    await s.command('');
    expect(s.lines()).toEqual(['root@edu-lab:~# echo', ' 1234567890123456789', '01234', '12345678901234567890', '1234', 'root@edu-lab:~# ']);
  });

  it('a line that exactly fills its row leaves the cursor on the next row; Enter adds no blank row', async () => {
    const s = await Screen.start({ cols: COLS });
    await s.type('echo');
    expect(s.cursor).toEqual({ x: 0, y: 1 });
    await s.type(' 123456789012345678');
    expect(s.cursor).toEqual({ x: 19, y: 1 });
    await s.type('9');
    expect(s.cursor).toEqual({ x: 0, y: 2 });
    await s.type('\x7f');
    expect(s.cursor).toEqual({ x: 19, y: 1 });
    expect(s.lines()).toEqual(['root@edu-lab:~# echo', ' 123456789012345678']);
    await s.type('9');
    await s.command('');
    expect(s.lines()).toEqual(['root@edu-lab:~# echo', ' 1234567890123456789', '1234567890123456789', 'root@edu-lab:~# ']);
  });

  it('a wide character that does not fit at the end of a row goes to the next one', async () => {
    const s = await Screen.start({ cols: COLS });
    await s.type('ech中');
    expect(s.lines()).toEqual(['root@edu-lab:~# ech', '中']);
    expect(s.cursor).toEqual({ x: 2, y: 1 });
    await s.type(LEFT);
    expect(s.cursor).toEqual({ x: 0, y: 1 });
    await s.type(LEFT);
    expect(s.cursor).toEqual({ x: 18, y: 0 });
    await s.type('\x01o');
    expect(s.lines()).toEqual(['root@edu-lab:~# oech', '中']);
    await s.type('\x01\x1b[3~\x1b[3~');
    expect(s.lines()).toEqual(['root@edu-lab:~# ch中']);
    expect(s.cursor).toEqual({ x: 16, y: 0 });
  });

  it('history recall of a long line over a short one and back', async () => {
    const s = await Screen.start({ cols: COLS });
    await s.command('echo ' + 'x'.repeat(40));
    const ran = ['root@edu-lab:~# echo', ' ' + 'x'.repeat(19), 'x'.repeat(20), 'x', 'x'.repeat(20), 'x'.repeat(20)];
    expect(s.lines()).toEqual([...ran, P]);
    await s.type(UP);
    expect(s.lines()).toEqual([...ran, ...ran.slice(0, 4)]);
    expect(s.cursor).toEqual({ x: 1, y: 9 });
    await s.type(DOWN);
    expect(s.lines()).toEqual([...ran, P]);
    expect(s.cursor).toEqual({ x: 16, y: 6 });
    await s.type(UP + '\x01');
    expect(s.cursor).toEqual({ x: 16, y: 6 });
  });

  it('a prompt longer than the terminal', async () => {
    const s = await Screen.start({ cols: COLS });
    await s.command('cd /sys/bus/pci/devices');
    await s.type('echo hi');
    expect(s.lines().slice(2)).toEqual(['root@edu-lab:/sys/bu', 's/pci/devices# echo ', 'hi']);
    await s.type('\x01');
    expect(s.cursor).toEqual({ x: 15, y: 3 });
    await s.command('');
    expect(s.lines().slice(2)).toEqual(['root@edu-lab:/sys/bu', 's/pci/devices# echo ', 'hi', 'hi', 'root@edu-lab:/sys/bu', 's/pci/devices# ']);
  });
});

describe('output from elsewhere', () => {
  it('a kernel message while a line is edited: the prompt and the line come back below it', async () => {
    const s = await Screen.start();
    await s.type('echo abc' + LEFT);
    s.booted.guest.kernel.log.warn('edu: something odd');
    await s.settle();
    // The message lands where the cursor was (over the 'c'), as on a real console.
    expect(s.line(0)).toMatch(/^root@edu-lab:~# echo ab\[ *\d+\.\d{6}\] edu: something odd$/);
    expect(s.lines().slice(1)).toEqual([P + 'echo abc']);
    expect(s.cursor).toEqual({ x: 23, y: 1 });
    await s.type('X');
    await s.command('');
    expect(s.lines().slice(1)).toEqual([P + 'echo abXc', 'abXc', P]);
  });
});

describe('terminal resize', () => {
  it('after a width change the line is drawn again below, at the new width', async () => {
    const s = await Screen.start({ cols: 40 });
    await s.command('echo before');
    await s.type('echo ' + 'y'.repeat(30));
    s.terminal.resize(30, 24);
    s.booted.guest.console.resize(30, 24);
    await s.settle();
    const lines = s.lines();
    expect(lines.slice(0, 2)).toEqual([P + 'echo before', 'before']);
    expect(lines.slice(-2)).toEqual([P + 'echo ' + 'y'.repeat(9), 'y'.repeat(21)]);
    await s.type('\x01z');
    expect(s.lines().slice(-2)).toEqual([P + 'zecho ' + 'y'.repeat(8), 'y'.repeat(22)]);
    await s.type('\x7f');
    await s.command('');
    expect(s.lines().slice(-2)).toEqual(['y'.repeat(30), P]);
  });

  it('leaves a line that fits on one row at both widths where it is (no second prompt while a pane is dragged)', async () => {
    const s = await Screen.start({ cols: 60 });
    await s.type('echo hi');
    const before = s.lines();
    for (const cols of [50, 40, 45, 70]) {
      s.terminal.resize(cols, 24);
      s.booted.guest.console.resize(cols, 24);
      await s.settle();
    }
    expect(s.lines()).toEqual(before);
    await s.command('');
    expect(s.lines().slice(-2)).toEqual(['hi', P]);
  });
});
