import type { List, Word, WordPart } from './ast';
import { ShellSyntaxError } from './errors';

export type Operator = ';' | ';;' | '&&' | '||' | '|' | '&' | '(' | ')' | '<' | '>' | '>>' | '<<' | '>&' | '<&' | '&>' | '>|' | '<>';

export type Token =
  | { readonly kind: 'word'; readonly word: Word }
  | { readonly kind: 'op'; readonly op: Operator }
  | { readonly kind: 'newline' }
  | { readonly kind: 'eof' };

/** Longest first. */
const OPERATORS: readonly Operator[] = ['&&', '||', ';;', '>>', '<<', '>&', '<&', '&>', '>|', '<>', ';', '&', '|', '(', ')', '<', '>'];
const OPERATOR_START = ';&|()<>';
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const PARAM = /[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#$!@*\-]/y;
const SPECIAL_PARAMS = '?#$!@*-';

/** What the lexer needs from the parser: command substitutions are parsed where they stand. */
export interface LexerHooks {
  /** Parse a list after `$(` up to and including its `)`, reading from this lexer. */
  commandSubstitution(lexer: Lexer): List;
  /** Parse the text of a `...` substitution. */
  backquote(source: string, depth: number): List;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r';

/**
 * Splits shell source into words (with their quoting and expansions already parsed into parts) and
 * operators. Reads on demand, so that `$(...)` can hand the reading over to a nested parser.
 */
export class Lexer {
  pos = 0;
  /** Nesting of compound commands and substitutions, to refuse absurd depths before the stack does. */
  depth: number;

  constructor(
    readonly src: string,
    private readonly hooks: LexerHooks,
    depth = 0,
  ) {
    this.depth = depth;
  }

  next(): Token {
    for (;;) {
      while (this.pos < this.src.length) {
        const c = this.src[this.pos];
        if (isBlank(c)) this.pos++;
        else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
        else break;
      }
      if (this.pos >= this.src.length) return { kind: 'eof' };
      const c = this.src[this.pos]!;
      if (c === '#') {
        const end = this.src.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.src.length : end;
        continue;
      }
      if (c === '\n') {
        this.pos++;
        return { kind: 'newline' };
      }
      if (OPERATOR_START.includes(c)) {
        const op = OPERATORS.find((o) => this.src.startsWith(o, this.pos))!;
        this.pos += op.length;
        return { kind: 'op', op };
      }
      return { kind: 'word', word: this.readWord() };
    }
  }

  /** The text of `$((...))` as a word: expansions as inside double quotes, no quote removal needed. */
  readArithmeticText(): Word {
    const parts: WordPart[] = [];
    this.readDoubleQuoted(parts, false);
    return { parts, raw: this.src };
  }

  private readWord(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (isBlank(c) || c === '\n' || OPERATOR_START.includes(c)) break;
      this.readWordChar(parts, c, false);
    }
    return { parts, raw: src.slice(start, this.pos) };
  }

  /** One unit of an unquoted word (a character, a quoted string, an expansion). */
  private readWordChar(parts: WordPart[], c: string, quoted: boolean): void {
    const src = this.src;
    switch (c) {
      case '\\': {
        const next = src[this.pos + 1];
        if (next === undefined) throw new ShellSyntaxError('unexpected end of file', true);
        this.pos += 2;
        if (next !== '\n') literal(parts, next, true);
        return;
      }
      case "'": {
        const end = src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated quoted string', true);
        literal(parts, src.slice(this.pos + 1, end), true);
        this.pos = end + 1;
        return;
      }
      case '"':
        this.pos++;
        this.readDoubleQuoted(parts, true);
        return;
      case '$':
        this.readDollar(parts, quoted);
        return;
      case '`':
        this.readBackquote(parts, quoted);
        return;
      default:
        literal(parts, c, quoted);
        this.pos++;
    }
  }

  /** After an opening `"` (or over the whole text when `terminated` is false). */
  private readDoubleQuoted(parts: WordPart[], terminated: boolean): void {
    const src = this.src;
    literal(parts, '', true); // "" is an (empty) word of its own
    for (;;) {
      if (this.pos >= src.length) {
        if (terminated) throw new ShellSyntaxError('unterminated quoted string', true);
        return;
      }
      const c = src[this.pos]!;
      if (c === '"' && terminated) {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const next = src[this.pos + 1];
        if (next === undefined) {
          if (terminated) throw new ShellSyntaxError('unterminated quoted string', true);
          literal(parts, '\\', true);
          this.pos++;
          return;
        }
        if ('$`"\\\n'.includes(next)) {
          if (next !== '\n') literal(parts, next, true);
          this.pos += 2;
        } else {
          literal(parts, '\\', true);
          this.pos++;
        }
      } else if (c === '$') {
        this.readDollar(parts, true);
      } else if (c === '`') {
        this.readBackquote(parts, true);
      } else {
        literal(parts, c, true);
        this.pos++;
      }
    }
  }

  private readDollar(parts: WordPart[], quoted: boolean): void {
    const src = this.src;
    const next = src[this.pos + 1];
    if (next === '{') return this.readBraced(parts, quoted);
    if (next === '(') {
      if (src[this.pos + 2] === '(') return this.readArithmetic(parts, quoted);
      this.pos += 2;
      this.nest();
      try {
        parts.push({ type: 'command', body: this.hooks.commandSubstitution(this), quoted });
      } finally {
        this.depth--;
      }
      return;
    }
    if (next !== undefined && (/[A-Za-z_]/.test(next) || SPECIAL_PARAMS.includes(next) || /[0-9]/.test(next))) {
      // $10 is $1 followed by 0, as in sh.
      const name = /[0-9]/.test(next) || SPECIAL_PARAMS.includes(next) ? next : this.match(NAME, this.pos + 1)!;
      parts.push({ type: 'param', name, quoted });
      this.pos += 1 + name.length;
      return;
    }
    literal(parts, '$', quoted);
    this.pos++;
  }

  /** ${NAME} and ${#NAME}. */
  private readBraced(parts: WordPart[], quoted: boolean): void {
    const src = this.src;
    const start = this.pos;
    let at = this.pos + 2;
    let length = false;
    if (src[at] === '#' && src[at + 1] !== '}' && src[at + 1] !== undefined) {
      length = true;
      at++;
    }
    const name = this.match(PARAM, at);
    if (name !== undefined && src[at + name.length] === '}') {
      parts.push({ type: 'param', name, quoted, length });
      this.pos = at + name.length + 1;
      return;
    }
    const close = src.indexOf('}', start);
    if (close < 0) throw new ShellSyntaxError('unexpected end of file (expecting "}")', true);
    const text = src.slice(start, close + 1);
    throw new ShellSyntaxError(`bad substitution: ${text.length > 40 ? text.slice(0, 36) + '...}' : text}`);
  }

  private readArithmetic(parts: WordPart[], quoted: boolean): void {
    const src = this.src;
    const start = this.pos + 3;
    let depth = 0;
    let i = start;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth > 0) depth--;
        else if (src[i + 1] === ')') break;
        else throw new ShellSyntaxError('unbalanced parentheses in $((...))');
      }
    }
    if (i >= src.length) throw new ShellSyntaxError('unexpected end of file (expecting "))")', true);
    const inner = new Lexer(src.slice(start, i), this.hooks, this.depth + 1);
    parts.push({ type: 'arith', expr: inner.readArithmeticText(), quoted });
    this.pos = i + 2;
  }

  private readBackquote(parts: WordPart[], quoted: boolean): void {
    const src = this.src;
    let text = '';
    let i = this.pos + 1;
    for (; i < src.length && src[i] !== '`'; i++) {
      if (src[i] === '\\' && i + 1 < src.length && '$`\\'.includes(src[i + 1]!)) i++;
      text += src[i];
    }
    if (i >= src.length) throw new ShellSyntaxError('unterminated `...` substitution', true);
    this.pos = i + 1;
    parts.push({ type: 'command', body: this.hooks.backquote(text, this.depth + 1), quoted });
  }

  /** Enter a nested construct; refuses beyond a sane depth. */
  nest(): void {
    if (++this.depth > MAX_NESTING) {
      this.depth--;
      throw new ShellSyntaxError('too deeply nested');
    }
  }

  private match(re: RegExp, at: number): string | undefined {
    re.lastIndex = at;
    return re.exec(this.src)?.[0];
  }
}

export const MAX_NESTING = 64;

/** Append literal text, merging with a literal of the same quoting before it. */
function literal(parts: WordPart[], text: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last && last.type === 'literal' && last.quoted === quoted) {
    parts[parts.length - 1] = { type: 'literal', text: last.text + text, quoted };
  } else {
    parts.push({ type: 'literal', text, quoted });
  }
}
