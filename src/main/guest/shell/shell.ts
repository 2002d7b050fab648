import type { SerialConsole } from '../console';
import type { Kernel } from '../kernel/kernel';
import type { Tool, Writer } from '../tools/tool';

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

/**
 * The guest's shell. (Interface only: the interpreter and line editor are being written.)
 */
export class Shell {
  constructor(
    readonly kernel: Kernel,
    readonly console: SerialConsole,
    readonly options: ShellOptions,
  ) {}

  /** The interactive loop on the console: prompt, read a line, run it, until stop(). */
  async run(): Promise<void> {
    this.console.write('root@edu-lab:~# ');
  }

  /** Run a script like `sh SCRIPT`: only what commands print, the last command's status. */
  async runScript(_text: string, _io: ScriptIo): Promise<number> {
    return 0;
  }

  stop(): void {}
}
