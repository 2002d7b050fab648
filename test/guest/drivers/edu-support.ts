import type { MachineOptions } from '../../../src/main/machine/machine';
import { eduModule } from '../../../src/main/guest/drivers/edu';
import type { Kernel } from '../../../src/main/guest/kernel/kernel';
import { eduTool } from '../../../src/main/guest/tools/edu';
import type { ToolContext } from '../../../src/main/guest/tools/tool';
import { bootGuest, type BootedGuest } from '../../support/guest';

/** A booted guest with the edu module available (not loaded). Deterministic time unless asked otherwise. */
export async function bootEduGuest(machineOptions: Partial<MachineOptions> = {}): Promise<BootedGuest> {
  return bootGuest({ modules: [eduModule], tools: [eduTool] }, { deterministic: true, ...machineOptions });
}

export interface ToolRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A ToolContext as the shell would build it, with captured output. */
export function toolContext(kernel: Kernel, argv: readonly string[], signal = new AbortController().signal) {
  let stdout = '';
  let stderr = '';
  const ctx: ToolContext = {
    argv,
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t) },
    signal,
    kernel,
    env: new Map([['HOME', '/root']]),
    cwd: '/root',
    terminal: { cols: 80, rows: 24 },
  };
  return { ctx, stdout: () => stdout, stderr: () => stderr };
}

/** Run `edu ARGS...` and collect its status and output. */
export async function edu(kernel: Kernel, ...args: string[]): Promise<ToolRun> {
  const t = toolContext(kernel, ['edu', ...args]);
  const status = await eduTool.run(t.ctx);
  return { status, stdout: t.stdout(), stderr: t.stderr() };
}

export function dmesg(kernel: Kernel): string[] {
  return kernel.log.records().map((r) => r.text);
}

export function readText(kernel: Kernel, path: string): string {
  return new TextDecoder().decode(kernel.vfs.readFile(path));
}

/** Poll on the event loop until `condition` holds (generous timeout; no timing assertions). */
export async function until(condition: () => boolean, what: string, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
