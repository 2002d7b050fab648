import { evaluateArithmetic, type ArithmeticScope } from './arith';
import type { List, Word } from './ast';
import { ShellError } from './errors';
import { expandPathname, hasGlob, type GlobFs } from './glob';

/** What expansion needs from the shell running the word. */
export interface ExpansionContext {
  /** A variable or special parameter ($?, $#, $$, $0 ...); undefined when unset. */
  param(name: string): string | undefined;
  /** Run a command substitution and return what it printed. */
  substitute(body: List): Promise<string>;
  readonly arithmetic: ArithmeticScope;
  readonly home: string;
  readonly cwd: string;
  readonly fs: GlobFs;
}

/** No single expansion may build more than this (a doubling loop would exhaust the host's memory). */
export const MAX_EXPANSION = 1 << 24;
const DEFAULT_IFS = ' \t\n';

/** A piece of an expanded word, before field splitting. */
interface Piece {
  readonly text: string;
  readonly quoted: boolean;
  /** The result of an unquoted expansion: split on IFS (and globbed). */
  readonly split: boolean;
}

const escapeGlob = (text: string): string => text.replace(/[\\*?[]/g, '\\$&');

function tilde(text: string, ctx: ExpansionContext): string {
  if (!text.startsWith('~')) return text;
  const slash = text.indexOf('/');
  const user = slash < 0 ? text.slice(1) : text.slice(1, slash);
  const rest = slash < 0 ? '' : text.slice(slash);
  if (user === '') return ctx.home + rest;
  if (user === 'root') return '/root' + rest;
  if (user === '+') return ctx.cwd + rest;
  return text;
}

async function pieces(word: Word, ctx: ExpansionContext): Promise<Piece[]> {
  const out: Piece[] = [];
  let total = 0;
  const add = (piece: Piece): void => {
    total += piece.text.length;
    if (total > MAX_EXPANSION) throw new ShellError(`${word.raw.slice(0, 40)}: expansion too long`);
    out.push(piece);
  };
  for (let i = 0; i < word.parts.length; i++) {
    const part = word.parts[i]!;
    switch (part.type) {
      case 'literal':
        add({ text: i === 0 && !part.quoted ? tilde(part.text, ctx) : part.text, quoted: part.quoted, split: false });
        break;
      case 'param': {
        const value = ctx.param(part.name) ?? '';
        const text = part.length ? String([...value].length) : value;
        add({ text, quoted: part.quoted, split: !part.quoted });
        break;
      }
      case 'command': {
        const text = (await ctx.substitute(part.body)).replace(/\n+$/, '');
        add({ text, quoted: part.quoted, split: !part.quoted });
        break;
      }
      case 'arith': {
        const expr = await expandString(part.expr, ctx);
        add({ text: evaluateArithmetic(expr, ctx.arithmetic).toString(), quoted: part.quoted, split: !part.quoted });
        break;
      }
    }
  }
  return out;
}

/** A word expanded to one string: no splitting, no globbing (assignments, the `$((...))` text). */
export async function expandString(word: Word, ctx: ExpansionContext): Promise<string> {
  return (await pieces(word, ctx)).map((p) => p.text).join('');
}

/** Words expanded into fields: parameters, substitutions, arithmetic, then IFS splitting and globbing. */
export async function expandFields(words: readonly Word[], ctx: ExpansionContext): Promise<string[]> {
  const fields: string[] = [];
  const ifs = ctx.param('IFS') ?? DEFAULT_IFS;
  for (const word of words) {
    if (isQuotedAt(word)) continue; // "$@" with no positional parameters is no word at all
    for (const field of split(await pieces(word, ctx), ifs)) {
      if (hasGlob(field.pattern)) {
        const matches = expandPathname(field.pattern, ctx.cwd, ctx.fs);
        if (matches.length > 0) {
          fields.push(...matches);
          continue;
        }
      }
      fields.push(field.value);
    }
  }
  return fields;
}

/** A word that is "$@" and nothing else. */
function isQuotedAt(word: Word): boolean {
  const rest = word.parts.filter((p) => !(p.type === 'literal' && p.quoted && p.text === ''));
  return rest.length === 1 && rest[0]!.type === 'param' && rest[0]!.name === '@' && rest[0]!.quoted;
}

interface Field {
  value: string;
  /** The value with quoted characters escaped, for pathname expansion. */
  pattern: string;
}

/** Field splitting: only the results of unquoted expansions split, on the characters of IFS. */
function split(list: readonly Piece[], ifs: string): Field[] {
  const fields: Field[] = [];
  let value = '';
  let pattern = '';
  let started = false;
  let afterBlank = false;
  const push = (): void => {
    fields.push({ value, pattern });
    value = '';
    pattern = '';
    started = false;
  };
  for (const piece of list) {
    if (!piece.split) {
      value += piece.text;
      pattern += piece.quoted ? escapeGlob(piece.text) : piece.text;
      if (piece.quoted || piece.text !== '') started = true;
      afterBlank = false;
      continue;
    }
    for (const ch of piece.text) {
      if (!ifs.includes(ch)) {
        value += ch;
        pattern += ch;
        started = true;
        afterBlank = false;
      } else if (DEFAULT_IFS.includes(ch)) {
        if (started) {
          push();
          afterBlank = true;
        }
      } else {
        if (started || !afterBlank) push();
        afterBlank = false;
      }
    }
  }
  if (started) push();
  return fields;
}
