import { isIP } from 'node:net';
import type { MachineFlags } from '../cli/args';
import type { LabDeps } from '../cli/lab-deps';
import { createLab, type RunIo } from '../cli/run';
import { WebHost } from './server';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * `edu-lab serve` (`npm run serve`): one lab, its renderer and LabApi on a local web server, until
 * interrupted. Prints the address to open, with its token.
 */
export async function serve(
  options: { flags: MachineFlags; host: string; port: number; rendererRoot: string },
  deps: LabDeps,
  io: RunIo,
): Promise<{ host: WebHost; stop: () => Promise<void> }> {
  if (!isLoopback(options.host)) {
    io.stderr(
      `edu-lab: warning: listening on ${options.host}, not only on this computer. Anyone who can reach it ` +
        'and knows the token controls the lab.\n',
    );
  }
  const lab = await createLab(options.flags, deps, true, io);
  const host = await WebHost.start({ lab, rendererRoot: options.rendererRoot, host: options.host, port: options.port });
  io.stdout(`edu-lab: open ${host.url}\n`);
  return {
    host,
    stop: async () => {
      await host.close();
      await lab.destroy();
    },
  };
}
