import type { Kernel } from '../../../src/main/guest/kernel/kernel';
import type { Tool, ToolContext } from '../../../src/main/guest/tools/tool';
import { coreTools } from '../../../src/main/guest/tools/index';

export interface ToolResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly cols?: number;
  readonly tools?: readonly Tool[];
}

/**
 * Run one command line (words split on blanks; no quoting beyond '...' and "..." around a whole word)
 * on `kernel`, without the shell, and collect what it writes.
 */
export async function runTool(kernel: Kernel, line: string | readonly string[], options: RunOptions = {}): Promise<ToolResult> {
  const argv = typeof line === 'string' ? splitWords(line) : [...line];
  const tools = options.tools ?? coreTools;
  const tool = tools.find((t) => t.name === argv[0]);
  if (!tool) throw new Error(`no tool ${argv[0]}`);
  let stdout = '';
  let stderr = '';
  const ctx: ToolContext = {
    argv,
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    signal: options.signal ?? new AbortController().signal,
    kernel,
    env: new Map([['HOME', '/root'], ['PATH', '/sbin:/bin']]),
    cwd: options.cwd ?? '/root',
    terminal: { cols: options.cols ?? 80, rows: 24 },
  };
  const status = await tool.run(ctx);
  return { status, stdout, stderr };
}

function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** Join lines with '\n' and end with one: expected transcripts read like the terminal shows them. */
export function lines(...text: string[]): string {
  return text.map((l) => l + '\n').join('');
}
