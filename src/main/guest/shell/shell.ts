import type { SerialConsole } from '../console';
import { Interrupted } from '../kernel/errors';
import type { Kernel } from '../kernel/kernel';
import type { Tool, Writer } from '../tools/tool';
import type { List } from './ast';
import { BUILTINS } from './builtins';
import { complete, type CompletionSource } from './completion';
import { errorMessage, ExitRequest, LoopControl, ShellSyntaxError } from './errors';
import { History } from './history';
import { Interpreter } from './interpreter';
import { linkSignals, ttyWriter, type ShellIo } from './io';
import { LineEditor } from './line-editor';
import { Pacer } from './pacer';
import { Parser } from './parser';
import { CONTINUATION_PROMPT, primaryPrompt } from './prompt';
import type { ShellServices } from './runtime';
import { Session } from './session';

export interface ShellOptions {
  readonly tools: readonly Tool[];
}

export interface ScriptIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Echo each command as `+ cmd` to stderr before running it (sh -x). */
  readonly xtrace?: boolean;
  readonly signal?: AbortSignal;
}

type Outcome = 'done' | 'logout';

/** Unexpected errors in a row after which the console loop gives up. */
const MAX_FAILURES = 3;

/** A writer that cannot break the shell, whatever the caller's writer does. */
function sturdy(writer: Writer): Writer {
  return {
    write: (text) => {
      try {
        writer.write(text);
      } catch {
        // the caller's problem; the script goes on
      }
    },
  };
}

/** Whether output that ended with `tail` leaves the cursor at the start of a row. */
function endsAtLineStart(tail: string, before: boolean): boolean {
  const rest = tail.replace(/(\x1b\[[0-9;?]*[JKm])+$/, ''); // erasing and colours do not move the cursor
  if (rest === '') return before;
  return /(\n|\r|\x1b\[H|\x1b\[1;1H|\x1b\[;H)$/.test(rest);
}

/**
 * The guest's shell, on the serial console (run) or over a script (runScript). The console side owns
 * echo and line editing (the terminal is dumb), history and completion; both sides share the parser
 * and interpreter. Commands are the builtins and the tools given in the options.
 */
export class Shell {
  private readonly tools: ReadonlyMap<string, Tool>;
  private readonly history = new History();
  private readonly pacer: Pacer;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private reading = false;
  private atLineStart = true;
  private nextPid = 101;

  constructor(
    readonly kernel: Kernel,
    readonly console: SerialConsole,
    readonly options: ShellOptions,
  ) {
    this.tools = new Map(options.tools.map((t) => [t.name, t]));
    this.pacer = new Pacer(kernel.cpu);
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** The interactive loop on the console: prompt, read a line, run it, until stop(). */
  run(): Promise<void> {
    this.running ??= this.interactive();
    return this.running;
  }

  /** Run a script like `sh SCRIPT`: only what commands print, the last command's status. */
  async runScript(text: string, io: ScriptIo): Promise<number> {
    const out: ShellIo = { stdout: sturdy(io.stdout), stderr: sturdy(io.stderr) };
    const session = this.newSession();
    session.xtrace = io.xtrace ?? false;
    // A script keeps no history, as a non-interactive sh does.
    const interpreter = new Interpreter(session, { ...this.services(false), history: new History() }, out);
    const link = linkSignals([io.signal, this.stopping.signal]);
    try {
      const parser = new Parser(String(text));
      let status = 0;
      for (;;) {
        let list: List | undefined;
        try {
          list = parser.parseNext();
        } catch (e) {
          out.stderr.write(e instanceof ShellSyntaxError ? `sh: syntax error: ${e.message}\n` : `sh: ${errorMessage(e)}\n`);
          return 2;
        }
        if (!list) return status;
        status = await interpreter.run(list, link.signal);
      }
    } catch (e) {
      if (e instanceof ExitRequest) return e.status;
      if (e instanceof Interrupted) return 130;
      if (e instanceof LoopControl) return 0;
      out.stderr.write(`sh: ${errorMessage(e)}\n`);
      return 1;
    } finally {
      link.dispose();
    }
  }

  /** End run() (reboot, shutdown) and interrupt whatever the shell runs. */
  stop(): void {
    if (this.stopped) return;
    this.stopping.abort();
    if (this.reading) this.console.cancelRead();
  }

  private newSession(): Session {
    return Session.fresh(this.nextPid++);
  }

  private services(interactive: boolean): ShellServices {
    return {
      kernel: this.kernel,
      tools: this.tools,
      history: this.history,
      pacer: this.pacer,
      interactive,
      terminal: () => ({ cols: this.console.cols, rows: this.console.rows }),
    };
  }

  private async interactive(): Promise<void> {
    if (this.stopped) return;
    let session = this.newSession();
    let echoing = false;
    let redisplay = false;
    const editor = new LineEditor(
      {
        read: () => this.readInput(),
        write: (text) => {
          echoing = true;
          try {
            this.console.write(text);
          } finally {
            echoing = false;
          }
        },
        cols: () => this.console.cols,
      },
      this.history,
      (before) => complete(before, this.completionSource(session)),
    );
    const unsubscribe = this.console.onOutput((bytes) => {
      let tail = '';
      for (let i = Math.max(0, bytes.length - 16); i < bytes.length; i++) tail += String.fromCharCode(bytes[i]!);
      this.atLineStart = endsAtLineStart(tail, this.atLineStart);
      // Someone else (the kernel) wrote while we wait for keys: redraw the line once their output is out.
      if (this.reading && !echoing && !redisplay && !this.stopped) {
        redisplay = true;
        queueMicrotask(() => {
          redisplay = false;
          if (this.reading && !this.stopped) editor.redisplay(this.atLineStart);
        });
      }
    });
    // After a width change the terminal may have rewrapped the line its own way: then draw it afresh.
    let cols = this.console.cols;
    const unsubscribeResize = this.console.onResize(() => {
      if (this.console.cols === cols) return;
      const oldCols = cols;
      cols = this.console.cols;
      if (this.reading && !this.stopped) editor.resized(oldCols);
    });
    let failures = 0;
    try {
      while (!this.stopped) {
        try {
          const outcome = await this.readAndRun(editor, session);
          failures = 0;
          if (outcome === 'logout' && !this.stopped) {
            this.console.write('logout\r\n');
            session = this.newSession();
          }
        } catch (e) {
          // stop() ends the read this way. Anything else is a fault of the shell: say so and carry on
          // with a fresh line, unless it keeps happening (the console cannot be read at all).
          if (this.stopped) return;
          this.console.write(`\r\nsh: ${errorMessage(e)}\r\n`);
          editor.discardPending();
          if (++failures >= MAX_FAILURES) return;
        }
      }
    } finally {
      unsubscribe();
      unsubscribeResize();
    }
  }

  /** Wait for console input with the CPU idle; a paused machine holds the keys until it runs. */
  private async readInput(): Promise<string> {
    if (this.stopped) throw new Interrupted();
    this.reading = true;
    let text: string;
    try {
      text = await this.kernel.cpu.blockOn(this.console.read(), this.stopping.signal);
    } finally {
      this.reading = false;
    }
    await this.kernel.cpu.checkpoint(this.stopping.signal);
    return text;
  }

  /** Read one command (over several lines while it is unfinished) and run it. */
  private async readAndRun(editor: LineEditor, session: Session): Promise<Outcome> {
    let source = '';
    for (;;) {
      if (!this.atLineStart) this.console.write('\r\n');
      const result = await editor.readLine(source === '' ? primaryPrompt(session.cwd, session.home) : CONTINUATION_PROMPT);
      if (result.kind === 'interrupt') {
        session.lastStatus = 130;
        return 'done';
      }
      if (result.kind === 'eof') {
        if (source === '') return 'logout';
        this.console.write('\r\nsh: syntax error: unexpected end of file\r\n');
        session.lastStatus = 2;
        return 'done';
      }
      this.history.add(result.text);
      source = source === '' ? result.text : `${source}\n${result.text}`;
      let program: List;
      try {
        program = Parser.parse(source);
      } catch (e) {
        if (e instanceof ShellSyntaxError && e.incomplete) continue;
        this.console.write(e instanceof ShellSyntaxError ? `sh: syntax error: ${e.message}\r\n` : `sh: ${errorMessage(e)}\r\n`);
        session.lastStatus = 2;
        return 'done';
      }
      return this.execute(program, session, editor);
    }
  }

  /** Run a command line as the console's foreground job: Ctrl-C interrupts it. */
  private async execute(program: List, session: Session, editor: LineEditor): Promise<Outcome> {
    if (program.items.length === 0) return 'done';
    const tty = ttyWriter((text) => this.console.write(text));
    const interpreter = new Interpreter(session, this.services(true), { stdout: tty, stderr: tty });
    this.takeTypeahead(editor);
    let outcome: Outcome = 'done';
    let interrupted = false;
    session.lastStatus = await this.console.foregroundJob(async (foreground) => {
      const link = linkSignals([foreground, this.stopping.signal]);
      foreground.addEventListener('abort', () => (interrupted = true), { once: true });
      try {
        // Ctrl-C typed ahead with the line (a paste, fast typing) interrupts it at once.
        if (editor.takeInterrupt()) {
          this.console.write('^C\r\n');
          return 130;
        }
        return await interpreter.run(program, link.signal);
      } catch (e) {
        if (e instanceof ExitRequest) {
          outcome = 'logout';
          return e.status;
        }
        if (e instanceof Interrupted) return 130;
        if (e instanceof LoopControl) return 0;
        tty.write(`sh: ${errorMessage(e)}\n`);
        return 1;
      } finally {
        link.dispose();
      }
    });
    // Ctrl-C flushes what was typed ahead, as a tty does on SIGINT: the rest of a paste does not run.
    if (interrupted) editor.discardPending();
    return outcome;
  }

  /**
   * Keys that reached the console after the line was read and before its job starts are the editor's
   * (so that a Ctrl-C among them interrupts the job at once, and the rest follows the editor's order).
   */
  private takeTypeahead(editor: LineEditor): void {
    const text = this.console.takeTypeahead();
    if (text) editor.addPending(text);
  }

  private completionSource(session: Session): CompletionSource {
    const vfs = this.kernel.vfs;
    const isDir = (path: string): boolean => {
      try {
        return vfs.lookup(path).kind === 'dir';
      } catch {
        return false;
      }
    };
    return {
      commandNames: () => [...BUILTINS.keys(), ...this.tools.keys()],
      optionsOf: (command) => BUILTINS.get(command)?.options ?? this.tools.get(command)?.options ?? [],
      variableNames: () => [...session.vars.keys()],
      listDirectory: (path) => {
        try {
          const dir = path.endsWith('/') ? path : path + '/';
          return vfs.list(path).map(([name]) => ({ name, dir: isDir(dir + name) }));
        } catch {
          return undefined;
        }
      },
      cwd: session.cwd,
      home: session.home,
    };
  }
}
