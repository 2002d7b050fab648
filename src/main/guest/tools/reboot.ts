import { LogLevel } from '../kernel/printk';
import { getopt } from './args';
import { defineTool } from './util';

const USAGE = `Usage: reboot [-d DELAY] [-nf]

Reboot the system

\t-d SEC\tDelay interval
\t-n\tDo not sync
\t-f\tForce (don't go through init)
`;

/**
 * reboot: what the console shows is the kernel's last word before the reset ("reboot: Restarting
 * system"); then the platform's reset control restarts the machine and the guest boots again.
 */
export const reboot = defineTool({
  name: 'reboot',
  summary: 'restart the machine',
  usage: USAGE,
  options: ['-f', '-n', '-d'],
  async run(ctx) {
    const parsed = getopt('reboot', ctx.argv.slice(1), 'd:nf');
    if (!parsed.ok || parsed.operands.length) {
      ctx.stderr.write(`${parsed.ok ? '' : parsed.message + '\n'}${USAGE}`);
      return 1;
    }
    const delay = parsed.options.find((o) => o.key === 'd')?.value;
    if (delay !== undefined) {
      if (!/^\d+$/.test(delay)) {
        ctx.stderr.write(`reboot: invalid number '${delay}'\n`);
        return 1;
      }
      await ctx.kernel.wait.sleep(Number(delay) * 1e9, ctx.signal);
    }
    ctx.kernel.log.log(LogLevel.Emerg, 'reboot: Restarting system');
    ctx.kernel.platform.requestReset();
    return 0;
  },
});
