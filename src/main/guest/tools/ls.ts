import { Vfs, type Node } from '../kernel/vfs';
import { getopt } from './args';
import type { ToolContext } from './tool';
import { defineTool, errorText, Output } from './util';

const USAGE = `Usage: ls [OPTION]... [FILE]...
List information about the FILEs (the current directory by default).
Sort entries alphabetically.

  -a, --all                  do not ignore entries starting with .
  -A, --almost-all           do not list implied . and ..
  -d, --directory            list directories themselves, not their contents
  -l                         use a long listing format
  -1                         list one file per line
      --help        display this help and exit
`;

/** There is no real-time clock: like a PC without one, the guest's files date from the epoch. */
const DATE = 'Jan  1 00:00';
const MIN_COLUMN_WIDTH = 3;

interface Entry {
  /** The name as shown. */
  readonly name: string;
  /** The node itself (a link is a link). */
  readonly node: Node;
  /** Absolute path, for the per-filesystem conventions (sizes, modes). */
  readonly path: string;
}

interface Options {
  all: boolean;
  almostAll: boolean;
  long: boolean;
  onePerLine: boolean;
  directory: boolean;
}

function fsOf(path: string): 'sysfs' | 'proc' | 'dev' | 'other' {
  if (path === '/sys' || path.startsWith('/sys/')) return 'sysfs';
  if (path === '/proc' || path.startsWith('/proc/')) return 'proc';
  if (path === '/dev' || path.startsWith('/dev/')) return 'dev';
  return 'other';
}

function isDir(node: Node): boolean {
  return node.kind === 'dir';
}

function modeString(e: Entry): string {
  const n = e.node;
  const fs = fsOf(e.path);
  switch (n.kind) {
    case 'dir':
      return 'drwxr-xr-x';
    case 'link':
      return 'lrwxrwxrwx';
    case 'chardev':
      // sysfs resourceN files are regular files to ls; /dev nodes are character devices.
      if (fs === 'sysfs') return '-rw-------';
      if (e.path === '/dev/mem') return 'crw-r-----';
      return 'crw-rw-rw-';
    case 'file': {
      if (n.mode !== undefined) return '-' + permissions(n.mode);
      if (fs === 'proc') return e.path === '/proc/kmsg' ? '-r--------' : '-r--r--r--';
      return n.write ? '-rw-r--r--' : '-r--r--r--';
    }
  }
}

function permissions(mode: number): string {
  const bits = 'rwxrwxrwx';
  let s = '';
  for (let i = 0; i < 9; i++) s += mode & (0o400 >> i) ? bits[i] : '-';
  return s;
}

function linkCount(n: Node): number {
  if (n.kind !== 'dir') return 1;
  let subdirs = 0;
  for (const child of n.entries().values()) if (child.kind === 'dir') subdirs++;
  return 2 + subdirs;
}

/** st_size as the real filesystems report it: sysfs attributes 4096, procfs files 0, else the content. */
function sizeOf(e: Entry): number {
  const n = e.node;
  const fs = fsOf(e.path);
  if (n.kind === 'dir') return fs === 'sysfs' || fs === 'proc' || fs === 'dev' ? 0 : 4096;
  // sysfs and procfs links report size 0; elsewhere a link's size is its target's length.
  if (n.kind === 'link') return fs === 'sysfs' || fs === 'proc' ? 0 : n.target.length;
  if (n.kind === 'chardev') return fs === 'sysfs' ? (n.size ?? 0) : 0;
  if (n.size !== undefined) return n.size;
  if (fs === 'sysfs') return 4096;
  if (fs === 'proc') return 0;
  const content = n.read();
  return typeof content === 'string' ? new TextEncoder().encode(content).length : content.length;
}

/** A device node's numbers as the kernel gives them, else a dynamic major like a driver's (240). */
function deviceNumbers(e: Entry, index: number): [number, number] {
  const n = e.node;
  if (n.kind === 'chardev' && n.major !== undefined) return [n.major, n.minor ?? 0];
  return [240, index];
}

/** GNU ls -C: as many columns as fit, filled top to bottom. */
function columns(names: readonly string[], lineLength: number): string[] {
  const n = names.length;
  if (n === 0) return [];
  const maxCols = Math.min(Math.max(1, Math.floor(lineLength / MIN_COLUMN_WIDTH)), n);
  let chosen: number[] = [Math.max(...names.map((s) => s.length))];
  for (let cols = maxCols; cols >= 1; cols--) {
    const widths = new Array<number>(cols).fill(MIN_COLUMN_WIDTH);
    let valid = true;
    let lineLen = cols * MIN_COLUMN_WIDTH;
    for (let i = 0; i < n && valid; i++) {
      const col = Math.floor(i / Math.floor((n + cols - 1) / cols));
      const real = names[i]!.length + (col === cols - 1 ? 0 : 2);
      if (widths[col]! < real) {
        lineLen += real - widths[col]!;
        widths[col] = real;
        valid = lineLen < lineLength;
      }
    }
    if (valid || cols === 1) {
      chosen = widths;
      break;
    }
  }
  const cols = chosen.length;
  const rows = Math.ceil(n / cols);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    let line = '';
    for (let col = 0, i = row; ; col++) {
      const name = names[i]!;
      line += name;
      i += rows;
      if (i >= n) break;
      line += ' '.repeat(Math.max(0, chosen[col]! - name.length));
    }
    lines.push(line);
  }
  return lines;
}

function longLines(entries: readonly Entry[]): string[] {
  const rows = entries.map((e, i) => {
    const dev = e.node.kind === 'chardev' && fsOf(e.path) !== 'sysfs' ? deviceNumbers(e, i) : undefined;
    return {
      mode: modeString(e),
      links: String(linkCount(e.node)),
      owner: 'root',
      group: e.path === '/dev/mem' ? 'kmem' : 'root',
      size: dev ? undefined : String(sizeOf(e)),
      dev,
      name: e.node.kind === 'link' ? `${e.name} -> ${e.node.target}` : e.name,
    };
  });
  const w = (f: (r: (typeof rows)[number]) => string) => Math.max(0, ...rows.map((r) => f(r).length));
  const linksW = w((r) => r.links);
  const ownerW = w((r) => r.owner);
  const groupW = w((r) => r.group);
  const majorW = w((r) => (r.dev ? String(r.dev[0]) : ''));
  const minorW = w((r) => (r.dev ? String(r.dev[1]) : ''));
  const sizeW = Math.max(w((r) => r.size ?? ''), rows.some((r) => r.dev) ? majorW + 2 + minorW : 0);
  return rows.map((r) => {
    const size = r.dev
      ? `${String(r.dev[0]).padStart(majorW + Math.max(0, sizeW - (majorW + 2 + minorW)))}, ${String(r.dev[1]).padStart(minorW)}`
      : r.size!.padStart(sizeW);
    return `${r.mode} ${r.links.padStart(linksW)} ${r.owner.padEnd(ownerW)} ${r.group.padEnd(groupW)} ${size} ${DATE} ${r.name}`;
  });
}

function listing(entries: readonly Entry[], o: Options, ctx: ToolContext): string[] {
  if (o.long) return longLines(entries);
  const names = entries.map((e) => e.name);
  if (o.onePerLine) return names;
  return columns(names, ctx.terminal.cols);
}

function directoryEntries(ctx: ToolContext, path: string, o: Options): Entry[] {
  const vfs = ctx.kernel.vfs;
  const real = vfs.realpath(path, ctx.cwd);
  const entries: Entry[] = [];
  if (o.all) {
    entries.push({ name: '.', node: vfs.lookup(real), path: real });
    const parent = Vfs.resolve('..', real);
    entries.push({ name: '..', node: vfs.lookup(parent), path: parent });
  }
  for (const [name, node] of vfs.list(real)) {
    if (name.startsWith('.') && !o.all && !o.almostAll) continue;
    entries.push({ name, node, path: real === '/' ? `/${name}` : `${real}/${name}` });
  }
  return entries;
}

/** coreutils ls over the guest's VFS: -l shows sizes, modes and link targets as Linux's /sys and /proc do. */
export const ls = defineTool({
  name: 'ls',
  summary: 'list directory contents',
  usage: USAGE,
  options: ['-l', '-a', '-A', '-d', '-1', '--help'],
  run(ctx) {
    const parsed = getopt('ls', ctx.argv.slice(1), 'aAdl1', [
      { name: 'all', key: 'a' },
      { name: 'almost-all', key: 'A' },
      { name: 'directory', key: 'd' },
      { name: 'help', key: 'help' },
    ]);
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\nTry 'ls --help' for more information.\n`);
      return 2;
    }
    const o: Options = { all: false, almostAll: false, long: false, onePerLine: false, directory: false };
    for (const opt of parsed.options) {
      if (opt.key === 'help') {
        ctx.stdout.write(USAGE);
        return 0;
      }
      if (opt.key === 'a') o.all = true;
      if (opt.key === 'A') o.almostAll = true;
      if (opt.key === 'd') o.directory = true;
      if (opt.key === 'l') o.long = true;
      if (opt.key === '1') o.onePerLine = true;
    }
    const vfs = ctx.kernel.vfs;
    const operands = parsed.operands.length ? [...parsed.operands] : ['.'];
    let status = 0;
    const files: Entry[] = [];
    const dirs: string[] = [];
    for (const arg of operands) {
      const absolute = Vfs.resolve(arg, ctx.cwd);
      let node: Node;
      try {
        node = vfs.lookup(arg, ctx.cwd, true);
      } catch (error) {
        ctx.stderr.write(`ls: cannot access '${arg}': ${errorText(error)}\n`);
        status = 2;
        continue;
      }
      // A command-line link to a directory is followed unless -l or -d (or with a trailing slash).
      let target: Node | undefined = node;
      if (node.kind === 'link') {
        try {
          target = vfs.lookup(arg, ctx.cwd);
        } catch {
          target = undefined;
        }
      }
      const followDir = target && isDir(target) && !o.directory && (node.kind !== 'link' || !o.long || arg.endsWith('/'));
      if (followDir) dirs.push(arg);
      else files.push({ name: arg, node, path: absolute });
    }
    files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    dirs.sort();
    const out = new Output(ctx.stdout);
    for (const l of listing(files, o, ctx)) out.line(l);
    const headers = operands.length > 1 || files.length > 0 || status !== 0;
    dirs.forEach((dir, i) => {
      if (files.length > 0 || i > 0) out.line();
      let entries: Entry[];
      try {
        entries = directoryEntries(ctx, dir, o);
      } catch (error) {
        if (headers) out.line(`${dir}:`);
        out.flush();
        ctx.stderr.write(`ls: cannot open directory '${dir}': ${errorText(error)}\n`);
        status = 2;
        return;
      }
      if (headers) out.line(`${dir}:`);
      if (o.long) out.line('total 0');
      for (const l of listing(entries, o, ctx)) out.line(l);
    });
    out.flush();
    return status;
  },
});
