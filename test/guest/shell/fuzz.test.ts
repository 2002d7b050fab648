import { describe, expect, it } from 'vitest';
import { Shell } from '../../../src/main/guest/shell/shell';
import { bootGuest } from '../../support/guest';
import { mulberry32 as random } from '../../support/prng';
import { scriptShell, TEST_TOOLS } from './support';

const SEED = Number(process.env.SHELL_FUZZ_SEED ?? 20240611);
/** What a JavaScript bug looks like when it leaks into a message. */
const JS_BUG = /TypeError|RangeError|ReferenceError|SyntaxError:|is not a function|Cannot read prop|Maximum call stack|\bundefined\b|\[object /;
// The fuzz avoids the tools that wait for Ctrl-C ('stubborn', 'wait'); the unit tests cover them.
const FUZZ_TOOLS = TEST_TOOLS.filter((t) => t.name !== 'stubborn' && t.name !== 'wait');

const PROMPT = /\r\nroot@edu-lab:[^\r\n#]*# (\x1b\[J)?$/;
const CONTINUATION = /\r\n> (\x1b\[J)?$/;

/** Generates shell lines: mostly valid grammar, sometimes broken on purpose. */
class Generator {
  constructor(private readonly r: () => number) {}

  int(n: number): number {
    return Math.floor(this.r() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.r() < p;
  }

  plain(): string {
    return this.pick(['a', 'b', 'foo', 'bar baz', '1', '42', '-3', '0x1f', '-n', '-e', '-v', '/proc', '/sys/bus', '~', '~/x', '*', '/proc/io*', '/sys/*/pci', '[a-c]*', '?', '中文', '😀', 'é', 'x=y', '--', '']);
  }

  word(depth: number): string {
    switch (this.int(13)) {
      case 0:
      case 1:
        return this.plain().replace(/ /g, '') || 'w';
      case 2:
        return `'${this.plain()}'`;
      case 3:
        return `"${this.plain()} ${this.pick(['$x', '${i0}', '$?', '$(echo in)', '\\"', '\\$'])}"`;
      case 4:
        return this.pick(['$x', '${x}', '$?', '$#', '$$', '$HOME', '$unset_var', '${#x}', '$0', '$1', '$@', '"$@"', '$*', '$-']);
      case 5:
        return depth < 3 ? `$(${this.list(depth + 1)})` : 'sub';
      case 6:
        return depth < 3 ? `\`${this.simple(depth + 1)}\`` : 'bq';
      case 7:
        return `$((${this.arith()}))`;
      case 8:
        return this.pick(['a\\ b', '\\$x', '\\\\', 'a\\"b', "it'\\''s"]);
      case 9:
        return this.pick(['x=1', 'y=$x', 'i0=$((i0+1))']);
      case 10:
        return this.junk();
      default:
        return this.pick(['-n', '-e', '-eq', '-lt', '=', '!=', '-z', '-f', '-d', '!', 'x', '1', '2']);
    }
  }

  junk(): string {
    const chars = 'abc123 $"\'`\\{}()|&;<>#*?[]!~=%^\t中😀';
    let s = '';
    const n = 1 + this.int(5);
    for (let i = 0; i < n; i++) s += [...chars][this.int([...chars].length)];
    return s;
  }

  arith(): string {
    return this.pick(['1+2', 'x*3', '(1<<3)|1', '7/0', 'i0++', 'x=5', '2**62*4', '1 ? 2 : 3', '0x10 % 3', '-(-9)', '1 +', 'y', '', '1,2', '!x && ~x']);
  }

  simple(depth: number): string {
    const command = this.pick([
      'echo', 'echo', 'echo -n', 'echo -e', 'true', 'false', ':', 'test', '[', 'seq', 'sleep', 'cd', 'pwd', 'export', 'unset', 'set',
      'type', 'help', 'history', 'nope', 'argv', 'argv', 'lspci', 'lsmod', 'boom', 'status', 'eintr', 'break', 'continue', 'exit', 'env', 'cwd',
      '/usr/bin/argv', './nothing', 'clear',
    ]);
    let args: string[] = [];
    switch (command) {
      case 'sleep':
        args = [this.pick(['0', '0.0001', '.001', '1e-4', 'abc', '-1', '0.01s', ''])];
        break;
      case 'seq':
        args = [this.pick(['3', '1 5', '5 -1 1', '0.5 0.5 2', 'x', '1 0 3', '-w 8 11', '-s , 4', '1 2 3 4', ''])];
        break;
      case 'exit':
        args = [this.pick(['', '0', '3', 'abc', '1 2', '300'])];
        break;
      case 'set':
        args = [this.pick(['-x', '+x', '-e', '+e', '-u', '', '-o xtrace', '--'])];
        break;
      case 'cd':
        args = [this.pick(['/proc', '/sys', '..', '/nope', '-', '~', '', '/proc/iomem', '/sys/bus/pci/devices/0000:00:04.0'])];
        break;
      case 'status':
        args = [this.pick(['0', '1', '255', '-4', '1000'])];
        break;
      case '[':
      case 'test': {
        const expr = this.pick(['1 -eq 1', 'a = b', '-z ""', '-e /proc/iomem', '-d /sys', 'x -lt 3', '0x10 -gt 15', '! -f /nope', '( a = a ) -o b', '', 'a b c']);
        args = [expr, ...(command === '[' && this.chance(0.9) ? [']'] : [])];
        break;
      }
      default: {
        const n = this.int(4);
        for (let i = 0; i < n; i++) args.push(this.word(depth));
      }
    }
    const prefix = this.chance(0.1) ? `${this.pick(['x', 'y', 'FOO'])}=${this.word(depth)} ` : '';
    return `${prefix}${command} ${args.join(' ')}`.trim();
  }

  command(depth: number): string {
    if (depth >= 3) return this.simple(depth);
    const i = `i${depth}`;
    switch (this.int(12)) {
      case 0:
        return `if ${this.list(depth + 1)}; then ${this.list(depth + 1)};${this.chance(0.3) ? ` elif ${this.simple(depth + 1)}; then ${this.simple(depth + 1)};` : ''}${this.chance(0.5) ? ` else ${this.list(depth + 1)};` : ''} fi`;
      case 1:
        return `for v in ${Array.from({ length: this.int(4) }, () => this.word(depth + 1)).join(' ')}; do ${this.list(depth + 1)}; done`;
      case 2:
        return `${i}=0; while [ $${i} -lt ${this.int(4)} ]; do ${i}=$((${i}+1)); ${this.list(depth + 1)}; done`;
      case 3:
        return `${i}=0; until [ $${i} -ge ${this.int(4)} ]; do ${i}=$((${i}+1)); ${this.list(depth + 1)}; done`;
      case 4:
        return `{ ${this.list(depth + 1)}; }`;
      case 5:
        return `! ${this.simple(depth + 1)}`;
      case 6:
        return this.chance(0.05) ? 'while true; do :; done' : `while false; do ${this.simple(depth + 1)}; done`;
      default:
        return this.simple(depth);
    }
  }

  list(depth: number): string {
    let s = this.command(depth);
    const n = this.int(3);
    for (let k = 0; k < n; k++) s += `${this.pick([' ; ', ' && ', ' || ', '\n', ';'])}${this.command(depth)}`;
    return s;
  }

  /** A line, valid or deliberately broken. */
  line(): string {
    let s = this.list(0);
    if (this.chance(0.3)) {
      const breakers = ['|', '>', '<', '&', '(', ')', 'fi', 'done', 'then', '"', "'", '`', '${', '$((', '\\', ';;', '{', '}', 'do', 'case x in', '$(', '2>&1', '>>', ';', '&&', '\n'];
      const edits = 1 + this.int(3);
      for (let k = 0; k < edits; k++) {
        const at = this.int(s.length + 1);
        if (this.chance(0.3)) s = s.slice(0, at) + s.slice(at + 1 + this.int(4));
        else s = `${s.slice(0, at)} ${this.pick(breakers)} ${s.slice(at)}`;
      }
    }
    return s;
  }

  /** Bytes a user (or a cat on the keyboard) might send to the console. */
  keys(): Uint8Array {
    const parts: (string | Uint8Array)[] = [];
    const n = 1 + this.int(8);
    for (let k = 0; k < n; k++) {
      switch (this.int(10)) {
        case 0:
          parts.push(this.line() + '\r');
          break;
        case 1:
          parts.push(this.pick(['\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', '\x1b[H', '\x1b[F', '\x1bOH', '\x1bOF', '\x1b[1~', '\x1b[4~', '\x1b[3~', '\x1b[1;5C', '\x1bb', '\x1bf', '\x1b', '\x1b[', '\x1b[99', '\x1bO', '\x1b[200~']));
          break;
        case 2:
          parts.push(String.fromCharCode(this.pick([1, 2, 4, 5, 6, 8, 9, 11, 12, 14, 16, 21, 23, 25, 127, 0, 7, 13, 10, 27, 3])));
          break;
        case 3:
          parts.push(new Uint8Array(Array.from({ length: 1 + this.int(4) }, () => this.int(256))));
          break;
        case 4:
          parts.push(this.pick(['中文', '😀', 'ｆｕｌｌ', 'e\u0301', '\u200b', 'ä']).repeat(1 + this.int(3)));
          break;
        case 5:
          parts.push('x'.repeat(this.int(200)));
          break;
        case 6:
          parts.push('\t');
          break;
        default:
          parts.push(this.word(0) + ' ');
      }
    }
    const encoder = new TextEncoder();
    const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

describe('fuzz', () => {
  it(`10,000 random lines through runScript (seed ${SEED})`, async () => {
    const sh = await scriptShell(FUZZ_TOOLS, { deterministic: true });
    const gen = new Generator(random(SEED));
    let answered = 0;
    for (let n = 0; n < 10_000; n++) {
      const line = gen.line();
      const controller = new AbortController();
      // A generated endless loop is stopped the way Ctrl-C would.
      const timer = setTimeout(() => controller.abort(), 100);
      const what = `line ${n} of seed ${SEED}: ${JSON.stringify(line)}`;
      try {
        const r = await withTimeout(sh.run(line, { signal: controller.signal, xtrace: gen.chance(0.1) }), 3000, what);
        expect(Number.isInteger(r.status) && r.status >= 0 && r.status <= 255, what).toBe(true);
        expect(r.stderr, what).not.toMatch(JS_BUG);
        answered++;
      } finally {
        clearTimeout(timer);
      }
    }
    expect(answered).toBe(10_000);
  }, 60_000);

  it(`random keys into the console always get a fresh prompt (seed ${SEED})`, async () => {
    const booted = await bootGuest({ tools: FUZZ_TOOLS }, { deterministic: true });
    const console = booted.guest.console;
    console.resize(40 + (SEED % 60), 24);
    let output = '';
    const decoder = new TextDecoder();
    console.onOutput((bytes) => (output += decoder.decode(bytes, { stream: true })));
    const shell = new Shell(booted.guest.kernel, console, { tools: FUZZ_TOOLS });
    const done = shell.run();
    const gen = new Generator(random(SEED + 1));
    const encoder = new TextEncoder();
    for (let n = 0; n < 600; n++) {
      const bytes = gen.keys();
      // Sent in pieces split anywhere, even inside UTF-8 sequences and escape sequences.
      let at = 0;
      while (at < bytes.length) {
        const next = Math.min(bytes.length, at + 1 + gen.int(bytes.length));
        console.input(bytes.slice(at, next));
        at = next;
        if (gen.chance(0.5)) await new Promise((resolve) => setImmediate(resolve));
      }
      const what = `keys ${n} of seed ${SEED + 1}: ${JSON.stringify(decoder.decode(bytes))}`;
      const before = output.length;
      const waitFor = async (ready: () => boolean, ms = 3000): Promise<boolean> => {
        const started = performance.now();
        while (!ready()) {
          if (performance.now() - started > ms) return false;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        return true;
      };
      const fail = (): never => {
        throw new Error(`no fresh prompt after ${what}\n--- output since ---\n${JSON.stringify(output.slice(before))}`);
      };
      // Ctrl-C until the shell sits at a fresh primary prompt: a continued command needs a second one, and
      // keys typed ahead while a command ran outlive the Ctrl-C that stopped it (the console keeps them).
      for (let attempt = 0; ; attempt++) {
        if (attempt === 20) fail();
        console.input(encoder.encode('\x03'));
        await waitFor(() => PROMPT.test(output) || CONTINUATION.test(output), 200);
        if (PROMPT.test(output)) break;
      }
      // ...then it must answer a command.
      const mark = `mark${n}`;
      console.input(encoder.encode(`echo ${mark}\r`));
      const answered = await waitFor(() => {
        const i = output.lastIndexOf(`\r\n${mark}\r\n`);
        return i >= 0 && PROMPT.test(output.slice(i));
      });
      if (!answered) fail();
      expect(output.slice(-2000), what).not.toMatch(JS_BUG);
      if (output.length > 100_000) output = output.slice(-10_000);
    }
    shell.stop();
    await withTimeout(done, 1000, 'run() after stop()');
  }, 60_000);
});
