import { ShellError } from './errors';

/** Where $((...)) reads and assigns variables. */
export interface ArithmeticScope {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Node =
  | { readonly k: 'num'; readonly v: bigint }
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: 'unary'; readonly op: string; readonly e: Node }
  | { readonly k: 'binary'; readonly op: string; readonly l: Node; readonly r: Node }
  | { readonly k: 'assign'; readonly op: string; readonly name: string; readonly e: Node }
  | { readonly k: 'step'; readonly op: '++' | '--'; readonly prefix: boolean; readonly name: string }
  | { readonly k: 'ternary'; readonly c: Node; readonly a: Node; readonly b: Node }
  | { readonly k: 'comma'; readonly l: Node; readonly r: Node };

const OPERATORS = [
  '<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '!', '~', '(', ')', '?', ':', '=', ',',
];
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^=']);
const PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10, '**': 11,
};
/** Variables holding expressions are evaluated in turn, this deep at most. */
const MAX_RECURSION = 16;
const MAX_NESTING = 200;
const MAX_TOKENS = 2000;

const wrap = (x: bigint): bigint => BigInt.asIntN(64, x);
const bool = (b: boolean): bigint => (b ? 1n : 0n);

class ArithError extends Error {}

function parseNumber(text: string): bigint {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return wrap(BigInt(text));
  if (/^0[0-7]*$/.test(text)) return wrap(BigInt('0o' + (text.slice(1) || '0')));
  if (/^[1-9][0-9]*$/.test(text)) return wrap(BigInt(text));
  throw new ArithError(`${text}: value too great for base`);
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const m = /^[0-9][0-9A-Za-z_]*|^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
    if (m) {
      tokens.push(m[0]);
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new ArithError(`syntax error: invalid arithmetic operator (error token is "${text.slice(i)}")`);
    tokens.push(op);
    i += op.length;
  }
  // Long chains make deep trees; no real expression comes near this.
  if (tokens.length > MAX_TOKENS) throw new ArithError('expression too long');
  return tokens;
}

class ArithParser {
  private at = 0;
  private nesting = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Node {
    if (this.tokens.length === 0) return { k: 'num', v: 0n };
    const node = this.comma();
    if (this.at < this.tokens.length) throw new ArithError(`syntax error in expression (error token is "${this.tokens.slice(this.at).join(' ')}")`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.tokens[this.at + offset];
  }

  private take(): string {
    const t = this.tokens[this.at++];
    if (t === undefined) throw new ArithError('syntax error: operand expected');
    return t;
  }

  private comma(): Node {
    let l = this.assign();
    while (this.peek() === ',') {
      this.at++;
      l = { k: 'comma', l, r: this.assign() };
    }
    return l;
  }

  private assign(): Node {
    const name = this.peek();
    const op = this.peek(1);
    if (name !== undefined && isName(name) && op !== undefined && ASSIGN_OPS.has(op)) {
      this.at += 2;
      return { k: 'assign', op, name, e: this.assign() };
    }
    return this.ternary();
  }

  private ternary(): Node {
    const c = this.binary(1);
    if (this.peek() !== '?') return c;
    this.at++;
    const a = this.assign();
    if (this.take() !== ':') throw new ArithError('syntax error: ":" expected');
    return { k: 'ternary', c, a, b: this.assign() };
  }

  private binary(min: number): Node {
    let l = this.unary();
    for (;;) {
      const op = this.peek();
      const prec = op === undefined ? undefined : PRECEDENCE[op];
      if (op === undefined || prec === undefined || prec < min) return l;
      this.at++;
      const r = op === '**' ? this.binary(prec) : this.binary(prec + 1);
      l = { k: 'binary', op, l, r };
    }
  }

  private unary(): Node {
    // Every nesting (parentheses, unary operators, right operands) passes here: bound it.
    if (++this.nesting > MAX_NESTING) throw new ArithError('expression too deeply nested');
    try {
      return this.unaryInner();
    } finally {
      this.nesting--;
    }
  }

  private unaryInner(): Node {
    const t = this.peek();
    if (t === '!' || t === '~' || t === '-' || t === '+') {
      this.at++;
      return { k: 'unary', op: t, e: this.unary() };
    }
    if ((t === '++' || t === '--') && this.peek(1) !== undefined && isName(this.peek(1)!)) {
      this.at += 2;
      return { k: 'step', op: t, prefix: true, name: this.tokens[this.at - 1]! };
    }
    return this.postfix();
  }

  private postfix(): Node {
    const t = this.take();
    if (t === '(') {
      const e = this.comma();
      if (this.take() !== ')') throw new ArithError('syntax error: ")" expected');
      return e;
    }
    if (isName(t)) {
      const next = this.peek();
      if (next === '++' || next === '--') {
        this.at++;
        return { k: 'step', op: next, prefix: false, name: t };
      }
      return { k: 'var', name: t };
    }
    if (/^[0-9]/.test(t)) return { k: 'num', v: parseNumber(t) };
    throw new ArithError(`syntax error: operand expected (error token is "${t}")`);
  }
}

const isName = (t: string): boolean => /^[A-Za-z_]/.test(t);

function power(base: bigint, exp: bigint): bigint {
  if (exp < 0n) throw new ArithError('exponent less than 0');
  let result = 1n;
  let b = base;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = wrap(result * b);
    b = wrap(b * b);
    e >>= 1n;
  }
  return result;
}

function apply(op: string, l: bigint, r: bigint): bigint {
  switch (op) {
    case '+': return wrap(l + r);
    case '-': return wrap(l - r);
    case '*': return wrap(l * r);
    case '/':
    case '%':
      if (r === 0n) throw new ArithError('division by 0');
      return wrap(op === '/' ? l / r : l % r);
    case '**': return power(l, r);
    case '<<': return wrap(l << (r & 63n));
    case '>>': return l >> (r & 63n);
    case '&': return l & r;
    case '|': return l | r;
    case '^': return l ^ r;
    case '<': return bool(l < r);
    case '>': return bool(l > r);
    case '<=': return bool(l <= r);
    case '>=': return bool(l >= r);
    case '==': return bool(l === r);
    case '!=': return bool(l !== r);
  }
  throw new ArithError(`unknown operator ${op}`);
}

class Evaluator {
  constructor(
    private readonly scope: ArithmeticScope,
    private readonly depth: number,
  ) {}

  value(name: string): bigint {
    const text = (this.scope.get(name) ?? '').trim();
    if (text === '') return 0n;
    if (/^-?[0-9]/.test(text) && /^-?[0-9A-Za-z_]+$/.test(text)) {
      return text.startsWith('-') ? wrap(-parseNumber(text.slice(1))) : parseNumber(text);
    }
    if (this.depth >= MAX_RECURSION) throw new ArithError('expression recursion level exceeded');
    return new Evaluator(this.scope, this.depth + 1).run(text);
  }

  run(text: string): bigint {
    return this.eval(new ArithParser(tokenize(text)).parse());
  }

  eval(n: Node): bigint {
    switch (n.k) {
      case 'num':
        return n.v;
      case 'var':
        return this.value(n.name);
      case 'unary': {
        const v = this.eval(n.e);
        if (n.op === '!') return bool(v === 0n);
        if (n.op === '~') return wrap(~v);
        return n.op === '-' ? wrap(-v) : v;
      }
      case 'binary':
        if (n.op === '&&') return bool(this.eval(n.l) !== 0n && this.eval(n.r) !== 0n);
        if (n.op === '||') return bool(this.eval(n.l) !== 0n || this.eval(n.r) !== 0n);
        return apply(n.op, this.eval(n.l), this.eval(n.r));
      case 'assign': {
        const r = this.eval(n.e);
        const v = n.op === '=' ? r : apply(n.op.slice(0, -1), this.value(n.name), r);
        this.scope.set(n.name, v.toString());
        return v;
      }
      case 'step': {
        const old = this.value(n.name);
        const v = wrap(n.op === '++' ? old + 1n : old - 1n);
        this.scope.set(n.name, v.toString());
        return n.prefix ? v : old;
      }
      case 'ternary':
        return this.eval(n.c) !== 0n ? this.eval(n.a) : this.eval(n.b);
      case 'comma':
        this.eval(n.l);
        return this.eval(n.r);
    }
  }
}

/** Evaluate $((text)) with 64-bit integers, as bash does. Errors are ShellErrors naming the expression. */
export function evaluateArithmetic(text: string, scope: ArithmeticScope): bigint {
  try {
    return new Evaluator(scope, 0).run(text);
  } catch (e) {
    if (!(e instanceof ArithError)) throw e;
    const shown = text.trim();
    throw new ShellError(`${shown.length > 40 ? shown.slice(0, 37) + '...' : shown}: ${e.message}`);
  }
}
