import type { Node } from '../../kernel/vfs';
import type { Builtin, BuiltinContext } from '../runtime';

class TestError extends Error {}

const UNARY = new Set(['-z', '-n', '-e', '-f', '-d', '-s', '-L', '-h', '-r', '-w', '-x', '-c', '-b', '-p', '-S', '-t']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** An integer operand: decimal or 0x hex, optionally signed, blanks around allowed. */
function integer(text: string): bigint {
  const t = text.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|[0-9]+)$/.exec(t);
  if (!m) throw new TestError(`${text}: integer expression expected`);
  const v = BigInt(m[2]!);
  return m[1] === '-' ? -v : v;
}

/** The conditions of test(1) over the guest's VFS. */
class Evaluator {
  private at = 0;
  constructor(
    private readonly args: readonly string[],
    private readonly ctx: BuiltinContext,
  ) {}

  /** POSIX decides by the number of arguments first; beyond four, a grammar with ! -a -o ( ). */
  run(): boolean {
    const a = this.args;
    switch (a.length) {
      case 0:
        return false;
      case 1:
        return a[0] !== '';
      case 2:
        if (a[0] === '!') return a[1] === '';
        if (UNARY.has(a[0]!)) return this.unary(a[0]!, a[1]!);
        throw new TestError(`${a[0]}: unary operator expected`);
      case 3:
        if (BINARY.has(a[1]!)) return this.binary(a[0]!, a[1]!, a[2]!);
        if (a[1] === '-a') return a[0] !== '' && a[2] !== '';
        if (a[1] === '-o') return a[0] !== '' || a[2] !== '';
        if (a[0] === '!') return !new Evaluator(a.slice(1), this.ctx).run();
        if (a[0] === '(' && a[2] === ')') return a[1] !== '';
        break;
      case 4:
        if (a[0] === '!') return !new Evaluator(a.slice(1), this.ctx).run();
        if (a[0] === '(' && a[3] === ')') return new Evaluator(a.slice(1, 3), this.ctx).run();
        break;
    }
    const result = this.or();
    if (this.at < a.length) throw new TestError(`${a[this.at]}: unexpected argument`);
    return result;
  }

  private peek(): string | undefined {
    return this.args[this.at];
  }

  private take(): string {
    const t = this.args[this.at++];
    if (t === undefined) throw new TestError('argument expected');
    return t;
  }

  private or(): boolean {
    let v = this.and();
    while (this.peek() === '-o') {
      this.at++;
      const r = this.and();
      v = v || r;
    }
    return v;
  }

  private and(): boolean {
    let v = this.not();
    while (this.peek() === '-a') {
      this.at++;
      const r = this.not();
      v = v && r;
    }
    return v;
  }

  private not(): boolean {
    if (this.peek() === '!') {
      this.at++;
      return !this.not();
    }
    return this.primary();
  }

  private primary(): boolean {
    const t = this.take();
    if (t === '(') {
      const v = this.or();
      if (this.take() !== ')') throw new TestError("')' expected");
      return v;
    }
    const next = this.peek();
    if (next !== undefined && BINARY.has(next) && this.args[this.at + 1] !== undefined) {
      this.at++;
      return this.binary(t, next, this.take());
    }
    if (UNARY.has(t) && next !== undefined) {
      this.at++;
      return this.unary(t, next);
    }
    return t !== '';
  }

  private binary(l: string, op: string, r: string): boolean {
    switch (op) {
      case '=':
      case '==':
        return l === r;
      case '!=':
        return l !== r;
      case '<':
        return l < r;
      case '>':
        return l > r;
    }
    const a = integer(l);
    const b = integer(r);
    switch (op) {
      case '-eq':
        return a === b;
      case '-ne':
        return a !== b;
      case '-lt':
        return a < b;
      case '-le':
        return a <= b;
      case '-gt':
        return a > b;
      default:
        return a >= b;
    }
  }

  private unary(op: string, arg: string): boolean {
    if (op === '-z') return arg === '';
    if (op === '-n') return arg !== '';
    if (op === '-t') return false;
    const node = this.lookup(arg, op === '-L' || op === '-h');
    if (!node) return false;
    switch (op) {
      case '-e':
      case '-r':
        return true;
      case '-f':
        return node.kind === 'file';
      case '-d':
        return node.kind === 'dir';
      case '-L':
      case '-h':
        return node.kind === 'link';
      case '-c':
        return node.kind === 'chardev';
      case '-w':
        return node.kind === 'dir' || (node.kind === 'file' && !!node.write) || (node.kind === 'chardev' && !!node.pwrite);
      case '-x':
        return node.kind === 'dir';
      case '-s':
        return this.size(node) > 0;
      default:
        return false; // -b, -p, -S: no block devices, pipes or sockets here
    }
  }

  private lookup(path: string, noFollow: boolean): Node | undefined {
    if (path === '') return undefined;
    try {
      return this.ctx.shell.services.kernel.vfs.lookup(path, this.ctx.shell.session.cwd, noFollow);
    } catch {
      return undefined;
    }
  }

  private size(node: Node): number {
    if (node.kind === 'dir') return 4096;
    if (node.kind === 'link') return node.target.length;
    if (node.size !== undefined) return node.size;
    if (node.kind !== 'file') return 0;
    try {
      return node.read().length;
    } catch {
      return 0;
    }
  }
}

function runTest(ctx: BuiltinContext): number {
  const name = ctx.argv[0]!;
  const args = ctx.argv.slice(1);
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      ctx.stderr.write("sh: [: missing ']'\n");
      return 2;
    }
    args.pop();
  }
  try {
    return new Evaluator(args, ctx).run() ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    ctx.stderr.write(`sh: ${name}: ${e.message}\n`);
    return 2;
  }
}

const TEST_OPTIONS = [...UNARY, '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-a', '-o'];

export const test: Builtin = {
  name: 'test',
  synopsis: 'test EXPR',
  summary: 'check strings (=, -z), numbers (-lt), files (-e, -d)',
  options: TEST_OPTIONS,
  run: runTest,
};

export const bracket: Builtin = {
  name: '[',
  synopsis: '[ EXPR ]',
  summary: 'test EXPR, with a closing ]',
  options: TEST_OPTIONS,
  run: runTest,
};
