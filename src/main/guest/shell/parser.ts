import { plainText, type AndOr, type Assignment, type Command, type List, type Pipeline, type SimpleCommand, type Word, type WordPart } from './ast';
import { ShellSyntaxError } from './errors';
import { Lexer, MAX_NESTING, type LexerHooks, type Operator, type Token } from './lexer';

/** Words that end a list inside a compound command. */
const LIST_ENDS = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}']);
/** Reserved words that cannot start a command. */
const MISPLACED = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}', 'in']);
/** Other shells' keywords this one does not have: a clear message rather than "not found". */
const UNSUPPORTED = new Set(['case', 'esac', 'select', 'function', 'coproc']);
const REDIRECTIONS = new Set<Operator>(['<', '>', '>>', '<<', '>&', '<&', '&>', '>|', '<>']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * A recursive-descent parser for the shell's grammar: lists with `;`, `&&`, `||` and newlines, `!`,
 * simple commands with assignments, if/elif/else, for, while, until and `{ ...; }`. Pipes, redirections,
 * background jobs and subshells are refused with a clear message.
 */
export class Parser {
  private lookahead: Token | undefined;
  private readonly lexer: Lexer;

  constructor(source: string, depth = 0, lexer?: Lexer) {
    if (depth > MAX_NESTING) throw new ShellSyntaxError('too deeply nested');
    this.lexer = lexer ?? new Lexer(source, HOOKS, depth);
  }

  /** The whole text as one list. */
  static parse(source: string): List {
    return new Parser(source).parseAll();
  }

  parseAll(): List {
    const items: AndOr[] = [];
    for (let list = this.parseNext(); list; list = this.parseNext()) items.push(...list.items);
    return { items };
  }

  /** The next complete command: what is on one line (with compound commands, up to their end). */
  parseNext(): List | undefined {
    this.skipNewlines();
    if (this.peek().kind === 'eof') return undefined;
    const items: AndOr[] = [];
    for (;;) {
      items.push(this.parseAndOr());
      const t = this.peek();
      if (t.kind === 'op' && t.op === ';') {
        this.take();
        const after = this.peek();
        if (after.kind === 'newline' || after.kind === 'eof') break;
        continue;
      }
      if (t.kind === 'newline' || t.kind === 'eof') break;
      throw this.unexpected(t);
    }
    if (this.peek().kind === 'newline') this.take();
    return { items };
  }

  /** After `$(`: a list up to its `)`, which is consumed. */
  parseSubstitution(): List {
    this.skipNewlines();
    const t = this.peek();
    if (t.kind === 'op' && t.op === ')') {
      this.take();
      return { items: [] };
    }
    const list = this.parseList();
    const end = this.peek();
    if (end.kind === 'op' && end.op === ')') {
      this.take();
      return list;
    }
    throw end.kind === 'eof' ? new ShellSyntaxError('unexpected end of file (expecting ")")', true) : this.unexpected(end);
  }

  /** A list inside a compound command: up to a closing reserved word or `)`. */
  private parseList(): List {
    this.skipNewlines();
    const items: AndOr[] = [];
    while (!this.atListEnd()) {
      items.push(this.parseAndOr());
      const t = this.peek();
      if ((t.kind === 'op' && t.op === ';') || t.kind === 'newline') {
        this.take();
        this.skipNewlines();
        continue;
      }
      break;
    }
    if (items.length === 0) throw this.unexpected(this.peek());
    return { items };
  }

  private atListEnd(): boolean {
    const t = this.peek();
    if (t.kind === 'eof') return true;
    if (t.kind === 'op') return t.op === ')';
    if (t.kind !== 'word') return false;
    const text = plainText(t.word);
    return text !== undefined && LIST_ENDS.has(text);
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.take();
      this.skipNewlines();
      rest.push({ op: t.op, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negated = false;
    while (this.peekReserved() === '!') {
      this.take();
      negated = !negated;
    }
    const command = this.parseCommand();
    const t = this.peek();
    if (t.kind === 'op' && t.op !== ';' && t.op !== '&&' && t.op !== '||' && t.op !== ')') throw this.unexpected(t);
    return { negated, command };
  }

  private parseCommand(): Command {
    const t = this.peek();
    if (t.kind !== 'word') throw this.unexpected(t);
    const reserved = plainText(t.word);
    switch (reserved) {
      case 'if':
        return this.nested(() => this.parseIf());
      case 'for':
        return this.nested(() => this.parseFor());
      case 'while':
      case 'until':
        return this.nested(() => this.parseLoop(reserved === 'until'));
      case '{':
        return this.nested(() => this.parseGroup());
    }
    if (reserved !== undefined && MISPLACED.has(reserved)) throw this.unexpected(t);
    if (reserved !== undefined && UNSUPPORTED.has(reserved)) throw new ShellSyntaxError(`"${reserved}" is not supported`);
    return this.parseSimple();
  }

  private parseSimple(): SimpleCommand {
    const assignments: Assignment[] = [];
    const words: Word[] = [];
    for (let t = this.peek(); t.kind === 'word'; t = this.peek()) {
      this.take();
      const assignment = words.length === 0 ? asAssignment(t.word) : undefined;
      if (assignment) assignments.push(assignment);
      else words.push(t.word);
    }
    const after = this.peek();
    if (after.kind === 'op' && after.op === '(' && words.length === 1 && assignments.length === 0) {
      throw new ShellSyntaxError('function definitions are not supported');
    }
    return { type: 'simple', assignments, words };
  }

  private parseIf(): Command {
    this.take(); // if
    const clauses: { condition: List; body: List }[] = [];
    let otherwise: List | undefined;
    const condition = this.parseList();
    this.expect('then');
    clauses.push({ condition, body: this.parseList() });
    for (;;) {
      const word = this.peekReserved();
      if (word === 'elif') {
        this.take();
        const c = this.parseList();
        this.expect('then');
        clauses.push({ condition: c, body: this.parseList() });
      } else if (word === 'else') {
        this.take();
        otherwise = this.parseList();
        this.expect('fi');
        break;
      } else {
        this.expect('fi');
        break;
      }
    }
    return { type: 'if', clauses, otherwise };
  }

  private parseFor(): Command {
    this.take(); // for
    const t = this.take();
    if (t.kind === 'eof') throw new ShellSyntaxError('unexpected end of file', true);
    const name = t.kind === 'word' ? plainText(t.word) : undefined;
    if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ShellSyntaxError(`bad for loop variable${t.kind === 'word' ? `: ${t.word.raw}` : ''}`);
    }
    this.skipNewlines();
    const items: Word[] = [];
    if (this.peekReserved() === 'in') {
      this.take();
      for (let w = this.peek(); w.kind === 'word'; w = this.peek()) items.push((this.take() as { word: Word }).word);
      const end = this.peek();
      if ((end.kind === 'op' && end.op === ';') || end.kind === 'newline') this.take();
      else throw this.unexpected(end);
    } else {
      const end = this.peek();
      if (end.kind === 'op' && end.op === ';') this.take();
    }
    this.skipNewlines();
    this.expect('do');
    const body = this.parseList();
    this.expect('done');
    return { type: 'for', name, items, body };
  }

  private parseLoop(until: boolean): Command {
    this.take(); // while / until
    const condition = this.parseList();
    this.expect('do');
    const body = this.parseList();
    this.expect('done');
    return { type: 'loop', until, condition, body };
  }

  private parseGroup(): Command {
    this.take(); // {
    const body = this.parseList();
    this.expect('}');
    return { type: 'group', body };
  }

  private nested<T>(parse: () => T): T {
    this.lexer.nest();
    try {
      return parse();
    } finally {
      this.lexer.depth--;
    }
  }

  private expect(word: string): void {
    const t = this.peek();
    if (t.kind === 'word' && plainText(t.word) === word) {
      this.take();
      return;
    }
    if (t.kind === 'eof') throw new ShellSyntaxError(`unexpected end of file (expecting "${word}")`, true);
    throw this.unexpected(t, word);
  }

  private unexpected(t: Token, expecting?: string): ShellSyntaxError {
    const suffix = expecting ? ` (expecting "${expecting}")` : '';
    switch (t.kind) {
      case 'eof':
        return new ShellSyntaxError(`unexpected end of file${suffix}`, true);
      case 'newline':
        return new ShellSyntaxError(`unexpected newline${suffix}`);
      case 'word':
        return new ShellSyntaxError(`unexpected "${t.word.raw}"${suffix}`);
      case 'op':
        if (t.op === '|') return new ShellSyntaxError('pipes are not supported');
        if (REDIRECTIONS.has(t.op)) return new ShellSyntaxError('redirections are not supported');
        if (t.op === '&') return new ShellSyntaxError('background jobs (&) are not supported');
        if (t.op === '(') return new ShellSyntaxError('subshells are not supported');
        return new ShellSyntaxError(`unexpected "${t.op}"${suffix}`);
    }
  }

  private peek(): Token {
    this.lookahead ??= this.lexer.next();
    return this.lookahead;
  }

  private take(): Token {
    const t = this.peek();
    this.lookahead = undefined;
    return t;
  }

  private peekReserved(): string | undefined {
    const t = this.peek();
    return t.kind === 'word' ? plainText(t.word) : undefined;
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.take();
  }
}

const HOOKS: LexerHooks = {
  commandSubstitution: (lexer) => new Parser('', lexer.depth, lexer).parseSubstitution(),
  backquote: (source, depth) => new Parser(source, depth).parseAll(),
};

/** `NAME=value` as the first words of a simple command. */
function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (!first || first.type !== 'literal' || first.quoted) return undefined;
  const m = ASSIGNMENT.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  const parts: WordPart[] = rest ? [{ type: 'literal', text: rest, quoted: false }, ...word.parts.slice(1)] : word.parts.slice(1);
  return { name: m[1]!, value: { parts, raw: word.raw.slice(m[0].length) } };
}
