import { Lab } from '../../lab/lab';
import type { MachineFlags } from './args';
import type { LabDeps } from './lab-deps';

/** Exit status when the machine stops on a hardware error (QEMU aborts: 128 + SIGABRT). */
export const ABORT_STATUS = 134;

export interface RunIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export async function createLab(flags: MachineFlags, deps: LabDeps, interactive: boolean, io: RunIo): Promise<Lab> {
  const lab = await Lab.create({
    ...deps,
    profile: flags.profile,
    deterministic: flags.deterministic,
    ramSize: flags.ramSize,
    interactive,
  });
  lab.machine.log.onLine((line) => {
    // The abort always reaches stderr, as QEMU's own message does; the rest only when asked.
    if (line.channel === 'stderr' || flags.deviceLog) io.stderr(line.text + '\n');
  });
  return lab;
}

/**
 * `edu-lab run`: boot a lab, run the script in the guest like `sh SCRIPT` (only what commands print),
 * and return the last command's status, or ABORT_STATUS if the machine stopped on a hardware error.
 * With `export`, the session is saved as JSON Lines afterwards (a failed save makes the status 1).
 */
export async function runScript(script: string, options: { flags: MachineFlags; xtrace: boolean; export?: string }, deps: LabDeps, io: RunIo): Promise<number> {
  const lab = await createLab(options.flags, deps, false, io);
  const stop = new AbortController();
  try {
    const aborted = new Promise<number>((resolve) => {
      lab.machine.onChange(() => lab.machine.state === 'aborted' && resolve(ABORT_STATUS));
    });
    const finished = lab.guest.runScript(script, {
      stdout: { write: io.stdout },
      stderr: { write: io.stderr },
      xtrace: options.xtrace,
      signal: stop.signal,
    });
    const status = await Promise.race([finished, aborted]);
    if (options.export !== undefined) {
      try {
        await lab.exportJsonl(options.export);
      } catch (error) {
        io.stderr(`edu-lab: cannot save the session to ${options.export}: ${(error as Error).message}\n`);
        return status === 0 ? 1 : status;
      }
    }
    return status;
  } finally {
    stop.abort();
    await lab.destroy();
  }
}
