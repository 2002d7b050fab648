import { defineTool, Output } from './util';

/** What /proc/modules says of every module's size (the lab's modules are all this small). */
export const MODULE_SIZE = 16384;

/** kmod lsmod: one line per loaded module, with its size and users. */
export const lsmod = defineTool({
  name: 'lsmod',
  summary: 'show the loaded kernel modules',
  usage: 'Usage: lsmod\n',
  run(ctx) {
    if (ctx.argv.length !== 1) {
      ctx.stderr.write('Usage: lsmod\n');
      return 1;
    }
    const out = new Output(ctx.stdout);
    out.line('Module                  Size  Used by');
    for (const m of ctx.kernel.modules.list()) out.line(`${m.name.padEnd(19)} ${String(MODULE_SIZE).padStart(8)}  0`);
    out.flush();
    return 0;
  },
});
