import { formatTimestamp, type LogRecord } from '../kernel/printk';
import { getopt } from './args';
import { defineTool, Output } from './util';

const USAGE = `
Usage:
 dmesg [options]

Display or control the kernel ring buffer.

Options:
 -C, --clear                 clear the kernel ring buffer
 -c, --read-clear            read and clear all messages
 -l, --level <list>          restrict output to defined levels
 -r, --raw                   print the raw message buffer
 -t, --notime                don't show any timestamp with messages
 -x, --decode                decode facility and level to readable string

 -h, --help                  display this help

Supported log levels (priorities):
   emerg - system is unusable
   alert - action must be taken immediately
    crit - critical conditions
     err - error conditions
    warn - warning conditions
  notice - normal but significant condition
    info - informational
   debug - debug-level messages
`;

const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;

/** util-linux dmesg over the kernel's log ring: `[    1.234567] text`, -c to read and clear. */
export const dmesg = defineTool({
  name: 'dmesg',
  summary: 'print or control the kernel ring buffer',
  usage: USAGE,
  options: ['-c', '-C', '-l', '-r', '-t', '-x', '--help'],
  run(ctx) {
    const parsed = getopt('dmesg', ctx.argv.slice(1), 'CcD:Eef:F:hkl:Ln:rSs:TtuVwx', [
      { name: 'clear', key: 'C' },
      { name: 'read-clear', key: 'c' },
      { name: 'level', key: 'l', arg: 'required' },
      { name: 'raw', key: 'r' },
      { name: 'notime', key: 't' },
      { name: 'decode', key: 'x' },
      { name: 'help', key: 'h' },
    ]);
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\nTry 'dmesg --help' for more information.\n`);
      return 1;
    }
    if (parsed.operands.length) {
      ctx.stderr.write(`dmesg: bad usage\nTry 'dmesg --help' for more information.\n`);
      return 1;
    }
    let clear = false;
    let print = true;
    let raw = false;
    let noTime = false;
    let decode = false;
    let levels: Set<number> | undefined;
    for (const o of parsed.options) {
      switch (o.key) {
        case 'C':
          clear = true;
          print = false;
          break;
        case 'c':
          clear = true;
          break;
        case 'r':
          raw = true;
          break;
        case 't':
          noTime = true;
          break;
        case 'x':
          decode = true;
          break;
        case 'h':
          ctx.stdout.write(USAGE);
          return 0;
        case 'l': {
          levels ??= new Set();
          for (const name of o.value!.split(',')) {
            const level = LEVEL_NAMES.indexOf(name as (typeof LEVEL_NAMES)[number]);
            if (level < 0) {
              ctx.stderr.write(`dmesg: unknown level '${name}'\n`);
              return 1;
            }
            levels.add(level);
          }
          break;
        }
        default:
          ctx.stderr.write(`dmesg: -${o.key}: not supported by this dmesg\n`);
          return 1;
      }
    }
    const log = ctx.kernel.log;
    if (print) {
      const out = new Output(ctx.stdout);
      for (const r of log.records()) {
        if (levels && !levels.has(r.level)) continue;
        out.line(formatRecord(r, { raw, noTime, decode }));
      }
      out.flush();
    }
    if (clear) log.clear();
    return 0;
  },
});

function formatRecord(r: LogRecord, o: { raw: boolean; noTime: boolean; decode: boolean }): string {
  const time = o.noTime ? '' : `${formatTimestamp(r.ns)} `;
  if (o.raw) return `<${r.level}>${time}${r.text}`;
  if (o.decode) return `${'kern'.padEnd(6)}:${LEVEL_NAMES[r.level]!.padEnd(6)}: ${time}${r.text}`;
  return `${time}${r.text}`;
}
