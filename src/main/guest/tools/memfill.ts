import { parseCUnsigned, parseSize } from './args';
import { breathe, defineTool } from './util';

const USAGE = `Usage: memfill ADDRESS LENGTH PATTERN

Fill guest physical memory from ADDRESS for LENGTH bytes (a lab tool).
Writes go through the CPU like any store: RAM and MMIO alike (MMIO with the
widest aligned accesses of up to 4 bytes).

\tADDRESS\tPhysical address (0x hex, 0 octal, or decimal)
\tLENGTH\tNumber of bytes; K, M, G suffixes allowed (4K = 4096)
\tPATTERN\tOne of:
\t\t  0xNN or a decimal 0-255  that byte, repeated (e.g. 0xaa)
\t\t  inc                      00 01 02 ... ff 00 01 ... (offset & 0xff)
\t\t  "text"                   the text's bytes, repeated (quote it)

Examples:
\tmemfill 0x1000000 4096 0xaa
\tmemfill 0x1000000 64 inc
\tmemfill 0x1000000 32 "hello, edu "
`;

/** Bytes written per step before the host gets a turn. */
const CHUNK = 1024 * 1024;

type Pattern = { kind: 'byte'; value: number } | { kind: 'inc' } | { kind: 'text'; bytes: Uint8Array };

function parsePattern(text: string): Pattern | undefined {
  if (text === 'inc') return { kind: 'inc' };
  const n = /^(0[xX][0-9a-fA-F]{1,2}|[0-9]{1,3})$/.test(text) ? parseCUnsigned(text.replace(/^0+(?=\d)/, '')) : undefined;
  if (n !== undefined && n <= 255n) return { kind: 'byte', value: Number(n) };
  const bytes = new TextEncoder().encode(text);
  return bytes.length ? { kind: 'text', bytes } : undefined;
}

function fill(pattern: Pattern, start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (pattern.kind === 'byte') out.fill(pattern.value);
  else if (pattern.kind === 'inc') for (let i = 0; i < length; i++) out[i] = (start + i) & 0xff;
  else for (let i = 0; i < length; i++) out[i] = pattern.bytes[(start + i) % pattern.bytes.length]!;
  return out;
}

/** memfill ADDRESS LENGTH PATTERN: fill guest physical memory with a byte, a counter or a string. */
export const memfill = defineTool({
  name: 'memfill',
  summary: 'fill guest physical memory with a pattern (lab tool)',
  usage: USAGE,
  options: ['inc', '--help'],
  async run(ctx) {
    const args = ctx.argv.slice(1);
    if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
      ctx.stdout.write(USAGE);
      return 0;
    }
    if (args.length !== 3) {
      ctx.stderr.write(USAGE);
      return 1;
    }
    const [addrText, lenText, patternText] = args as [string, string, string];
    const addr = parseCUnsigned(addrText);
    if (addr === undefined || addr > BigInt(Number.MAX_SAFE_INTEGER)) {
      ctx.stderr.write(`memfill: invalid address '${addrText}'\n`);
      return 1;
    }
    const len = parseSize(lenText);
    if (len === undefined || len > BigInt(Number.MAX_SAFE_INTEGER) - addr) {
      ctx.stderr.write(`memfill: invalid length '${lenText}'\n`);
      return 1;
    }
    const pattern = parsePattern(patternText);
    if (!pattern) {
      ctx.stderr.write('memfill: empty pattern\n');
      return 1;
    }
    const start = Number(addr);
    const total = Number(len);
    for (let done = 0; done < total; done += CHUNK) {
      if (done) await breathe(ctx);
      const n = Math.min(CHUNK, total - done);
      ctx.kernel.io.writeBytes(BigInt(start + done), fill(pattern, done, n));
    }
    return 0;
  },
});
