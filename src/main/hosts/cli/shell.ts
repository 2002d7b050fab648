import type { MachineFlags } from './args';
import type { LabDeps } from './lab-deps';
import { createLab, type RunIo } from './run';

const CTRL_A = 0x01;

export interface TerminalIo extends RunIo {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
}

/**
 * `edu-lab shell`: the guest's serial console on this terminal, in raw mode, like QEMU's -nographic.
 * Ctrl-A X quits (Ctrl-A Ctrl-A sends a literal Ctrl-A).
 */
export async function interactiveShell(flags: MachineFlags, deps: LabDeps, io: TerminalIo): Promise<number> {
  io.stderr('edu-lab: the guest console. Ctrl-A X quits.\r\n');
  const lab = await createLab(flags, deps, true, io);
  const { input, output } = io;
  const console = lab.guest.console;
  // What the firmware and kernel printed while booting, then everything from here on.
  output.write(lab.transcript.text());
  console.onOutput((bytes) => output.write(bytes));
  const resize = () => console.resize(output.columns || 80, output.rows || 24);
  resize();
  output.on('resize', resize);
  if (input.isTTY) input.setRawMode(true);
  input.resume();

  const status = await new Promise<number>((resolve) => {
    let escape = false;
    input.on('data', (chunk: Buffer) => {
      const forward: number[] = [];
      for (const byte of chunk) {
        if (escape) {
          escape = false;
          if (byte === 0x78 || byte === 0x58) {
            if (forward.length) console.input(Uint8Array.from(forward));
            return resolve(0); // Ctrl-A x
          }
          if (byte !== CTRL_A) continue;
        } else if (byte === CTRL_A) {
          escape = true;
          continue;
        }
        forward.push(byte);
      }
      if (forward.length) console.input(Uint8Array.from(forward));
    });
    input.on('end', () => resolve(0));
    lab.machine.onChange(() => lab.machine.state === 'aborted' && resolve(134));
  });

  if (input.isTTY) input.setRawMode(false);
  input.pause();
  output.off('resize', resize);
  await lab.destroy();
  return status;
}
