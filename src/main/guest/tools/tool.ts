import type { Kernel } from '../kernel/kernel';

export interface Writer {
  write(text: string): void;
}

/** What a command gets when the shell runs it (argv, streams, Ctrl-C, and the kernel it runs on). */
export interface ToolContext {
  /** argv[0] is the command name. */
  readonly argv: readonly string[];
  /** Text written here uses '\n' line ends; the terminal side adds the '\r'. */
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Aborted by Ctrl-C: long waits must honour it (kernel waits throw Interrupted). */
  readonly signal: AbortSignal;
  readonly kernel: Kernel;
  /** The shell's variables (read-only for tools). */
  readonly env: ReadonlyMap<string, string>;
  readonly cwd: string;
  readonly terminal: { readonly cols: number; readonly rows: number };
}

/** A command of the guest's userland. */
export interface Tool {
  readonly name: string;
  /** One line for `help`. */
  readonly summary: string;
  /** Printed (to stderr) on bad arguments, with exit status 1 (or 2 for usage errors, as the real tool does). */
  readonly usage: string;
  /** Option words offered by tab completion. */
  readonly options?: readonly string[];
  run(ctx: ToolContext): Promise<number>;
}
