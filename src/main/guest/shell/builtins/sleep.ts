import type { Builtin } from '../runtime';

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
/** Beyond this a sleep is as good as forever (and too far for the timer's arithmetic). */
const FOREVER_NS = 1e17;

export const sleep: Builtin = {
  name: 'sleep',
  synopsis: 'sleep SECONDS...',
  summary: 'wait on the virtual clock (0.5, 2m, 1h, 1d)',
  async run({ argv, stderr, signal, shell }) {
    const args = argv.slice(1);
    if (args.length === 0) {
      stderr.write("sleep: missing operand\nTry 'sleep --help' for more information.\n");
      return 1;
    }
    let seconds = 0;
    for (const a of args) {
      const m = /^(?:([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(inf|infinity))([smhd]?)$/i.exec(a);
      if (!m) {
        stderr.write(`sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
        return 1;
      }
      seconds += m[2] ? Infinity : Number(a.slice(0, a.length - m[3]!.length)) * UNIT_SECONDS[m[3]!.toLowerCase()]!;
    }
    const ns = seconds * 1e9;
    const kernel = shell.services.kernel;
    if (!(ns < FOREVER_NS)) await kernel.cpu.blockOn(new Promise<never>(() => undefined), signal);
    else await kernel.wait.sleep(ns, signal);
    return 0;
  },
};
