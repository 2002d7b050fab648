import type { Kernel } from '../kernel/kernel';
import type { Tool, Writer } from '../tools/tool';
import type { History } from './history';
import type { Pacer } from './pacer';
import type { Session } from './session';

/** What stays the same for every command the shell runs: the kernel, the userland, the console. */
export interface ShellServices {
  readonly kernel: Kernel;
  readonly tools: ReadonlyMap<string, Tool>;
  readonly history: History;
  readonly pacer: Pacer;
  /** The console shell (true) or a script (false). */
  readonly interactive: boolean;
  terminal(): { readonly cols: number; readonly rows: number };
}

/** The shell as a builtin sees it. */
export interface ShellRuntime {
  readonly session: Session;
  readonly services: ShellServices;
  readonly builtins: ReadonlyMap<string, Builtin>;
  /** How many loops enclose the running command (for break and continue). */
  readonly loopDepth: number;
}

export interface BuiltinContext {
  readonly argv: readonly string[];
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly signal: AbortSignal;
  readonly shell: ShellRuntime;
}

/** A command built into the shell. Errors thrown as ShellError print as `sh: message`. */
export interface Builtin {
  readonly name: string;
  /** How it is called, for `help`. */
  readonly synopsis: string;
  /** One line for `help`. */
  readonly summary: string;
  /** Option words for tab completion. */
  readonly options?: readonly string[];
  run(ctx: BuiltinContext): number | Promise<number>;
}
