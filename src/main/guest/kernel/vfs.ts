import { KernelError } from './errors';

/** A file whose contents are produced when read (procfs, sysfs) or kept in memory. */
export interface FileNode {
  readonly kind: 'file';
  read(): Uint8Array | string;
  write?(data: Uint8Array): void;
  /** The size `ls -l` shows when it differs from what read() returns (sysfs files show 4096). */
  readonly size?: number;
  readonly mode?: number;
}

export interface DirNode {
  readonly kind: 'dir';
  /** Entries, computed on each lookup so /proc and /sys follow the kernel's state. */
  entries(): ReadonlyMap<string, Node>;
}

export interface LinkNode {
  readonly kind: 'link';
  readonly target: string;
}

/** A character device: positional reads and writes (/dev/mem) and driver requests (/dev/edu0). */
export interface CharDevNode {
  readonly kind: 'chardev';
  /** Device numbers as `ls -l` shows them (1, 1 for /dev/mem). */
  readonly major?: number;
  readonly minor?: number;
  pread?(offset: number, length: number): Uint8Array;
  pwrite?(offset: number, data: Uint8Array): void;
  ioctl?(request: string, arg: unknown, signal?: AbortSignal): Promise<unknown>;
  readonly size?: number;
}

export type Node = FileNode | DirNode | LinkNode | CharDevNode;

/** A directory with fixed and generated entries. */
export class Directory implements DirNode {
  readonly kind = 'dir' as const;
  private readonly fixed = new Map<string, Node>();

  constructor(private readonly generate?: () => Iterable<[string, Node]>) {}

  add(name: string, node: Node): this {
    this.fixed.set(name, node);
    return this;
  }

  remove(name: string): void {
    this.fixed.delete(name);
  }

  entries(): ReadonlyMap<string, Node> {
    if (!this.generate) return this.fixed;
    const all = new Map(this.fixed);
    for (const [name, node] of this.generate()) all.set(name, node);
    return all;
  }
}

export function textFile(read: () => string, write?: (text: string) => void, size?: number): FileNode {
  return {
    kind: 'file',
    read,
    size,
    write: write && ((data) => write(new TextDecoder().decode(data))),
  };
}

export function link(target: string): LinkNode {
  return { kind: 'link', target };
}

const MAX_LINK_HOPS = 16;

/** Path lookup over the node tree. Paths are absolute or relative to `cwd`; links are followed. */
export class Vfs {
  constructor(readonly root: Directory) {}

  /** Normalize `path` against `cwd` into an absolute path without `.`, `..` or empty parts. */
  static resolve(path: string, cwd = '/'): string {
    const parts = (path.startsWith('/') ? path : `${cwd}/${path}`).split('/');
    const out: string[] = [];
    for (const p of parts) {
      if (p === '' || p === '.') continue;
      if (p === '..') out.pop();
      else out.push(p);
    }
    return '/' + out.join('/');
  }

  /** The node at `path`, following links (also for the last part unless `noFollow`). */
  lookup(path: string, cwd = '/', noFollow = false): Node {
    return this.walk(Vfs.resolve(path, cwd), noFollow, 0).node;
  }

  /** The absolute path `path` designates once links are followed. */
  realpath(path: string, cwd = '/'): string {
    return this.walk(Vfs.resolve(path, cwd), false, 0).path;
  }

  readFile(path: string, cwd = '/'): Uint8Array {
    const node = this.lookup(path, cwd);
    if (node.kind === 'dir') throw new KernelError('EISDIR');
    if (node.kind === 'chardev') {
      if (!node.pread) throw new KernelError('EIO');
      return node.pread(0, node.size ?? 0);
    }
    if (node.kind !== 'file') throw new KernelError('EINVAL');
    const content = node.read();
    return typeof content === 'string' ? new TextEncoder().encode(content) : content;
  }

  writeFile(path: string, data: Uint8Array, cwd = '/'): void {
    const node = this.lookup(path, cwd);
    if (node.kind === 'dir') throw new KernelError('EISDIR');
    if (node.kind === 'chardev' && node.pwrite) return node.pwrite(0, data);
    if (node.kind !== 'file' || !node.write) throw new KernelError('EACCES');
    node.write(data);
  }

  list(path: string, cwd = '/'): [string, Node][] {
    const node = this.lookup(path, cwd);
    if (node.kind !== 'dir') throw new KernelError('ENOTDIR');
    return [...node.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private walk(absolute: string, noFollow: boolean, hops: number): { node: Node; path: string } {
    if (hops > MAX_LINK_HOPS) throw new KernelError('EINVAL', 'Too many levels of symbolic links');
    const parts = absolute.split('/').filter(Boolean);
    let node: Node = this.root;
    let here = '/';
    for (let i = 0; i < parts.length; i++) {
      if (node.kind !== 'dir') throw new KernelError('ENOTDIR');
      const next = node.entries().get(parts[i]!);
      if (!next) throw new KernelError('ENOENT');
      const last = i === parts.length - 1;
      if (next.kind === 'link' && !(last && noFollow)) {
        const target = Vfs.resolve(next.target, here);
        const rest = parts.slice(i + 1).join('/');
        return this.walk(rest ? `${target}/${rest}` : target, noFollow, hops + 1);
      }
      node = next;
      here = Vfs.resolve(parts[i]!, here);
    }
    return { node, path: here };
  }
}
