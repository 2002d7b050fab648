import { ERRNO_TEXT, Interrupted, KernelError } from '../kernel/errors';
import type { Tool, ToolContext } from './tool';

/** The exit status of a command killed by Ctrl-C (128 + SIGINT), as shells report it. */
export const STATUS_INTERRUPTED = 130;

/** strerror() for whatever a kernel call threw. */
export function errorText(error: unknown): string {
  if (error instanceof KernelError) return ERRNO_TEXT[error.errno];
  if (error instanceof Interrupted) return 'Interrupted system call';
  return ERRNO_TEXT.EIO;
}

/**
 * Wrap a tool body so that run() never throws: Ctrl-C ends it with status 130, and a bug in the tool
 * becomes a message and status 1 instead of an exception in the shell.
 */
export function defineTool(tool: Omit<Tool, 'run'> & { run(ctx: ToolContext): Promise<number> | number }): Tool {
  return {
    ...tool,
    async run(ctx: ToolContext): Promise<number> {
      try {
        return await tool.run(ctx);
      } catch (error) {
        if (error instanceof Interrupted) return STATUS_INTERRUPTED;
        ctx.stderr.write(`${tool.name}: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
    },
  };
}

/** Lines collected and written at once (one terminal write per command, not per line). */
export class Output {
  private parts: string[] = [];

  constructor(private readonly writer: { write(text: string): void }) {}

  line(text = ''): void {
    this.parts.push(text + '\n');
  }

  text(text: string): void {
    this.parts.push(text);
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.writer.write(this.parts.join(''));
    this.parts = [];
  }
}

export const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');

/** Give the host's event loop a turn (long dumps must not freeze the UI), and honour Ctrl-C. */
export async function breathe(ctx: ToolContext): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await ctx.kernel.cpu.checkpoint(ctx.signal);
}

/** `true` for bytes shown as themselves in hexdump -C (printable ASCII). */
export function printable(byte: number): boolean {
  return byte >= 0x20 && byte < 0x7f;
}
