import { getopt } from './args';
import { defineTool, errorText, Output } from './util';

const USAGE = `
Usage:
 free [options]

Options:
 -b, --bytes         show output in bytes
     --kilo          show output in kilobytes
     --mega          show output in megabytes
     --giga          show output in gigabytes
 -k, --kibi          show output in kibibytes
 -m, --mebi          show output in mebibytes
 -g, --gibi          show output in gibibytes
 -h, --human         show human-readable output
     --si            use powers of 1000 not 1024
 -t, --total         show total for RAM + swap

     --help     display this help and exit
 -V, --version  output version information and exit

For more details see free(1).
`;

type Unit = { kind: 'scale'; shift: number; si: boolean } | { kind: 'human' };

/** procps scale_size(): kB in, text out. */
function scale(kb: number, unit: Unit, si: boolean): string {
  const bytes = kb * 1024;
  if (unit.kind === 'scale') {
    if (unit.shift === 0) return String(bytes);
    const base = unit.si ? 1000 : 1024;
    return String(Math.floor(bytes / base ** unit.shift));
  }
  const base = si ? 1000 : 1024;
  const up = ['B', 'K', 'M', 'G', 'T', 'P'];
  if (`${bytes}B`.length <= 4) return `${bytes}B`;
  for (let i = 1; i < up.length; i++) {
    const suffix = si ? up[i]! : `${up[i]}i`;
    const value = bytes / base ** i;
    const fixed = `${value.toFixed(1)}${suffix}`;
    if (fixed.length <= (si ? 4 : 5)) return fixed;
    const whole = `${Math.trunc(value)}${suffix}`;
    if (whole.length <= (si ? 4 : 5)) return whole;
  }
  return `${bytes}B`;
}

function meminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) values.set(m[1]!, Number(m[2]));
  }
  return values;
}

/** procps free, from /proc/meminfo. */
export const free = defineTool({
  name: 'free',
  summary: 'display amount of free and used memory',
  usage: USAGE,
  options: ['-b', '-k', '-m', '-g', '-h', '-t', '--si', '--help'],
  run(ctx) {
    const parsed = getopt('free', ctx.argv.slice(1), 'bgkmhltc:ws:vV', [
      { name: 'bytes', key: 'b' },
      { name: 'kilo', key: 'kilo' },
      { name: 'mega', key: 'mega' },
      { name: 'giga', key: 'giga' },
      { name: 'kibi', key: 'k' },
      { name: 'mebi', key: 'm' },
      { name: 'gibi', key: 'g' },
      { name: 'human', key: 'h' },
      { name: 'si', key: 'si' },
      { name: 'total', key: 't' },
      { name: 'help', key: 'help' },
      { name: 'version', key: 'V' },
    ]);
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\n${USAGE}`);
      return 1;
    }
    if (parsed.operands.length) {
      ctx.stderr.write(USAGE);
      return 1;
    }
    let unit: Unit = { kind: 'scale', shift: 1, si: false };
    let si = false;
    let total = false;
    for (const o of parsed.options) {
      switch (o.key) {
        case 'b':
          unit = { kind: 'scale', shift: 0, si: false };
          break;
        case 'k':
          unit = { kind: 'scale', shift: 1, si: false };
          break;
        case 'm':
          unit = { kind: 'scale', shift: 2, si: false };
          break;
        case 'g':
          unit = { kind: 'scale', shift: 3, si: false };
          break;
        case 'kilo':
          unit = { kind: 'scale', shift: 1, si: true };
          break;
        case 'mega':
          unit = { kind: 'scale', shift: 2, si: true };
          break;
        case 'giga':
          unit = { kind: 'scale', shift: 3, si: true };
          break;
        case 'h':
          unit = { kind: 'human' };
          break;
        case 'si':
          si = true;
          break;
        case 't':
          total = true;
          break;
        case 'help':
          ctx.stdout.write(USAGE);
          return 0;
        case 'V':
          ctx.stdout.write('free from procps-ng 4.0.2\n');
          return 0;
        default:
          ctx.stderr.write(`free: -${o.key}: not supported by this free\n`);
          return 1;
      }
    }
    let info: Map<string, number>;
    try {
      info = meminfo(new TextDecoder().decode(ctx.kernel.vfs.readFile('/proc/meminfo')));
    } catch (error) {
      ctx.stderr.write(`free: Unable to create meminfo structure: ${errorText(error)}\n`);
      return 1;
    }
    const get = (key: string) => info.get(key) ?? 0;
    const memTotal = get('MemTotal');
    const memFree = get('MemFree');
    const available = info.get('MemAvailable') ?? memFree;
    const buffCache = get('Buffers') + get('Cached') + get('SReclaimable');
    const used = Math.max(0, memTotal - available);
    const swapTotal = get('SwapTotal');
    const swapFree = get('SwapFree');
    const col = (kb: number) => scale(kb, unit, si).padStart(11);
    const out = new Output(ctx.stdout);
    out.line('               total        used        free      shared  buff/cache   available');
    out.line(`${'Mem:'.padEnd(9)}${col(memTotal)} ${col(used)} ${col(memFree)} ${col(get('Shmem'))} ${col(buffCache)} ${col(available)}`);
    out.line(`${'Swap:'.padEnd(9)}${col(swapTotal)} ${col(swapTotal - swapFree)} ${col(swapFree)}`);
    if (total) out.line(`${'Total:'.padEnd(9)}${col(memTotal + swapTotal)} ${col(used + swapTotal - swapFree)} ${col(memFree + swapFree)}`);
    out.flush();
    return 0;
  },
});
