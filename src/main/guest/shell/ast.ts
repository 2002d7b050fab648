/** The shell language as a tree: what the parser builds and the interpreter runs. */

export type WordPart =
  /** Text as written; `quoted` text is neither split nor globbed. */
  | { readonly type: 'literal'; readonly text: string; readonly quoted: boolean }
  /** $NAME, ${NAME}, $?, $1 ...; `length` for ${#NAME}. */
  | { readonly type: 'param'; readonly name: string; readonly quoted: boolean; readonly length?: boolean }
  /** $(list) or `list`. */
  | { readonly type: 'command'; readonly body: List; readonly quoted: boolean }
  /** $((expression)): the expression is expanded like a double-quoted word, then evaluated. */
  | { readonly type: 'arith'; readonly expr: Word; readonly quoted: boolean };

export interface Word {
  readonly parts: readonly WordPart[];
  /** The source text, for messages. */
  readonly raw: string;
}

export interface Assignment {
  readonly name: string;
  readonly value: Word;
}

export interface SimpleCommand {
  readonly type: 'simple';
  readonly assignments: readonly Assignment[];
  readonly words: readonly Word[];
}

export interface IfCommand {
  readonly type: 'if';
  readonly clauses: readonly { readonly condition: List; readonly body: List }[];
  readonly otherwise?: List;
}

export interface ForCommand {
  readonly type: 'for';
  readonly name: string;
  readonly items: readonly Word[];
  readonly body: List;
}

export interface LoopCommand {
  readonly type: 'loop';
  /** `until` runs while the condition fails. */
  readonly until: boolean;
  readonly condition: List;
  readonly body: List;
}

export interface GroupCommand {
  readonly type: 'group';
  readonly body: List;
}

export type Command = SimpleCommand | IfCommand | ForCommand | LoopCommand | GroupCommand;

export interface Pipeline {
  readonly negated: boolean;
  readonly command: Command;
}

export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
}

/** Commands run in turn (separated by `;` or newlines). */
export interface List {
  readonly items: readonly AndOr[];
}

export const RESERVED_WORDS = new Set(['if', 'then', 'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until', '{', '}', '!']);

/** The text of a word written without quotes or expansions, else undefined. */
export function plainText(word: Word): string | undefined {
  if (word.parts.length !== 1) return undefined;
  const part = word.parts[0]!;
  return part.type === 'literal' && !part.quoted ? part.text : undefined;
}
