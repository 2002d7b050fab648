import { KernelError } from '../kernel/errors';
import { Vfs } from '../kernel/vfs';
import type { ToolContext } from './tool';
import { getopt, parseSize } from './args';
import { breathe, defineTool, errorText, hex, printable } from './util';

const USAGE = `
Usage:
 hexdump [options] <file>...

Display file contents in hexadecimal, decimal, octal, or ascii.

Options:
 -C, --canonical           canonical hex+ASCII display
 -n, --length <length>     interpret only length bytes of input
 -s, --skip <offset>       skip offset bytes from the beginning
 -v, --no-squeezing        output identical lines

 -h, --help                display this help

Arguments:
 <length> and <offset> arguments may be followed by the suffixes for
   KiB, MiB, GiB, TiB, PiB and EiB (the "iB" is optional)

FILE may be /dev/mem: guest physical memory, RAM and MMIO alike (read with
the widest aligned accesses of up to 4 bytes). Without -n it is dumped to the
end of RAM, or 64 KiB when OFFSET lies above RAM.
`;

const BLOCK = 16;
/** Bytes read from a source per step (then the host gets a turn and Ctrl-C is checked). */
const CHUNK = 64 * 1024;
const DEV_MEM_WINDOW = 64 * 1024;

/** One input: its size and positional reads. */
interface Source {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

function openSource(ctx: ToolContext, path: string, skip: number, length: number | undefined): Source {
  const vfs = ctx.kernel.vfs;
  const absolute = Vfs.resolve(path, ctx.cwd);
  let node;
  try {
    node = vfs.lookup(path, ctx.cwd);
  } catch (error) {
    // No /dev/mem node in this kernel yet: physical memory through the CPU, as the node would give it.
    if (absolute === '/dev/mem') return physicalMemory(ctx, skip, length);
    throw error;
  }
  if (node.kind === 'dir') throw new KernelError('EISDIR');
  if (node.kind === 'chardev') {
    if (!node.pread) throw new KernelError('EINVAL');
    const pread = node.pread.bind(node);
    if (absolute === '/dev/mem' && node.size === undefined) return { ...physicalMemory(ctx, skip, length), read: pread };
    return { size: node.size ?? 0, read: pread };
  }
  const bytes = vfs.readFile(path, ctx.cwd);
  return { size: bytes.length, read: (offset, len) => bytes.subarray(offset, offset + len) };
}

function physicalMemory(ctx: ToolContext, skip: number, length: number | undefined): Source {
  const ram = ctx.kernel.pages.ramSize;
  const end = length !== undefined ? skip + length : skip < ram ? ram : skip + DEV_MEM_WINDOW;
  return { size: end, read: (offset, len) => ctx.kernel.io.readBytes(BigInt(offset), len) };
}

/** Formats one 16-byte line (`bytes` may be shorter at the end). */
export function formatLine(address: number, bytes: Uint8Array, canonical: boolean): string {
  if (canonical) {
    const cells: string[] = [];
    for (let i = 0; i < BLOCK; i++) cells.push(i < bytes.length ? hex(bytes[i]!, 2) : '  ');
    const hexPart = `${cells.slice(0, 8).join(' ')}  ${cells.slice(8).join(' ')}`;
    let chars = '';
    for (const b of bytes) chars += printable(b) ? String.fromCharCode(b) : '.';
    return `${hex(address, 8)}  ${hexPart}  |${chars}|`;
  }
  // Default format: 7-digit offset and eight little-endian 16-bit words; a last odd byte is zero-padded.
  const words: string[] = [];
  for (let i = 0; i < BLOCK; i += 2) {
    if (i < bytes.length) words.push(hex(bytes[i]! | ((bytes[i + 1] ?? 0) << 8), 4));
    else words.push('    ');
  }
  return `${hex(address, 7)} ${words.join(' ')}`;
}

/**
 * util-linux hexdump: -C (canonical hex+ASCII) or the default 16-bit words, with -s and -n, identical
 * lines squeezed into '*', and the final offset on its own line.
 */
export const hexdump = defineTool({
  name: 'hexdump',
  summary: 'display file contents in hexadecimal',
  usage: USAGE,
  options: ['-C', '-s', '-n', '-v', '--help'],
  async run(ctx) {
    const parsed = getopt('hexdump', ctx.argv.slice(1), 'bcCde:f:L::n:os:vxhV', [
      { name: 'canonical', key: 'C' },
      { name: 'length', key: 'n', arg: 'required' },
      { name: 'skip', key: 's', arg: 'required' },
      { name: 'no-squeezing', key: 'v' },
      { name: 'help', key: 'h' },
      { name: 'version', key: 'V' },
    ]);
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\nTry 'hexdump --help' for more information.\n`);
      return 1;
    }
    let canonical = false;
    let squeeze = true;
    let skip = 0;
    let length: number | undefined;
    for (const o of parsed.options) {
      switch (o.key) {
        case 'C':
          canonical = true;
          break;
        case 'v':
          squeeze = false;
          break;
        case 'h':
          ctx.stdout.write(USAGE);
          return 0;
        case 'V':
          ctx.stdout.write('hexdump from util-linux 2.38.1\n');
          return 0;
        case 's': {
          const v = parseSize(o.value!);
          if (v === undefined || v > BigInt(Number.MAX_SAFE_INTEGER)) {
            ctx.stderr.write(`hexdump: failed to parse offset: '${o.value}'\n`);
            return 1;
          }
          skip = Number(v);
          break;
        }
        case 'n': {
          const v = parseSize(o.value!);
          if (v === undefined || v > 0xffffffffn) {
            ctx.stderr.write(`hexdump: failed to parse length: '${o.value}'\n`);
            return 1;
          }
          length = Number(v);
          break;
        }
        default:
          ctx.stderr.write(`hexdump: -${o.key}: only -C, -s, -n and -v are supported here\n`);
          return 1;
      }
    }
    if (parsed.operands.length === 0) {
      ctx.stderr.write(USAGE);
      return 1;
    }

    // The inputs form one stream: skip and length apply across them, as in hexdump.
    const sources: Source[] = [];
    let status = 0;
    for (const path of parsed.operands) {
      try {
        sources.push(openSource(ctx, path, skip, length));
      } catch (error) {
        ctx.stderr.write(`hexdump: ${path}: ${errorText(error)}\n`);
        status = 1;
      }
    }
    if (sources.length === 0) {
      ctx.stderr.write('hexdump: all input file arguments failed\n');
      return 1;
    }

    let address = 0;
    let remaining = length ?? Infinity;
    let toSkip = skip;
    let pending = new Uint8Array(0);
    let previous: Uint8Array | undefined;
    let starred = false;
    let outText: string[] = [];
    const flush = () => {
      if (outText.length) ctx.stdout.write(outText.join(''));
      outText = [];
    };
    const emit = (block: Uint8Array) => {
      const full = block.length === BLOCK;
      if (squeeze && full && previous && equal(block, previous)) {
        if (!starred) outText.push('*\n');
        starred = true;
      } else {
        outText.push(formatLine(address, block, canonical) + '\n');
        starred = false;
      }
      previous = block;
      address += block.length;
    };
    for (const source of sources) {
      if (toSkip >= source.size) {
        toSkip -= source.size;
        address += source.size;
        continue;
      }
      let offset = toSkip;
      address += toSkip;
      toSkip = 0;
      while (offset < source.size && remaining > 0) {
        const n = Math.min(CHUNK, source.size - offset, remaining);
        const data = source.read(offset, n);
        offset += n;
        remaining -= n;
        const joined = concat(pending, data);
        let at = 0;
        for (; at + BLOCK <= joined.length; at += BLOCK) emit(joined.slice(at, at + BLOCK));
        pending = joined.slice(at);
        if (outText.length > 512) flush();
        if (offset < source.size && remaining > 0) {
          flush();
          await breathe(ctx);
        }
      }
    }
    if (pending.length) emit(pending);
    if (address) outText.push(`${hex(address, canonical ? 8 : 7)}\n`);
    flush();
    return status;
  },
});

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
