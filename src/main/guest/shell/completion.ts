import { stringWidth } from './wcwidth';

/** What completion may offer; the shell answers from its builtins, the tools, its variables and the VFS. */
export interface CompletionSource {
  /** Builtins and tools. */
  commandNames(): readonly string[];
  /** Option words of a command (Tool.options, or a builtin's). */
  optionsOf(command: string): readonly string[];
  variableNames(): readonly string[];
  /** The entries of a directory (absolute path), or undefined if it is none. */
  listDirectory(path: string): readonly { readonly name: string; readonly dir: boolean }[] | undefined;
  readonly cwd: string;
  readonly home: string;
}

export interface Completion {
  /** Index in the text before the cursor where the word being completed starts. */
  readonly start: number;
  /** Replaces the text from `start` to the cursor. */
  readonly replacement?: string;
  /** Several matches and nothing to add: these are listed under the prompt. */
  readonly candidates?: readonly string[];
}

/** Words after which the next word is a command again. */
const COMMAND_PREFIXES = new Set(['if', 'then', 'elif', 'else', 'do', 'while', 'until', '!', '{', 'time']);
const OPERATOR_CHARS = ';&|()<>\n';
const NEEDS_ESCAPE = /[\s'"\\$`;&|()<>*?[\]!{}#]/g;

interface Word {
  start: number;
  value: string;
}

interface Context {
  /** The word at the cursor (possibly empty). */
  word: Word;
  /** Raw text of the word at the cursor. */
  raw: string;
  /** Unquoted words before it in the same simple command. */
  previous: string[];
}

/** Split the text before the cursor just enough to know the word being completed and its command. */
function scan(before: string): Context {
  let previous: string[] = [];
  let word: Word | undefined;
  let quote = '';
  const endWord = (): void => {
    if (word) previous.push(word.value);
    word = undefined;
  };
  const newCommand = (): void => {
    endWord();
    previous = [];
  };
  for (let i = 0; i < before.length; i++) {
    const c = before[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      else word!.value += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '\\' && i + 1 < before.length && '$`"\\'.includes(before[i + 1]!)) word!.value += before[++i];
      else word!.value += c;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      continue;
    }
    if (OPERATOR_CHARS.includes(c)) {
      newCommand();
      continue;
    }
    if (c === '$' && before[i + 1] === '(') {
      newCommand();
      i++;
      continue;
    }
    word ??= { start: i, value: '' };
    if (c === '\\') {
      if (i + 1 < before.length) word.value += before[++i];
    } else if (c === "'" || c === '"') {
      quote = c;
    } else {
      word.value += c;
    }
  }
  const current = word ?? { start: before.length, value: '' };
  return { word: current, raw: before.slice(current.start), previous };
}

function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}

/** Backslash-escape what the shell would otherwise take as syntax. */
export function escapeWord(text: string): string {
  return text.replace(NEEDS_ESCAPE, (c) => '\\' + c);
}

function commonPrefix(items: readonly string[]): string {
  if (items.length === 0) return '';
  let prefix = items[0]!;
  for (const item of items) {
    let n = 0;
    while (n < prefix.length && n < item.length && prefix[n] === item[n]) n++;
    prefix = prefix.slice(0, n);
  }
  // Never end in the middle of a surrogate pair.
  const last = prefix.charCodeAt(prefix.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix;
}

const sortUnique = (items: Iterable<string>): string[] => [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Complete the word before the cursor: a command name in command position, an option when the word
 * starts with '-', a variable after '$', a path otherwise. One match is completed (with a space, or '/'
 * for a directory); several are completed up to their common prefix, or listed when that adds nothing.
 */
export function complete(before: string, source: CompletionSource): Completion {
  const { word, raw, previous } = scan(before);
  const value = word.value;
  const start = word.start;

  const dollar = raw.lastIndexOf('$');
  const variable = dollar >= 0 ? /^\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(raw.slice(dollar)) : null;
  if (variable) {
    const brace = variable[1]!;
    const prefix = variable[2] ?? '';
    const names = sortUnique(source.variableNames().filter((n) => n.startsWith(prefix)));
    const lead = raw.slice(0, dollar) + '$' + brace;
    return choose(start, names, prefix, (name, unique) => lead + name + (unique ? (brace ? '} ' : ' ') : ''), (n) => '$' + n);
  }

  const words = previous.filter((w) => !isAssignment(w));
  const commandPosition = previous.every((w) => isAssignment(w) || COMMAND_PREFIXES.has(w));
  if (!commandPosition && value.startsWith('-')) {
    const command = words.find((w) => !COMMAND_PREFIXES.has(w)) ?? '';
    const options = sortUnique(source.optionsOf(command).filter((o) => o.startsWith(value)));
    return choose(start, options, value, (o, unique) => escapeWord(o) + (unique ? ' ' : ''));
  }
  if (commandPosition && !value.includes('/')) {
    const names = sortUnique(source.commandNames().filter((n) => n.startsWith(value)));
    return choose(start, names, value, (n, unique) => escapeWord(n) + (unique ? ' ' : ''));
  }
  return completePath(start, value, source);
}

function completePath(start: number, value: string, source: CompletionSource): Completion {
  const slash = value.lastIndexOf('/');
  const dirPart = value.slice(0, slash + 1);
  const base = value.slice(slash + 1);
  let lookup = dirPart;
  if (lookup === '~' || lookup.startsWith('~/')) lookup = source.home + lookup.slice(1);
  if (value === '~') return { start, replacement: '~/' };
  const dir = lookup === '' ? source.cwd : lookup.startsWith('/') ? lookup : `${source.cwd}/${lookup}`;
  const entries = (source.listDirectory(dir) ?? []).filter(
    (e) => e.name.startsWith(base) && (base.startsWith('.') || !e.name.startsWith('.')),
  );
  const isDir = new Map(entries.map((e) => [e.name, e.dir]));
  const names = sortUnique(entries.map((e) => e.name));
  const keepTilde = (text: string): string => (text.startsWith('~') ? '~' + escapeWord(text.slice(1)) : escapeWord(text));
  return choose(
    start,
    names,
    base,
    (name, unique) => keepTilde(dirPart + name) + (unique ? (isDir.get(name) ? '/' : ' ') : ''),
    (name) => name + (isDir.get(name) ? '/' : ''),
  );
}

/** The common decision: one match, a longer common prefix, or a list. */
function choose(
  start: number,
  matches: readonly string[],
  typed: string,
  replace: (text: string, unique: boolean) => string,
  show: (text: string) => string = (t) => t,
): Completion {
  if (matches.length === 0) return { start };
  if (matches.length === 1) return { start, replacement: replace(matches[0]!, true) };
  const prefix = commonPrefix(matches);
  if (prefix.length > typed.length) return { start, replacement: replace(prefix, false) };
  return { start, candidates: matches.map(show) };
}

/** Lay out items in columns (down, then across) within `cols` columns, as bash lists completions. */
export function formatColumns(items: readonly string[], cols: number): string[] {
  if (items.length === 0) return [];
  const width = Math.max(...items.map(stringWidth)) + 2;
  const perRow = Math.max(1, Math.floor((cols + 2) / width));
  const rows = Math.ceil(items.length / perRow);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const item = items[c * rows + r];
      if (item === undefined) continue;
      line += item + ' '.repeat(Math.max(0, width - stringWidth(item)));
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
