import headless from '@xterm/headless';
import unicode11 from '@xterm/addon-unicode11';
import { Interrupted } from '../../../src/main/guest/kernel/errors';
import { Shell } from '../../../src/main/guest/shell/shell';
import type { Tool, ToolContext } from '../../../src/main/guest/tools/tool';
import type { MachineOptions } from '../../../src/main/machine/machine';
import { bootGuest, type BootedGuest } from '../../support/guest';

const { Terminal } = headless;
type Terminal = InstanceType<typeof Terminal>;

/** A tiny tool for tests: what it does is given by `run`. */
export function fakeTool(name: string, run: (ctx: ToolContext) => Promise<number> | number, extra: Partial<Tool> = {}): Tool {
  return { name, summary: `the ${name} test tool`, usage: `usage: ${name} [ARGS]`, run: async (ctx) => run(ctx), ...extra };
}

/** Tools most tests use. */
export const TEST_TOOLS: readonly Tool[] = [
  // argv: prints its arguments, one per line, in brackets.
  fakeTool('argv', ({ argv, stdout }) => {
    for (const a of argv.slice(1)) stdout.write(`[${a}]\n`);
    return 0;
  }),
  // lspci-like, with options for completion.
  fakeTool(
    'lspci',
    ({ argv, stdout }) => {
      stdout.write(`00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)${argv.includes('-v') ? '\n\tverbose' : ''}\n`);
      return 0;
    },
    { options: ['-v', '-vv', '-n', '-nn', '-k', '-s'], summary: 'list PCI devices' },
  ),
  fakeTool('lsmod', ({ stdout }) => {
    stdout.write('Module                  Size  Used by\n');
    return 0;
  }),
  fakeTool('boom', () => {
    throw new Error('kaboom');
  }),
  fakeTool('status', ({ argv }) => Number(argv[1] ?? 0)),
  fakeTool('env', ({ env, stdout }) => {
    for (const [k, v] of [...env].sort()) stdout.write(`${k}=${v}\n`);
    return 0;
  }),
  fakeTool('cwd', ({ cwd, stdout }) => {
    stdout.write(cwd + '\n');
    return 0;
  }),
  // Waits (on the virtual clock) until interrupted.
  fakeTool('wait', async ({ kernel, signal, stdout }) => {
    stdout.write('waiting\n');
    await kernel.wait.sleep(3600e9, signal);
    return 0;
  }),
  // Ignores Ctrl-C entirely: the shell must still get control back.
  fakeTool('stubborn', () => new Promise<number>(() => undefined)),
  // Throws Interrupted by itself.
  fakeTool('eintr', () => {
    throw new Interrupted();
  }),
];

export interface ScriptResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ScriptShell {
  readonly booted: BootedGuest;
  readonly shell: Shell;
  run(text: string, options?: { xtrace?: boolean; signal?: AbortSignal }): Promise<ScriptResult>;
}

/** A booted guest with a shell for runScript. */
export async function scriptShell(tools: readonly Tool[] = TEST_TOOLS, machine: Partial<MachineOptions> = {}): Promise<ScriptShell> {
  const booted = await bootGuest({ tools }, machine);
  const shell = new Shell(booted.guest.kernel, booted.guest.console, { tools });
  return {
    booted,
    shell,
    async run(text, options = {}) {
      let stdout = '';
      let stderr = '';
      const status = await shell.runScript(text, {
        stdout: { write: (t) => (stdout += t) },
        stderr: { write: (t) => (stderr += t) },
        ...options,
      });
      return { status, stdout, stderr };
    },
  };
}

const encoder = new TextEncoder();
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The console on a headless xterm: type bytes, read the screen. */
export class Screen {
  private constructor(
    readonly booted: BootedGuest,
    readonly terminal: Terminal,
    readonly shell: Shell,
    readonly done: Promise<void>,
    private readonly raw: { text: string },
  ) {}

  static async start(options: { cols?: number; rows?: number; tools?: readonly Tool[]; machine?: Partial<MachineOptions> } = {}): Promise<Screen> {
    const cols = options.cols ?? 80;
    const rows = options.rows ?? 24;
    const tools = options.tools ?? TEST_TOOLS;
    const booted = await bootGuest({ tools }, options.machine ?? {});
    const terminal = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
    terminal.loadAddon(new unicode11.Unicode11Addon());
    terminal.unicode.activeVersion = '11';
    const console = booted.guest.console;
    console.resize(cols, rows);
    const raw = { text: '' };
    const decoder = new TextDecoder();
    console.onOutput((bytes) => {
      raw.text += decoder.decode(bytes, { stream: true });
      terminal.write(bytes);
    });
    const shell = new Shell(booted.guest.kernel, console, { tools });
    const screen = new Screen(booted, terminal, shell, shell.run(), raw);
    await screen.waitFor((s) => s.line(0).startsWith('root@edu-lab:~# '));
    return screen;
  }

  /** Everything written to the console so far. */
  get output(): string {
    return this.raw.text;
  }

  /** Send keys; then let the shell and the terminal settle. */
  async type(text: string): Promise<void> {
    this.booted.guest.console.input(encoder.encode(text));
    await this.settle();
  }

  /** Send raw bytes (possibly invalid UTF-8). */
  async bytes(data: Uint8Array): Promise<void> {
    this.booted.guest.console.input(data);
    await this.settle();
  }

  /** Let pending work run and the terminal parse what was written. */
  async settle(rounds = 5): Promise<void> {
    for (let i = 0; i < rounds; i++) await tick();
    await new Promise<void>((resolve) => this.terminal.write('', resolve));
  }

  /** Wait until `predicate` holds on the screen (polling), or fail with the screen's contents. */
  async waitFor(predicate: (s: Screen) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      await this.settle(1);
      if (predicate(this)) return;
      if (performance.now() > deadline) throw new Error(`timed out waiting for the screen; it shows:\n${this.lines().join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** Row y of the visible screen, without trailing blanks. */
  line(y: number): string {
    const buffer = this.terminal.buffer.active;
    return buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '';
  }

  /** The visible rows, without trailing empty ones. */
  lines(): string[] {
    const out: string[] = [];
    for (let y = 0; y < this.terminal.rows; y++) out.push(this.line(y));
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }

  get cursor(): { x: number; y: number } {
    const b = this.terminal.buffer.active;
    return { x: b.cursorX, y: b.cursorY };
  }

  /** Type a command line and wait for the next prompt after it. */
  async command(line: string, timeoutMs = 5000): Promise<void> {
    const prompts = this.countPrompts();
    await this.type(line + '\r');
    await this.waitFor((s) => s.countPrompts() > prompts, timeoutMs);
  }

  /** How many primary prompts the console has shown so far. */
  countPrompts(): number {
    return this.raw.text.split(/root@edu-lab:[^#\r\n]*# /).length - 1;
  }

  async stop(): Promise<void> {
    this.shell.stop();
    await this.done;
  }
}
