import { parseCUnsigned } from './args';
import { defineTool } from './util';

const USAGE = `Usage: devmem ADDRESS [WIDTH [VALUE]]

Read/write from physical address

\tADDRESS\tAddress to act upon
\tWIDTH\tWidth (8/16/...)
\tVALUE\tData to be written
`;

/** The largest physical address the platform decodes exactly (JS numbers). */
const MAX_PHYS = BigInt(Number.MAX_SAFE_INTEGER) - 8n;

/** busybox's bb_strtoull(s, NULL, 0): the word must start with a digit or letter and be all number. */
function strtoull(text: string): bigint | undefined {
  const v = parseCUnsigned(text);
  return v !== undefined && v <= 0xffffffffffffffffn ? v : undefined;
}

/**
 * busybox devmem: one load or store of 8, 16, 32 or 64 bits at a physical address, through the CPU
 * (RAM and MMIO alike). A read prints the value as 0x and upper-case hex, zero-padded to the width.
 */
export const devmem = defineTool({
  name: 'devmem',
  summary: 'read or write physical memory (busybox devmem)',
  usage: USAGE,
  run(ctx) {
    const argv = ctx.argv;
    if (argv.length < 2) {
      ctx.stderr.write(USAGE);
      return 1;
    }
    const target = strtoull(argv[1]!);
    let width = 32;
    let value: bigint | undefined;
    let bad = target === undefined;
    if (argv.length > 2) {
      const w = argv[2]!;
      if (/^[0-9]/.test(w) || w.length > 1) {
        if (!/^[0-9]+$/.test(w) || Number(w) > 0xffffffff) {
          ctx.stderr.write(`devmem: invalid number '${w}'\n`);
          return 1;
        }
        width = Number(w);
      } else {
        width = { b: 8, h: 16, w: 32, l: 64 }[w.toLowerCase() as 'b' | 'h' | 'w' | 'l'] ?? 0;
      }
      if (argv.length > 3) {
        value = strtoull(argv[3]!);
        if (value === undefined) bad = true;
      }
    }
    if (bad) {
      ctx.stderr.write(USAGE);
      return 1;
    }
    if (![8, 16, 32, 64].includes(width)) {
      ctx.stderr.write('devmem: bad width\n');
      return 1;
    }
    if (target! > MAX_PHYS) {
      ctx.stderr.write('devmem: mmap: Invalid argument\n');
      return 1;
    }
    const addr = Number(target);
    const io = ctx.kernel.io;
    if (argv.length > 3) {
      const v = value!;
      if (width === 64) io.write64(addr, BigInt.asUintN(64, v));
      else io.write(addr, (width / 8) as 1 | 2 | 4, Number(BigInt.asUintN(width, v)));
      return 0;
    }
    const result = width === 64 ? io.read64(addr) : BigInt(io.read(addr, (width / 8) as 1 | 2 | 4) >>> 0);
    ctx.stdout.write(`0x${result.toString(16).toUpperCase().padStart(width / 4, '0')}\n`);
    return 0;
  },
});
