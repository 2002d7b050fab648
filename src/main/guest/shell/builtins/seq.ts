import type { Builtin, BuiltinContext } from '../runtime';

/** Numbers printed per write (and per scheduling point). */
const BATCH = 1024;

/** An exact decimal: int / 10^scale. */
interface Decimal {
  readonly int: bigint;
  readonly scale: number;
}

class UsageError extends Error {}

function parseDecimal(text: string): Decimal {
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(text);
  if (hex) {
    const v = BigInt('0x' + hex[2]);
    return { int: hex[1] === '-' ? -v : v, scale: 0 };
  }
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,4}))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new UsageError(`invalid floating point argument: '${text}'`);
  const frac = m[3] ?? '';
  let int = BigInt((m[2] || '0') + frac);
  let scale = frac.length - Number(m[4] ?? '0');
  if (scale < 0) {
    int *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { int: m[1] === '-' ? -int : int, scale };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.int * 10n ** BigInt(scale - d.scale);
}

function format(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? '-' + text : text;
}

function pad(text: string, width: number): string {
  if (text.startsWith('-')) return '-' + text.slice(1).padStart(width - 1, '0');
  return text.padStart(width, '0');
}

async function run(ctx: BuiltinContext): Promise<number> {
  const { argv, stdout, stderr, signal } = ctx;
  try {
    let separator = '\n';
    let equalWidth = false;
    const operands: string[] = [];
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        operands.push(...args.slice(i + 1));
        break;
      }
      if (!a.startsWith('-') || a.length === 1 || /^-[0-9.]/.test(a)) operands.push(a);
      else if (a === '-w' || a === '--equal-width') equalWidth = true;
      else if (a === '-s') {
        if (i + 1 >= args.length) throw new UsageError("option requires an argument -- 's'");
        separator = args[++i]!;
      } else if (a.startsWith('-s')) separator = a.slice(2);
      else if (a.startsWith('--separator=')) separator = a.slice('--separator='.length);
      else if (a === '-f' || a.startsWith('--format')) throw new UsageError('formats (-f) are not supported');
      else throw new UsageError(`invalid option -- '${a.slice(1)}'`);
    }
    if (operands.length === 0) throw new UsageError('missing operand');
    if (operands.length > 3) throw new UsageError(`extra operand '${operands[3]}'`);
    const nums = operands.map(parseDecimal);
    const one: Decimal = { int: 1n, scale: 0 };
    const [first, incr, last] = nums.length === 1 ? [one, one, nums[0]!] : nums.length === 2 ? [nums[0]!, one, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
    if (incr.int === 0n) throw new UsageError(`invalid Zero increment value: '${operands[1]}'`);
    const precision = Math.max(first.scale, incr.scale);
    const scale = Math.max(precision, last.scale);
    const step = rescale(incr, scale);
    const end = rescale(last, scale);
    const unit = 10n ** BigInt(scale - precision);
    const width = equalWidth ? Math.max(format(rescale(first, scale) / unit, precision).length, format(end / unit, precision).length) : 0;
    let value = rescale(first, scale);
    let out = '';
    let count = 0;
    while (step > 0n ? value <= end : value >= end) {
      const text = format(value / unit, precision);
      out += (count > 0 ? separator : '') + (equalWidth ? pad(text, width) : text);
      value += step;
      if (++count % BATCH === 0) {
        stdout.write(out);
        out = '';
        await ctx.shell.services.pacer.tick(signal);
      }
    }
    if (count > 0) stdout.write(out + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr.write(`seq: ${e.message}\nTry 'seq --help' for more information.\n`);
    return 1;
  }
}

export const seq: Builtin = {
  name: 'seq',
  synopsis: 'seq [-sw] [FIRST [INCR]] LAST',
  summary: 'print numbers FIRST (1) to LAST by INCR (1)',
  options: ['-s', '-w', '--separator=', '--equal-width'],
  run,
};
