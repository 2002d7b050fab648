import { Interrupted, KernelError } from '../kernel/errors';
import { Vfs } from '../kernel/vfs';
import type { Tool, ToolContext } from '../tools/tool';
import type { AndOr, Command, ForCommand, IfCommand, List, LoopCommand, Pipeline, SimpleCommand } from './ast';
import { BUILTINS } from './builtins';
import { errorMessage, ExitRequest, LoopControl, ShellError } from './errors';
import { expandFields, expandString, type ExpansionContext } from './expand';
import type { GlobFs } from './glob';
import { CaptureWriter, scopedWriters, type ShellIo } from './io';
import { quoteWord } from './quote';
import type { Builtin, ShellRuntime, ShellServices } from './runtime';
import type { Session } from './session';

/** Output a command substitution may capture. */
const MAX_CAPTURE = 1 << 22;
/** Where a path like /usr/bin/NAME finds the tool NAME. */
const BIN_DIRS = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);

/** A command's exit status as the shell keeps it: 0-255. */
export function exitStatus(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) return 1;
  return ((value % 256) + 256) % 256;
}

/** Settle with `promise`, or reject with Interrupted as soon as `signal` fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined); // it may settle after we stopped listening
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs the tree the parser built: lists, and-or chains, negation, if/for/while/until and groups, and
 * simple commands (assignments, builtins, tools). Interrupted (Ctrl-C) and ExitRequest (`exit`) unwind
 * to the caller; everything else a command does wrong becomes a message and a status.
 */
export class Interpreter implements ShellRuntime {
  loopDepth = 0;
  readonly builtins: ReadonlyMap<string, Builtin> = BUILTINS;
  /** Inside an if/while condition or a non-final part of && / ||: `set -e` does not apply. */
  private conditionDepth = 0;
  /** The status of the last command substitution of the command being expanded. */
  private substitutionStatus: number | undefined;
  private readonly fs: GlobFs;

  constructor(
    readonly session: Session,
    readonly services: ShellServices,
    private readonly io: ShellIo,
  ) {
    const vfs = services.kernel.vfs;
    this.fs = {
      list: (dir) => {
        try {
          return vfs.list(dir).map(([name]) => name);
        } catch {
          return undefined;
        }
      },
      exists: (path, directory) => {
        try {
          const node = vfs.lookup(path);
          return !directory || node.kind === 'dir';
        } catch {
          return false;
        }
      },
    };
  }

  async run(list: List, signal: AbortSignal): Promise<number> {
    let status = 0;
    for (const item of list.items) status = await this.runAndOr(item, signal);
    return status;
  }

  private async runAndOr(item: AndOr, signal: AbortSignal): Promise<number> {
    // Every pipeline of a && / || chain but the last is tested: `set -e` ignores its failure.
    const last = item.rest.length;
    let status = await this.tested(last > 0, () => this.runPipeline(item.first, signal));
    let ran = item.first;
    let ranLast = last === 0;
    for (let i = 0; i < last; i++) {
      const { op, pipeline } = item.rest[i]!;
      if ((op === '&&') !== (status === 0)) continue;
      status = await this.tested(i < last - 1, () => this.runPipeline(pipeline, signal));
      ran = pipeline;
      ranLast = i === last - 1;
    }
    if (this.session.errexit && status !== 0 && this.conditionDepth === 0 && ranLast && !ran.negated) {
      throw new ExitRequest(status);
    }
    return status;
  }

  private async tested<T>(yes: boolean, run: () => Promise<T>): Promise<T> {
    if (!yes) return run();
    this.conditionDepth++;
    try {
      return await run();
    } finally {
      this.conditionDepth--;
    }
  }

  private async runPipeline(pipeline: Pipeline, signal: AbortSignal): Promise<number> {
    let status = await this.runCommand(pipeline.command, signal);
    if (pipeline.negated) status = status === 0 ? 1 : 0;
    this.session.lastStatus = status;
    return status;
  }

  private runCommand(command: Command, signal: AbortSignal): Promise<number> {
    switch (command.type) {
      case 'simple':
        return this.runSimple(command, signal);
      case 'if':
        return this.runIf(command, signal);
      case 'for':
        return this.runFor(command, signal);
      case 'loop':
        return this.runLoop(command, signal);
      case 'group':
        return this.run(command.body, signal);
    }
  }

  private condition(list: List, signal: AbortSignal): Promise<number> {
    return this.tested(true, () => this.run(list, signal));
  }

  private async runIf(command: IfCommand, signal: AbortSignal): Promise<number> {
    for (const clause of command.clauses) {
      if ((await this.condition(clause.condition, signal)) === 0) return this.run(clause.body, signal);
    }
    return command.otherwise ? this.run(command.otherwise, signal) : 0;
  }

  private async runFor(command: ForCommand, signal: AbortSignal): Promise<number> {
    let items: string[];
    try {
      items = await expandFields(command.items, this.expansion(signal));
    } catch (e) {
      return this.failed(e, 'for');
    }
    let status = 0;
    this.loopDepth++;
    try {
      for (const item of items) {
        await this.services.pacer.tick(signal);
        this.session.set(command.name, item);
        try {
          status = await this.run(command.body, signal);
        } catch (e) {
          if (loopControl(e) === 'break') break;
        }
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  private async runLoop(command: LoopCommand, signal: AbortSignal): Promise<number> {
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        await this.services.pacer.tick(signal);
        try {
          const test = await this.condition(command.condition, signal);
          if ((test === 0) === command.until) break;
          status = await this.run(command.body, signal);
        } catch (e) {
          if (loopControl(e) === 'break') break;
        }
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  private async runSimple(command: SimpleCommand, signal: AbortSignal): Promise<number> {
    await this.services.pacer.tick(signal);
    this.substitutionStatus = undefined;
    const ctx = this.expansion(signal);
    let argv: string[];
    const assigned: [string, string][] = [];
    try {
      argv = await expandFields(command.words, ctx);
      for (const a of command.assignments) assigned.push([a.name, await expandString(a.value, ctx)]);
    } catch (e) {
      return this.failed(e, command.words[0]?.raw ?? 'sh');
    }
    if (this.session.xtrace) this.trace(assigned, argv);
    if (argv.length === 0) {
      for (const [name, value] of assigned) this.session.set(name, value);
      return this.substitutionStatus ?? 0;
    }
    const name = argv[0]!;
    const builtin = BUILTINS.get(name);
    if (builtin) return this.runBuiltin(builtin, argv, assigned, signal);
    const tool = this.findTool(name);
    if (tool) return this.runTool(tool, argv, assigned, signal);
    return this.notFound(name);
  }

  private trace(assigned: readonly [string, string][], argv: readonly string[]): void {
    const words = [...assigned.map(([n, v]) => `${n}=${quoteWord(v)}`), ...argv.map(quoteWord)];
    this.io.stderr.write(`${'+'.repeat(this.session.level + 1)} ${words.join(' ')}\n`);
  }

  private async runBuiltin(builtin: Builtin, argv: string[], assigned: readonly [string, string][], signal: AbortSignal): Promise<number> {
    // NAME=value before a builtin holds for that command only.
    const saved = assigned.map(([name]) => [name, this.session.get(name)] as const);
    for (const [name, value] of assigned) this.session.set(name, value);
    try {
      return exitStatus(await builtin.run({ argv, stdout: this.io.stdout, stderr: this.io.stderr, signal, shell: this }));
    } catch (e) {
      if (e instanceof ExitRequest || e instanceof LoopControl) throw e;
      if (e instanceof Interrupted || signal.aborted) {
        if (signal.aborted) throw e instanceof Interrupted ? e : new Interrupted();
        return 130;
      }
      return this.failed(e, builtin.name);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) this.session.unset(name);
        else this.session.set(name, value);
      }
    }
  }

  private async runTool(tool: Tool, argv: string[], assigned: readonly [string, string][], signal: AbortSignal): Promise<number> {
    const env = new Map(this.session.vars);
    for (const [name, value] of assigned) env.set(name, value);
    const scoped = scopedWriters(this.io);
    const terminal = this.services.terminal();
    const ctx: ToolContext = {
      argv,
      stdout: scoped.io.stdout,
      stderr: scoped.io.stderr,
      signal,
      kernel: this.services.kernel,
      env,
      cwd: this.session.cwd,
      terminal: { cols: terminal.cols, rows: terminal.rows },
    };
    try {
      const running = Promise.resolve().then(() => tool.run(ctx));
      return exitStatus(await untilAborted(running, signal));
    } catch (e) {
      if (e instanceof Interrupted || signal.aborted) return 130;
      this.io.stderr.write(`sh: ${argv[0]}: ${errorMessage(e)}\n`);
      return 1;
    } finally {
      scoped.close();
    }
  }

  /** A tool by name, or by a path in one of the bin directories (/usr/bin/lspci). */
  private findTool(name: string): Tool | undefined {
    const direct = this.services.tools.get(name);
    if (direct || !name.includes('/')) return direct;
    const slash = name.lastIndexOf('/');
    const dir = Vfs.resolve(name.slice(0, slash) || '/', this.session.cwd);
    return BIN_DIRS.has(dir) ? this.services.tools.get(name.slice(slash + 1)) : undefined;
  }

  private notFound(name: string): number {
    if (!name.includes('/')) {
      this.io.stderr.write(`sh: ${name}: not found\n`);
      return 127;
    }
    try {
      const node = this.services.kernel.vfs.lookup(name, this.session.cwd);
      this.io.stderr.write(`sh: ${name}: ${node.kind === 'dir' ? 'Is a directory' : 'Permission denied'}\n`);
      return 126;
    } catch (e) {
      this.io.stderr.write(`sh: ${name}: ${e instanceof KernelError ? e.message : 'No such file or directory'}\n`);
      return 127;
    }
  }

  /** An error of the shell itself (expansion, a builtin): printed, and the command fails. */
  private failed(e: unknown, what: string): number {
    if (e instanceof Interrupted || e instanceof ExitRequest || e instanceof LoopControl) throw e;
    if (e instanceof ShellError) {
      this.io.stderr.write(`sh: ${e.message}\n`);
      return e.status;
    }
    this.io.stderr.write(`sh: ${what}: ${errorMessage(e)}\n`);
    return 1;
  }

  private expansion(signal: AbortSignal): ExpansionContext {
    return {
      param: (name) => this.param(name),
      substitute: (body) => this.substitute(body, signal),
      arithmetic: { get: (n) => this.session.get(n), set: (n, v) => this.session.set(n, v) },
      home: this.session.home,
      cwd: this.session.cwd,
      fs: this.fs,
    };
  }

  private param(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.session.lastStatus);
      case '#':
        return '0';
      case '$':
        return String(this.session.pid);
      case '0':
        return 'sh';
      case '!':
      case '@':
      case '*':
        return '';
      case '-':
        return (this.session.errexit ? 'e' : '') + (this.services.interactive ? 'i' : '') + (this.session.xtrace ? 'x' : '');
    }
    if (/^[0-9]+$/.test(name)) return undefined;
    return this.session.get(name);
  }

  /** $(list): run in a copy of the session, capture what it prints. */
  private async substitute(body: List, signal: AbortSignal): Promise<string> {
    const capture = new CaptureWriter(MAX_CAPTURE);
    const sub = new Interpreter(this.session.clone(), this.services, { stdout: capture, stderr: this.io.stderr });
    let status: number;
    try {
      status = await sub.run(body, signal);
    } catch (e) {
      if (e instanceof ExitRequest) status = e.status;
      else if (e instanceof LoopControl) status = 0;
      else throw e;
    }
    this.substitutionStatus = status;
    this.session.lastStatus = status;
    if (capture.truncated) this.io.stderr.write('sh: command substitution: output truncated\n');
    return capture.text;
  }
}

/** What a `break`/`continue` caught by a loop means for it (deeper ones go on up). */
function loopControl(e: unknown): 'break' | 'continue' {
  if (!(e instanceof LoopControl)) throw e;
  if (e.levels > 1) throw new LoopControl(e.kind, e.levels - 1);
  return e.kind;
}
