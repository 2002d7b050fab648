import { Interrupted } from '../kernel/errors';
import { getopt } from './args';
import { defineTool, errorText, STATUS_INTERRUPTED } from './util';

const USAGE = `Usage:
\trmmod [options] modulename ...
Options:
\t-f, --force       forces a module unload and may crash your
\t                  machine. This requires Forced Module Removal
\t                  option in your kernel. DANGEROUS
\t-s, --syslog      print to syslog, not stderr
\t-v, --verbose     enables more messages
\t-V, --version     show version
\t-h, --help        show this help
`;

/** kmod rmmod: unload modules by name, with kmod's messages. */
export const rmmod = defineTool({
  name: 'rmmod',
  summary: 'remove kernel modules',
  usage: USAGE,
  options: ['-f', '-v', '--help'],
  async run(ctx) {
    const parsed = getopt('rmmod', ctx.argv.slice(1), 'fsvVwh', [
      { name: 'force', key: 'f' },
      { name: 'syslog', key: 's' },
      { name: 'verbose', key: 'v' },
      { name: 'version', key: 'V' },
      { name: 'wait', key: 'w' },
      { name: 'help', key: 'h' },
    ]);
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\n`);
      return 1;
    }
    for (const o of parsed.options) {
      if (o.key === 'h') {
        ctx.stdout.write(USAGE);
        return 0;
      }
      if (o.key === 'V') {
        ctx.stdout.write('kmod version 30\n');
        return 0;
      }
    }
    if (parsed.operands.length === 0) {
      ctx.stderr.write('rmmod: ERROR: missing module name.\n');
      return 1;
    }
    let failures = 0;
    for (const arg of parsed.operands) {
      // rmmod also takes a path to the .ko: the module's name is the file's, without .ko.
      const name = arg.replace(/^.*\//, '').replace(/\.ko$/, '').replace(/-/g, '_');
      if (!ctx.kernel.modules.isLoaded(name)) {
        ctx.stderr.write(`rmmod: ERROR: Module ${name} is not currently loaded\n`);
        failures++;
        continue;
      }
      try {
        await ctx.kernel.modules.unload(name);
      } catch (e) {
        if (e instanceof Interrupted) return STATUS_INTERRUPTED;
        ctx.stderr.write(`rmmod: ERROR: could not remove module ${arg}: ${errorText(e)}\n`);
        failures++;
      }
    }
    return failures ? 1 : 0;
  },
});
